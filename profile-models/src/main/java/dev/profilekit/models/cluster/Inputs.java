package dev.profilekit.models.cluster;

/** Argument checks for point matrices, with messages that name the row, column and value. */
final class Inputs {

    private Inputs() {
    }

    /**
     * Checks that {@code x} is a non-empty rectangular matrix of finite values and returns its column count.
     */
    static int requirePoints(double[][] x, String name) {
        if (x == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (x.length == 0) {
            throw new IllegalArgumentException(name + " must have at least 1 row, was 0");
        }
        if (x[0] == null) {
            throw new IllegalArgumentException(name + " row 0 is null");
        }
        int d = x[0].length;
        if (d == 0) {
            throw new IllegalArgumentException(name + " must have at least 1 column, was 0");
        }
        for (int i = 0; i < x.length; i++) {
            double[] row = x[i];
            if (row == null) {
                throw new IllegalArgumentException(name + " row " + i + " is null");
            }
            if (row.length != d) {
                throw new IllegalArgumentException(name + " row " + i + " has " + row.length
                        + " columns, row 0 has " + d);
            }
            for (int j = 0; j < d; j++) {
                if (!Double.isFinite(row[j])) {
                    throw new IllegalArgumentException(name + " row " + i + " column " + j + " is " + row[j]);
                }
            }
        }
        return d;
    }

    /** Checks one point against the model dimension. */
    static void requirePoint(double[] x, int dimension, String name) {
        if (x == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (x.length != dimension) {
            throw new IllegalArgumentException(name + " has " + x.length + " columns, model expects " + dimension);
        }
    }

    /** Squared Euclidean distance between {@code a} and row {@code b}. */
    static double sqDist(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double t = a[j] - b[j];
            s += t * t;
        }
        return s;
    }

    /** Index of the nearest centroid (squared Euclidean, lowest index wins ties). Allocates nothing. */
    static int nearest(double[] x, double[][] centroids) {
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centroids.length; c++) {
            double dd = sqDist(x, centroids[c]);
            if (dd < bestD) {
                bestD = dd;
                best = c;
            }
        }
        return best;
    }

    static double[][] copy(double[][] m) {
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }
}
