package dev.profilekit.models.timeseries;

/**
 * Forecasts of the original (undifferenced) series for steps 1..h after its end, with their standard errors
 * (innovation noise and the filter's end-of-sample state uncertainty; parameter uncertainty is not included)
 * and Gaussian prediction intervals {@code mean ± z * se} at the given coverage level. Accessors return copies.
 */
public final class ArimaForecast {

    private final double[] mean;
    private final double[] standardErrors;
    private final double level;
    private final double z;

    ArimaForecast(double[] mean, double[] standardErrors, double level, double z) {
        this.mean = mean.clone();
        this.standardErrors = standardErrors.clone();
        this.level = level;
        this.z = z;
    }

    /** Number of steps. */
    public int steps() {
        return mean.length;
    }

    /** Point forecasts (conditional means), in the units of the series. */
    public double[] mean() {
        return mean.clone();
    }

    /** Standard errors of the forecast errors. */
    public double[] standardErrors() {
        return standardErrors.clone();
    }

    /** Coverage of the intervals, e.g. 0.95. */
    public double level() {
        return level;
    }

    /** Lower interval bounds. */
    public double[] lower() {
        double[] out = new double[mean.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = mean[i] - z * standardErrors[i];
        }
        return out;
    }

    /** Upper interval bounds. */
    public double[] upper() {
        double[] out = new double[mean.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = mean[i] + z * standardErrors[i];
        }
        return out;
    }
}
