package dev.profilekit.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.transform.Dataset;
import dev.profilekit.features.transform.FeatureSelection;

/**
 * Fixture kind {@code selection}: Pearson correlation of each raw column of {@code X} with {@code y};
 * mutual information (nats) between {@code y} and each column cut into 5 equal-frequency bins (code = number
 * of the 4 interior quantiles, numpy linear interpolation, that are {@code <= x}); and the bin codes of the
 * first five rows ({@code binned_codes_first5[i][j]} = code of row i, column j).
 */
public final class SelectionConformance {

    /** Number of equal-frequency bins the task states. */
    static final int BINS = 5;
    /** Rows of codes reported. */
    static final int CODED_ROWS = 5;

    private SelectionConformance() {
    }

    /** Computes the results for one {@code selection} fixture from its {@code X} and {@code y}. */
    public static ObjectNode run(JsonNode fixture) {
        double[][] x = matrix(fixture, "X");
        double[] y = vector(fixture.get("y"), "y");
        Dataset data = Dataset.of(names(x[0].length), x, y);

        int d = data.columnCount();
        int rows = Math.min(CODED_ROWS, data.rowCount());
        int[][] codes = new int[rows][d];
        for (int j = 0; j < d; j++) {
            int[] c = FeatureSelection.equalFrequencyBins(data.columnValues(j), BINS);
            for (int i = 0; i < rows; i++) {
                codes[i][j] = c[i];
            }
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("pearson", array(FeatureSelection.pearson(data)));
        out.set("mutual_information_nats", array(FeatureSelection.mutualInformation(data, BINS)));
        ArrayNode codeRows = JsonNodeFactory.instance.arrayNode(rows);
        for (int[] r : codes) {
            codeRows.add(array(r));
        }
        out.set("binned_codes_first5", codeRows);
        return out;
    }

    // fixture input reading and result writing (kept private so each kind stays one class)

    private static double[][] matrix(JsonNode fixture, String field) {
        JsonNode a = fixture.get(field);
        if (a == null || !a.isArray() || a.isEmpty()) {
            throw new IllegalArgumentException("fixture field '" + field + "' must be a non-empty array of rows");
        }
        double[][] out = new double[a.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = vector(a.get(i), field + "[" + i + "]");
            if (out[i].length != out[0].length) {
                throw new IllegalArgumentException("fixture field '" + field + "' row " + i + " has " + out[i].length
                        + " values, row 0 has " + out[0].length);
            }
        }
        return out;
    }

    private static double[] vector(JsonNode a, String field) {
        if (a == null || !a.isArray()) {
            throw new IllegalArgumentException("fixture field '" + field + "' must be an array of numbers");
        }
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = a.get(i);
            if (v.isNumber()) {
                out[i] = v.doubleValue();
            } else if (v.isNull()) {
                out[i] = Double.NaN;
            } else {
                throw new IllegalArgumentException("fixture field '" + field + "' index " + i + " is not a number: " + v);
            }
        }
        return out;
    }

    /** Generated column names: feature names are not outputs, and other datasets may repeat or omit them. */
    private static String[] names(int count) {
        String[] out = new String[count];
        for (int j = 0; j < count; j++) {
            out[j] = "x" + j;
        }
        return out;
    }

    private static ArrayNode array(double[] v) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode(v.length);
        for (double x : v) {
            a.add(x);
        }
        return a;
    }

    private static ArrayNode array(int[] v) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode(v.length);
        for (int x : v) {
            a.add(x);
        }
        return a;
    }
}
