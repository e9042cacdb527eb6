package dev.profilekit.models.drift;

import java.util.SplittableRandom;

/** Seeded test streams. */
final class Streams {

    private Streams() {
    }

    static double gaussian(SplittableRandom rnd) {
        // Box-Muller; SplittableRandom has no nextGaussian in Java 17
        double u = 1.0 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    static double[] gaussian(long seed, int n, double mean, double sd) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = mean + sd * gaussian(rnd);
        }
        return x;
    }

    /** Mean 0 for the first {@code change} values, mean {@code shift} after; unit variance. */
    static double[] gaussianShift(long seed, int n, int change, double shift) {
        double[] x = gaussian(seed, n, 0.0, 1.0);
        for (int i = change; i < n; i++) {
            x[i] += shift;
        }
        return x;
    }

    static double[] bernoulli(long seed, int n, double p) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextDouble() < p ? 1.0 : 0.0;
        }
        return x;
    }

    /** Index of the first alarm at or after {@code from}, or -1; counts alarms before {@code from} in {@code early[0]}. */
    static int firstAlarm(DriftDetector d, double[] x, int from, long[] early) {
        for (int i = 0; i < x.length; i++) {
            if (d.update(x[i])) {
                if (i < from) {
                    early[0]++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    static long alarms(DriftDetector d, double[] x) {
        for (double v : x) {
            d.update(v);
        }
        return d.alarms();
    }
}
