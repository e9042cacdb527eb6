package dev.profilekit.benchmarks;

import dev.profilekit.models.cluster.KMeans;
import dev.profilekit.models.cluster.KMeansAlgorithm;
import dev.profilekit.models.cluster.KMeansModel;
import dev.profilekit.models.cluster.KMeansOptions;
import dev.profilekit.models.cluster.MiniBatchKMeans;
import dev.profilekit.models.cluster.MiniBatchKMeansOptions;
import dev.profilekit.models.cluster.OnlineKMeans;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * k-means on 100,000 x 16 seeded points (16 Gaussian blobs, k = 16): one batch fit (one k-means++ restart, Lloyd vs
 * Hamerly, same seed so the same work to the same answer), a mini-batch fit, and the online hot path
 * ({@code update} and {@code nearest}, which must not allocate: run with {@code -prof gc}).
 *
 * <p>Run: {@code java -jar profile-benchmarks/target/benchmarks.jar KMeansBenchmark -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class KMeansBenchmark {

    static final int N = 100_000;
    static final int D = 16;
    static final int K = 16;
    static final long SEED = 42L;

    double[][] points;
    OnlineKMeans online;
    int next;

    /** Draws the seeded points and starts the online model from the first 16 of them. */
    @Setup(Level.Trial)
    public void setUp() {
        points = KMeansPeersBenchmark.data(N);
        double[][] init = new double[K][];
        for (int c = 0; c < K; c++) {
            init[c] = points[c].clone();
        }
        online = OnlineKMeans.start(init, 10_000);
    }

    /** The iteration variant of the batch fit; only {@link #batchFit} reads it. */
    @State(Scope.Benchmark)
    public static class Variant {
        /** Lloyd or Hamerly. */
        @Param({"LLOYD", "HAMERLY"})
        public KMeansAlgorithm algorithm;
    }

    /** One restart of batch k-means to convergence (relative tolerance 1e-4), k-means++ seeding included. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public KMeansModel batchFit(Variant variant) {
        return KMeans.fit(points, KMeansOptions.k(K).restarts(1).seed(SEED).algorithm(variant.algorithm));
    }

    /** Mini-batch k-means, 100 batches of 1024. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public KMeansModel miniBatchFit() {
        return MiniBatchKMeans.fit(points, MiniBatchKMeansOptions.k(K).batchSize(1024).maxBatches(100).seed(SEED));
    }

    /** One online update (nearest of 16 centroids in 16 dimensions, then the move). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int onlineUpdate() {
        int i = next;
        next = i + 1 == N ? 0 : i + 1;
        return online.update(points[i]);
    }

    /** One nearest-centroid lookup. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int onlineNearest() {
        int i = next;
        next = i + 1 == N ? 0 : i + 1;
        return online.nearest(points[i]);
    }
}
