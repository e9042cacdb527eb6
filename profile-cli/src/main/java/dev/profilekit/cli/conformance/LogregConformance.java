package dev.profilekit.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
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
        double[][] x = FixtureInput.matrix(fixture, "X");
        int[] y = FixtureInput.labels(fixture, "y");
        double lambda = FixtureInput.taskParameter(fixture, "lambda", 1.0);
        double threshold = FixtureInput.threshold(fixture, 0.5);
        double[][] z = zScore(x);
        LogisticModel model = LogisticRegression.fit(z, y, FixtureInput.featureNames(fixture),
                LogisticOptions.l2(lambda).tolerance(GRADIENT_TOLERANCE).maxIterations(200));
        if (!model.convergence().orElseThrow().converged()) {
            throw new IllegalStateException("logistic regression did not converge: " + model.convergence().get());
        }
        double[] p = model.predictProbabilities(z);
        ConfusionMatrix cm = ConfusionMatrix.atThreshold(y, p, threshold);

        ObjectNode out = FixtureOutput.object();
        out.set("coef_on_standardised_X", FixtureOutput.array(model.coefficients()));
        out.put("intercept", model.intercept());
        out.put("train_accuracy", cm.accuracy());
        out.put("train_log_loss", ClassificationMetrics.logLoss(y, p));
        out.put("train_roc_auc", ClassificationMetrics.rocAuc(y, p));
        out.put("train_f1", cm.f1());
        out.put("train_precision", cm.precision());
        out.put("train_recall", cm.recall());
        out.set("probabilities_first10", FixtureOutput.array(Arrays.copyOf(p, Math.min(FIRST, p.length))));
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
}
