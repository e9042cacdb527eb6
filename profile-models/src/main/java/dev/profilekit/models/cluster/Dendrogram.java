package dev.profilekit.models.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.Checks;
import dev.profilekit.features.io.JsonCodec;
import dev.profilekit.models.ModelInfo;
import dev.profilekit.models.io.ModelInfoJson;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * The immutable merge tree of {@link AgglomerativeClustering}: SciPy's linkage matrix, n-1 rows of
 * {@code [idx1, idx2, distance, size]}, where indices below n are points, the cluster made by row i has index
 * {@code n + i}, {@code idx1 < idx2}, and rows are in non-decreasing distance.
 *
 * <p>Cuts give flat labels 0..m-1, numbered in order of each cluster's first point.
 * JSON: {@code {"format":"profilekit.dendrogram","version":1,"linkage":"WARD","points":n,"merges":[[..]..],
 * "info":{..}}}.
 */
public final class Dendrogram {

    static final String FORMAT = "profilekit.dendrogram";
    static final int VERSION = 1;

    private final double[][] merges;
    private final Linkage linkage;
    private final ModelInfo info;
    private final int points;
    /** Per merge, the largest height in its subtree (SciPy's monocrit for the 'distance' criterion). */
    private final double[] maxHeight;

    Dendrogram(double[][] merges, Linkage linkage, ModelInfo info) {
        this.points = merges.length + 1;
        this.linkage = Checks.requireNonNull(linkage, "linkage");
        this.info = Checks.requireNonNull(info, "info");
        this.merges = new double[merges.length][];
        this.maxHeight = new double[merges.length];
        for (int i = 0; i < merges.length; i++) {
            double[] r = merges[i];
            Checks.requireArgument(r != null && r.length == 4, "merge %d must have 4 values", i);
            for (int j = 0; j < 2; j++) {
                Checks.requireArgument(r[j] == Math.rint(r[j]) && r[j] >= 0 && r[j] < points + i,
                        "merge %d refers to cluster %s, which does not exist yet", i, r[j]);
            }
            this.merges[i] = r.clone();
            double h = r[2];
            for (int j = 0; j < 2; j++) {
                int c = (int) r[j];
                if (c >= points) {
                    h = Math.max(h, maxHeight[c - points]);
                }
            }
            maxHeight[i] = h;
        }
    }

    /** Number of clustered points. */
    public int points() {
        return points;
    }

    /** The linkage criterion. */
    public Linkage linkage() {
        return linkage;
    }

    /** What made this tree. */
    public ModelInfo info() {
        return info;
    }

    /** A copy of the linkage matrix (SciPy convention, see the class comment). */
    public double[][] linkageMatrix() {
        return Inputs.copy(merges);
    }

    /**
     * Flat clusters: cuts the tree at the lowest merge height that leaves at most {@code clusters} clusters
     * (SciPy's {@code fcluster(Z, clusters, 'maxclust')}); ties at that height may leave fewer. O(n log n).
     *
     * @param clusters wanted number of clusters, 1..points
     * @return labels 0..m-1 per point, m &lt;= clusters
     */
    public int[] cutToClusters(int clusters) {
        Checks.requireArgument(clusters >= 1 && clusters <= points,
                "clusters must be in [1, %d], was %d", points, clusters);
        if (clusters == points) {
            return cut(Double.NEGATIVE_INFINITY);
        }
        double[] sorted = maxHeight.clone();
        Arrays.sort(sorted);
        return cut(sorted[points - clusters - 1]);
    }

    /**
     * Flat clusters whose members are joined at heights {@code <= threshold} (SciPy's
     * {@code fcluster(Z, threshold, 'distance')}).
     */
    public int[] cutAtDistance(double threshold) {
        Checks.requireArgument(!Double.isNaN(threshold), "threshold must not be NaN");
        return cut(threshold);
    }

    private int[] cut(double threshold) {
        int[] parent = new int[2 * points - 1];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        for (int i = 0; i < merges.length; i++) {
            if (maxHeight[i] <= threshold) {
                int node = points + i;
                parent[AgglomerativeClustering.find(parent, (int) merges[i][0])] = node;
                parent[AgglomerativeClustering.find(parent, (int) merges[i][1])] = node;
            }
        }
        int[] labelOfRoot = new int[2 * points - 1];
        Arrays.fill(labelOfRoot, -1);
        int[] labels = new int[points];
        int next = 0;
        for (int p = 0; p < points; p++) {
            int r = AgglomerativeClustering.find(parent, p);
            if (labelOfRoot[r] < 0) {
                labelOfRoot[r] = next++;
            }
            labels[p] = labelOfRoot[r];
        }
        return labels;
    }

    /** The versioned JSON form; {@link #fromJson(String)} restores an equal tree. */
    public String toJson() {
        ObjectNode root = JsonCodec.header(FORMAT, VERSION);
        root.put("linkage", linkage.name());
        root.put("points", points);
        root.set("merges", JsonCodec.matrix(merges));
        root.set("info", ModelInfoJson.write(info));
        return JsonCodec.write(root);
    }

    /**
     * Reads a tree written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException if the text is not a {@code profilekit.dendrogram} version 1 object
     */
    public static Dendrogram fromJson(String json) {
        JsonNode root = JsonCodec.read(json, FORMAT, VERSION);
        String name = JsonCodec.field(root, "linkage").asText();
        Linkage linkage;
        try {
            linkage = Linkage.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown linkage '" + name + "'", e);
        }
        double[][] merges = JsonCodec.readMatrix(root, "merges");
        int points = JsonCodec.field(root, "points").intValue();
        Checks.requireArgument(points == merges.length + 1, "points %d does not match %d merges",
                points, merges.length);
        return new Dendrogram(merges, linkage, ModelInfoJson.read(root));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dendrogram t && linkage == t.linkage && Arrays.deepEquals(merges, t.merges)
                && info.equals(t.info);
    }

    @Override
    public int hashCode() {
        return Objects.hash(linkage, Arrays.deepHashCode(merges), info);
    }

    @Override
    public String toString() {
        return "Dendrogram[points=" + points + ", linkage=" + linkage + "]";
    }
}
