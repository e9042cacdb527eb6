package dev.profilekit.features.transform;

import java.util.Arrays;

/** Column statistics kernels on primitive arrays, shared by the transforms. */
final class Stats {

    private Stats() {
    }

    /**
     * Fails unless every value is finite, naming the argument, column, row and shape. Used by fits whose
     * statistics a missing (NaN) or infinite value would poison.
     */
    static void requireNoNaN(Dataset d, String argument) {
        double[][] r = d.rawRows();
        for (int i = 0; i < r.length; i++) {
            for (int j = 0; j < r[i].length; j++) {
                double v = r[i][j];
                if (Double.isNaN(v)) {
                    throw new IllegalArgumentException(argument + ": column '" + d.column(j) + "' (index " + j
                            + ") row " + i + " is NaN (shape " + d.shape() + "); impute missing values first");
                }
                if (Double.isInfinite(v)) {
                    throw new IllegalArgumentException(argument + ": column '" + d.column(j) + "' (index " + j
                            + ") row " + i + " is " + v + " (shape " + d.shape() + "); values must be finite");
                }
            }
        }
    }

    /** Fails unless the dataset has at least {@code min} rows. */
    static void requireRows(Dataset d, int min, String argument) {
        if (d.rowCount() < min) {
            throw new IllegalArgumentException(argument + " must have at least " + min + " row"
                    + (min == 1 ? "" : "s") + ", was " + d.shape());
        }
    }

    /** Fails unless {@code d}'s columns are exactly {@code expected}, naming both shapes. */
    static void requireColumns(Dataset d, String[] expected, String argument, String what) {
        if (d.columnCount() != expected.length) {
            throw new IllegalArgumentException(argument + " has " + d.columnCount() + " columns (shape " + d.shape()
                    + "), " + what + " expects " + expected.length);
        }
        for (int j = 0; j < expected.length; j++) {
            if (!expected[j].equals(d.column(j))) {
                throw new IllegalArgumentException(argument + " column " + j + " is '" + d.column(j) + "', "
                        + what + " expects '" + expected[j] + "'");
            }
        }
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        double m = s / x.length;
        // second pass corrects the rounding of the first (as numpy's and R's two-pass means do)
        double c = 0;
        for (double v : x) {
            c += v - m;
        }
        return m + c / x.length;
    }

    /** Population variance (divides by n), two-pass. */
    static double variance(double[] x, double mean) {
        double s = 0;
        double c = 0;
        for (double v : x) {
            double dv = v - mean;
            s += dv * dv;
            c += dv;
        }
        // corrected two-pass algorithm (Chan, Golub & LeVeque 1983)
        return (s - c * c / x.length) / x.length;
    }

    /** The non-NaN values of {@code x}, sorted ascending. */
    static double[] sortedFinite(double[] x) {
        double[] out = new double[x.length];
        int k = 0;
        for (double v : x) {
            if (!Double.isNaN(v)) {
                out[k++] = v;
            }
        }
        out = Arrays.copyOf(out, k);
        Arrays.sort(out);
        return out;
    }

    /**
     * The q-quantile of sorted values with numpy's default ("linear", type 7) rule, including numpy's
     * two-sided lerp so that results match {@code numpy.quantile} bit for bit in most cases.
     */
    static double quantileSorted(double[] sorted, double q) {
        int n = sorted.length;
        double h = (n - 1) * q;
        double lo = Math.floor(h);
        int i = (int) lo;
        if (i >= n - 1) {
            return sorted[n - 1];
        }
        if (i < 0) {
            return sorted[0];
        }
        double t = h - lo;
        double a = sorted[i];
        double b = sorted[i + 1];
        double diff = b - a;
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return (n & 1) == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
