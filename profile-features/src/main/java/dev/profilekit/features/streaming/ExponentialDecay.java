package dev.profilekit.features.streaming;

/**
 * Static kernels for exponentially time-decayed sums kept as a pair (value, reference time) in a
 * {@code double[]}: {@code state[off]} is {@code V = Σ x_i · 2^(-(ref - t_i)/h)} and
 * {@code state[off + 1]} is {@code ref}, the largest event time added so far (epoch ms, exact as a
 * double up to 2^53). Reading at {@code T >= ref} gives {@code V · 2^(-(T - ref)/h)}, which is the
 * exact decayed sum {@code Σ x_i · 2^(-(T - t_i)/h)} for events in any arrival order; keeping the
 * reference at the largest time keeps every exponent non-positive, so nothing overflows.
 *
 * <p>All methods are O(1) and allocate nothing. {@code rate} is {@code ln 2 / halfLifeMs}, see
 * {@link #rate(long)}.
 */
public final class ExponentialDecay {

    /** Number of {@code double} slots one decayed sum occupies. */
    public static final int SLOTS = 2;

    private ExponentialDecay() {
    }

    /** The decay rate per millisecond for a half-life in milliseconds ({@code ln 2 / h}). */
    public static double rate(long halfLifeMs) {
        if (halfLifeMs <= 0) {
            throw new IllegalArgumentException("halfLifeMs must be > 0, was " + halfLifeMs);
        }
        return Math.log(2.0) / halfLifeMs;
    }

    /** Initialises an empty decayed sum at {@code off}. */
    public static void init(double[] state, int off) {
        state[off] = 0.0;
        state[off + 1] = Double.NEGATIVE_INFINITY;
    }

    /** Adds {@code x} observed at time {@code t} (epoch ms). */
    public static void add(double[] state, int off, long t, double x, double rate) {
        double ref = state[off + 1];
        if (t >= ref) {
            // moving the reference forward: decay what we have to the new reference first
            double v = state[off];
            state[off] = (v == 0.0 ? 0.0 : v * Math.exp(-(t - ref) * rate)) + x;
            state[off + 1] = t;
        } else {
            state[off] += x * Math.exp(-(ref - t) * rate);
        }
    }

    /**
     * The decayed sum as of {@code asOf}. Exact for {@code asOf >=} the reference time; for an
     * earlier time the later events would weigh more than 1, which callers prevent.
     */
    public static double valueAt(double[] state, int off, long asOf, double rate) {
        double v = state[off];
        return v == 0.0 ? 0.0 : v * Math.exp(-(asOf - state[off + 1]) * rate);
    }
}
