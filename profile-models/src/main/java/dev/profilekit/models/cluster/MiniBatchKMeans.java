package dev.profilekit.models.cluster;

import dev.profilekit.features.Checks;
import dev.profilekit.models.ModelInfo;
import java.util.SplittableRandom;

/**
 * Mini-batch k-means (Sculley 2010, "Web-scale k-means clustering"): centroids seeded by greedy k-means++ on a
 * random sample of {@code max(3 batchSize, 3k)} points (all points if fewer), then each batch of points drawn
 * with replacement pulls its nearest centroid towards it with the
 * per-centroid learning rate {@code 1 / (points seen by that centroid)}. O(batchSize k d) per batch.
 *
 * <pre>{@code
 * KMeansModel m = MiniBatchKMeans.fit(points, MiniBatchKMeansOptions.k(16).batchSize(2048).maxBatches(200));
 * }</pre>
 */
public final class MiniBatchKMeans {

    private MiniBatchKMeans() {
    }

    /**
     * Clusters the rows of {@code x} with mini-batches.
     *
     * @return centroids, the inertia of all of {@code x} against them, the number of batches run, and
     *         {@code converged} true only if the tolerance rule stopped it before {@code maxBatches}
     * @throws IllegalArgumentException if {@code x} is empty, ragged or has a non-finite value, or k exceeds n
     */
    public static KMeansModel fit(double[][] x, MiniBatchKMeansOptions options) {
        Checks.requireNonNull(options, "options");
        int d = Inputs.requirePoints(x, "x");
        int n = x.length;
        int k = options.k();
        Checks.requireArgument(k <= n, "k must be <= number of rows %d, was %d", n, k);
        SplittableRandom rng = new SplittableRandom(options.seed());
        // seed on a sample, as scikit-learn does (init_size = 3 batch sizes, at least 3k): seeding on all n points
        // would cost more than the batches
        int initSize = Math.min(n, Math.max(3 * options.batchSize(), 3 * k));
        double[][] sample = x;
        if (initSize < n) {
            sample = new double[initSize][];
            for (int i = 0; i < initSize; i++) {
                sample[i] = x[rng.nextInt(n)];
            }
        }
        double[][] c = KMeansEngine.seedPlusPlus(sample, k, rng.split());
        double tolAbs = options.tolerance() * KMeansEngine.meanVariance(x);
        long[] counts = new long[k];
        int[] batch = new int[options.batchSize()];
        int[] nearest = new int[options.batchSize()];
        double[][] before = new double[k][d];
        boolean converged = false;
        int b = 0;
        while (b < options.maxBatches()) {
            b++;
            for (int c0 = 0; c0 < k; c0++) {
                System.arraycopy(c[c0], 0, before[c0], 0, d);
            }
            // assign the whole batch to the centroids as they were before it, then move them (Sculley's order)
            for (int t = 0; t < batch.length; t++) {
                batch[t] = rng.nextInt(n);
                nearest[t] = Inputs.nearest(x[batch[t]], c);
            }
            for (int t = 0; t < batch.length; t++) {
                int j = nearest[t];
                counts[j]++;
                double eta = 1.0 / counts[j];
                double[] cj = c[j];
                double[] p = x[batch[t]];
                for (int q = 0; q < d; q++) {
                    cj[q] += eta * (p[q] - cj[q]);
                }
            }
            if (options.tolerance() > 0) {
                double shift = 0;
                for (int c0 = 0; c0 < k; c0++) {
                    shift += Inputs.sqDist(c[c0], before[c0]);
                }
                if (shift <= tolAbs) {
                    converged = true;
                    break;
                }
            }
        }
        double inertia = 0;
        for (double[] p : x) {
            inertia += Inputs.sqDist(p, c[Inputs.nearest(p, c)]);
        }
        return new KMeansModel(c, inertia, b, converged,
                ModelInfo.of("kmeans/mini-batch", options.asMap(), options.seed(), n, d));
    }
}
