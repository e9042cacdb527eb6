package dev.profilekit.models.metrics;

import java.util.HashMap;
import java.util.Map;

/**
 * Clustering quality measures: inertia, mean silhouette (Euclidean) and the adjusted Rand index.
 * Labels are arbitrary ints; only the partition they induce matters (except for inertia, where they index
 * the centroids).
 */
public final class ClusteringMetrics {

    private ClusteringMetrics() {
    }

    /**
     * Sum over points of the squared Euclidean distance to the centroid of its label. O(n d).
     *
     * @throws IllegalArgumentException on mismatched lengths or dimensions, a label outside the centroids,
     *                                  or a non-finite value
     */
    public static double inertia(double[][] x, int[] labels, double[][] centroids) {
        int d = requirePoints(x, "x");
        requireLabels(labels, x.length);
        int cd = requirePoints(centroids, "centroids");
        if (cd != d) {
            throw new IllegalArgumentException("centroids have " + cd + " columns, x has " + d);
        }
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            int c = labels[i];
            if (c < 0 || c >= centroids.length) {
                throw new IllegalArgumentException("labels[" + i + "] is " + c + ", not a centroid index in [0, "
                        + centroids.length + ")");
            }
            s += sq(x[i], centroids[c]);
        }
        return s;
    }

    /**
     * Mean silhouette coefficient over all samples with Euclidean distance (Rousseeuw 1987), as scikit-learn's
     * {@code silhouette_score}: for sample i, a = mean distance to the other members of its cluster, b = the
     * lowest mean distance to the members of another cluster, s = (b - a) / max(a, b), and s = 0 for a sample
     * alone in its cluster. O(n² d) time, O(n + clusters) memory.
     *
     * @throws IllegalArgumentException if lengths differ, or the number of distinct labels is not in [2, n-1]
     */
    public static double silhouette(double[][] x, int[] labels) {
        requirePoints(x, "x");
        requireLabels(labels, x.length);
        int n = x.length;
        int[] dense = denseLabels(labels);
        int m = 0;
        for (int v : dense) {
            m = Math.max(m, v + 1);
        }
        if (m < 2 || m > n - 1) {
            throw new IllegalArgumentException("silhouette needs 2 <= number of clusters <= n - 1 = " + (n - 1)
                    + ", was " + m);
        }
        int[] size = new int[m];
        for (int v : dense) {
            size[v]++;
        }
        double[] sums = new double[m];
        double total = 0;
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(sums, 0);
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    sums[dense[j]] += Math.sqrt(sq(x[i], x[j]));
                }
            }
            int own = dense[i];
            if (size[own] <= 1) {
                continue;
            }
            double a = sums[own] / (size[own] - 1);
            double b = Double.POSITIVE_INFINITY;
            for (int c = 0; c < m; c++) {
                if (c != own) {
                    b = Math.min(b, sums[c] / size[c]);
                }
            }
            double s = (b - a) / Math.max(a, b);
            total += Double.isNaN(s) ? 0 : s;
        }
        return total / n;
    }

    /**
     * Adjusted Rand index (Hubert and Arabie 1985) between two labelings of the same points: 1 for the same
     * partition, about 0 for independent ones. Computed from the contingency table with pair counts as
     * scikit-learn's {@code adjusted_rand_score} (1.0 when both put all points in one cluster or every point
     * alone). O(n).
     *
     * @throws IllegalArgumentException if the arrays are null, empty or of different lengths
     */
    public static double adjustedRandIndex(int[] a, int[] b) {
        if (a == null || b == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        if (a.length != b.length) {
            throw new IllegalArgumentException("labels have different lengths: " + a.length + " and " + b.length);
        }
        if (a.length == 0) {
            throw new IllegalArgumentException("labels must not be empty");
        }
        int n = a.length;
        int[] da = denseLabels(a);
        int[] db = denseLabels(b);
        Map<Long, long[]> cells = new HashMap<>();
        int ma = 0;
        int mb = 0;
        for (int i = 0; i < n; i++) {
            ma = Math.max(ma, da[i] + 1);
            mb = Math.max(mb, db[i] + 1);
            cells.computeIfAbsent(((long) da[i] << 32) | db[i], key -> new long[1])[0]++;
        }
        long[] rows = new long[ma];
        long[] cols = new long[mb];
        for (int i = 0; i < n; i++) {
            rows[da[i]]++;
            cols[db[i]]++;
        }
        double sumCells = 0;
        for (long[] c : cells.values()) {
            sumCells += pairs(c[0]);
        }
        double sumRows = 0;
        for (long r : rows) {
            sumRows += pairs(r);
        }
        double sumCols = 0;
        for (long c : cols) {
            sumCols += pairs(c);
        }
        double expected = sumRows * sumCols / pairs(n);
        double max = 0.5 * (sumRows + sumCols);
        if (max == expected) {
            return 1.0;
        }
        return (sumCells - expected) / (max - expected);
    }

    private static double pairs(long m) {
        return m * (m - 1) / 2.0;
    }

    private static int[] denseLabels(int[] labels) {
        Map<Integer, Integer> ids = new HashMap<>();
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            out[i] = ids.computeIfAbsent(labels[i], key -> ids.size());
        }
        return out;
    }

    private static double sq(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double t = a[j] - b[j];
            s += t * t;
        }
        return s;
    }

    private static void requireLabels(int[] labels, int n) {
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        if (labels.length != n) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries, x has " + n + " rows");
        }
    }

    private static int requirePoints(double[][] x, String name) {
        if (x == null || x.length == 0) {
            throw new IllegalArgumentException(name + " must have at least 1 row");
        }
        int d = -1;
        for (int i = 0; i < x.length; i++) {
            if (x[i] == null) {
                throw new IllegalArgumentException(name + " row " + i + " is null");
            }
            if (d < 0) {
                d = x[i].length;
            } else if (x[i].length != d) {
                throw new IllegalArgumentException(name + " row " + i + " has " + x[i].length
                        + " columns, row 0 has " + d);
            }
            for (int j = 0; j < d; j++) {
                if (!Double.isFinite(x[i][j])) {
                    throw new IllegalArgumentException(name + " row " + i + " column " + j + " is " + x[i][j]);
                }
            }
        }
        return d;
    }
}
