package dev.profilekit.features.transform;

import dev.profilekit.features.Checks;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Filter-style feature scores and selections: Pearson correlation with the label, mutual information
 * between the label and equal-frequency bins of each column, variance thresholding, ranking and top-k.
 * All methods are static and side-effect free.
 */
public final class FeatureSelection {

    private FeatureSelection() {
    }

    /**
     * Pearson correlation of each column with the labels: {@code cov(x, y) / (sd(x) sd(y))}, computed from
     * centred sums. A constant column (or constant labels) gives NaN, as {@code scipy.stats.pearsonr} does.
     * O(rows * columns).
     *
     * @throws IllegalArgumentException if data is unlabelled, has fewer than 2 rows, or holds a NaN
     *                                  (in a value or label)
     */
    public static double[] pearson(Dataset data) {
        double[] y = requireLabelled(data, "data");
        double my = Stats.mean(y);
        double syy = 0;
        for (double v : y) {
            syy += (v - my) * (v - my);
        }
        double[] out = new double[data.columnCount()];
        for (int j = 0; j < out.length; j++) {
            double[] x = data.columnValues(j);
            double mx = Stats.mean(x);
            double sxx = 0;
            double sxy = 0;
            for (int i = 0; i < x.length; i++) {
                double dx = x[i] - mx;
                sxx += dx * dx;
                sxy += dx * (y[i] - my);
            }
            double r = sxx == 0 || syy == 0 ? Double.NaN : sxy / (Math.sqrt(sxx) * Math.sqrt(syy));
            out[j] = Double.isNaN(r) ? r : Math.max(-1, Math.min(1, r));
        }
        return out;
    }

    /**
     * Equal-frequency bin codes: with the {@code bins - 1} interior quantiles {@code q_b} at
     * probabilities {@code b / bins} (numpy's default linear interpolation), the code of {@code x} is the
     * number of those quantiles that are {@code <= x}, so codes run from 0 to {@code bins - 1}.
     * O(n log n).
     *
     * @throws IllegalArgumentException if bins &lt; 2, x is empty, or x holds a NaN (message gives the index)
     */
    public static int[] equalFrequencyBins(double[] x, int bins) {
        Checks.requireNonNull(x, "x");
        Checks.requireAtLeast(bins, 2, "bins");
        Checks.requireArgument(x.length > 0, "x must not be empty");
        for (int i = 0; i < x.length; i++) {
            Checks.requireArgument(!Double.isNaN(x[i]), "x[%d] is NaN (length %d)", i, x.length);
        }
        double[] sorted = x.clone();
        Arrays.sort(sorted);
        double[] edges = new double[bins - 1];
        for (int b = 1; b < bins; b++) {
            edges[b - 1] = Stats.quantileSorted(sorted, (double) b / bins);
        }
        int[] codes = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            int c = 0;
            for (double e : edges) {
                if (e <= x[i]) {
                    c++;
                }
            }
            codes[i] = c;
        }
        return codes;
    }

    /**
     * Mutual information in nats between two discrete variables given as integer codes, from their
     * contingency table: {@code sum p(a,b) log(p(a,b) / (p(a) p(b)))}, clipped at 0 like scikit-learn's
     * {@code mutual_info_score}. O(n).
     *
     * @throws IllegalArgumentException if the lengths differ or are 0
     */
    public static double mutualInformation(int[] a, int[] b) {
        Checks.requireNonNull(a, "a");
        Checks.requireNonNull(b, "b");
        Checks.requireArgument(a.length == b.length, "a has %d values, b has %d", a.length, b.length);
        Checks.requireArgument(a.length > 0, "a and b must not be empty");
        Map<Long, int[]> joint = new HashMap<>();
        Map<Integer, int[]> ca = new HashMap<>();
        Map<Integer, int[]> cb = new HashMap<>();
        for (int i = 0; i < a.length; i++) {
            joint.computeIfAbsent(((long) a[i] << 32) | (b[i] & 0xffffffffL), k -> new int[1])[0]++;
            ca.computeIfAbsent(a[i], k -> new int[1])[0]++;
            cb.computeIfAbsent(b[i], k -> new int[1])[0]++;
        }
        if (ca.size() == 1 || cb.size() == 1) {
            return 0; // a constant variable carries no information (exactly, as scikit-learn returns)
        }
        double n = a.length;
        // sort the cells so the floating-point sum does not depend on hash order
        long[] keys = joint.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        double mi = 0;
        for (long key : keys) {
            double nab = joint.get(key)[0];
            double na = ca.get((int) (key >> 32))[0];
            double nb = cb.get((int) key)[0];
            mi += nab / n * (Math.log(nab) + Math.log(n) - Math.log(na) - Math.log(nb));
        }
        return Math.max(0, mi);
    }

    /**
     * Mutual information in nats between the labels (taken as discrete classes by exact value) and each
     * column discretised by {@link #equalFrequencyBins(double[], int)}. O(rows log rows * columns).
     *
     * @throws IllegalArgumentException if data is unlabelled, empty, holds a NaN, or bins &lt; 2
     */
    public static double[] mutualInformation(Dataset data, int bins) {
        double[] y = requireLabelled(data, "data");
        Checks.requireAtLeast(bins, 2, "bins");
        int[] yc = classCodes(y);
        double[] out = new double[data.columnCount()];
        for (int j = 0; j < out.length; j++) {
            out[j] = mutualInformation(yc, equalFrequencyBins(data.columnValues(j), bins));
        }
        return out;
    }

    /** Dense codes 0..c-1 for the distinct values of y, in ascending order of value. */
    static int[] classCodes(double[] y) {
        double[] distinct = Arrays.stream(y).distinct().sorted().toArray();
        int[] codes = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            codes[i] = Arrays.binarySearch(distinct, y[i]);
        }
        return codes;
    }

    /**
     * Population variance (ddof 0) of each column. O(rows * columns).
     *
     * @throws IllegalArgumentException if data is empty or holds a NaN
     */
    public static double[] variances(Dataset data) {
        Checks.requireNonNull(data, "data");
        Stats.requireRows(data, 1, "data");
        Stats.requireNoNaN(data, "data");
        double[] out = new double[data.columnCount()];
        for (int j = 0; j < out.length; j++) {
            double[] x = data.columnValues(j);
            out[j] = Math.max(0, Stats.variance(x, Stats.mean(x)));
        }
        return out;
    }

    /**
     * Keeps the columns whose population variance is strictly greater than {@code threshold}
     * (scikit-learn's VarianceThreshold), in their original order.
     *
     * @throws IllegalArgumentException if threshold is negative or NaN, or as {@link #variances}
     */
    public static ColumnSelection varianceThreshold(Dataset data, double threshold) {
        Checks.requireArgument(threshold >= 0, "threshold must be >= 0, was %s", threshold);
        double[] v = variances(data);
        int count = 0;
        for (double x : v) {
            if (x > threshold) {
                count++;
            }
        }
        String[] names = new String[count];
        double[] scores = new double[count];
        for (int j = 0, k = 0; j < v.length; j++) {
            if (v[j] > threshold) {
                names[k] = data.column(j);
                scores[k++] = v[j];
            }
        }
        return ColumnSelection.of("variance > " + threshold, names, scores);
    }

    /**
     * Column indices ordered from best to worst score: descending by score, or by |score| when
     * {@code byAbsoluteValue}; NaN scores last; ties keep the lower index first. O(d log d).
     */
    public static int[] rank(double[] scores, boolean byAbsoluteValue) {
        Checks.requireNonNull(scores, "scores");
        Integer[] idx = new Integer[scores.length];
        for (int j = 0; j < idx.length; j++) {
            idx[j] = j;
        }
        Arrays.sort(idx, (p, q) -> {
            double a = byAbsoluteValue ? Math.abs(scores[p]) : scores[p];
            double b = byAbsoluteValue ? Math.abs(scores[q]) : scores[q];
            boolean na = Double.isNaN(a);
            boolean nb = Double.isNaN(b);
            if (na || nb) {
                return na == nb ? 0 : na ? 1 : -1;
            }
            return Double.compare(b, a);
        });
        int[] out = new int[idx.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = idx[j];
        }
        return out;
    }

    /**
     * The {@code k} best columns of {@code data} by {@code scores} (one per column), ranked as
     * {@link #rank(double[], boolean)}.
     *
     * @throws IllegalArgumentException if scores has a different length than data's columns, or k is
     *                                  not in [1, columns]
     */
    public static ColumnSelection topK(Dataset data, double[] scores, int k, boolean byAbsoluteValue) {
        Checks.requireNonNull(data, "data");
        Checks.requireNonNull(scores, "scores");
        Checks.requireArgument(scores.length == data.columnCount(),
                "scores has %d values, data has %d columns (shape %s)", scores.length, data.columnCount(), data.shape());
        Checks.requireAtLeast(k, 1, "k");
        Checks.requireArgument(k <= data.columnCount(),
                "k must be <= number of columns %d (shape %s), was %d", data.columnCount(), data.shape(), k);
        int[] order = rank(scores, byAbsoluteValue);
        String[] names = new String[k];
        double[] s = new double[k];
        for (int i = 0; i < k; i++) {
            names[i] = data.column(order[i]);
            s[i] = scores[order[i]];
        }
        return ColumnSelection.of("top-" + k + (byAbsoluteValue ? " |score|" : " score"), names, s);
    }

    private static double[] requireLabelled(Dataset data, String name) {
        Checks.requireNonNull(data, name);
        Checks.requireArgument(data.hasLabels(), "%s must have labels (shape %s)", name, data.shape());
        Stats.requireRows(data, 2, name);
        Stats.requireNoNaN(data, name);
        double[] y = data.labels();
        for (int i = 0; i < y.length; i++) {
            Checks.requireArgument(!Double.isNaN(y[i]), "%s label row %d is NaN (shape %s)", name, i, data.shape());
        }
        return y;
    }
}
