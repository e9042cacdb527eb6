package dev.profilekit.models.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.profilekit.models.metrics.ClusteringMetrics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AgglomerativeClusteringTest {

    /** Relative agreement of merge heights: Lance-Williams updates against the definitions. */
    private static final double HEIGHT_REL_TOL = 1e-9;

    /**
     * The textbook O(n³) algorithm: merge the closest pair of current clusters, with the inter-cluster distance
     * computed from the member points by its definition (Ward: sqrt(2 |A||B| / (|A|+|B|)) ||mean A - mean B||,
     * which is the height SciPy's Lance-Williams recurrence gives).
     */
    private static double[][] naiveLinkage(double[][] x, Linkage linkage) {
        int n = x.length;
        List<List<Integer>> members = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            members.add(new ArrayList<>(List.of(i)));
            ids.add(i);
        }
        double[][] z = new double[n - 1][];
        for (int step = 0; step < n - 1; step++) {
            int ba = -1;
            int bb = -1;
            double best = Double.POSITIVE_INFINITY;
            for (int a = 0; a < members.size(); a++) {
                for (int b = a + 1; b < members.size(); b++) {
                    double dd = clusterDistance(x, members.get(a), members.get(b), linkage);
                    if (dd < best) {
                        best = dd;
                        ba = a;
                        bb = b;
                    }
                }
            }
            int ia = ids.get(ba);
            int ib = ids.get(bb);
            List<Integer> merged = new ArrayList<>(members.get(ba));
            merged.addAll(members.get(bb));
            z[step] = new double[] {Math.min(ia, ib), Math.max(ia, ib), best, merged.size()};
            members.remove(bb);
            ids.remove(bb);
            members.set(ba, merged);
            ids.set(ba, n + step);
        }
        return z;
    }

    private static double clusterDistance(double[][] x, List<Integer> a, List<Integer> b, Linkage linkage) {
        if (linkage == Linkage.WARD) {
            double[] ca = mean(x, a);
            double[] cb = mean(x, b);
            double na = a.size();
            double nb = b.size();
            return Math.sqrt(2 * na * nb / (na + nb)) * Math.sqrt(Inputs.sqDist(ca, cb));
        }
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        double sum = 0;
        for (int i : a) {
            for (int j : b) {
                double dd = Math.sqrt(Inputs.sqDist(x[i], x[j]));
                min = Math.min(min, dd);
                max = Math.max(max, dd);
                sum += dd;
            }
        }
        return switch (linkage) {
            case SINGLE -> min;
            case COMPLETE -> max;
            default -> sum / (a.size() * b.size());
        };
    }

    private static double[] mean(double[][] x, List<Integer> idx) {
        double[] m = new double[x[0].length];
        for (int i : idx) {
            for (int j = 0; j < m.length; j++) {
                m[j] += x[i][j] / idx.size();
            }
        }
        return m;
    }

    @ParameterizedTest
    @EnumSource(Linkage.class)
    void linkageMatrixAgreesWithTheNaiveAlgorithm(Linkage linkage) {
        for (long seed = 1; seed <= 6; seed++) {
            int n = 8 + (int) (seed * 5);
            double[][] x = TestData.uniform(n, 1 + (int) (seed % 3), seed);
            double[][] fast = AgglomerativeClustering.fit(x, linkage).linkageMatrix();
            double[][] naive = naiveLinkage(x, linkage);
            assertThat(fast).hasNumberOfRows(n - 1);
            for (int i = 0; i < n - 1; i++) {
                assertThat(fast[i][0]).as("seed %d row %d idx1", seed, i).isEqualTo(naive[i][0]);
                assertThat(fast[i][1]).as("seed %d row %d idx2", seed, i).isEqualTo(naive[i][1]);
                assertThat(fast[i][2]).as("seed %d row %d height", seed, i)
                        .isCloseTo(naive[i][2], within(HEIGHT_REL_TOL * naive[i][2]));
                assertThat(fast[i][3]).isEqualTo(naive[i][3]);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Linkage.class)
    void cutToClustersGivesThatManyClustersWithoutTies(Linkage linkage) {
        double[][] x = TestData.uniform(40, 2, 99);
        Dendrogram tree = AgglomerativeClustering.fit(x, linkage);
        for (int m = 1; m <= 40; m++) {
            int[] labels = tree.cutToClusters(m);
            Set<Integer> distinct = new HashSet<>();
            for (int l : labels) {
                distinct.add(l);
            }
            assertThat(distinct).hasSize(m);
        }
    }

    @Test
    void singleLinkageCutIsTheConnectedComponentsOfTheThresholdGraph() {
        double[][] x = TestData.uniform(60, 2, 5);
        Dendrogram tree = AgglomerativeClustering.fit(x, Linkage.SINGLE);
        for (double t : new double[] {0.02, 0.05, 0.1, 0.2}) {
            int n = x.length;
            int[] parent = new int[n];
            for (int i = 0; i < n; i++) {
                parent[i] = i;
            }
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    if (Math.sqrt(Inputs.sqDist(x[i], x[j])) <= t) {
                        parent[AgglomerativeClustering.find(parent, i)] = AgglomerativeClustering.find(parent, j);
                    }
                }
            }
            int[] components = new int[n];
            for (int i = 0; i < n; i++) {
                components[i] = AgglomerativeClustering.find(parent, i);
            }
            assertThat(ClusteringMetrics.adjustedRandIndex(components, tree.cutAtDistance(t))).isEqualTo(1.0);
        }
    }

    @ParameterizedTest
    @EnumSource(Linkage.class)
    void wellSeparatedBlobsAreRecovered(Linkage linkage) {
        int n = 120;
        int[] truth = new int[n];
        double[][] x = TestData.blobs(n, 3, 4, 40.0, 8, truth);
        int[] labels = AgglomerativeClustering.fit(x, linkage).cutToClusters(4);
        assertThat(ClusteringMetrics.adjustedRandIndex(truth, labels)).isEqualTo(1.0);
    }

    @Test
    void jsonRoundTripIsExact() {
        Dendrogram tree = AgglomerativeClustering.fit(TestData.uniform(30, 3, 2), Linkage.AVERAGE);
        String json = tree.toJson();
        Dendrogram back = Dendrogram.fromJson(json);
        assertThat(back).isEqualTo(tree);
        assertThat(back.linkageMatrix()).isDeepEqualTo(tree.linkageMatrix());
        assertThat(back.cutToClusters(5)).containsExactly(tree.cutToClusters(5));
        assertThat(back.toJson()).isEqualTo(json);
        assertThat(tree.info().algorithm()).isEqualTo("agglomerative/nn-chain");
        assertThat(tree.info().options()).containsEntry("linkage", "AVERAGE");
    }

    @Test
    void tooManyPointsIsRefusedWithTheLimitAndTheReason() {
        double[][] x = new double[AgglomerativeClustering.MAX_POINTS + 1][1];
        assertThatThrownBy(() -> AgglomerativeClustering.fit(x, Linkage.WARD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limited to 20000 points, was 20001")
                .hasMessageContaining("O(n^2)");
    }

    @Test
    void badInputIsRejected() {
        assertThatThrownBy(() -> AgglomerativeClustering.fit(new double[][] {{1}, {Double.NaN}}, Linkage.WARD))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("x row 1 column 0 is NaN");
        assertThatThrownBy(() -> AgglomerativeClustering.fit(new double[][] {{1}}, Linkage.WARD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2 points, was 1");
        Dendrogram tree = AgglomerativeClustering.fit(TestData.uniform(5, 1, 1), Linkage.SINGLE);
        assertThatThrownBy(() -> tree.cutToClusters(6))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("clusters must be in [1, 5], was 6");
    }
}
