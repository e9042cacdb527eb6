package dev.profilekit.models.metrics;

import dev.profilekit.features.Checks;
import java.util.Arrays;

/**
 * Binary classification metrics (positive class 1), matching scikit-learn's definitions.
 *
 * <p>All methods validate their input: labels must be 0 or 1, scores and probabilities finite, and the
 * arrays non-empty and of equal length; violations raise {@link IllegalArgumentException} naming the
 * argument, index and value.
 */
public final class ClassificationMetrics {

    /** Probabilities are clipped to [{@value}, 1 - {@value}] by {@link #logLoss}, as scikit-learn does. */
    public static final double LOG_LOSS_EPSILON = 1e-15;

    private ClassificationMetrics() {
    }

    /** Fraction of predictions equal to the label. O(n). */
    public static double accuracy(int[] yTrue, int[] yPred) {
        return ConfusionMatrix.of(yTrue, yPred).accuracy();
    }

    /** tp / (tp + fp), 0 when nothing is predicted positive. O(n). */
    public static double precision(int[] yTrue, int[] yPred) {
        return ConfusionMatrix.of(yTrue, yPred).precision();
    }

    /** tp / (tp + fn), 0 when there are no positive labels. O(n). */
    public static double recall(int[] yTrue, int[] yPred) {
        return ConfusionMatrix.of(yTrue, yPred).recall();
    }

    /** Harmonic mean of precision and recall, 0 when both are 0. O(n). */
    public static double f1(int[] yTrue, int[] yPred) {
        return ConfusionMatrix.of(yTrue, yPred).f1();
    }

    /**
     * Area under the ROC curve, equal to the probability that a random positive scores higher than a random
     * negative, with ties counted as half (the Mann-Whitney U statistic divided by n1*n0).
     *
     * <p>O(n log n): the negative scores are sorted once and every positive is located by two binary searches
     * (number of negatives strictly below, number equal). The sum is of integers and halves, so it is exact
     * up to 2^52.
     *
     * @param yTrue  labels 0/1, both classes present
     * @param scores finite scores, higher meaning more likely positive
     * @throws IllegalArgumentException when only one class is present, or on the common input checks
     */
    public static double rocAuc(int[] yTrue, double[] scores) {
        ConfusionMatrix.requireBinary(yTrue, "yTrue");
        ConfusionMatrix.requireFinite(scores, "scores");
        ConfusionMatrix.requireSameLength(yTrue.length, "yTrue", scores.length, "scores");
        int positives = 0;
        for (int label : yTrue) {
            positives += label;
        }
        int negatives = yTrue.length - positives;
        Checks.requireArgument(positives > 0 && negatives > 0,
                "ROC AUC needs both classes in yTrue, had %d positives and %d negatives", positives, negatives);
        double[] negativeScores = new double[negatives];
        int k = 0;
        for (int i = 0; i < yTrue.length; i++) {
            if (yTrue[i] == 0) {
                // +0.0 folds -0.0 into 0.0 so that both compare as one tied value after sorting
                negativeScores[k++] = scores[i] + 0.0;
            }
        }
        Arrays.sort(negativeScores);
        double doubledWins = 0; // 2 * (wins + ties / 2): integer arithmetic in a double, exact
        for (int i = 0; i < yTrue.length; i++) {
            if (yTrue[i] == 1) {
                double s = scores[i] + 0.0;
                int below = lowerBound(negativeScores, s);
                int notAbove = upperBound(negativeScores, s);
                doubledWins += 2.0 * below + (notAbove - below);
            }
        }
        return doubledWins / (2.0 * positives * (double) negatives);
    }

    /**
     * Mean log loss (binary cross-entropy) in nats: -mean(y log p + (1 - y) log(1 - p)), with p clipped to
     * [{@link #LOG_LOSS_EPSILON}, 1 - {@link #LOG_LOSS_EPSILON}] as scikit-learn does. O(n).
     *
     * @param yTrue         labels 0/1
     * @param probabilities predicted probabilities of class 1, each in [0, 1]
     * @throws IllegalArgumentException on a probability outside [0, 1], or on the common input checks
     */
    public static double logLoss(int[] yTrue, double[] probabilities) {
        ConfusionMatrix.requireBinary(yTrue, "yTrue");
        ConfusionMatrix.requireFinite(probabilities, "probabilities");
        ConfusionMatrix.requireSameLength(yTrue.length, "yTrue", probabilities.length, "probabilities");
        double sum = 0;
        for (int i = 0; i < yTrue.length; i++) {
            double p = probabilities[i];
            if (p < 0 || p > 1) {
                throw new IllegalArgumentException("probabilities must be in [0, 1], was " + p + " at index " + i);
            }
            p = Math.min(Math.max(p, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);
            sum -= yTrue[i] == 1 ? Math.log(p) : Math.log(1 - p);
        }
        return sum / yTrue.length;
    }

    /** First index whose value is >= v (the number of values < v). */
    private static int lowerBound(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** First index whose value is > v (the number of values <= v). */
    private static int upperBound(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
