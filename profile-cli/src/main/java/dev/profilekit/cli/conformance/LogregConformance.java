package dev.profilekit.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.models.metrics.ClassificationMetrics;
import dev.profilekit.models.metrics.ConfusionMatrix;
import dev.profilekit.models.regression.LogisticModel;
import dev.profilekit.models.regression.LogisticOptions;
import dev.profilekit.models.regression.LogisticRegression;
import java.util.Arrays;

/**
 * The {@code logreg} fixture kind: z-score X with the population standard deviation, fit the exact minimiser of
 * {@code sum logloss + (lambda/2)||w||^2} (lambda from the task, default 1; intercept not penalised), and report
 * the coefficients, intercept, training metrics at the task's threshold (default 0.5) and the first ten
 * probabilities.
 */
public final class LogregConformance {

    /** Tighter than the task's 1e-8 so the coefficients are at the roundoff floor. */
    private static final double GRADIENT_TOLERANCE = 1e-10;
    private static final int FIRST = 10;

    private LogregConformance() {
    }

    /** Runs one {@code logreg} fixture; see the class comment. */
    public static ObjectNode run(JsonNode fixture) {
        double[][] x = matrix(fixture, "X");
        int[] y = labels(fixture, "y");
        double lambda = taskParameter(fixture, "lambda", 1.0);
        double threshold = threshold(fixture, 0.5);
        double[][] z = zScore(x);
        LogisticModel model = LogisticRegression.fit(z, y, names(fixture),
                LogisticOptions.l2(lambda).tolerance(GRADIENT_TOLERANCE).maxIterations(200));
        if (!model.convergence().orElseThrow().converged()) {
            throw new IllegalStateException("logistic regression did not converge: " + model.convergence().get());
        }
        double[] p = model.predictProbabilities(z);
        ConfusionMatrix cm = ConfusionMatrix.atThreshold(y, p, threshold);

        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("coef_on_standardised_X", array(model.coefficients()));
        out.put("intercept", model.intercept());
        out.put("train_accuracy", cm.accuracy());
        out.put("train_log_loss", ClassificationMetrics.logLoss(y, p));
        out.put("train_roc_auc", ClassificationMetrics.rocAuc(y, p));
        out.put("train_f1", cm.f1());
        out.put("train_precision", cm.precision());
        out.put("train_recall", cm.recall());
        out.set("probabilities_first10", array(Arrays.copyOf(p, Math.min(FIRST, p.length))));
        return out;
    }

    /**
     * Column z-scores {@code (x - mean) / std} with the population standard deviation (ddof 0), two-pass for
     * accuracy. A constant column (std 0) is left centred (all zeros), as scikit-learn's StandardScaler does.
     */
    static double[][] zScore(double[][] x) {
        int n = x.length;
        if (n == 0) {
            throw new IllegalArgumentException("X must have at least one row");
        }
        int d = x[0].length;
        double[] mean = new double[d];
        for (double[] row : x) {
            if (row.length != d) {
                throw new IllegalArgumentException("X rows must all have " + d + " columns, found " + row.length);
            }
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[] std = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                double c = row[j] - mean[j];
                std[j] += c * c;
            }
        }
        for (int j = 0; j < d; j++) {
            std[j] = Math.sqrt(std[j] / n);
            if (std[j] == 0) {
                std[j] = 1;
            }
        }
        double[][] z = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                z[i][j] = (x[i][j] - mean[j]) / std[j];
            }
        }
        return z;
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

    private static int[] labels(JsonNode fixture, String name) {
        double[] v = vector(fixture, name);
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != Math.rint(v[i])) {
                throw new IllegalArgumentException("fixture field '" + name + "' element " + i
                        + " must be an integer label, was " + v[i]);
            }
            out[i] = (int) v[i];
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

    /** The number after {@code threshold} in the task sentence, or {@code fallback}. */
    private static double threshold(JsonNode fixture, double fallback) {
        JsonNode task = fixture.get("task");
        if (task == null || !task.isTextual()) {
            return fallback;
        }
        Matcher m = Pattern.compile("threshold\\s*=?\\s*([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)").matcher(task.asText());
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
