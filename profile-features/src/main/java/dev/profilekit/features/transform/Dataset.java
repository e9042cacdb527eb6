package dev.profilekit.features.transform;

import dev.profilekit.features.Checks;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A dense, immutable table of doubles with named columns and optional labels (one per row).
 * Missing values are {@code NaN}; labels, when present, are finite or NaN as the caller gives them.
 * Column names are free-form strings (nested names such as {@code stats.mean} are just names) and
 * must be unique.
 *
 * <p>Storage is row-major {@code double[rows][columns]}; every accessor returns a copy, so a
 * {@code Dataset} can be shared freely between threads. Build one with
 * {@link #of(String[], double[][], double[])}, {@link #builder(String...)} (row by row) or
 * {@link #fromCsv(Reader, String)}.
 */
public final class Dataset {

    private final String[] columns;
    private final double[][] rows;
    private final double[] labels;
    private final Map<String, Integer> index;

    private Dataset(String[] columns, double[][] rows, double[] labels) {
        this.columns = columns;
        this.rows = rows;
        this.labels = labels;
        this.index = new HashMap<>();
        for (int j = 0; j < columns.length; j++) {
            index.put(columns[j], j);
        }
    }

    /**
     * Creates a dataset from copies of the given arrays. O(rows * columns).
     *
     * @param columns column names, unique and non-null, at least one
     * @param rows    the values, {@code rows[i].length == columns.length} for every row; NaN = missing
     * @param labels  one label per row, or {@code null} for an unlabelled dataset
     * @throws IllegalArgumentException on null names, duplicate names, ragged rows or a label count
     *                                  that differs from the row count; the message gives the shapes
     */
    public static Dataset of(String[] columns, double[][] rows, double[] labels) {
        Checks.requireNonNull(columns, "columns");
        Checks.requireNonNull(rows, "rows");
        Checks.requireArgument(columns.length > 0, "columns must not be empty");
        String[] cols = columns.clone();
        Map<String, Integer> seen = new HashMap<>();
        for (int j = 0; j < cols.length; j++) {
            Checks.requireArgument(cols[j] != null, "columns[%d] must not be null", j);
            Integer prev = seen.put(cols[j], j);
            Checks.requireArgument(prev == null, "column name '%s' appears twice (index %d and %d)", cols[j], prev, j);
        }
        double[][] copy = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            Checks.requireArgument(rows[i] != null, "rows[%d] must not be null", i);
            Checks.requireArgument(rows[i].length == cols.length,
                    "row %d has %d values, dataset has %d columns", i, rows[i].length, cols.length);
            copy[i] = rows[i].clone();
        }
        double[] lab = null;
        if (labels != null) {
            Checks.requireArgument(labels.length == rows.length,
                    "labels has %d values, dataset has %d rows", labels.length, rows.length);
            lab = labels.clone();
        }
        return new Dataset(cols, copy, lab);
    }

    /** As {@link #of(String[], double[][], double[])} without labels. */
    public static Dataset of(String[] columns, double[][] rows) {
        return of(columns, rows, null);
    }

    /**
     * A dataset with generated column names {@code x0, x1, ...}; handy for raw matrices.
     *
     * @throws IllegalArgumentException if {@code rows} is empty (the column count is then unknown) or ragged
     */
    public static Dataset ofMatrix(double[][] rows, double[] labels) {
        Checks.requireNonNull(rows, "rows");
        Checks.requireArgument(rows.length > 0 && rows[0] != null,
                "rows must have at least one row to infer the column count, had %d", rows.length);
        String[] cols = new String[rows[0].length];
        for (int j = 0; j < cols.length; j++) {
            cols[j] = "x" + j;
        }
        return of(cols, rows, labels);
    }

    /** Starts a row-appending builder for the given column names (unlabelled or labelled rows). */
    public static Builder builder(String... columns) {
        return new Builder(columns);
    }

    /**
     * Appends rows one at a time, then {@link #build()}s an immutable {@link Dataset}. Either every
     * row has a label or none has. Not thread-safe. Amortised O(columns) per row.
     */
    public static final class Builder {
        private final String[] columns;
        private final List<double[]> rows = new ArrayList<>();
        private double[] labels = new double[16];
        private Boolean labelled;

        private Builder(String[] columns) {
            Checks.requireNonNull(columns, "columns");
            // validate names early through the same rules as of(...)
            Dataset.of(columns, new double[0][], null);
            this.columns = columns.clone();
        }

        /** Appends an unlabelled row (copied); fails if its length differs from the column count. */
        public Builder addRow(double... row) {
            return add(row, Double.NaN, false);
        }

        /** Appends a labelled row (copied); fails if its length differs from the column count. */
        public Builder addRow(double[] row, double label) {
            return add(row, label, true);
        }

        private Builder add(double[] row, double label, boolean hasLabel) {
            Checks.requireNonNull(row, "row");
            Checks.requireArgument(row.length == columns.length,
                    "row %d has %d values, dataset has %d columns", rows.size(), row.length, columns.length);
            if (labelled == null) {
                labelled = hasLabel;
            }
            Checks.requireArgument(labelled == hasLabel,
                    "row %d is %s but earlier rows are %s; either every row has a label or none has",
                    rows.size(), hasLabel ? "labelled" : "unlabelled", labelled ? "labelled" : "unlabelled");
            if (rows.size() == labels.length) {
                labels = Arrays.copyOf(labels, labels.length * 2);
            }
            labels[rows.size()] = label;
            rows.add(row.clone());
            return this;
        }

        /** The number of rows appended so far. */
        public int size() {
            return rows.size();
        }

        /** Builds the dataset from the rows appended so far; the builder stays usable. */
        public Dataset build() {
            double[][] r = rows.toArray(new double[0][]);
            for (int i = 0; i < r.length; i++) {
                r[i] = r[i].clone();
            }
            double[] lab = Boolean.TRUE.equals(labelled) ? Arrays.copyOf(labels, r.length) : null;
            return new Dataset(columns.clone(), r, lab);
        }
    }

    /**
     * Reads a CSV table: a header row of column names, then one row of numbers per line. Empty cells
     * and the markers {@code NA}, {@code N/A}, {@code NaN}, {@code nan}, {@code null}, {@code ?} are
     * missing values (NaN). Fields may be double-quoted ({@code ""} escapes a quote). Blank lines are
     * skipped. O(cells).
     *
     * @param reader      the CSV text; it is read to the end but not closed
     * @param labelColumn the name of the column to take as labels (removed from the features), or
     *                    {@code null} for no labels
     * @throws IllegalArgumentException on a missing header, a row with the wrong number of cells, a
     *                                  cell that is not a number (the message names line and column),
     *                                  or an unknown label column
     * @throws UncheckedIOException     if reading fails
     */
    public static Dataset fromCsv(Reader reader, String labelColumn) {
        Checks.requireNonNull(reader, "reader");
        BufferedReader in = reader instanceof BufferedReader ? (BufferedReader) reader : new BufferedReader(reader);
        try {
            String line = in.readLine();
            int lineNo = 1;
            while (line != null && line.isBlank()) {
                line = in.readLine();
                lineNo++;
            }
            Checks.requireArgument(line != null, "csv must have a header row, was empty");
            if (line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            List<String> header = splitCsv(line, lineNo);
            int labelIdx = -1;
            if (labelColumn != null) {
                labelIdx = header.indexOf(labelColumn);
                Checks.requireArgument(labelIdx >= 0, "labelColumn '%s' is not in the csv header %s", labelColumn, header);
            }
            String[] cols = new String[header.size() - (labelIdx >= 0 ? 1 : 0)];
            for (int j = 0, k = 0; j < header.size(); j++) {
                if (j != labelIdx) {
                    cols[k++] = header.get(j).trim();
                }
            }
            Builder b = builder(cols);
            double[] row = new double[cols.length];
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> cells = splitCsv(line, lineNo);
                Checks.requireArgument(cells.size() == header.size(),
                        "csv line %d has %d cells, header has %d", lineNo, cells.size(), header.size());
                double label = Double.NaN;
                for (int j = 0, k = 0; j < cells.size(); j++) {
                    double v = parseCell(cells.get(j), lineNo, header.get(j));
                    if (j == labelIdx) {
                        label = v;
                    } else {
                        row[k++] = v;
                    }
                }
                if (labelIdx >= 0) {
                    b.addRow(row, label);
                } else {
                    b.addRow(row);
                }
            }
            Dataset d = b.build();
            if (labelIdx >= 0 && d.labels == null) {
                return new Dataset(d.columns, d.rows, new double[0]);
            }
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double parseCell(String raw, int lineNo, String column) {
        String s = raw.trim();
        switch (s) {
            case "":
            case "NA":
            case "N/A":
            case "NaN":
            case "nan":
            case "null":
            case "?":
                return Double.NaN;
            default:
                break;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("csv line " + lineNo + " column '" + column
                    + "' is not a number: '" + raw + "'", e);
        }
    }

    private static List<String> splitCsv(String line, int lineNo) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        Checks.requireArgument(!quoted, "csv line %d has an unterminated quote", lineNo);
        out.add(cur.toString());
        return out;
    }

    /** Number of rows. */
    public int rowCount() {
        return rows.length;
    }

    /** Number of columns. */
    public int columnCount() {
        return columns.length;
    }

    /** Whether every row has a label. */
    public boolean hasLabels() {
        return labels != null;
    }

    /** A copy of the column names. */
    public String[] columns() {
        return columns.clone();
    }

    /** The name of column {@code j}. */
    public String column(int j) {
        Checks.requireArgument(j >= 0 && j < columns.length, "column index must be in [0, %d), was %d", columns.length, j);
        return columns[j];
    }

    /**
     * The index of the named column.
     *
     * @throws IllegalArgumentException if there is no such column
     */
    public int columnIndex(String name) {
        Integer j = index.get(name);
        Checks.requireArgument(j != null, "column '%s' is not in the dataset (columns %s)", name, Arrays.toString(columns));
        return j;
    }

    /** The value at row {@code i}, column {@code j} (NaN if missing). */
    public double get(int i, int j) {
        return rows[i][j];
    }

    /** A copy of row {@code i}. */
    public double[] row(int i) {
        return rows[i].clone();
    }

    /** A copy of column {@code j}. O(rows). */
    public double[] columnValues(int j) {
        column(j);
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i][j];
        }
        return out;
    }

    /** A copy of the labels; fails if the dataset is unlabelled. */
    public double[] labels() {
        Checks.requireArgument(labels != null, "dataset has no labels");
        return labels.clone();
    }

    /** A copy of the values as {@code double[rows][columns]}. */
    public double[][] toArray() {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i].clone();
        }
        return out;
    }

    /** The rows at the given indices (repeats allowed), with their labels. O(k * columns). */
    public Dataset selectRows(int[] indices) {
        Checks.requireNonNull(indices, "indices");
        double[][] r = new double[indices.length][];
        double[] lab = labels == null ? null : new double[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            Checks.requireArgument(i >= 0 && i < rows.length, "indices[%d] must be in [0, %d), was %d", k, rows.length, i);
            r[k] = rows[i].clone();
            if (lab != null) {
                lab[k] = labels[i];
            }
        }
        return new Dataset(columns.clone(), r, lab);
    }

    /** The given columns, in the given order (no repeats). O(rows * k). */
    public Dataset selectColumns(int[] indices) {
        Checks.requireNonNull(indices, "indices");
        String[] cols = new String[indices.length];
        for (int k = 0; k < indices.length; k++) {
            cols[k] = column(indices[k]);
        }
        double[][] r = new double[rows.length][indices.length];
        for (int i = 0; i < rows.length; i++) {
            for (int k = 0; k < indices.length; k++) {
                r[i][k] = rows[i][indices[k]];
            }
        }
        return of(cols, r, labels);
    }

    /** The named columns, in the given order. */
    public Dataset selectColumns(String... names) {
        Checks.requireNonNull(names, "names");
        int[] idx = new int[names.length];
        for (int k = 0; k < names.length; k++) {
            idx[k] = columnIndex(names[k]);
        }
        return selectColumns(idx);
    }

    /** The same columns and labels with new values (copied); fails unless the shape matches columns. */
    public Dataset withValues(double[][] values) {
        return of(columns, values, labels == null ? null : labels);
    }

    /** The same values with new labels (copied), or without labels when {@code newLabels} is null. */
    public Dataset withLabels(double[] newLabels) {
        return of(columns, rows, newLabels);
    }

    /** A dataset whose columns are this one's followed by {@code other}'s; row counts must agree. */
    public Dataset appendColumns(Dataset other) {
        Checks.requireNonNull(other, "other");
        Checks.requireArgument(other.rowCount() == rowCount(),
                "other has %d rows, dataset has %d rows", other.rowCount(), rowCount());
        String[] cols = Arrays.copyOf(columns, columns.length + other.columns.length);
        System.arraycopy(other.columns, 0, cols, columns.length, other.columns.length);
        double[][] r = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            r[i] = Arrays.copyOf(rows[i], cols.length);
            System.arraycopy(other.rows[i], 0, r[i], columns.length, other.columns.length);
        }
        return of(cols, r, labels);
    }

    /** The shape as {@code "rows x columns"}, for messages. */
    public String shape() {
        return rows.length + " x " + columns.length;
    }

    /** Equal when column names, values (bitwise, so NaN equals NaN) and labels are equal. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Dataset)) {
            return false;
        }
        Dataset d = (Dataset) o;
        return Arrays.equals(columns, d.columns) && Arrays.deepEquals(rows, d.rows) && Arrays.equals(labels, d.labels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(columns) + Arrays.deepHashCode(rows)) + Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
        return "Dataset[" + shape() + (labels == null ? "" : ", labelled") + ", columns=" + Arrays.toString(columns) + "]";
    }

    /** Package-private direct access for transforms in this package: callers must not mutate. */
    double[][] rawRows() {
        return rows;
    }

    double[] rawLabels() {
        return labels;
    }
}
