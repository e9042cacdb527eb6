package dev.profilekit.report;

import java.util.Arrays;

/**
 * Summary statistics of one numeric column: values present, missing (no value), zeros, mean, standard deviation
 * (sample, divisor n − 1; 0 for one value), min, the 5th, 25th, 50th, 75th and 95th percentiles, max. A percentile
 * p interpolates linearly between order statistics: with the n values sorted as x[0] ≤ … ≤ x[n−1] and h = (n − 1)·p,
 * it is x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) (the default of NumPy and of pandas' describe).
 */
record Describe(int count, int missing, int zeros, double mean, double std, double min, double[] percentiles,
                double max) {

    /** The percentiles given, as fractions. */
    static final double[] PERCENTILES = {0.05, 0.25, 0.50, 0.75, 0.95};

    /** The statistics of a column (NaN: no value); the numbers are NaN when no value is present. */
    static Describe of(double[] column) {
        double[] v = ProfileColumns.present(column);
        int n = v.length;
        int zeros = 0;
        for (double x : v) {
            zeros += x == 0 ? 1 : 0;
        }
        double[] pct = new double[PERCENTILES.length];
        if (n == 0) {
            Arrays.fill(pct, Double.NaN);
            return new Describe(0, column.length, 0, Double.NaN, Double.NaN, Double.NaN, pct, Double.NaN);
        }
        Arrays.sort(v);
        Column c = new Column(v); // mean without overflow
        double mean = c.mean();
        double ss = 0;
        double m = c.scaled(mean);
        for (double x : v) {
            double d = c.scaled(x) - m;
            ss += d * d;
        }
        double std = n < 2 ? 0 : Math.scalb(Math.sqrt(ss / (n - 1)), exponentOf(v)); // undo Column's scaling
        for (int i = 0; i < pct.length; i++) {
            pct[i] = percentile(v, PERCENTILES[i]);
        }
        return new Describe(n, column.length - n, zeros, mean, std, v[0], pct, v[n - 1]);
    }

    /** The exponent {@link Column#scaled} divides by (the same rule: of the largest magnitude, 0 if all are 0). */
    private static int exponentOf(double[] sorted) {
        double maxAbs = Math.max(Math.abs(sorted[0]), Math.abs(sorted[sorted.length - 1]));
        return maxAbs == 0 ? 0 : Math.getExponent(maxAbs);
    }

    /** The p-th percentile (0 ≤ p ≤ 1) of sorted values, interpolated linearly. */
    static double percentile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        if (lo + 1 >= sorted.length) {
            return sorted[sorted.length - 1];
        }
        double a = sorted[lo];
        double b = sorted[lo + 1];
        return a == b ? a : a + (h - lo) * (b - a);
    }
}
