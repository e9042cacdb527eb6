package dev.profilekit.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import org.junit.jupiter.api.Test;

class LogregConformanceTest {

    /** README tolerances for kind logreg. */
    private static final double COEF_TOLERANCE = 1e-4;
    private static final double METRIC_TOLERANCE = 1e-6;
    private static final double PROBABILITY_TOLERANCE = 1e-5;
    /** The task asks for gradient norm < 1e-8 of the summed objective. */
    private static final double GRADIENT_TOLERANCE = 1e-8;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode fixture() throws IOException {
        try (InputStream in = LogregConformanceTest.class.getResourceAsStream("/fixtures/breast-cancer-logreg.json")) {
            return MAPPER.readTree(in);
        }
    }

    @Test
    void breastCancerFixtureMatchesWithinTheReadmeTolerances() throws IOException {
        JsonNode fixture = fixture();
        ObjectNode out = Conformance.run(fixture);
        JsonNode expected = fixture.get("expected");
        for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            double tolerance = key.startsWith("train_") ? METRIC_TOLERANCE
                    : key.equals("probabilities_first10") ? PROBABILITY_TOLERANCE : COEF_TOLERANCE;
            assertClose(key, out.get(key), expected.get(key), tolerance);
        }
        assertThat(out.size()).isEqualTo(expected.size());
    }

    /**
     * Second dataset: each column mapped by x -> a_j x + c_j (a_j of either sign), columns reversed, the first ten
     * rows reversed and the others rotated. Z-scoring removes a_j > 0 and c_j entirely and turns a_j < 0 into a
     * sign flip of that column, so the exact minimiser is the fixture's with coefficients reversed and flipped
     * where a_j < 0; metrics are permutation invariant, and the first ten probabilities come reversed.
     */
    @Test
    void transformedAndPermutedCopyGivesTheCorrespondingAnswer() throws IOException {
        JsonNode fixture = fixture();
        ArrayNode x = (ArrayNode) fixture.get("X");
        ArrayNode y = (ArrayNode) fixture.get("y");
        int n = x.size();
        int d = x.get(0).size();
        int[] rowOrder = new int[n];
        for (int i = 0; i < 10; i++) {
            rowOrder[i] = 9 - i;
        }
        for (int i = 10; i < n; i++) {
            rowOrder[i] = 10 + (i - 10 + 137) % (n - 10);
        }
        ObjectNode copy = MAPPER.createObjectNode();
        copy.put("kind", "logreg");
        copy.put("task", fixture.get("task").asText());
        ArrayNode newX = copy.putArray("X");
        ArrayNode newY = copy.putArray("y");
        for (int i = 0; i < n; i++) {
            JsonNode row = x.get(rowOrder[i]);
            ArrayNode r = newX.addArray();
            for (int k = 0; k < d; k++) {
                int j = d - 1 - k;
                r.add(scale(j) * row.get(j).asDouble() + 100.0 * j - 7);
            }
            newY.add(y.get(rowOrder[i]).asInt());
        }
        ObjectNode out = Conformance.run(copy);
        JsonNode expected = fixture.get("expected");

        for (int k = 0; k < d; k++) {
            int j = d - 1 - k;
            double e = Math.signum(scale(j)) * expected.get("coef_on_standardised_X").get(j).asDouble();
            assertThat(out.get("coef_on_standardised_X").get(k).asDouble()).as("coef %d", k)
                    .isCloseTo(e, within(COEF_TOLERANCE));
        }
        assertThat(out.get("intercept").asDouble()).isCloseTo(expected.get("intercept").asDouble(), within(COEF_TOLERANCE));
        for (String key : new String[] {"train_accuracy", "train_log_loss", "train_roc_auc", "train_f1", "train_precision",
                "train_recall"}) {
            assertThat(out.get(key).asDouble()).as(key).isCloseTo(expected.get(key).asDouble(), within(METRIC_TOLERANCE));
        }
        for (int i = 0; i < 10; i++) {
            assertThat(out.get("probabilities_first10").get(i).asDouble())
                    .isCloseTo(expected.get("probabilities_first10").get(9 - i).asDouble(), within(PROBABILITY_TOLERANCE));
        }
    }

    /**
     * Third dataset: the first 80 rows and 4 columns with lambda = 2.5 in the task. The answer is characterised
     * mathematically: the gradient of sum logloss + (2.5/2)||w||^2 on the z-scored data vanishes.
     */
    @Test
    void smallSubsetWithAnotherLambdaIsAStationaryPoint() throws IOException {
        JsonNode fixture = fixture();
        int n = 80;
        int d = 4;
        double[][] x = new double[n][d];
        int[] y = new int[n];
        ObjectNode copy = MAPPER.createObjectNode();
        copy.put("kind", "logreg");
        copy.put("task", fixture.get("task").asText().replace("lambda=1", "lambda=2.5"));
        ArrayNode cx = copy.putArray("X");
        ArrayNode cy = copy.putArray("y");
        for (int i = 0; i < n; i++) {
            ArrayNode r = cx.addArray();
            for (int j = 0; j < d; j++) {
                x[i][j] = fixture.get("X").get(i).get(j).asDouble();
                r.add(x[i][j]);
            }
            y[i] = fixture.get("y").get(i).asInt();
            cy.add(y[i]);
        }
        assertThat(copy.get("task").asText()).contains("lambda=2.5");
        ObjectNode out = Conformance.run(copy);

        double[][] z = LogregConformance.zScore(x);
        double b = out.get("intercept").asDouble();
        double[] w = new double[d];
        for (int j = 0; j < d; j++) {
            w[j] = out.get("coef_on_standardised_X").get(j).asDouble();
        }
        double[] g = new double[d + 1];
        int correct = 0;
        for (int i = 0; i < n; i++) {
            double s = b;
            for (int j = 0; j < d; j++) {
                s += w[j] * z[i][j];
            }
            double p = 1 / (1 + Math.exp(-s));
            g[0] += p - y[i];
            for (int j = 0; j < d; j++) {
                g[j + 1] += (p - y[i]) * z[i][j];
            }
            correct += (p >= 0.5 ? 1 : 0) == y[i] ? 1 : 0;
        }
        double norm = 0;
        for (int j = 0; j <= d; j++) {
            double gj = j == 0 ? g[0] : g[j] + 2.5 * w[j - 1];
            norm += gj * gj;
        }
        assertThat(Math.sqrt(norm)).isLessThan(GRADIENT_TOLERANCE);
        assertThat(out.get("train_accuracy").asDouble()).isCloseTo((double) correct / n, within(1e-15));
        // the z-scored columns have mean 0 and population variance 1
        for (int j = 0; j < d; j++) {
            double m = 0;
            double v = 0;
            for (int i = 0; i < n; i++) {
                m += z[i][j] / n;
                v += z[i][j] * z[i][j] / n;
            }
            assertThat(m).isCloseTo(0, within(1e-12));
            assertThat(v).isCloseTo(1, within(1e-12));
        }
    }

    private static double scale(int j) {
        return j % 3 == 0 ? -2.5 : 0.5 + j;
    }

    private static void assertClose(String key, JsonNode actual, JsonNode expected, double tolerance) {
        assertThat(actual).as(key).isNotNull();
        if (expected.isArray()) {
            assertThat(actual.size()).as(key).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertThat(actual.get(i).asDouble()).as("%s[%d]", key, i)
                        .isCloseTo(expected.get(i).asDouble(), within(tolerance));
            }
        } else {
            assertThat(actual.asDouble()).as(key).isCloseTo(expected.asDouble(), within(tolerance));
        }
    }
}
