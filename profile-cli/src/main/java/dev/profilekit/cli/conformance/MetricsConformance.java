package dev.profilekit.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
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
        int[] y = FixtureInput.labels(fixture, "y");
        double[] scores = FixtureInput.vector(fixture, "scores");
        double threshold = FixtureInput.threshold(fixture, 0.5);
        ConfusionMatrix cm = ConfusionMatrix.atThreshold(y, scores, threshold);
        ObjectNode out = FixtureOutput.object();
        out.put("accuracy", cm.accuracy());
        out.put("precision", cm.precision());
        out.put("recall", cm.recall());
        out.put("f1", cm.f1());
        out.put("roc_auc", ClassificationMetrics.rocAuc(y, scores));
        out.put("log_loss", ClassificationMetrics.logLoss(y, scores));
        return out;
    }
}
