package dev.profilekit.models.cluster;

import dev.profilekit.features.Checks;
import dev.profilekit.models.ModelInfo;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Agglomerative hierarchical clustering of points under Euclidean distance with {@link Linkage#WARD},
 * {@link Linkage#AVERAGE}, {@link Linkage#COMPLETE} or {@link Linkage#SINGLE} linkage.
 *
 * <p>Algorithm, as SciPy's {@code linkage}: for Ward, average and complete linkage the nearest-neighbour chain
 * (Murtagh 1983; Müllner 2011, "Modern hierarchical, agglomerative clustering algorithms") on a condensed
 * distance matrix with Lance-Williams updates; for single linkage Prim's minimum spanning tree on the same
 * matrix. The merges are then stably sorted by height and relabelled with a union-find, which gives SciPy's
 * linkage matrix (the same rows as SciPy, ties included, since the same scans are made in the same order).
 * O(n²) time and O(n²) memory: the condensed matrix holds n(n-1)/2 doubles.
 *
 * <pre>{@code
 * Dendrogram tree = AgglomerativeClustering.fit(points, Linkage.WARD);
 * int[] labels = tree.cutToClusters(3);
 * }</pre>
 */
public final class AgglomerativeClustering {

    /**
     * Largest number of points accepted: the condensed distance matrix then takes n(n-1)/2 doubles, about
     * 1.6 GB at 20,000 points, and memory grows as O(n²).
     */
    public static final int MAX_POINTS = 20_000;

    private AgglomerativeClustering() {
    }

    /**
     * Builds the merge tree of the rows of {@code x}.
     *
     * @param x       n points (2 &lt;= n &lt;= {@link #MAX_POINTS}) of d finite coordinates
     * @param linkage the linkage criterion
     * @return the dendrogram, with SciPy's linkage matrix
     * @throws IllegalArgumentException on bad input or more than {@link #MAX_POINTS} points
     */
    public static Dendrogram fit(double[][] x, Linkage linkage) {
        Checks.requireNonNull(linkage, "linkage");
        if (x != null && x.length > MAX_POINTS) {
            long bytes = 8L * x.length * (x.length - 1) / 2;
            throw new IllegalArgumentException("agglomerative clustering is limited to " + MAX_POINTS
                    + " points, was " + x.length + ": it keeps all n(n-1)/2 pairwise distances in memory (O(n^2); "
                    + (bytes / 1_000_000) + " MB for " + x.length + " points); cluster a sample or use k-means");
        }
        int d = Inputs.requirePoints(x, "x");
        int n = x.length;
        Checks.requireArgument(n >= 2, "agglomerative clustering needs at least 2 points, was %d", n);
        double[] dist = new double[(int) ((long) n * (n - 1) / 2)];
        int p = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                dist[p++] = Math.sqrt(Inputs.sqDist(x[i], x[j]));
            }
        }
        double[][] z = linkage == Linkage.SINGLE ? minimumSpanningTree(dist, n) : nnChain(dist, n, linkage);
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("linkage", linkage.name());
        opts.put("metric", "euclidean");
        String algorithm = linkage == Linkage.SINGLE ? "agglomerative/mst" : "agglomerative/nn-chain";
        return new Dendrogram(z, linkage, ModelInfo.of(algorithm, opts, null, n, d));
    }

    static int condensed(int n, int i, int j) {
        if (i > j) {
            int t = i;
            i = j;
            j = t;
        }
        return (int) ((long) n * i - ((long) i * (i + 1)) / 2 + (j - i - 1));
    }

    /** SciPy's {@code mst_single_linkage}: Prim's algorithm, O(n²) time. */
    static double[][] minimumSpanningTree(double[] dist, int n) {
        double[][] z = new double[n - 1][4];
        boolean[] merged = new boolean[n];
        double[] d = new double[n];
        Arrays.fill(d, Double.POSITIVE_INFINITY);
        int x = 0;
        int y = 0;
        for (int k = 0; k < n - 1; k++) {
            double currentMin = Double.POSITIVE_INFINITY;
            merged[x] = true;
            for (int i = 0; i < n; i++) {
                if (merged[i]) {
                    continue;
                }
                double dd = dist[condensed(n, x, i)];
                if (d[i] > dd) {
                    d[i] = dd;
                }
                if (d[i] < currentMin) {
                    y = i;
                    currentMin = d[i];
                }
            }
            z[k][0] = x;
            z[k][1] = y;
            z[k][2] = currentMin;
            x = y;
        }
        return sortAndRelabel(z, n);
    }

    /** SciPy's {@code nn_chain}; consumes {@code dist}. */
    static double[][] nnChain(double[] dist, int n, Linkage linkage) {
        double[][] z = new double[n - 1][4];
        int[] size = new int[n];
        Arrays.fill(size, 1);
        int[] chain = new int[n];
        int chainLength = 0;
        for (int k = 0; k < n - 1; k++) {
            if (chainLength == 0) {
                for (int i = 0; i < n; i++) {
                    if (size[i] > 0) {
                        chain[0] = i;
                        chainLength = 1;
                        break;
                    }
                }
            }
            int x;
            int y = 0;
            double currentMin;
            while (true) {
                x = chain[chainLength - 1];
                // prefer the previous element of the chain on ties, so the chain cannot cycle
                if (chainLength > 1) {
                    y = chain[chainLength - 2];
                    currentMin = dist[condensed(n, x, y)];
                } else {
                    currentMin = Double.POSITIVE_INFINITY;
                }
                for (int i = 0; i < n; i++) {
                    if (size[i] == 0 || x == i) {
                        continue;
                    }
                    double dd = dist[condensed(n, x, i)];
                    if (dd < currentMin) {
                        currentMin = dd;
                        y = i;
                    }
                }
                if (chainLength > 1 && y == chain[chainLength - 2]) {
                    break;
                }
                chain[chainLength++] = y;
            }
            chainLength -= 2;
            if (x > y) {
                int t = x;
                x = y;
                y = t;
            }
            int nx = size[x];
            int ny = size[y];
            z[k][0] = x;
            z[k][1] = y;
            z[k][2] = currentMin;
            z[k][3] = nx + ny;
            size[x] = 0;
            size[y] = nx + ny;
            for (int i = 0; i < n; i++) {
                int ni = size[i];
                if (ni == 0 || i == y) {
                    continue;
                }
                int iy = condensed(n, i, y);
                dist[iy] = linkage.update(dist[condensed(n, i, x)], dist[iy], currentMin, nx, ny, ni);
            }
        }
        return sortAndRelabel(z, n);
    }

    /** Stable sort of the merges by height (numpy's mergesort), then SciPy's relabelling. */
    private static double[][] sortAndRelabel(double[][] z, int n) {
        Integer[] order = new Integer[n - 1];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> z[i][2])); // stable, like numpy's mergesort
        double[][] sorted = new double[n - 1][];
        for (int i = 0; i < order.length; i++) {
            sorted[i] = z[order[i]];
        }
        relabel(sorted, n);
        return sorted;
    }

    /** SciPy's {@code label}: rewrites the point indices of merges into SciPy's cluster ids. */
    private static void relabel(double[][] z, int n) {
        int[] parent = new int[2 * n - 1];
        int[] size = new int[2 * n - 1];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
            size[i] = 1;
        }
        int nextLabel = n;
        for (double[] row : z) {
            int xr = find(parent, (int) row[0]);
            int yr = find(parent, (int) row[1]);
            row[0] = Math.min(xr, yr);
            row[1] = Math.max(xr, yr);
            parent[xr] = nextLabel;
            parent[yr] = nextLabel;
            size[nextLabel] = size[xr] + size[yr];
            row[3] = size[nextLabel];
            nextLabel++;
        }
    }

    static int find(int[] parent, int x) {
        int root = x;
        while (parent[root] != root) {
            root = parent[root];
        }
        while (parent[x] != root) {
            int next = parent[x];
            parent[x] = root;
            x = next;
        }
        return root;
    }
}
