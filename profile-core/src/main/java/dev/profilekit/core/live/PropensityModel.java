package dev.profilekit.core.live;

import java.util.List;

/**
 * One immutable version of the live propensity model: a logistic regression over standardised profile
 * vectors. {@link #score(double[])} takes the raw vector (missing values NaN) and allocates nothing.
 * Versions increase by one with every publication (an online update or an accepted retrain).
 */
public final class PropensityModel {

    private final long version;
    private final String origin;
    private final List<String> names;
    private final Standardizer scaler;
    private final double[] weights;
    private final double intercept;
    private final long trainedOn;

    PropensityModel(long version, String origin, List<String> names, Standardizer scaler, double[] weights,
                    double intercept, long trainedOn) {
        this.version = version;
        this.origin = origin;
        this.names = names;
        this.scaler = scaler;
        this.weights = weights;
        this.intercept = intercept;
        this.trainedOn = trainedOn;
    }

    /** The version number (1 for the first model). */
    public long version() {
        return version;
    }

    /** {@code "batch"} for a retrain, {@code "online"} for a publication of the online learner. */
    public String origin() {
        return origin;
    }

    /** Column names of the feature vector. */
    public List<String> featureNames() {
        return names;
    }

    /** Coefficients on standardised columns (a copy). */
    public double[] coefficients() {
        return weights.clone();
    }

    /** The intercept. */
    public double intercept() {
        return intercept;
    }

    /** Number of labelled examples the model has learned from (batch size, or examples seen online). */
    public long trainedOn() {
        return trainedOn;
    }

    PropensityModel withVersion(long v) {
        return new PropensityModel(v, origin, names, scaler, weights, intercept, trainedOn);
    }

    Standardizer scaler() {
        return scaler;
    }

    /** P(label event within the horizon) for a raw profile vector. O(d), no allocation. */
    public double score(double[] raw) {
        if (raw == null || raw.length < weights.length) {
            throw new IllegalArgumentException("raw must have " + weights.length + " values, was "
                    + (raw == null ? "null" : raw.length));
        }
        double z = intercept;
        double[] mean = scaler.mean;
        double[] scale = scaler.scale;
        for (int j = 0; j < weights.length; j++) {
            double v = raw[j];
            if (v == v) {
                z += weights[j] * (v - mean[j]) / scale[j];
            }
        }
        return z >= 0 ? 1.0 / (1.0 + Math.exp(-z)) : Math.exp(z) / (1.0 + Math.exp(z));
    }

    @Override
    public String toString() {
        return "PropensityModel{version=" + version + ", origin=" + origin + ", trainedOn=" + trainedOn + '}';
    }
}
