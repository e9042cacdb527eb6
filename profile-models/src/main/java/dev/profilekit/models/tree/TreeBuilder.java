package dev.profilekit.models.tree;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Grows one CART classification tree (Breiman et al., 1984) depth-first with an explicit stack.
 *
 * <p>Rows carry weights (1 for a plain tree, bootstrap multiplicities in a forest; weight-0 rows are left out),
 * so a bootstrap sample is never materialised. At each node, for each candidate feature the node's rows are
 * sorted by that feature (O(m log m)) and one sweep evaluates every threshold between consecutive distinct
 * values, keeping the split with the lowest weighted child impurity {@code W_L imp_L + W_R imp_R} (equivalently
 * the largest impurity decrease). Thresholds are midpoints between consecutive values. Ties between candidate
 * splits keep the first found (feature draw order, then lower threshold), so the result is deterministic for a
 * seed; scikit-learn breaks such ties by its own random feature order, so the two agree whenever no two candidate
 * splits of a node tie. As there, a node's best split is taken even when it lowers the impurity by nothing (XOR
 * needs such a split first), and the row-count limits count distinct rows, not weights. Expected cost
 * O(f n log^2 n) for balanced trees with f features considered per split.
 */
final class TreeBuilder {

    private final double[][] x;
    private final int[] y;
    private final int numClasses;
    private final double[] rowWeight;
    private final TreeOptions options;
    private final int maxFeatures;
    private final SplittableRandom random;
    private final int d;

    // rows with positive weight; each node owns the slice rows[start, end)
    private final int[] rows;
    // scratch for the split search
    private final double[] keys;
    private final int[] sorted;
    private final int[] featureOrder;
    private final double[] leftCounts;
    private final double[] rightCounts;

    // growing node arrays
    private int nodes;
    private int[] feature = new int[16];
    private double[] threshold = new double[16];
    private int[] left = new int[16];
    private int[] right = new int[16];
    private double[][] value = new double[16][];
    private double[] impurity = new double[16];
    private double[] weight = new double[16];

    TreeBuilder(double[][] x, int[] y, int numClasses, double[] rowWeight, TreeOptions options,
                SplittableRandom random) {
        this.x = x;
        this.y = y;
        this.numClasses = numClasses;
        this.rowWeight = rowWeight;
        this.options = options;
        this.d = x[0].length;
        this.maxFeatures = options.maxFeatures().resolve(d);
        this.random = random;
        int m = 0;
        for (double w : rowWeight) {
            if (w > 0) {
                m++;
            }
        }
        this.rows = new int[m];
        m = 0;
        for (int i = 0; i < rowWeight.length; i++) {
            if (rowWeight[i] > 0) {
                rows[m++] = i;
            }
        }
        this.keys = new double[rows.length];
        this.sorted = new int[rows.length];
        this.featureOrder = new int[d];
        this.leftCounts = new double[numClasses];
        this.rightCounts = new double[numClasses];
    }

    Tree build() {
        // stack entries: node id, start, end, depth
        int[] stack = new int[64];
        int top = 0;
        int root = newNode(0, rows.length);
        stack[top++] = root;
        stack[top++] = 0;
        stack[top++] = rows.length;
        stack[top++] = 0;
        while (top > 0) {
            int depth = stack[--top];
            int end = stack[--top];
            int start = stack[--top];
            int node = stack[--top];
            int mid = trySplit(node, start, end, depth);
            if (mid < 0) {
                continue;
            }
            int l = newNode(start, mid);
            int r = newNode(mid, end);
            left[node] = l;
            right[node] = r;
            if (top + 8 > stack.length) {
                stack = Arrays.copyOf(stack, stack.length * 2);
            }
            // push right first so that the left subtree is grown (and numbered) first
            stack[top++] = r;
            stack[top++] = mid;
            stack[top++] = end;
            stack[top++] = depth + 1;
            stack[top++] = l;
            stack[top++] = start;
            stack[top++] = mid;
            stack[top++] = depth + 1;
        }
        return new Tree(d, numClasses, Arrays.copyOf(feature, nodes), Arrays.copyOf(threshold, nodes),
                Arrays.copyOf(left, nodes), Arrays.copyOf(right, nodes), Arrays.copyOf(value, nodes),
                Arrays.copyOf(impurity, nodes), Arrays.copyOf(weight, nodes));
    }

    /** Adds a leaf node for rows[start, end) with its class proportions and impurity. */
    private int newNode(int start, int end) {
        if (nodes == feature.length) {
            int n = nodes * 2;
            feature = Arrays.copyOf(feature, n);
            threshold = Arrays.copyOf(threshold, n);
            left = Arrays.copyOf(left, n);
            right = Arrays.copyOf(right, n);
            value = Arrays.copyOf(value, n);
            impurity = Arrays.copyOf(impurity, n);
            weight = Arrays.copyOf(weight, n);
        }
        double[] counts = new double[numClasses];
        double total = 0;
        for (int i = start; i < end; i++) {
            int r = rows[i];
            counts[y[r]] += rowWeight[r];
            total += rowWeight[r];
        }
        int id = nodes++;
        feature[id] = -1;
        left[id] = -1;
        right[id] = -1;
        threshold[id] = 0.0;
        weight[id] = total;
        impurity[id] = options.criterion().impurity(counts, total);
        for (int k = 0; k < numClasses; k++) {
            counts[k] /= total;
        }
        value[id] = counts;
        return id;
    }

    /**
     * Finds the best split of the node and partitions its rows; returns the partition point, or -1 when the node
     * stays a leaf (depth limit, too few rows, pure, or no split honouring minSamplesLeaf).
     */
    private int trySplit(int node, int start, int end, int depth) {
        double total = weight[node];
        int m = end - start;
        int minLeaf = options.minSamplesLeaf();
        // as in scikit-learn, the sample-count limits count distinct rows, not bootstrap multiplicities
        if (depth >= options.maxDepth() || m < options.minSamplesSplit() || impurity[node] <= 0
                || m < 2 * minLeaf) {
            return -1;
        }
        SplitCriterion criterion = options.criterion();
        double bestScore = Double.POSITIVE_INFINITY;
        int bestFeature = -1;
        double bestThreshold = 0;
        for (int j = 0; j < d; j++) {
            featureOrder[j] = j;
        }
        int visited = 0;
        // as in scikit-learn, only features constant in the node do not count towards maxFeatures
        for (int fi = 0; fi < d && visited < maxFeatures; fi++) {
            // partial Fisher-Yates: draw the next feature uniformly from those not drawn yet
            int pick = maxFeatures == d ? fi : fi + random.nextInt(d - fi);
            int f = featureOrder[pick];
            featureOrder[pick] = featureOrder[fi];
            featureOrder[fi] = f;
            for (int i = 0; i < m; i++) {
                int r = rows[start + i];
                sorted[i] = r;
                keys[i] = x[r][f];
            }
            sortByKey(keys, sorted, 0, m - 1);
            if (keys[0] == keys[m - 1]) {
                continue; // constant in this node: not counted as visited, as in scikit-learn
            }
            visited++;
            Arrays.fill(leftCounts, 0);
            Arrays.fill(rightCounts, 0);
            for (int i = 0; i < m; i++) {
                rightCounts[y[sorted[i]]] += rowWeight[sorted[i]];
            }
            double wl = 0;
            for (int i = 0; i < m - 1; i++) {
                int r = sorted[i];
                double w = rowWeight[r];
                leftCounts[y[r]] += w;
                rightCounts[y[r]] -= w;
                wl += w;
                if (keys[i] == keys[i + 1] || i + 1 < minLeaf) {
                    continue;
                }
                if (m - i - 1 < minLeaf) {
                    break;
                }
                double wr = total - wl;
                double score = wl * criterion.impurity(leftCounts, wl) + wr * criterion.impurity(rightCounts, wr);
                if (score < bestScore) {
                    bestScore = score;
                    bestFeature = f;
                    double t = keys[i] / 2 + keys[i + 1] / 2;
                    bestThreshold = t >= keys[i + 1] || t < keys[i] ? keys[i] : t;
                }
            }
        }
        if (bestFeature < 0) {
            return -1;
        }
        // partition rows[start, end): x <= threshold first
        int lo = start;
        int hi = end - 1;
        while (lo <= hi) {
            if (x[rows[lo]][bestFeature] <= bestThreshold) {
                lo++;
            } else {
                int tmp = rows[lo];
                rows[lo] = rows[hi];
                rows[hi] = tmp;
                hi--;
            }
        }
        feature[node] = bestFeature;
        threshold[node] = bestThreshold;
        return lo;
    }

    /** Sorts keys[lo..hi] ascending, permuting idx alongside; 3-way quicksort so that repeated keys are cheap. */
    static void sortByKey(double[] keys, int[] idx, int lo, int hi) {
        while (hi - lo > 16) {
            double pivot = median(keys[lo], keys[(lo + hi) >>> 1], keys[hi]);
            int lt = lo;
            int gt = hi;
            int i = lo;
            while (i <= gt) {
                double k = keys[i];
                if (k < pivot) {
                    swap(keys, idx, lt++, i++);
                } else if (k > pivot) {
                    swap(keys, idx, i, gt--);
                } else {
                    i++;
                }
            }
            // recurse into the smaller side, loop on the larger: O(log n) stack
            if (lt - lo < hi - gt) {
                sortByKey(keys, idx, lo, lt - 1);
                lo = gt + 1;
            } else {
                sortByKey(keys, idx, gt + 1, hi);
                hi = lt - 1;
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            double k = keys[i];
            int v = idx[i];
            int j = i - 1;
            while (j >= lo && keys[j] > k) {
                keys[j + 1] = keys[j];
                idx[j + 1] = idx[j];
                j--;
            }
            keys[j + 1] = k;
            idx[j + 1] = v;
        }
    }

    private static double median(double a, double b, double c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private static void swap(double[] keys, int[] idx, int a, int b) {
        double k = keys[a];
        keys[a] = keys[b];
        keys[b] = k;
        int v = idx[a];
        idx[a] = idx[b];
        idx[b] = v;
    }
}
