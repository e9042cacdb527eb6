package dev.profilekit.models.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.models.metrics.ClusteringMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KMeansTest {

    /** Partition agreement that counts as "the same partition". */
    private static final double SAME_PARTITION_ARI = 0.999;
    private static final double INERTIA_REL_TOL = 1e-12;

    @ParameterizedTest(name = "n={0} d={1} k={2} seed={3} blobs={4}")
    @CsvSource({
            "500, 2, 5, 1, true",
            "800, 8, 12, 2, false",
            "300, 3, 7, 3, false",
            "1000, 16, 16, 4, true",
            "400, 1, 4, 5, false",
            "200, 5, 20, 6, true"})
    void lloydAndHamerlyGiveTheSameCentroidsFromTheSameSeeds(int n, int d, int k, long seed, boolean blobs) {
        double[][] x = blobs ? TestData.blobs(n, d, k, 3.0, seed, new int[n]) : TestData.uniform(n, d, seed);
        KMeansOptions base = KMeansOptions.k(k).restarts(3).seed(seed).tolerance(0);
        KMeansModel lloyd = KMeans.fit(x, base.algorithm(KMeansAlgorithm.LLOYD));
        KMeansModel hamerly = KMeans.fit(x, base.algorithm(KMeansAlgorithm.HAMERLY));
        // the same assignments give the same sums in the same order: the centroids are bit-identical
        assertThat(hamerly.centroids()).isDeepEqualTo(lloyd.centroids());
        assertThat(hamerly.inertia()).isEqualTo(lloyd.inertia());
        assertThat(hamerly.iterations()).isEqualTo(lloyd.iterations());
        assertThat(lloyd.converged()).isTrue();
    }

    @Test
    void lloydAndHamerlyAgreeWithTheDefaultRelativeTolerance() {
        double[][] x = TestData.uniform(2000, 4, 11);
        KMeansOptions base = KMeansOptions.k(9).restarts(2).seed(11);
        assertThat(KMeans.fit(x, base.algorithm(KMeansAlgorithm.HAMERLY)).centroids())
                .isDeepEqualTo(KMeans.fit(x, base.algorithm(KMeansAlgorithm.LLOYD)).centroids());
    }

    @Test
    void convergedCentroidsAreTheMeansOfTheirClusters() {
        double[][] x = TestData.uniform(600, 3, 21);
        KMeansModel m = KMeans.fit(x, KMeansOptions.k(6).tolerance(0).seed(21));
        int[] labels = m.predict(x);
        double[][] c = m.centroids();
        for (int cl = 0; cl < 6; cl++) {
            double[] sum = new double[3];
            int count = 0;
            for (int i = 0; i < x.length; i++) {
                if (labels[i] == cl) {
                    count++;
                    for (int j = 0; j < 3; j++) {
                        sum[j] += x[i][j];
                    }
                }
            }
            for (int j = 0; j < 3; j++) {
                assertThat(c[cl][j]).isCloseTo(sum[j] / count, org.assertj.core.data.Offset.offset(1e-12));
            }
        }
        assertThat(m.inertia()).isCloseTo(ClusteringMetrics.inertia(x, labels, c),
                org.assertj.core.data.Percentage.withPercentage(100 * INERTIA_REL_TOL));
    }

    @Test
    void wellSeparatedBlobsAreRecovered() {
        int n = 900;
        int[] truth = new int[n];
        double[][] x = TestData.blobs(n, 4, 3, 25.0, 7, truth);
        KMeansModel m = KMeans.fit(x, KMeansOptions.k(3).seed(7));
        assertThat(ClusteringMetrics.adjustedRandIndex(truth, m.predict(x))).isGreaterThan(SAME_PARTITION_ARI);
    }

    @Test
    void moreRestartsNeverGiveAHigherInertia() {
        double[][] x = TestData.uniform(400, 2, 5);
        // restart 0 of both fits uses the same split of the same seed, so the best of ten includes it
        double one = KMeans.fit(x, KMeansOptions.k(8).restarts(1).seed(5)).inertia();
        double ten = KMeans.fit(x, KMeansOptions.k(8).restarts(10).seed(5)).inertia();
        assertThat(ten).isLessThanOrEqualTo(one);
    }

    @Test
    void sameSeedSameModelAndRecordsProvenance() {
        double[][] x = TestData.uniform(300, 2, 9);
        KMeansModel a = KMeans.fit(x, KMeansOptions.k(4).seed(9));
        KMeansModel b = KMeans.fit(x, KMeansOptions.k(4).seed(9));
        assertThat(a).isEqualTo(b);
        assertThat(a.info().algorithm()).isEqualTo("kmeans/hamerly");
        assertThat(a.info().seed()).isEqualTo(9L);
        assertThat(a.info().rows()).isEqualTo(300);
        assertThat(a.info().columns()).isEqualTo(2);
        assertThat(a.info().options()).containsEntry("k", 4).containsEntry("restarts", 10);
    }

    @Test
    void iterationLimitIsReportedAsNotConverged() {
        double[][] x = TestData.uniform(1000, 2, 3);
        KMeansModel m = KMeans.fit(x, KMeansOptions.k(10).restarts(1).maxIterations(1).tolerance(0).seed(3));
        assertThat(m.converged()).isFalse();
        assertThat(m.iterations()).isEqualTo(1);
    }

    @Test
    void emptyClusterIsReseededWithTheFarthestPointByBothVariants() {
        double[][] x = {{0}, {1}, {2}, {10}, {11}, {50}};
        double[][] init = {{1}, {10.5}, {1000}};
        for (boolean hamerly : new boolean[] {false, true}) {
            KMeansEngine.Run run = KMeansEngine.iterate(x, init, 100, 0, EmptyClusterPolicy.FARTHEST_POINT, hamerly);
            // centroid 2 loses everything; the farthest point from its centroid is 50 (from 10.5)
            assertThat(run.centroids()[2][0]).isEqualTo(50.0);
            assertThat(run.centroids()[0][0]).isEqualTo(1.0);
            assertThat(run.centroids()[1][0]).isEqualTo(10.5);
            assertThat(run.inertia()).isEqualTo(2.0 + 0.5);
        }
        assertThatThrownBy(() -> KMeansEngine.iterate(x, init, 100, 0, EmptyClusterPolicy.ERROR, true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cluster 2 became empty at iteration 1");
    }

    @Test
    void jsonRoundTripIsExact() {
        double[][] x = TestData.uniform(200, 3, 13);
        KMeansModel m = KMeans.fit(x, KMeansOptions.k(5).seed(13).algorithm(KMeansAlgorithm.LLOYD));
        String json = m.toJson();
        KMeansModel back = KMeansModel.fromJson(json);
        assertThat(back).isEqualTo(m);
        assertThat(back.centroids()).isDeepEqualTo(m.centroids());
        assertThat(back.inertia()).isEqualTo(m.inertia());
        assertThat(back.toJson()).isEqualTo(json);
        assertThat(json).contains("\"format\":\"profilekit.kmeans\"", "\"version\":1");
    }

    @Test
    void jsonWithWrongFormatOrVersionIsRejected() {
        String json = KMeans.fit(TestData.uniform(20, 2, 1), KMeansOptions.k(2)).toJson();
        assertThatThrownBy(() -> KMeansModel.fromJson(json.replace("\"version\":1", "\"version\":2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 2");
        assertThatThrownBy(() -> KMeansModel.fromJson(json.replace("profilekit.kmeans", "profilekit.other")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format must be 'profilekit.kmeans', was 'profilekit.other'");
        assertThatThrownBy(() -> KMeansModel.fromJson("{nope"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void badInputIsRejectedWithTheProblemAndValues() {
        double[][] nan = {{1, 2, 3}, {4, 5, Double.NaN}};
        assertThatThrownBy(() -> KMeans.fit(nan, KMeansOptions.k(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("x row 1 column 2 is NaN");
        assertThatThrownBy(() -> KMeans.fit(TestData.uniform(150, 2, 1), KMeansOptions.k(200)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("k must be <= number of rows 150, was 200");
        assertThatThrownBy(() -> KMeans.fit(new double[][] {{1, 2}, {3}}, KMeansOptions.k(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("x row 1 has 1 columns, row 0 has 2");
        assertThatThrownBy(() -> KMeansOptions.k(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("k must be >= 1, was 0");
        KMeansModel m = KMeans.fit(TestData.uniform(20, 4, 1), KMeansOptions.k(2));
        assertThatThrownBy(() -> m.predict(new double[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("x has 3 columns, model expects 4");
    }
}
