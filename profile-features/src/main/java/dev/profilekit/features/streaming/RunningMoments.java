package dev.profilekit.features.streaming;

/**
 * Static kernels for running count, mean, second central moment, min and max in five
 * {@code double} slots ({@code count, mean, m2, min, max}), updated with Welford's algorithm
 * (Welford 1962; Knuth TAOCP vol. 2, 4.2.2) and merged with the pairwise formula of Chan, Golub and
 * LeVeque (1979). Order-independent up to rounding; O(1); no allocation.
 */
public final class RunningMoments {

    /** Number of {@code double} slots one instance occupies. */
    public static final int SLOTS = 5;

    private RunningMoments() {
    }

    /** Initialises empty moments at {@code off}. */
    public static void init(double[] s, int off) {
        s[off] = 0.0;
        s[off + 1] = 0.0;
        s[off + 2] = 0.0;
        s[off + 3] = Double.POSITIVE_INFINITY;
        s[off + 4] = Double.NEGATIVE_INFINITY;
    }

    /** Adds one observation. */
    public static void add(double[] s, int off, double x) {
        double n = s[off] + 1.0;
        double delta = x - s[off + 1];
        double mean = s[off + 1] + delta / n;
        s[off] = n;
        s[off + 1] = mean;
        s[off + 2] += delta * (x - mean);
        if (x < s[off + 3]) {
            s[off + 3] = x;
        }
        if (x > s[off + 4]) {
            s[off + 4] = x;
        }
    }

    /**
     * Merges the moments at {@code src[srcOff]} into {@code dst[dstOff]}; merging into empty moments copies
     * {@code src} exactly.
     */
    public static void merge(double[] dst, int dstOff, double[] src, int srcOff) {
        double nb = src[srcOff];
        if (nb == 0.0) {
            return;
        }
        double na = dst[dstOff];
        if (na == 0.0) {
            System.arraycopy(src, srcOff, dst, dstOff, SLOTS);
            return;
        }
        double n = na + nb;
        double delta = src[srcOff + 1] - dst[dstOff + 1];
        dst[dstOff + 1] += delta * nb / n;
        dst[dstOff + 2] += src[srcOff + 2] + delta * delta * na * nb / n;
        dst[dstOff] = n;
        dst[dstOff + 3] = Math.min(dst[dstOff + 3], src[srcOff + 3]);
        dst[dstOff + 4] = Math.max(dst[dstOff + 4], src[srcOff + 4]);
    }

    /** Number of observations. */
    public static long count(double[] s, int off) {
        return (long) s[off];
    }

    /** Mean, NaN when empty. */
    public static double mean(double[] s, int off) {
        return s[off] == 0.0 ? Double.NaN : s[off + 1];
    }

    /**
     * Restores moments from their parts (e.g. a checkpoint): {@code count} observations with mean {@code mean},
     * sum of squared deviations {@code m2}, and {@code min}, {@code max} (NaN where unknown; a NaN min or max
     * stays NaN).
     */
    public static void set(double[] s, int off, long count, double mean, double m2, double min, double max) {
        s[off] = count;
        s[off + 1] = mean;
        s[off + 2] = m2;
        s[off + 3] = min;
        s[off + 4] = max;
    }

    /** Sum of squared deviations from the mean (Welford's M2), 0 when empty. */
    public static double m2(double[] s, int off) {
        return s[off + 2];
    }

    /** Population variance (divisor count), NaN when empty. */
    public static double populationVariance(double[] s, int off) {
        return s[off] == 0.0 ? Double.NaN : Math.max(0.0, s[off + 2] / s[off]);
    }

    /** Population standard deviation (divisor count), NaN when empty. */
    public static double populationStd(double[] s, int off) {
        return s[off] == 0.0 ? Double.NaN : Math.sqrt(Math.max(0.0, s[off + 2] / s[off]));
    }

    /** Minimum, +∞ when empty. */
    public static double min(double[] s, int off) {
        return s[off + 3];
    }

    /** Maximum, -∞ when empty. */
    public static double max(double[] s, int off) {
        return s[off + 4];
    }
}
