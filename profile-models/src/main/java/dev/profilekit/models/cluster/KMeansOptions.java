package dev.profilekit.models.cluster;

import dev.profilekit.features.Checks;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of batch k-means ({@link KMeans#fit}). Build with {@code KMeansOptions.k(3).restarts(10).seed(42)}.
 *
 * @param k                  number of clusters, {@code >= 1}
 * @param restarts           number of k-means++ initialisations; the run with the lowest inertia is kept
 * @param maxIterations      maximum Lloyd/Hamerly iterations per restart
 * @param tolerance          relative tolerance: a run stops when the sum of squared centroid moves is
 *                           {@code <= tolerance * mean per-feature variance of x} (scikit-learn's rule), or
 *                           when no label changes; {@code 0} means "until labels stop changing"
 * @param seed               seed of the {@link java.util.SplittableRandom} driving the initialisation
 * @param algorithm          {@link KMeansAlgorithm#LLOYD} or {@link KMeansAlgorithm#HAMERLY}
 * @param emptyClusterPolicy what to do with a cluster that loses all its points
 */
public record KMeansOptions(int k, int restarts, int maxIterations, double tolerance, long seed,
                            KMeansAlgorithm algorithm, EmptyClusterPolicy emptyClusterPolicy) {

    /** Default number of restarts. */
    public static final int DEFAULT_RESTARTS = 10;
    /** Default maximum iterations per restart. */
    public static final int DEFAULT_MAX_ITERATIONS = 300;
    /** Default relative tolerance. */
    public static final double DEFAULT_TOLERANCE = 1e-4;

    /** Validates every option. */
    public KMeansOptions {
        Checks.requireAtLeast(k, 1, "k");
        Checks.requireAtLeast(restarts, 1, "restarts");
        Checks.requireAtLeast(maxIterations, 1, "maxIterations");
        Checks.requireArgument(tolerance >= 0 && Double.isFinite(tolerance),
                "tolerance must be finite and >= 0, was %s", tolerance);
        Checks.requireNonNull(algorithm, "algorithm");
        Checks.requireNonNull(emptyClusterPolicy, "emptyClusterPolicy");
    }

    /**
     * Defaults for {@code k} clusters: 10 restarts, 300 iterations, tolerance 1e-4, seed 0, Hamerly,
     * empty clusters re-seeded with the farthest point.
     */
    public static KMeansOptions k(int k) {
        return new KMeansOptions(k, DEFAULT_RESTARTS, DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE, 0L,
                KMeansAlgorithm.HAMERLY, EmptyClusterPolicy.FARTHEST_POINT);
    }

    /** A copy with another number of restarts. */
    public KMeansOptions restarts(int restarts) {
        return new KMeansOptions(k, restarts, maxIterations, tolerance, seed, algorithm, emptyClusterPolicy);
    }

    /** A copy with another iteration limit. */
    public KMeansOptions maxIterations(int maxIterations) {
        return new KMeansOptions(k, restarts, maxIterations, tolerance, seed, algorithm, emptyClusterPolicy);
    }

    /** A copy with another relative tolerance. */
    public KMeansOptions tolerance(double tolerance) {
        return new KMeansOptions(k, restarts, maxIterations, tolerance, seed, algorithm, emptyClusterPolicy);
    }

    /** A copy with another seed. */
    public KMeansOptions seed(long seed) {
        return new KMeansOptions(k, restarts, maxIterations, tolerance, seed, algorithm, emptyClusterPolicy);
    }

    /** A copy with another iteration algorithm. */
    public KMeansOptions algorithm(KMeansAlgorithm algorithm) {
        return new KMeansOptions(k, restarts, maxIterations, tolerance, seed, algorithm, emptyClusterPolicy);
    }

    /** A copy with another empty-cluster policy. */
    public KMeansOptions emptyClusterPolicy(EmptyClusterPolicy policy) {
        return new KMeansOptions(k, restarts, maxIterations, tolerance, seed, algorithm, policy);
    }

    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("k", k);
        m.put("restarts", restarts);
        m.put("maxIterations", maxIterations);
        m.put("tolerance", tolerance);
        m.put("algorithm", algorithm.name());
        m.put("emptyClusterPolicy", emptyClusterPolicy.name());
        m.put("init", "k-means++ (greedy)");
        return m;
    }
}
