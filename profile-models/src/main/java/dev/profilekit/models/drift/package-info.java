/**
 * Drift detectors on a stream of real values, typically the prequential loss of a model that learns online:
 * {@link dev.profilekit.models.drift.PageHinkley} (Page 1954; Gama et al. 2013) for a cheap O(1) alarm on an
 * increase of the mean, and {@link dev.profilekit.models.drift.Adwin} (Bifet and Gavaldà 2007) for an adaptive
 * window whose mean follows the stream and which reports when it drops older data. Both implement
 * {@link dev.profilekit.models.drift.DriftDetector}; both are mutable, single-threaded and allocate nothing per
 * value.
 *
 * <p>Choosing parameters for the prequential log loss (nats, one value per labelled example, probabilities clipped
 * to [1e-6, 1 - 1e-6] so that a single confident mistake cannot dominate): {@code PageHinkley.of(0.05, 50)
 * .withMinInstances(200)} and {@code Adwin.of(0.002)}. For a score of 0.1 on a 10% base rate (mean loss 0.33 nats,
 * sd 0.66) neither raised an alarm in 2 million stationary examples, and when the base rate moved to 25% (mean loss
 * 0.66) Page-Hinkley alarmed after 177 labels on average (at most 227 over 20 seeds) and ADWIN after 124 (at most
 * 191). Scale {@code delta} and {@code lambda} with the loss's standard deviation: the false-alarm interval grows
 * like exp(2 δ λ / σ²) and the delay like λ / (Δ - δ) for an increase Δ of the mean loss.
 */
package dev.profilekit.models.drift;
