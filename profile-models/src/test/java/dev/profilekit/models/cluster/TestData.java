package dev.profilekit.models.cluster;

import java.util.SplittableRandom;

/** Seeded synthetic point sets for the clustering tests. */
final class TestData {

    private TestData() {
    }

    /** n uniform points in [0, 1)^d. */
    static double[][] uniform(int n, int d, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = rng.nextDouble();
            }
        }
        return x;
    }

    /** Points from Gaussian blobs: blob of point i is truth[i]; centres spread by {@code spread}, unit noise. */
    static double[][] blobs(int n, int d, int k, double spread, long seed, int[] truth) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] centres = new double[k][d];
        for (double[] c : centres) {
            for (int j = 0; j < d; j++) {
                c[j] = spread * rng.nextGaussian();
            }
        }
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            int b = i % k;
            truth[i] = b;
            for (int j = 0; j < d; j++) {
                x[i][j] = centres[b][j] + rng.nextGaussian();
            }
        }
        return x;
    }
}
