package dev.profilekit.models.metrics;

/**
 * Regression metrics: RMSE, MAE and the coefficient of determination R², matching scikit-learn.
 *
 * <p>Inputs must be non-null, non-empty, finite and of equal length; violations raise
 * {@link IllegalArgumentException} naming the argument, index and value. Every method is O(n).
 */
public final class RegressionMetrics {

    private RegressionMetrics() {
    }

    /** Root mean squared error, in the units of y. */
    public static double rmse(double[] yTrue, double[] yPred) {
        check(yTrue, yPred);
        double sum = 0;
        for (int i = 0; i < yTrue.length; i++) {
            double e = yTrue[i] - yPred[i];
            sum += e * e;
        }
        return Math.sqrt(sum / yTrue.length);
    }

    /** Mean absolute error, in the units of y. */
    public static double mae(double[] yTrue, double[] yPred) {
        check(yTrue, yPred);
        double sum = 0;
        for (int i = 0; i < yTrue.length; i++) {
            sum += Math.abs(yTrue[i] - yPred[i]);
        }
        return sum / yTrue.length;
    }

    /**
     * R² = 1 - SS_res / SS_tot with SS_tot about the mean of {@code yTrue}. As in scikit-learn, a constant
     * {@code yTrue} gives 1 when the predictions are perfect and 0 otherwise. Can be negative.
     */
    public static double r2(double[] yTrue, double[] yPred) {
        check(yTrue, yPred);
        double mean = 0;
        for (double v : yTrue) {
            mean += v;
        }
        mean /= yTrue.length;
        double ssRes = 0;
        double ssTot = 0;
        for (int i = 0; i < yTrue.length; i++) {
            double e = yTrue[i] - yPred[i];
            double c = yTrue[i] - mean;
            ssRes += e * e;
            ssTot += c * c;
        }
        if (ssTot == 0) {
            return ssRes == 0 ? 1.0 : 0.0;
        }
        return 1 - ssRes / ssTot;
    }

    private static void check(double[] yTrue, double[] yPred) {
        ConfusionMatrix.requireFinite(yTrue, "yTrue");
        ConfusionMatrix.requireFinite(yPred, "yPred");
        if (yTrue.length != yPred.length) {
            throw new IllegalArgumentException("yTrue has " + yTrue.length + " elements but yPred has " + yPred.length);
        }
    }
}
