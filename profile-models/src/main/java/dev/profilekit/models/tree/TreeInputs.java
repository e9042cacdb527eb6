package dev.profilekit.models.tree;

import dev.profilekit.features.Checks;

/** Validation of tree and forest inputs; every message names the argument, position and value. */
final class TreeInputs {

    private TreeInputs() {
    }

    /** Checks x (non-empty, rectangular, finite) and y (aligned, labels 0..k-1, at least two classes); returns k. */
    static int requireTrainingData(double[][] x, int[] y) {
        if (x == null) {
            throw new IllegalArgumentException("x must not be null");
        }
        if (x.length == 0) {
            throw new IllegalArgumentException("x must have at least one row, had 0");
        }
        if (x[0] == null || x[0].length == 0) {
            throw new IllegalArgumentException("x must have at least one column");
        }
        int d = x[0].length;
        for (int i = 0; i < x.length; i++) {
            if (x[i] == null || x[i].length != d) {
                throw new IllegalArgumentException("x row " + i + " has " + (x[i] == null ? "no" : x[i].length)
                        + " columns, row 0 has " + d);
            }
            for (int j = 0; j < d; j++) {
                if (!Double.isFinite(x[i][j])) {
                    throw new IllegalArgumentException("column index " + j + " row " + i + " is " + x[i][j]);
                }
            }
        }
        if (y == null) {
            throw new IllegalArgumentException("y must not be null");
        }
        if (y.length != x.length) {
            throw new IllegalArgumentException("y has " + y.length + " labels but x has " + x.length + " rows");
        }
        int max = 0;
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0) {
                throw new IllegalArgumentException("y labels must be class indices >= 0, was " + y[i] + " at row " + i);
            }
            max = Math.max(max, y[i]);
        }
        boolean twoClasses = false;
        for (int label : y) {
            if (label != y[0]) {
                twoClasses = true;
                break;
            }
        }
        if (!twoClasses) {
            throw new IllegalArgumentException("y has only one class: all " + y.length + " labels are " + y[0]
                    + "; a classifier needs at least two");
        }
        return max + 1;
    }

    static void requireRow(double[] x, int d) {
        if (x == null) {
            throw new IllegalArgumentException("x must not be null");
        }
        if (x.length != d) {
            throw new IllegalArgumentException("x has " + x.length + " columns, model expects " + d);
        }
        for (int j = 0; j < d; j++) {
            if (Double.isNaN(x[j])) {
                throw new IllegalArgumentException("x column index " + j + " is NaN");
            }
        }
    }

    /** {@code predict} applied to every row of {@code x}. O(n) calls. */
    static int[] predictRows(double[][] x, java.util.function.ToIntFunction<double[]> predict) {
        Checks.requireNonNull(x, "x");
        int[] out = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = predict.applyAsInt(x[i]);
        }
        return out;
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int k = 1; k < v.length; k++) {
            if (v[k] > v[best]) {
                best = k;
            }
        }
        return best;
    }
}
