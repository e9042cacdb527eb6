package dev.profilekit.benchmarks;

import dev.profilekit.models.cluster.KMeans;
import dev.profilekit.models.cluster.KMeansAlgorithm;
import dev.profilekit.models.cluster.KMeansOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.DoublePoint;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.clustering.MultiKMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.distance.EuclideanDistance;
import org.apache.commons.math3.random.Well19937c;
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
 * Batch k-means, k = {@value #K}, on the same seeded 100,000 x 16 points as {@link KMeansBenchmark} (16 Gaussian
 * blobs, unit noise around centres drawn from N(0, 4^2)): ours (Hamerly's exact accelerated Lloyd) against Smile
 * 3.1.1 ({@code smile.clustering.KMeans.fit}, Kanungo et al.'s filtering algorithm on a BBD tree) and
 * commons-math3 3.6.1 ({@code KMeansPlusPlusClusterer}, plain Lloyd). Every contender runs the same number of k-means++
 * seedings, {@value #RESTARTS}, each followed by a descent, and keeps the best (ours {@code restarts(5)}; Smile
 * {@code PartitionClustering.run(5, KMeans.fit)}; commons-math3 {@code MultiKMeansPlusPlusClusterer} with 5
 * trials), each with its own seeded RNG, so each may still land on a different local optimum: {@link #quality()}
 * reports each one's inertia (sum of squared distances to the nearest of its centroids, the same formula for
 * all) so speed is never read without it.
 *
 * <p>Stopping: ours and Smile stop on a relative tolerance of 1e-4 (ours on the centroid moves, scikit-learn's
 * rule; Smile on the relative change of distortion), commons-math3 when no assignment changes (it has no
 * tolerance); all are capped at {@value #MAX_ITERATIONS} iterations. The fork runs with the common fork-join pool
 * disabled ({@code parallelism=0}), so Smile's parallel streams run on the calling thread like everything else.
 * commons-math3's input, a list of {@code DoublePoint}, is built once outside the measurement.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Djava.util.concurrent.ForkJoinPool.common.parallelism=0"})
public class KMeansPeersBenchmark {

    /** Clusters. */
    public static final int K = 16;
    /** Dimension. */
    public static final int D = 16;
    /** Seed of the data (as {@link KMeansBenchmark}) and of every contender's seeding. */
    public static final long SEED = 42L;
    /**
     * k-means++ restarts of every contender, the best (least inertia) kept. One restart would compare luck: on
     * this data a single seeding often merges two blobs, and each contender's RNG lands differently.
     */
    public static final int RESTARTS = 5;
    /** Relative tolerance of ours and Smile. */
    public static final double TOLERANCE = 1e-4;
    /** Iteration cap of every contender. */
    public static final int MAX_ITERATIONS = 300;

    /** Number of points. */
    @Param({"100000"})
    public int rows;

    private double[][] points;
    private List<DoublePoint> commonsPoints;

    /** Draws the points. */
    @Setup(Level.Trial)
    public void setUp() {
        points = data(rows);
        commonsPoints = commonsPoints(points);
    }

    /** The points of {@link KMeansBenchmark}: 16 blobs, unit noise, centres from N(0, 4^2), seed {@value #SEED}. */
    public static double[][] data(int rows) {
        SplittableRandom rng = new SplittableRandom(SEED);
        double[][] centres = new double[K][D];
        for (double[] c : centres) {
            for (int j = 0; j < D; j++) {
                c[j] = 4 * rng.nextGaussian();
            }
        }
        double[][] x = new double[rows][D];
        for (int i = 0; i < rows; i++) {
            double[] c = centres[rng.nextInt(K)];
            for (int j = 0; j < D; j++) {
                x[i][j] = c[j] + rng.nextGaussian();
            }
        }
        return x;
    }

    static List<DoublePoint> commonsPoints(double[][] x) {
        List<DoublePoint> list = new ArrayList<>(x.length);
        for (double[] r : x) {
            list.add(new DoublePoint(r));
        }
        return list;
    }

    /** Ours: {@value #RESTARTS} k-means++ restarts, Hamerly. */
    @Benchmark
    public double[][] ours() {
        return ours(points);
    }

    /** Smile 3.1.1: best of {@value #RESTARTS} {@code KMeans.fit(x, k, maxIter, tol)}. */
    @Benchmark
    public double[][] smile() {
        return smile(points);
    }

    /** commons-math3 3.6.1: {@code MultiKMeansPlusPlusClusterer}, best of {@value #RESTARTS}. */
    @Benchmark
    public double[][] commonsMath() {
        return commonsMath(commonsPoints);
    }

    static double[][] ours(double[][] x) {
        return KMeans.fit(x, KMeansOptions.k(K).restarts(RESTARTS).seed(SEED).tolerance(TOLERANCE)
                .maxIterations(MAX_ITERATIONS).algorithm(KMeansAlgorithm.HAMERLY)).centroids();
    }

    static double[][] smile(double[][] x) {
        smile.math.MathEx.setSeed(SEED); // Smile's k-means++ seeding draws from MathEx's thread-local RNG
        return smile.clustering.PartitionClustering.run(RESTARTS,
                () -> smile.clustering.KMeans.fit(x, K, MAX_ITERATIONS, TOLERANCE)).centroids;
    }

    static double[][] commonsMath(List<DoublePoint> x) {
        KMeansPlusPlusClusterer<DoublePoint> clusterer = new KMeansPlusPlusClusterer<>(K, MAX_ITERATIONS,
                new EuclideanDistance(), new Well19937c(SEED));
        List<CentroidCluster<DoublePoint>> clusters = new MultiKMeansPlusPlusClusterer<>(clusterer, RESTARTS)
                .cluster(x);
        double[][] out = new double[clusters.size()][];
        for (int c = 0; c < out.length; c++) {
            out[c] = clusters.get(c).getCenter().getPoint();
        }
        return out;
    }

    /** Inertia of every contender on the default data (100,000 points), lower is better. */
    public static Map<String, Double> quality() {
        return quality(100_000);
    }

    static Map<String, Double> quality(int rows) {
        double[][] x = data(rows);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("inertia.ours", inertia(x, ours(x)));
        out.put("inertia.smile", inertia(x, smile(x)));
        out.put("inertia.commonsMath", inertia(x, commonsMath(commonsPoints(x))));
        return out;
    }

    /** Sum over points of the squared Euclidean distance to the nearest centroid, written out for every contender. */
    static double inertia(double[][] x, double[][] centroids) {
        double total = 0;
        for (double[] p : x) {
            double best = Double.POSITIVE_INFINITY;
            for (double[] c : centroids) {
                double s = 0;
                for (int j = 0; j < p.length; j++) {
                    double diff = p[j] - c[j];
                    s += diff * diff;
                }
                best = Math.min(best, s);
            }
            total += best;
        }
        return total;
    }
}
