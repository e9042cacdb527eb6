package dev.profilekit.core.spi;

/**
 * Prequential (test-then-train) evaluation of the propensity model: every labelled example is scored
 * before it is learned from.
 *
 * @param examples      labelled examples so far
 * @param auc           ROC AUC over all of them (ties half; scores binned to 1/65536), NaN until both
 *                      classes were seen
 * @param logLoss       mean log loss over all of them (probabilities clipped to [1e-15, 1 - 1e-15])
 * @param recentAuc     ROC AUC over the most recent window (exact), NaN until both classes are in it
 * @param recentLogLoss mean log loss over the most recent window
 * @param positives     labelled examples with label 1
 */
public record Prequential(long examples, double auc, double logLoss, double recentAuc, double recentLogLoss,
                          long positives) {
}
