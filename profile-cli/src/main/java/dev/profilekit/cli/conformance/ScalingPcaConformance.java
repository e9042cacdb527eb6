package dev.profilekit.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.transform.Dataset;
import dev.profilekit.features.transform.Pca;
import dev.profilekit.features.transform.PcaOptions;
import dev.profilekit.features.transform.Scaler;
import java.util.Arrays;

/**
 * Fixture kind {@code scaling-pca}: z-score standardisation of {@code X} (population std, ddof 0), then PCA
 * with all components on the standardised data. Outputs {@code mean}, {@code std}, the components (rows),
 * explained variance (ddof 1) and its ratio, and the projections of the first five rows. Components and
 * projections follow the library's sign rule; the fixture compares them up to sign.
 */
public final class ScalingPcaConformance {

    /** Rows of the projection reported, as in the fixture's {@code pca_projection_first5_sign_free}. */
    static final int PROJECTED_ROWS = 5;

    private ScalingPcaConformance() {
    }

    /** Computes the results for one {@code scaling-pca} fixture from its {@code X}. */
    public static ObjectNode run(JsonNode fixture) {
        double[][] x = matrix(fixture, "X");
        Dataset data = Dataset.of(names(x[0].length), x);
        Scaler scaler = Scaler.zScore(data);
        Dataset z = scaler.transform(data);
        Pca pca = Pca.fit(z, PcaOptions.all());
        Dataset scores = pca.transform(z.selectRows(firstRows(Math.min(PROJECTED_ROWS, data.rowCount()))));

        double[] std = scaler.scale();
        // the scaler replaces a zero std by 1 so constant columns map to 0; report the true std
        for (int j = 0; j < std.length; j++) {
            double[] col = data.columnValues(j);
            if (Arrays.stream(col).allMatch(v -> v == col[0])) {
                std[j] = 0;
            }
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("mean", array(scaler.center()));
        out.set("std", array(std));
        out.set("pca_components_rows_sign_free", array(pca.components()));
        out.set("pca_explained_variance_ddof1", array(pca.explainedVariance()));
        out.set("pca_explained_variance_ratio", array(pca.explainedVarianceRatio()));
        out.set("pca_projection_first5_sign_free", array(scores.toArray()));
        return out;
    }

    private static int[] firstRows(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return idx;
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

    private static ArrayNode array(double[][] m) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode(m.length);
        for (double[] r : m) {
            a.add(array(r));
        }
        return a;
    }
}
