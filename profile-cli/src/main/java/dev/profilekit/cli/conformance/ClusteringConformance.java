package dev.profilekit.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
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
        double[][] x = FixtureInput.matrix(fixture, "X");
        int k = FixtureInput.intField(fixture, "k");
        KMeansModel km = KMeans.fit(x, KMeansOptions.k(k).restarts(RESTARTS).tolerance(0).seed(SEED));
        int[] labels = km.predict(x);
        int[] ward = AgglomerativeClustering.fit(x, Linkage.WARD).cutToClusters(k);
        int[] average = AgglomerativeClustering.fit(x, Linkage.AVERAGE).cutToClusters(k);
        ObjectNode out = FixtureOutput.object();
        out.put("kmeans_best_inertia", km.inertia());
        out.set("kmeans_labels", FixtureOutput.array(labels));
        out.put("kmeans_silhouette", ClusteringMetrics.silhouette(x, labels));
        out.set("ward_labels", FixtureOutput.array(ward));
        out.set("average_labels", FixtureOutput.array(average));
        out.put("ari_kmeans_vs_ward", ClusteringMetrics.adjustedRandIndex(labels, ward));
        return out;
    }
}
