/**
 * Drift detectors on a stream of real values, typically the prequential loss of a model that learns online:
 * {@link dev.profilekit.models.drift.PageHinkley} (Page 1954; Gama et al. 2013) for a cheap O(1) alarm on an
 * increase of the mean, and {@link dev.profilekit.models.drift.Adwin} (Bifet and Gavaldà 2007) for an adaptive
 * window whose mean follows the stream and which reports when it drops older data. Both implement
 * {@link dev.profilekit.models.drift.DriftDetector}; both are mutable, single-threaded and allocate nothing per
 * value.
 */
package dev.profilekit.models.drift;
