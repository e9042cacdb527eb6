package dev.profilekit.models.metrics;

import dev.profilekit.features.Checks;

/**
 * Counts of a binary classifier's decisions against the true labels (positive class 1, negative class 0).
 *
 * <p>Ratios whose denominator is zero (precision with no positive predictions, recall with no positive
 * labels, F1 when both are zero) are defined as 0, as scikit-learn does with {@code zero_division=0}.
 *
 * @param truePositives  label 1 predicted 1
 * @param falsePositives label 0 predicted 1
 * @param trueNegatives  label 0 predicted 0
 * @param falseNegatives label 1 predicted 0
 */
public record ConfusionMatrix(long truePositives, long falsePositives, long trueNegatives, long falseNegatives) {

    /** Validates that every count is non-negative. */
    public ConfusionMatrix {
        Checks.requireArgument(truePositives >= 0 && falsePositives >= 0 && trueNegatives >= 0 && falseNegatives >= 0,
                "counts must be >= 0, were tp=%d fp=%d tn=%d fn=%d",
                truePositives, falsePositives, trueNegatives, falseNegatives);
    }

    /**
     * Tallies predicted labels against true labels. O(n).
     *
     * @param yTrue true labels, each 0 or 1
     * @param yPred predicted labels, each 0 or 1, same length as {@code yTrue}
     * @throws IllegalArgumentException on null or empty arrays, mismatched lengths or labels other than 0/1
     */
    public static ConfusionMatrix of(int[] yTrue, int[] yPred) {
        requireBinary(yTrue, "yTrue");
        requireBinary(yPred, "yPred");
        requireSameLength(yTrue.length, "yTrue", yPred.length, "yPred");
        return tally(yTrue, i -> yPred[i] == 1);
    }

    /**
     * Tallies the decisions {@code score >= threshold -> 1} against the true labels. O(n).
     *
     * @param yTrue     true labels, each 0 or 1
     * @param scores    finite scores (e.g. probabilities), same length as {@code yTrue}
     * @param threshold decision threshold; a score equal to it is class 1
     * @throws IllegalArgumentException on null or empty arrays, mismatched lengths, labels other than 0/1,
     *                                  non-finite scores or threshold
     */
    public static ConfusionMatrix atThreshold(int[] yTrue, double[] scores, double threshold) {
        requireBinary(yTrue, "yTrue");
        requireFinite(scores, "scores");
        requireSameLength(yTrue.length, "yTrue", scores.length, "scores");
        Checks.requireFinite(threshold, "threshold");
        return tally(yTrue, i -> scores[i] >= threshold);
    }

    /** Number of examples counted. */
    public long total() {
        return truePositives + falsePositives + trueNegatives + falseNegatives;
    }

    /** (tp + tn) / total; 0 when empty. */
    public double accuracy() {
        long total = total();
        return total == 0 ? 0.0 : (double) (truePositives + trueNegatives) / total;
    }

    /** tp / (tp + fp); 0 when nothing was predicted positive. */
    public double precision() {
        long predicted = truePositives + falsePositives;
        return predicted == 0 ? 0.0 : (double) truePositives / predicted;
    }

    /** tp / (tp + fn); 0 when there are no positive labels. */
    public double recall() {
        long actual = truePositives + falseNegatives;
        return actual == 0 ? 0.0 : (double) truePositives / actual;
    }

    /**
     * Harmonic mean of precision and recall, computed as 2tp / (2tp + fp + fn) (the same value without the
     * rounding of two divisions); 0 when tp + fp + fn = 0.
     */
    public double f1() {
        long denominator = 2 * truePositives + falsePositives + falseNegatives;
        return denominator == 0 ? 0.0 : (double) (2 * truePositives) / denominator;
    }

    // Input checks shared with ClassificationMetrics; messages name the argument, index and value.

    static void requireBinary(int[] labels, String name) {
        if (labels == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException(name + " labels must be 0 or 1, was " + labels[i] + " at index " + i);
            }
        }
    }

    /** Counts the four cells; {@code predictedPositive} tells the decision for row i. O(n). */
    private static ConfusionMatrix tally(int[] yTrue, java.util.function.IntPredicate predictedPositive) {
        long tp = 0;
        long fp = 0;
        long tn = 0;
        long fn = 0;
        for (int i = 0; i < yTrue.length; i++) {
            if (predictedPositive.test(i)) {
                if (yTrue[i] == 1) {
                    tp++;
                } else {
                    fp++;
                }
            } else if (yTrue[i] == 1) {
                fn++;
            } else {
                tn++;
            }
        }
        return new ConfusionMatrix(tp, fp, tn, fn);
    }

    /** Fails unless {@code values} is non-null, non-empty and finite; the message names it, the value and index. */
    static void requireFinite(double[] values, String name) {
        if (values == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (values.length == 0) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(name + " must be finite, was " + values[i] + " at index " + i);
            }
        }
    }

    static void requireSameLength(int a, String nameA, int b, String nameB) {
        if (a != b) {
            throw new IllegalArgumentException(nameA + " has " + a + " elements but " + nameB + " has " + b);
        }
    }
}
