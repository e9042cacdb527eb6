package dev.profilekit.core.live;

import java.util.List;

/**
 * One immutable version of the live segments: k centroids over standardised profile vectors.
 * {@link #assign(double[])} takes the raw vector (missing values NaN) and allocates nothing.
 */
public final class SegmentsModel {

    private final long version;
    private final List<String> names;
    private final Standardizer scaler;
    private final double[][] centroids;

    SegmentsModel(long version, List<String> names, Standardizer scaler, double[][] centroids) {
        this.version = version;
        this.names = names;
        this.scaler = scaler;
        this.centroids = centroids;
    }

    /** The version number. */
    public long version() {
        return version;
    }

    /** Number of segments. */
    public int k() {
        return centroids.length;
    }

    /** Column names of the segment vector. */
    public List<String> featureNames() {
        return names;
    }

    /** Centroid {@code c} in raw (unstandardised) units. */
    public double[] centroid(int c) {
        return scaler.raw(centroids[c]);
    }

    Standardizer scaler() {
        return scaler;
    }

    double[][] standardisedCentroids() {
        return centroids;
    }

    /** The segment (nearest centroid, lowest index on ties) of a raw vector. O(k d), no allocation. */
    public int assign(double[] raw) {
        if (raw == null || raw.length < scaler.mean.length) {
            throw new IllegalArgumentException("raw must have " + scaler.mean.length + " values");
        }
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centroids.length; c++) {
            double[] m = centroids[c];
            double d = 0;
            for (int j = 0; j < m.length; j++) {
                double v = raw[j];
                double z = v == v ? (v - scaler.mean[j]) / scaler.scale[j] : 0.0;
                double diff = z - m[j];
                d += diff * diff;
            }
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "SegmentsModel{version=" + version + ", k=" + centroids.length + '}';
    }
}
