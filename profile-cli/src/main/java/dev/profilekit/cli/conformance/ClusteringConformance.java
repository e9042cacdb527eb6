package dev.profilekit.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.models.cluster.AgglomerativeClustering;
import dev.profilekit.models.cluster.KMeans;
import dev.profilekit.models.cluster.KMeansModel;
import dev.profilekit.models.cluster.KMeansOptions;
import dev.profilekit.models.cluster.Linkage;
import dev.profilekit.models.metrics.ClusteringMetrics;

/**
 * The {@code clustering} fixture kind: k-means with k from the file on the raw X (greedy k-means++, 100 restarts,
 * seed 0, each run until no label changes, best inertia kept; more restarts than scikit-learn's 10 since a lower
 * inertia is the goal), its labels and mean silhouette, Ward and average linkage (Euclidean) cut at k
 * clusters, and the adjusted Rand index between the k-means and Ward labels. Reads {@code X} and {@code k} only.
 */
public final class ClusteringConformance {

    /** Restarts of k-means. */
    static final int RESTARTS = 100;
    /** Seed of the k-means initialisation. */
    static final long SEED = 0L;

    private ClusteringConformance() {
    }

    /**
     * Computes the clustering results of a fixture.
     *
     * @param fixture an object with {@code X} (rows of numbers) and {@code k}
     * @return {@code kmeans_best_inertia, kmeans_labels, kmeans_silhouette, ward_labels, average_labels,
     *         ari_kmeans_vs_ward}
     * @throws IllegalArgumentException if X or k is missing or malformed
     */
    public static ObjectNode run(JsonNode fixture) {
        double[][] x = matrix(fixture.get("X"), "X");
        JsonNode kNode = fixture.get("k");
        if (kNode == null || !kNode.canConvertToInt()) {
            throw new IllegalArgumentException("clustering fixture has no integer field 'k'");
        }
        int k = kNode.intValue();
        KMeansModel km = KMeans.fit(x, KMeansOptions.k(k).restarts(RESTARTS).tolerance(0).seed(SEED));
        int[] labels = km.predict(x);
        int[] ward = AgglomerativeClustering.fit(x, Linkage.WARD).cutToClusters(k);
        int[] average = AgglomerativeClustering.fit(x, Linkage.AVERAGE).cutToClusters(k);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("kmeans_best_inertia", km.inertia());
        out.set("kmeans_labels", ints(labels));
        out.put("kmeans_silhouette", ClusteringMetrics.silhouette(x, labels));
        out.set("ward_labels", ints(ward));
        out.set("average_labels", ints(average));
        out.put("ari_kmeans_vs_ward", ClusteringMetrics.adjustedRandIndex(labels, ward));
        return out;
    }

    private static ArrayNode ints(int[] v) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (int x : v) {
            a.add(x);
        }
        return a;
    }

    private static double[] vector(JsonNode a, String what) {
        if (a == null || !a.isArray()) {
            throw new IllegalArgumentException("fixture has no array field '" + what + "'");
        }
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode x = a.get(i);
            if (!x.isNumber()) {
                throw new IllegalArgumentException(what + "[" + i + "] is not a number: " + x);
            }
            v[i] = x.doubleValue();
        }
        return v;
    }

    private static double[][] matrix(JsonNode a, String what) {
        if (a == null || !a.isArray()) {
            throw new IllegalArgumentException("fixture has no array field '" + what + "'");
        }
        double[][] m = new double[a.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = vector(a.get(i), what + "[" + i + "]");
        }
        return m;
    }
}
