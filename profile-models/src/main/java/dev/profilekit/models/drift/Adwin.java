package dev.profilekit.models.drift;

import dev.profilekit.features.Checks;

/**
 * ADWIN, ADaptive WINdowing (Bifet and Gavaldà 2007, "Learning from time-changing data with adaptive
 * windowing"), in its ADWIN2 form: the window is kept as an exponential histogram of buckets, and whenever
 * two sub-windows W0 (older) and W1 (newer) split at a bucket boundary have means that differ by more than
 * ε_cut, the oldest bucket is dropped, and the test is repeated until no split differs. The window is thus
 * the longest recent stretch consistent with "the mean has not changed".
 *
 * <p>The cut threshold is the variance-based bound of the paper as implemented in MOA and scikit-multiflow:
 * with n = |W|, σ² the variance of the whole window, d = ln(2 ln(n) / δ) and
 * m = 1/(n0 - s + 1) + 1/(n1 - s + 1) (s the minimum sub-window length),
 * {@code ε_cut = sqrt(2 m σ² d) + (2/3) d m}. {@code delta} (δ) is the confidence: a smaller δ means fewer
 * false alarms and slower detection (0.002 is MOA's default).
 *
 * <p>Memory: level i holds at most {@code maxBuckets + 1} transiently (at most {@code maxBuckets} at rest)
 * buckets of 2^i values each, so a window of W values needs O(maxBuckets · log W) buckets; they live in two
 * fixed {@code double[]} arrays (sum and sum of squared deviations per bucket), allocated once. The cut test
 * runs every {@code clock} values (default 32, as in MOA) and costs O(number of buckets) per split tried;
 * {@link #update(double)} allocates nothing. Mutable and not thread-safe.
 *
 * <pre>{@code
 * Adwin adwin = Adwin.of(0.002);
 * if (adwin.update(logLoss)) { retrain(adwin.width()); }   // the recent, consistent window
 * }</pre>
 */
public final class Adwin implements DriftDetector {

    /** Levels available: level i holds buckets of 2^i values, so 62 levels exceed any long-sized window. */
    private static final int LEVELS = 62;

    private final double delta;
    private final int maxBuckets;
    private final int clock;
    private final int minSubWindow;
    private final int rowLength;

    /** Bucket sums, level-major: level i occupies [i * rowLength, i * rowLength + count[i]), oldest first. */
    private final double[] sums;
    /** Bucket sums of squared deviations from the bucket mean, same layout as {@link #sums}. */
    private final double[] variances;
    private final int[] count = new int[LEVELS];
    private int levels;

    private long width;
    private double total;
    /** Sum of squared deviations of the window's values from the window mean. */
    private double variance;
    private long seen;
    private long alarms;

    private Adwin(double delta, int maxBuckets, int clock, int minSubWindow) {
        Checks.requireArgument(delta > 0 && delta < 1, "delta must be in (0, 1), was %s", delta);
        Checks.requireAtLeast(maxBuckets, 2, "maxBuckets");
        Checks.requireAtLeast(clock, 1, "clock");
        Checks.requireAtLeast(minSubWindow, 1, "minSubWindow");
        this.delta = delta;
        this.maxBuckets = maxBuckets;
        this.clock = clock;
        this.minSubWindow = minSubWindow;
        this.rowLength = maxBuckets + 1;
        this.sums = new double[LEVELS * rowLength];
        this.variances = new double[LEVELS * rowLength];
    }

    /**
     * A detector with confidence {@code delta}, 5 buckets per level, a cut test every 32 values and
     * sub-windows of at least 5 values (MOA's defaults).
     *
     * @param delta confidence in (0, 1); 0.002 is the usual choice
     * @throws IllegalArgumentException on a bad parameter, naming it and its value
     */
    public static Adwin of(double delta) {
        return new Adwin(delta, 5, 32, 5);
    }

    /** A fresh detector with the same parameters and {@code maxBuckets} (>= 2) buckets per level (the paper's M). */
    public Adwin withMaxBuckets(int maxBuckets) {
        return new Adwin(delta, maxBuckets, clock, minSubWindow);
    }

    /** A fresh detector with the same parameters that runs the cut test every {@code clock} (>= 1) values. */
    public Adwin withClock(int clock) {
        return new Adwin(delta, maxBuckets, clock, minSubWindow);
    }

    /** A fresh detector with the same parameters whose sub-windows hold at least {@code minSubWindow} (>= 1) values. */
    public Adwin withMinSubWindow(int minSubWindow) {
        return new Adwin(delta, maxBuckets, clock, minSubWindow);
    }

    /**
     * {@inheritDoc} Returns true when the value led ADWIN to drop older data because the mean changed.
     * O(log W) amortised for the insertion; every {@code clock} values the cut test adds O(B) per split
     * boundary tried (B buckets). Allocates nothing.
     */
    @Override
    public boolean update(double x) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("x must be finite, was " + x);
        }
        insert(x);
        seen++;
        if (seen % clock != 0 || width < 2L * minSubWindow) {
            return false;
        }
        boolean changed = false;
        while (cutOnce()) {
            changed = true;
        }
        if (changed) {
            alarms++;
        }
        return changed;
    }

    private void insert(double x) {
        width++;
        if (width > 1) {
            double d = x - total / (width - 1);
            variance += (width - 1) * d * d / width;
        }
        total += x;
        sums[count[0]] = x;
        variances[count[0]] = 0.0;
        count[0]++;
        if (levels == 0) {
            levels = 1;
        }
        for (int i = 0; count[i] > maxBuckets; i++) {
            // merge the two oldest buckets of level i into the newest bucket of level i + 1
            int base = i * rowLength;
            double n = (double) (1L << i);
            double s0 = sums[base];
            double s1 = sums[base + 1];
            double diff = (s0 - s1) / n;
            double v = variances[base] + variances[base + 1] + n / 2.0 * diff * diff;
            System.arraycopy(sums, base + 2, sums, base, count[i] - 2);
            System.arraycopy(variances, base + 2, variances, base, count[i] - 2);
            count[i] -= 2;
            int up = (i + 1) * rowLength + count[i + 1];
            sums[up] = s0 + s1;
            variances[up] = v;
            count[i + 1]++;
            if (i + 2 > levels) {
                levels = i + 2;
            }
        }
    }

    /** Tries every split from the oldest boundary on; on the first significant one drops the oldest bucket. */
    private boolean cutOnce() {
        long n0 = 0;
        long n1 = width;
        double u0 = 0;
        double u1 = total;
        double v = variance / width;
        double dd = Math.log(2.0 * Math.log(width) / delta);
        for (int level = levels - 1; level >= 0; level--) {
            long size = 1L << level;
            int base = level * rowLength;
            for (int k = 0; k < count[level]; k++) {
                double s = sums[base + k];
                n0 += size;
                n1 -= size;
                u0 += s;
                u1 -= s;
                if (n1 <= 0) {
                    return false;
                }
                if (n0 >= minSubWindow && n1 >= minSubWindow) {
                    double m = 1.0 / (n0 - minSubWindow + 1) + 1.0 / (n1 - minSubWindow + 1);
                    double eps = Math.sqrt(2.0 * m * v * dd) + 2.0 / 3.0 * dd * m;
                    if (Math.abs(u0 / n0 - u1 / n1) > eps) {
                        dropOldest();
                        return width >= 2L * minSubWindow;
                    }
                }
            }
        }
        return false;
    }

    private void dropOldest() {
        int level = levels - 1;
        int base = level * rowLength;
        long size = 1L << level;
        double s = sums[base];
        double vb = variances[base];
        width -= size;
        total -= s;
        if (width == 0) {
            total = 0;
            variance = 0;
        } else {
            // Chan et al.'s merge formula run backwards: remove a block of `size` values from the window
            double d = s / size - total / width;
            variance -= vb + (double) size * width / (size + width) * d * d;
            if (variance < 0) {
                variance = 0; // rounding
            }
        }
        System.arraycopy(sums, base + 1, sums, base, count[level] - 1);
        System.arraycopy(variances, base + 1, variances, base, count[level] - 1);
        count[level]--;
        while (levels > 0 && count[levels - 1] == 0) {
            levels--;
        }
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(count, 0);
        levels = 0;
        width = 0;
        total = 0;
        variance = 0;
        seen = 0;
    }

    @Override
    public long alarms() {
        return alarms;
    }

    /** Mean of the values in the current window (0 when empty). */
    public double mean() {
        return width == 0 ? 0.0 : total / width;
    }

    /** Population variance of the values in the current window (0 when empty). */
    public double variance() {
        return width == 0 ? 0.0 : variance / width;
    }

    /** Number of values in the current window. */
    public long width() {
        return width;
    }

    /** Number of buckets in use: O(maxBuckets · log2(width)). */
    public int buckets() {
        int b = 0;
        for (int i = 0; i < levels; i++) {
            b += count[i];
        }
        return b;
    }

    /** The confidence δ. */
    public double delta() {
        return delta;
    }

    /** Buckets per level (M). */
    public int maxBuckets() {
        return maxBuckets;
    }

    /** Values between two cut tests. */
    public int clock() {
        return clock;
    }

    /** Minimum length of each sub-window in a cut test. */
    public int minSubWindow() {
        return minSubWindow;
    }

    @Override
    public String toString() {
        return "Adwin{delta=" + delta + ", maxBuckets=" + maxBuckets + ", clock=" + clock + ", minSubWindow="
                + minSubWindow + ", width=" + width + ", mean=" + mean() + ", alarms=" + alarms + '}';
    }

    @Override
    public void writeState(dev.profilekit.features.codec.ByteWriter out) {
        out.varInt(levels);
        for (int i = 0; i < levels; i++) {
            out.varInt(count[i]);
            for (int j = 0; j < count[i]; j++) {
                out.f64(sums[i * rowLength + j]).f64(variances[i * rowLength + j]);
            }
        }
        out.varLong(width).f64(total).f64(variance).varLong(seen).varLong(alarms);
    }

    @Override
    public void readState(dev.profilekit.features.codec.ByteReader in) {
        int lv = in.varInt(LEVELS);
        int[] c = new int[LEVELS];
        double[] s = new double[sums.length];
        double[] v = new double[variances.length];
        for (int i = 0; i < lv; i++) {
            c[i] = in.varInt(rowLength);
            for (int j = 0; j < c[i]; j++) {
                s[i * rowLength + j] = in.f64();
                v[i * rowLength + j] = in.f64();
            }
        }
        long w = in.varLong();
        double t = in.f64();
        double var = in.f64();
        long sn = in.varLong();
        long al = in.varLong();
        levels = lv;
        System.arraycopy(c, 0, count, 0, LEVELS);
        System.arraycopy(s, 0, sums, 0, s.length);
        System.arraycopy(v, 0, variances, 0, v.length);
        width = w;
        total = t;
        variance = var;
        seen = sn;
        alarms = al;
    }
}
