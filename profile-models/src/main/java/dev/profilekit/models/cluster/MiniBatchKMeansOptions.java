package dev.profilekit.models.cluster;

import dev.profilekit.features.Checks;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of {@link MiniBatchKMeans}. Build with {@code MiniBatchKMeansOptions.k(8).batchSize(1024).seed(7)}.
 *
 * @param k             number of clusters, {@code >= 1}
 * @param batchSize     points drawn (with replacement) per batch
 * @param maxBatches    maximum number of batches
 * @param tolerance     relative tolerance: stop when the sum of squared centroid moves over one batch is
 *                      {@code <= tolerance * mean per-feature variance}; {@code 0} runs all batches
 * @param seed          seed of the {@link java.util.SplittableRandom} for seeding and batch sampling
 */
public record MiniBatchKMeansOptions(int k, int batchSize, int maxBatches, double tolerance, long seed) {

    /** Validates every option. */
    public MiniBatchKMeansOptions {
        Checks.requireAtLeast(k, 1, "k");
        Checks.requireAtLeast(batchSize, 1, "batchSize");
        Checks.requireAtLeast(maxBatches, 1, "maxBatches");
        Checks.requireArgument(tolerance >= 0 && Double.isFinite(tolerance),
                "tolerance must be finite and >= 0, was %s", tolerance);
    }

    /** Defaults for {@code k} clusters: batches of 1024, at most 100 batches, tolerance 0, seed 0. */
    public static MiniBatchKMeansOptions k(int k) {
        return new MiniBatchKMeansOptions(k, 1024, 100, 0.0, 0L);
    }

    /** A copy with another batch size. */
    public MiniBatchKMeansOptions batchSize(int batchSize) {
        return new MiniBatchKMeansOptions(k, batchSize, maxBatches, tolerance, seed);
    }

    /** A copy with another batch limit. */
    public MiniBatchKMeansOptions maxBatches(int maxBatches) {
        return new MiniBatchKMeansOptions(k, batchSize, maxBatches, tolerance, seed);
    }

    /** A copy with another relative tolerance. */
    public MiniBatchKMeansOptions tolerance(double tolerance) {
        return new MiniBatchKMeansOptions(k, batchSize, maxBatches, tolerance, seed);
    }

    /** A copy with another seed. */
    public MiniBatchKMeansOptions seed(long seed) {
        return new MiniBatchKMeansOptions(k, batchSize, maxBatches, tolerance, seed);
    }

    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("k", k);
        m.put("batchSize", batchSize);
        m.put("maxBatches", maxBatches);
        m.put("tolerance", tolerance);
        m.put("init", "k-means++ (greedy)");
        return m;
    }
}
