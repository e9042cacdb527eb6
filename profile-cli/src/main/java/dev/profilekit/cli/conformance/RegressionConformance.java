package dev.profilekit.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.models.regression.LinearModel;
import dev.profilekit.models.regression.LinearOptions;
import dev.profilekit.models.regression.LinearRegression;
import java.util.List;

/**
 * The {@code regression} fixture kind: OLS with intercept and ridge ({@code alpha} from the task, default 1,
 * penalty alpha||w||^2, intercept not penalised) on raw X; reports coefficients, intercepts and training R².
 */
public final class RegressionConformance {

    private RegressionConformance() {
    }

    /** Runs one {@code regression} fixture; see the class comment. */
    public static ObjectNode run(JsonNode fixture) {
        double[][] x = matrix(fixture, "X");
        double[] y = vector(fixture, "y");
        List<String> names = names(fixture);
        double alpha = taskParameter(fixture, "alpha", 1.0);
        LinearModel ols = LinearRegression.fit(x, y, names, LinearOptions.ols());
        LinearModel ridge = LinearRegression.fit(x, y, names, LinearOptions.ridge(alpha));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("ols_coef", array(ols.coefficients()));
        out.put("ols_intercept", ols.intercept());
        out.put("ols_r2", ols.trainingR2());
        out.set("ridge_coef", array(ridge.coefficients()));
        out.put("ridge_intercept", ridge.intercept());
        out.put("ridge_r2", ridge.trainingR2());
        return out;
    }

    // Fixture input readers (kept in each kind's class so every kind stays one self-contained file).

    private static JsonNode field(JsonNode fixture, String name) {
        JsonNode f = fixture.get(name);
        if (f == null || f.isNull()) {
            throw new IllegalArgumentException("fixture has no field '" + name + "'");
        }
        return f;
    }

    private static double[][] matrix(JsonNode fixture, String name) {
        JsonNode f = field(fixture, name);
        if (!f.isArray()) {
            throw new IllegalArgumentException("fixture field '" + name + "' must be an array of rows");
        }
        double[][] out = new double[f.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonNode row = f.get(i);
            if (!row.isArray()) {
                throw new IllegalArgumentException("fixture field '" + name + "' row " + i + " must be an array");
            }
            out[i] = new double[row.size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = number(row.get(j), name + "[" + i + "][" + j + "]");
            }
        }
        return out;
    }

    private static double[] vector(JsonNode fixture, String name) {
        JsonNode f = field(fixture, name);
        if (!f.isArray()) {
            throw new IllegalArgumentException("fixture field '" + name + "' must be an array");
        }
        double[] out = new double[f.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(f.get(i), name + "[" + i + "]");
        }
        return out;
    }

    /** Feature names if the fixture has them, else null. */
    private static List<String> names(JsonNode fixture) {
        JsonNode f = fixture.get("feature_names");
        if (f == null || !f.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        f.forEach(e -> out.add(e.asText()));
        return out;
    }

    private static double number(JsonNode n, String where) {
        if (n == null || !n.isNumber()) {
            throw new IllegalArgumentException("fixture value " + where + " must be a number, was " + n);
        }
        return n.doubleValue();
    }

    /** The number after {@code key=} in the task sentence, or {@code fallback} when the task does not state it. */
    private static double taskParameter(JsonNode fixture, String key, double fallback) {
        JsonNode task = fixture.get("task");
        if (task == null || !task.isTextual()) {
            return fallback;
        }
        Matcher m = Pattern.compile("\\b" + Pattern.quote(key) + "\\s*=\\s*([-+0-9.eE]+)").matcher(task.asText());
        return m.find() ? Double.parseDouble(m.group(1)) : fallback;
    }

    private static ArrayNode array(double[] values) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (double v : values) {
            a.add(v);
        }
        return a;
    }
}
