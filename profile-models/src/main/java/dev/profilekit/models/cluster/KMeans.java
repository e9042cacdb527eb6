package dev.profilekit.models.cluster;

import dev.profilekit.features.Checks;
import dev.profilekit.models.ModelInfo;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Batch k-means: greedy k-means++ seeding, Lloyd or Hamerly iterations, restarts keeping the lowest inertia.
 *
 * <pre>{@code
 * KMeansModel km = KMeans.fit(points, KMeansOptions.k(4).restarts(10).seed(42));
 * int[] labels = km.predict(points);
 * }</pre>
 *
 * <p>Seeding is the greedy k-means++ of scikit-learn (Arthur and Vassilvitskii 2007; {@code 2 + ln k} candidate
 * centres per step, the one lowering the potential most is kept). Restart {@code r} seeds from the r-th
 * {@link SplittableRandom#split() split} of {@code new SplittableRandom(seed)}, so runs are reproducible and
 * {@link KMeansAlgorithm#LLOYD} and {@link KMeansAlgorithm#HAMERLY} start from the same centres and end at the
 * same centroids. Each iteration costs O(n k d) for Lloyd; Hamerly (2010) skips most of the distance
 * computations once clusters settle.
 */
public final class KMeans {

    private KMeans() {
    }

    /**
     * Clusters the rows of {@code x}.
     *
     * @param x       n points of d finite coordinates (not modified)
     * @param options k, restarts, iterations, tolerance, seed, algorithm, empty-cluster policy
     * @return the centroids of the restart with the lowest inertia; {@code converged()} is false if that run hit
     *         the iteration limit
     * @throws IllegalArgumentException if {@code x} is empty, ragged or has a NaN/infinite value, or k exceeds
     *                                  the number of rows
     * @throws IllegalStateException    if a cluster becomes empty under {@link EmptyClusterPolicy#ERROR}
     */
    public static KMeansModel fit(double[][] x, KMeansOptions options) {
        Checks.requireNonNull(options, "options");
        int d = Inputs.requirePoints(x, "x");
        int n = x.length;
        Checks.requireArgument(options.k() <= n, "k must be <= number of rows %d, was %d", n, options.k());
        double tolAbs = options.tolerance() * KMeansEngine.meanVariance(x);
        SplittableRandom master = new SplittableRandom(options.seed());
        boolean hamerly = options.algorithm() == KMeansAlgorithm.HAMERLY;
        KMeansEngine.Run best = null;
        for (int r = 0; r < options.restarts(); r++) {
            SplittableRandom rng = master.split();
            double[][] init = KMeansEngine.seedPlusPlus(x, options.k(), rng);
            KMeansEngine.Run run = KMeansEngine.iterate(x, init, options.maxIterations(), tolAbs,
                    options.emptyClusterPolicy(), hamerly);
            if (best == null || run.inertia() < best.inertia()) {
                best = run;
            }
        }
        ModelInfo info = ModelInfo.of("kmeans/" + options.algorithm().name().toLowerCase(Locale.ROOT),
                options.asMap(), options.seed(), n, d);
        return new KMeansModel(best.centroids(), best.inertia(), best.iterations(), best.converged(), info);
    }
}
