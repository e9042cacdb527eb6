package dev.profilekit.models.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.models.metrics.ClusteringMetrics;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class KMeansPropertiesTest {

    @Property(tries = 40)
    void hamerlyEqualsLloydOnAnySeededDataset(@ForAll @IntRange(min = 10, max = 300) int n,
                                              @ForAll @IntRange(min = 1, max = 6) int d,
                                              @ForAll @IntRange(min = 1, max = 10) int k,
                                              @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        int kk = Math.min(k, n);
        double[][] x = TestData.uniform(n, d, seed);
        KMeansOptions o = KMeansOptions.k(kk).restarts(2).seed(seed);
        KMeansModel lloyd = KMeans.fit(x, o.algorithm(KMeansAlgorithm.LLOYD));
        KMeansModel hamerly = KMeans.fit(x, o.algorithm(KMeansAlgorithm.HAMERLY));
        assertThat(hamerly.centroids()).isDeepEqualTo(lloyd.centroids());
        assertThat(hamerly.inertia()).isEqualTo(lloyd.inertia());
    }

    @Property(tries = 40)
    void inertiaIsTheInertiaOfThePredictedLabels(@ForAll @IntRange(min = 5, max = 200) int n,
                                                  @ForAll @IntRange(min = 1, max = 5) int k,
                                                  @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        double[][] x = TestData.uniform(n, 3, seed);
        KMeansModel m = KMeans.fit(x, KMeansOptions.k(Math.min(k, n)).restarts(1).seed(seed));
        double direct = ClusteringMetrics.inertia(x, m.predict(x), m.centroids());
        assertThat(m.inertia()).isEqualTo(direct);
    }

    @Property(tries = 60)
    void adjustedRandIndexIsSymmetricAndLabelFree(@ForAll @IntRange(min = 2, max = 60) int n,
                                                  @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        int[] a = new int[n];
        int[] b = new int[n];
        int[] renamed = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextInt(4);
            b[i] = rng.nextInt(3);
            renamed[i] = 100 - 7 * a[i];
        }
        assertThat(ClusteringMetrics.adjustedRandIndex(a, b)).isEqualTo(ClusteringMetrics.adjustedRandIndex(b, a));
        assertThat(ClusteringMetrics.adjustedRandIndex(a, renamed)).isEqualTo(1.0);
        assertThat(ClusteringMetrics.adjustedRandIndex(a, b)).isLessThanOrEqualTo(1.0);
    }
}
