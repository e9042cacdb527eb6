package dev.profilekit.models.regression;

import java.util.ArrayList;
import java.util.List;

/** Validation of training and prediction inputs; every message names the argument, position and value. */
final class Inputs {

    private Inputs() {
    }

    /** Checks that x is a non-empty finite rectangular matrix and returns its number of columns. */
    static int requireMatrix(double[][] x, List<String> names) {
        if (x == null) {
            throw new IllegalArgumentException("x must not be null");
        }
        if (x.length == 0) {
            throw new IllegalArgumentException("x must have at least one row, had 0");
        }
        if (x[0] == null) {
            throw new IllegalArgumentException("x row 0 is null");
        }
        int d = x[0].length;
        if (d == 0) {
            throw new IllegalArgumentException("x must have at least one column, had 0");
        }
        if (names != null && names.size() != d) {
            throw new IllegalArgumentException("featureNames has " + names.size() + " names but x has " + d + " columns");
        }
        for (int i = 0; i < x.length; i++) {
            double[] row = x[i];
            if (row == null) {
                throw new IllegalArgumentException("x row " + i + " is null");
            }
            if (row.length != d) {
                throw new IllegalArgumentException("x row " + i + " has " + row.length + " columns, row 0 has " + d);
            }
            for (int j = 0; j < d; j++) {
                if (!Double.isFinite(row[j])) {
                    throw new IllegalArgumentException("column " + columnName(names, j) + " row " + i + " is " + row[j]);
                }
            }
        }
        return d;
    }

    static String columnName(List<String> names, int j) {
        return names == null ? "index " + j : "'" + names.get(j) + "' (index " + j + ")";
    }

    static List<String> defaultNames(int d) {
        List<String> names = new ArrayList<>(d);
        for (int j = 0; j < d; j++) {
            names.add("x" + j);
        }
        return List.copyOf(names);
    }

    static List<String> names(List<String> names, int d) {
        if (names == null) {
            return defaultNames(d);
        }
        for (int j = 0; j < names.size(); j++) {
            if (names.get(j) == null) {
                throw new IllegalArgumentException("featureNames element " + j + " is null");
            }
        }
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("featureNames must be distinct, were " + names);
        }
        return List.copyOf(names);
    }

    /** Checks binary labels aligned with n rows, both classes present. */
    static void requireBinaryLabels(int[] y, int n) {
        if (y == null) {
            throw new IllegalArgumentException("y must not be null");
        }
        if (y.length != n) {
            throw new IllegalArgumentException("y has " + y.length + " labels but x has " + n + " rows");
        }
        int ones = 0;
        for (int i = 0; i < y.length; i++) {
            if (y[i] != 0 && y[i] != 1) {
                throw new IllegalArgumentException("y labels must be 0 or 1, was " + y[i] + " at row " + i);
            }
            ones += y[i];
        }
        if (ones == 0 || ones == n) {
            throw new IllegalArgumentException("y has only one class: all " + n + " labels are " + y[0]
                    + "; logistic regression needs both 0 and 1");
        }
    }

    /** Checks finite targets aligned with n rows. */
    static void requireTargets(double[] y, int n) {
        if (y == null) {
            throw new IllegalArgumentException("y must not be null");
        }
        if (y.length != n) {
            throw new IllegalArgumentException("y has " + y.length + " values but x has " + n + " rows");
        }
        for (int i = 0; i < y.length; i++) {
            if (!Double.isFinite(y[i])) {
                throw new IllegalArgumentException("y row " + i + " is " + y[i]);
            }
        }
    }

    /** Checks one prediction row against the model's dimension. */
    static void requireRow(double[] x, int d) {
        if (x == null) {
            throw new IllegalArgumentException("x must not be null");
        }
        if (x.length != d) {
            throw new IllegalArgumentException("x has " + x.length + " columns, model expects " + d);
        }
    }

    /**
     * {@code b + w.x} for one prediction row. O(d), no allocation.
     *
     * @throws IllegalArgumentException if {@code x} has the wrong length, or names the first non-finite value
     */
    static double linearPredictor(double intercept, double[] coefficients, List<String> names, double[] x) {
        requireRow(x, coefficients.length);
        double z = intercept;
        for (int j = 0; j < coefficients.length; j++) {
            z += coefficients[j] * x[j];
        }
        if (!Double.isFinite(z)) {
            throw nonFinite(x, names);
        }
        return z;
    }

    /** Called after a dot product came out non-finite: finds and names the offending value. */
    static IllegalArgumentException nonFinite(double[] x, List<String> names) {
        for (int j = 0; j < x.length; j++) {
            if (!Double.isFinite(x[j])) {
                return new IllegalArgumentException("x column " + columnName(names, j) + " is " + x[j]);
            }
        }
        return new IllegalArgumentException("x gives a non-finite linear predictor (values too large): "
                + java.util.Arrays.toString(x));
    }
}
