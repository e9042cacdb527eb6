package dev.profilekit.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.models.metrics.ClusteringMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClusteringConformanceTest {

    /** README: kmeans_best_inertia at most expected × (1 + 1e-6). */
    private static final double INERTIA_REL_TOL = 1e-6;
    /** README: labels are the same partition when the adjusted Rand index is >= 0.999. */
    private static final double SAME_PARTITION_ARI = 0.999;
    /** README: kmeans_silhouette within 1e-6 absolute. */
    private static final double SILHOUETTE_ABS_TOL = 1e-6;
    /** Not in the README table; it is a function of two partitions, held to the silhouette's 1e-6. */
    private static final double ARI_ABS_TOL = 1e-6;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode fixture() throws IOException {
        try (InputStream in = ClusteringConformanceTest.class.getResourceAsStream("/fixtures/iris-clustering.json")) {
            assertThat(in).as("fixture on the classpath").isNotNull();
            return MAPPER.readTree(in);
        }
    }

    private static int[] ints(JsonNode a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).intValue();
        }
        return v;
    }

    @Test
    void irisFixtureMatchesWithinTheReadmeTolerances() throws IOException {
        JsonNode fixture = fixture();
        JsonNode expected = fixture.get("expected");
        ObjectNode input = fixture.deepCopy();
        input.remove("expected"); // the runner must not need it
        ObjectNode actual = Conformance.run(input);

        List<String> keys = new ArrayList<>();
        expected.fieldNames().forEachRemaining(keys::add);
        List<String> actualKeys = new ArrayList<>();
        actual.fieldNames().forEachRemaining(actualKeys::add);
        assertThat(actualKeys).containsExactlyInAnyOrderElementsOf(keys);

        assertThat(actual.get("kmeans_best_inertia").doubleValue())
                .isLessThanOrEqualTo(expected.get("kmeans_best_inertia").doubleValue() * (1 + INERTIA_REL_TOL));
        for (String key : List.of("kmeans_labels", "ward_labels", "average_labels")) {
            assertThat(ClusteringMetrics.adjustedRandIndex(ints(actual.get(key)), ints(expected.get(key))))
                    .as(key).isGreaterThanOrEqualTo(SAME_PARTITION_ARI);
        }
        assertThat(actual.get("kmeans_silhouette").doubleValue())
                .isCloseTo(expected.get("kmeans_silhouette").doubleValue(), within(SILHOUETTE_ABS_TOL));
        assertThat(actual.get("ari_kmeans_vs_ward").doubleValue())
                .isCloseTo(expected.get("ari_kmeans_vs_ward").doubleValue(), within(ARI_ABS_TOL));
    }

    @Test
    void permutedAndScaledIrisGivesTheSamePartitionsAndFourTimesTheInertia() throws IOException {
        // k-means and Euclidean linkage are equivariant under row permutation and scaling by 2 (exact in binary):
        // the partitions are the same, inertia scales by 4, silhouette and ARI are unchanged
        JsonNode fixture = fixture();
        JsonNode expected = fixture.get("expected");
        JsonNode x = fixture.get("X");
        int n = x.size();
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            perm.add(i);
        }
        Collections.shuffle(perm, new Random(20260301L));
        ObjectNode input = MAPPER.createObjectNode();
        input.put("kind", "clustering");
        input.put("k", fixture.get("k").intValue());
        ArrayNode rows = input.putArray("X");
        for (int i = 0; i < n; i++) {
            ArrayNode row = rows.addArray();
            Iterator<JsonNode> it = x.get(perm.get(i)).elements();
            while (it.hasNext()) {
                row.add(2.0 * it.next().doubleValue());
            }
        }
        ObjectNode actual = Conformance.run(input);
        double inertia = 4 * expected.get("kmeans_best_inertia").doubleValue();
        assertThat(actual.get("kmeans_best_inertia").doubleValue()).isLessThanOrEqualTo(inertia * (1 + INERTIA_REL_TOL));
        for (String key : List.of("kmeans_labels", "ward_labels", "average_labels")) {
            int[] exp = ints(expected.get(key));
            int[] permuted = new int[n];
            for (int i = 0; i < n; i++) {
                permuted[i] = exp[perm.get(i)];
            }
            assertThat(ClusteringMetrics.adjustedRandIndex(ints(actual.get(key)), permuted))
                    .as(key).isGreaterThanOrEqualTo(SAME_PARTITION_ARI);
        }
        assertThat(actual.get("kmeans_silhouette").doubleValue())
                .isCloseTo(expected.get("kmeans_silhouette").doubleValue(), within(SILHOUETTE_ABS_TOL));
        assertThat(actual.get("ari_kmeans_vs_ward").doubleValue())
                .isCloseTo(expected.get("ari_kmeans_vs_ward").doubleValue(), within(ARI_ABS_TOL));
    }

    @Test
    void wellSeparatedBlobsGiveTheTruePartitionAndItsWithinClusterSumOfSquares() {
        // four tight blobs 100 apart: every method must return the generating partition, and the k-means inertia is
        // the within-blob sum of squares around the blob means
        Random rng = new Random(5);
        int k = 4;
        int per = 30;
        double[][] x = new double[k * per][3];
        int[] truth = new int[k * per];
        for (int i = 0; i < x.length; i++) {
            truth[i] = i % k;
            for (int j = 0; j < 3; j++) {
                x[i][j] = (j == truth[i] % 3 ? 100.0 * (1 + truth[i]) : 0.0) + rng.nextGaussian();
            }
        }
        ObjectNode input = MAPPER.createObjectNode();
        input.put("kind", "clustering");
        input.put("k", k);
        ArrayNode rows = input.putArray("X");
        for (double[] r : x) {
            ArrayNode row = rows.addArray();
            for (double v : r) {
                row.add(v);
            }
        }
        ObjectNode actual = Conformance.run(input);
        for (String key : List.of("kmeans_labels", "ward_labels", "average_labels")) {
            assertThat(ClusteringMetrics.adjustedRandIndex(ints(actual.get(key)), truth)).as(key).isEqualTo(1.0);
        }
        double wss = 0;
        for (int c = 0; c < k; c++) {
            double[] mean = new double[3];
            for (int i = 0; i < x.length; i++) {
                if (truth[i] == c) {
                    for (int j = 0; j < 3; j++) {
                        mean[j] += x[i][j] / per;
                    }
                }
            }
            for (int i = 0; i < x.length; i++) {
                if (truth[i] == c) {
                    for (int j = 0; j < 3; j++) {
                        wss += (x[i][j] - mean[j]) * (x[i][j] - mean[j]);
                    }
                }
            }
        }
        assertThat(actual.get("kmeans_best_inertia").doubleValue()).isCloseTo(wss, within(INERTIA_REL_TOL * wss));
        assertThat(actual.get("ari_kmeans_vs_ward").doubleValue()).isEqualTo(1.0);
    }
}
