package dev.profilekit.core.live.internal;

import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;

/** Sampling and snapshot helpers the vector-based live models share (propensity, segments). */
public final class Vectors {

    private Vectors() {
    }

    /** Whether a sample taken last at {@code last} (MIN_VALUE: never) allows another one at {@code t}. */
    public static boolean due(long last, long t, long interval) {
        return last == Long.MIN_VALUE || t - last >= interval;
    }

    /** Writes {@code x}: its length, then its values. */
    public static void writeVector(ByteWriter out, double[] x) {
        out.varInt(x.length);
        for (double v : x) {
            out.f64(v);
        }
    }

    /**
     * Reads what {@link #writeVector} wrote.
     *
     * @throws dev.profilekit.features.codec.StateFormatException if the length is not {@code dimension}
     */
    public static double[] readVector(ByteReader in, int dimension) {
        int d = in.varInt(Integer.MAX_VALUE);
        if (d != dimension) {
            throw in.error("a vector of " + d + " values where the model has " + dimension);
        }
        double[] x = new double[d];
        for (int i = 0; i < d; i++) {
            x[i] = in.f64();
        }
        return x;
    }
}
