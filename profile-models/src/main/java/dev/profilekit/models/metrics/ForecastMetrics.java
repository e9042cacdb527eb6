package dev.profilekit.models.metrics;

/**
 * Forecast accuracy: mean absolute error, mean absolute percentage error and symmetric MAPE. All are
 * means over the points, returned as fractions (multiply by 100 for percent). O(n).
 */
public final class ForecastMetrics {

    private ForecastMetrics() {
    }

    /** Mean of {@code |actual - forecast|}, in the units of the series. */
    public static double mae(double[] actual, double[] forecast) {
        check(actual, forecast);
        double s = 0;
        for (int i = 0; i < actual.length; i++) {
            s += Math.abs(actual[i] - forecast[i]);
        }
        return s / actual.length;
    }

    /**
     * Mean of {@code |actual - forecast| / |actual|}, a fraction (as scikit-learn's
     * {@code mean_absolute_percentage_error}, without its epsilon).
     *
     * @throws IllegalArgumentException if an actual value is 0 (the ratio is undefined), naming its index
     */
    public static double mape(double[] actual, double[] forecast) {
        check(actual, forecast);
        double s = 0;
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] == 0) {
                throw new IllegalArgumentException("MAPE is undefined: actual[" + i + "] is 0");
            }
            s += Math.abs(actual[i] - forecast[i]) / Math.abs(actual[i]);
        }
        return s / actual.length;
    }

    /**
     * Symmetric MAPE, defined here as the mean of {@code 2 |forecast - actual| / (|actual| + |forecast|)}, a
     * fraction in [0, 2]; a term where both values are 0 counts as 0 (a perfect forecast).
     */
    public static double smape(double[] actual, double[] forecast) {
        check(actual, forecast);
        double s = 0;
        for (int i = 0; i < actual.length; i++) {
            double den = Math.abs(actual[i]) + Math.abs(forecast[i]);
            if (den > 0) {
                s += 2 * Math.abs(forecast[i] - actual[i]) / den;
            }
        }
        return s / actual.length;
    }

    private static void check(double[] actual, double[] forecast) {
        if (actual == null || forecast == null) {
            throw new IllegalArgumentException("actual and forecast must not be null");
        }
        if (actual.length != forecast.length) {
            throw new IllegalArgumentException("actual has " + actual.length + " values, forecast has "
                    + forecast.length);
        }
        if (actual.length == 0) {
            throw new IllegalArgumentException("actual and forecast must not be empty");
        }
        for (int i = 0; i < actual.length; i++) {
            if (!Double.isFinite(actual[i])) {
                throw new IllegalArgumentException("actual[" + i + "] is " + actual[i]);
            }
            if (!Double.isFinite(forecast[i])) {
                throw new IllegalArgumentException("forecast[" + i + "] is " + forecast[i]);
            }
        }
    }
}
