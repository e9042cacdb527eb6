package dev.profilekit.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.models.metrics.ClassificationMetrics;
import dev.profilekit.models.metrics.ConfusionMatrix;

/**
 * The {@code metrics} fixture kind: binary classification metrics of scores {@code s} against labels y, with
 * {@code s >= threshold} (from the task, default 0.5) as class 1; ROC AUC with ties as half; log loss of the
 * scores taken as probabilities.
 */
public final class MetricsConformance {

    private MetricsConformance() {
    }

    /** Runs one {@code metrics} fixture; see the class comment. */
    public static ObjectNode run(JsonNode fixture) {
        int[] y = labels(fixture, "y");
        double[] scores = vector(fixture, "scores");
        double threshold = threshold(fixture, 0.5);
        ConfusionMatrix cm = ConfusionMatrix.atThreshold(y, scores, threshold);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("accuracy", cm.accuracy());
        out.put("precision", cm.precision());
        out.put("recall", cm.recall());
        out.put("f1", cm.f1());
        out.put("roc_auc", ClassificationMetrics.rocAuc(y, scores));
        out.put("log_loss", ClassificationMetrics.logLoss(y, scores));
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

    private static double number(JsonNode n, String where) {
        if (n == null || !n.isNumber()) {
            throw new IllegalArgumentException("fixture value " + where + " must be a number, was " + n);
        }
        return n.doubleValue();
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

}
