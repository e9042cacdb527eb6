package dev.profilekit.core.live;

import java.util.Arrays;

/**
 * Per-column centring and scaling frozen at training time: {@code z = (x - mean) / scale}, with a missing
 * value (NaN) mapped to 0, i.e. imputed by the training mean. Columns with no spread get scale 1.
 * Immutable; {@link #z(double[], double[])} allocates nothing.
 */
public final class Standardizer {

    final double[] mean;
    final double[] scale;

    Standardizer(double[] mean, double[] scale) {
        this.mean = mean;
        this.scale = scale;
    }

    /** Fits on rows of raw vectors, ignoring NaN per column (population standard deviation). */
    public static Standardizer fit(double[][] rows, int from, int to, int d) {
        double[] mean = new double[d];
        double[] m2 = new double[d];
        long[] n = new long[d];
        for (int i = from; i < to; i++) {
            double[] x = rows[i];
            for (int j = 0; j < d; j++) {
                double v = x[j];
                if (v == v) {
                    n[j]++;
                    double delta = v - mean[j];
                    mean[j] += delta / n[j];
                    m2[j] += delta * (v - mean[j]);
                }
            }
        }
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            double sd = n[j] == 0 ? 0 : Math.sqrt(m2[j] / n[j]);
            scale[j] = sd > 1e-12 ? sd : 1.0;
        }
        return new Standardizer(mean, scale);
    }

    /** Writes the standardised {@code x} into {@code out}. */
    public void z(double[] x, double[] out) {
        for (int j = 0; j < mean.length; j++) {
            double v = x[j];
            out[j] = v == v ? (v - mean[j]) / scale[j] : 0.0;
        }
    }

    /** The raw vector whose standardised form is {@code z}. */
    double[] raw(double[] z) {
        double[] x = new double[z.length];
        for (int j = 0; j < z.length; j++) {
            x[j] = z[j] * scale[j] + mean[j];
        }
        return x;
    }

    @Override
    public String toString() {
        return "Standardizer{mean=" + Arrays.toString(mean) + ", scale=" + Arrays.toString(scale) + '}';
    }
}
