package dev.profilekit.models.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.profilekit.models.metrics.ClusteringMetrics;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StreamingKMeansTest {

    private static final double EXACT = 1e-12;
    private static final double SAME_PARTITION_ARI = 0.999;
    /** Bytes a measured loop may show from the measurement itself (the counter read, not the loop). */
    private static final long ALLOCATION_SLACK_BYTES = 4096;

    @Test
    void withoutHalfLifeEachCentroidIsTheRunningMeanOfItsPoints() {
        OnlineKMeans online = OnlineKMeans.start(new double[][] {{0, 0}, {100, 100}}, Double.POSITIVE_INFINITY);
        SplittableRandom rng = new SplittableRandom(1);
        double[][] sums = {{0, 0}, {100, 100}}; // the initial centroid counts as one point
        int[] counts = {1, 1};
        for (int t = 0; t < 1000; t++) {
            boolean far = rng.nextBoolean();
            double[] p = {(far ? 100 : 0) + rng.nextGaussian(), (far ? 100 : 0) + rng.nextGaussian()};
            int c = online.update(p);
            assertThat(c).isEqualTo(far ? 1 : 0);
            counts[c]++;
            sums[c][0] += p[0];
            sums[c][1] += p[1];
        }
        for (int c = 0; c < 2; c++) {
            assertThat(online.centroid(c)[0]).isCloseTo(sums[c][0] / counts[c], within(EXACT * 100));
            assertThat(online.centroid(c)[1]).isCloseTo(sums[c][1] / counts[c], within(EXACT * 100));
        }
        assertThat(online.updates()).isEqualTo(1000);
    }

    @Test
    void withHalfLifeTheCentroidIsTheExponentiallyWeightedMean() {
        double halfLife = 25;
        double lambda = Math.pow(0.5, 1 / halfLife);
        OnlineKMeans online = OnlineKMeans.start(new double[][] {{3.0}}, halfLife);
        SplittableRandom rng = new SplittableRandom(2);
        double num = 3.0; // initial point, weight lambda^t after t updates
        double den = 1.0;
        for (int t = 1; t <= 300; t++) {
            double p = 10 * rng.nextDouble();
            online.update(new double[] {p});
            num = num * lambda + p;
            den = den * lambda + 1;
        }
        assertThat(online.centroid(0)[0]).isCloseTo(num / den, within(1e-9));
    }

    @Test
    void halfLifeDecaysWithStreamTimeEvenWhileACentroidIsIdle() {
        double halfLife = 10;
        OnlineKMeans online = OnlineKMeans.start(new double[][] {{0.0}, {1000.0}}, halfLife);
        for (int t = 0; t < 10; t++) {
            online.update(new double[] {1000.0}); // only centroid 1 moves; centroid 0's weight halves meanwhile
        }
        online.update(new double[] {4.0});
        // centroid 0: weight 1 decayed over 11 updates, then the new point with weight 1
        double w = Math.pow(0.5, 11 / halfLife);
        assertThat(online.centroid(0)[0]).isCloseTo(4.0 / (w + 1), within(1e-12));
    }

    @Test
    void snapshotIsImmutableAndRoundTrips() {
        OnlineKMeans online = OnlineKMeans.start(new double[][] {{0, 0}, {5, 5}}, 100);
        online.update(new double[] {1, 1});
        KMeansModel snap = online.snapshot();
        online.update(new double[] {2, 2});
        double eta = 1 / (1 + Math.pow(0.5, 1 / 100.0)); // the initial point's weight decayed by one update
        assertThat(snap.centroid(0)[0]).isCloseTo(eta, within(EXACT));
        assertThat(snap.centroid(0)[1]).isCloseTo(eta, within(EXACT));
        assertThat(snap.info().algorithm()).isEqualTo("kmeans/online");
        assertThat(Double.isNaN(snap.inertia())).isTrue();
        assertThat(KMeansModel.fromJson(snap.toJson())).isEqualTo(snap);
        KMeansModel plain = OnlineKMeans.start(new double[][] {{1}}, Double.POSITIVE_INFINITY).snapshot();
        assertThat(KMeansModel.fromJson(plain.toJson())).isEqualTo(plain);
    }

    @Test
    void updateAndNearestDoNotAllocate() {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        OnlineKMeans online = OnlineKMeans.start(TestData.uniform(16, 8, 3), 1000);
        double[][] points = TestData.uniform(1000, 8, 4);
        long sink = 0;
        for (int rep = 0; rep < 20; rep++) { // warm up
            for (double[] p : points) {
                sink += online.update(p) + online.nearest(p);
            }
        }
        long tid = Thread.currentThread().getId();
        long before = bean.getThreadAllocatedBytes(tid);
        for (int rep = 0; rep < 20; rep++) {
            for (double[] p : points) {
                sink += online.update(p) + online.nearest(p);
            }
        }
        long allocated = bean.getThreadAllocatedBytes(tid) - before;
        assertThat(sink).isPositive();
        assertThat(allocated).isLessThan(ALLOCATION_SLACK_BYTES);
    }

    @Test
    void onlineRejectsBadPoints() {
        OnlineKMeans online = OnlineKMeans.start(new double[][] {{0, 0}}, 10);
        assertThatThrownBy(() -> online.update(new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("x has 1 columns, model expects 2");
        assertThatThrownBy(() -> online.update(new double[] {1, Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("x column 1 is NaN");
        assertThat(online.updates()).isZero();
        assertThatThrownBy(() -> OnlineKMeans.start(new double[][] {{0}}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("halfLife must be > 0");
    }

    @Test
    void miniBatchRecoversWellSeparatedBlobsAndRoundTrips() {
        int n = 3000;
        int[] truth = new int[n];
        double[][] x = TestData.blobs(n, 4, 5, 30.0, 17, truth);
        KMeansModel m = MiniBatchKMeans.fit(x, MiniBatchKMeansOptions.k(5).batchSize(256).maxBatches(50).seed(17));
        assertThat(ClusteringMetrics.adjustedRandIndex(truth, m.predict(x))).isGreaterThan(SAME_PARTITION_ARI);
        assertThat(m.inertia()).isCloseTo(m.inertia(x), within(1e-6 * m.inertia()));
        assertThat(m.iterations()).isEqualTo(50);
        assertThat(m.converged()).isFalse();
        assertThat(KMeansModel.fromJson(m.toJson())).isEqualTo(m);
        assertThat(m.info().algorithm()).isEqualTo("kmeans/mini-batch");
    }

    @Test
    void miniBatchStopsEarlyUnderTolerance() {
        double[][] x = TestData.blobs(2000, 2, 3, 30.0, 5, new int[2000]);
        KMeansModel m = MiniBatchKMeans.fit(x, MiniBatchKMeansOptions.k(3).batchSize(500).maxBatches(1000)
                .tolerance(1e-3).seed(5));
        assertThat(m.converged()).isTrue();
        assertThat(m.iterations()).isLessThan(1000);
        assertThatThrownBy(() -> MiniBatchKMeans.fit(x, MiniBatchKMeansOptions.k(2001)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("k must be <= number of rows 2000, was 2001");
    }
}
