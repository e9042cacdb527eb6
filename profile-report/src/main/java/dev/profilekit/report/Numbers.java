package dev.profilekit.report;

import java.util.Locale;

/**
 * One way of writing numbers in the report's sections, so that a table never mixes {@code 4.054e-09} with
 * {@code 0.0002251}: integers as integers, magnitudes from 1,000 to below 10^9 rounded to an integer with thousands
 * separators, other magnitudes from 0.001 to below 1,000 with four significant digits (trailing zeros kept, so a column
 * of them lines up: 0.3230, 0.5148), and anything smaller or larger as four significant digits times a power of ten
 * ({@code 4.054×10⁻⁹} written {@code 4.054e-9}).
 */
final class Numbers {

    private Numbers() {
    }

    /** The number as the sections show it; "" for NaN (no value). */
    static String format(double x) {
        if (Double.isNaN(x)) {
            return "";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "∞" : "−∞";
        }
        if (x == 0) {
            return "0";
        }
        // rounded to four significant digits first, so that 999.96 reads 1,000 and not 1000.0
        java.math.BigDecimal r = new java.math.BigDecimal(x).round(new java.math.MathContext(4));
        double a = Math.abs(r.doubleValue());
        if (a >= 1e9 || a < 1e-3) {
            String s = String.format(Locale.ROOT, "%.3e", x); // e.g. 4.054e-09
            int e = s.indexOf('e');
            return s.substring(0, e) + "e" + Integer.parseInt(s.substring(e + 1));
        }
        if (a >= 1000 || x == Math.rint(x)) {
            return String.format(Locale.ROOT, "%,d", Math.round(x));
        }
        int digitsBeforePoint = r.precision() - r.scale(); // 3 for 123.4, 0 for 0.1234, -1 for 0.01234
        return r.setScale(4 - digitsBeforePoint, java.math.RoundingMode.HALF_EVEN).toPlainString();
    }

    /** A share in [0, 1] as a percentage with one decimal, e.g. {@code 12.5%}. */
    static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }
}
