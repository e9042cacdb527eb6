package dev.profilekit.report;

/**
 * The finite values of one feature over the profiles, with their range, and a mean and scaling that never overflow:
 * values near {@code ±Double.MAX_VALUE} are valid feature values, and their sum or range is not finite.
 */
final class Column {

    /** Magnitude from which a chart's axis is drawn in units of a power of ten (its range would overflow). */
    static final double HUGE = 1e300;

    final double[] values;
    final double min;
    final double max;
    /** The power of two that brings the largest magnitude into [1, 2) (1 if every value is 0). */
    private final int exponent;
    /** A sorted copy of the values, made by the first {@link #quantile} call. */
    private double[] sorted;

    /** @param values finite values, at least one */
    Column(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a column needs at least one value");
        }
        this.values = values;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double x : values) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        min = lo;
        max = hi;
        double maxAbs = Math.max(Math.abs(lo), Math.abs(hi));
        exponent = maxAbs == 0 ? 0 : Math.getExponent(maxAbs);
    }

    /** Whether every value is the same. */
    boolean constant() {
        return min == max;
    }

    /**
     * The mean, summed over the values scaled by a power of two (exact for all but values far below the largest),
     * so that the sum cannot overflow; the same as a plain sum whenever that is finite.
     */
    double mean() {
        double sum = 0;
        for (double x : values) {
            sum += scaled(x);
        }
        return Math.scalb(sum / values.length, exponent);
    }

    /** {@code x} scaled by the power of two that brings this column's largest magnitude into [1, 2). */
    double scaled(double x) {
        return Math.scalb(x, -exponent);
    }

    /**
     * The unit a chart's axis of these values is drawn in: 1, or for values of magnitude at least {@link #HUGE} the
     * power of ten at or below the largest magnitude (the axis then spans a few units, never an infinite range).
     */
    double axisUnit() {
        double maxAbs = Math.max(Math.abs(min), Math.abs(max));
        return maxAbs < HUGE ? 1 : Math.pow(10, Math.floor(Math.log10(maxAbs)));
    }

    /**
     * A value of this column as a person reads it, with the same number of decimals for every value of the column
     * (about four significant digits at the column's largest magnitude, thousands grouped): {@code 0.000}, not
     * {@code 4.054e-09}, next to {@code 95.00}. Magnitudes from 1e15 in scientific notation.
     */
    String format(double x) {
        double maxAbs = Math.max(Math.abs(min), Math.abs(max));
        if (!Double.isFinite(x) || maxAbs >= 1e15) {
            return String.format(java.util.Locale.ROOT, "%.3e", x);
        }
        int decimals = maxAbs == 0 ? 0 : Math.max(0, Math.min(6, 3 - (int) Math.floor(Math.log10(maxAbs))));
        String s = String.format(java.util.Locale.ROOT, "%,." + decimals + "f", x);
        return s.matches("-0(\\.0*)?") ? s.substring(1) : s; // no "-0.000"
    }

    /** The value at quantile {@code q} in [0, 1] of the values (the nearest rank; sorts a copy once). */
    double quantile(double q) {
        if (sorted == null) {
            sorted = values.clone();
            java.util.Arrays.sort(sorted);
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
    }

    /** A value as a person reads it, exactly: integers without a fraction, others in the shortest exact form. */
    static String text(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }
}
