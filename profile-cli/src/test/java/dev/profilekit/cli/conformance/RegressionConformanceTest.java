package dev.profilekit.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import org.junit.jupiter.api.Test;

class RegressionConformanceTest {

    /** README: 1e-8 relative, 1e-8 absolute for values below 1 in magnitude. */
    private static final double TOLERANCE = 1e-8;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void diabetesFixtureMatchesWithinTheReadmeTolerances() throws IOException {
        JsonNode fixture;
        try (InputStream in = RegressionConformanceTest.class.getResourceAsStream("/fixtures/diabetes-regression.json")) {
            fixture = MAPPER.readTree(in);
        }
        ObjectNode out = Conformance.run(fixture);
        JsonNode expected = fixture.get("expected");
        for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            JsonNode e = expected.get(key);
            JsonNode a = out.get(key);
            assertThat(a).as(key).isNotNull();
            if (e.isArray()) {
                assertThat(a.size()).as(key).isEqualTo(e.size());
                for (int i = 0; i < e.size(); i++) {
                    assertClose(key + "[" + i + "]", a.get(i).asDouble(), e.get(i).asDouble());
                }
            } else {
                assertClose(key, a.asDouble(), e.asDouble());
            }
        }
        assertThat(out.size()).isEqualTo(expected.size());
    }

    /**
     * Second dataset with a closed form: the centred columns of X are orthonormal (X^T X = I, column means 0), so
     * OLS gives w = X^T y and ridge gives w = X^T y / (1 + alpha); both intercepts are mean(y); alpha = 3 comes
     * from the task sentence.
     */
    @Test
    void orthonormalDesignHasTheClosedFormAnswer() {
        double h = 0.5;
        double[][] x = {{h, h}, {h, -h}, {-h, h}, {-h, -h}, {0.0, 0.0}};
        double[] y = {3, 1, 4, 1, 5};
        ObjectNode fixture = MAPPER.createObjectNode();
        fixture.put("kind", "regression");
        fixture.put("task", "ordinary least squares with intercept, and ridge (alpha=3, penalty alpha*||w||^2, "
                + "intercept not penalised) on raw X");
        ArrayNode fx = fixture.putArray("X");
        for (double[] row : x) {
            fx.addArray().add(row[0]).add(row[1]);
        }
        ArrayNode fy = fixture.putArray("y");
        for (double v : y) {
            fy.add(v);
        }
        ObjectNode out = Conformance.run(fixture);

        double mean = (3 + 1 + 4 + 1 + 5) / 5.0;
        double[] xty = {h * (3 + 1 - 4 - 1), h * (3 - 1 + 4 - 1)};
        double tss = 0;
        for (double v : y) {
            tss += (v - mean) * (v - mean);
        }
        for (int j = 0; j < 2; j++) {
            assertClose("ols_coef", out.get("ols_coef").get(j).asDouble(), xty[j]);
            assertClose("ridge_coef", out.get("ridge_coef").get(j).asDouble(), xty[j] / 4);
        }
        assertClose("ols_intercept", out.get("ols_intercept").asDouble(), mean);
        assertClose("ridge_intercept", out.get("ridge_intercept").asDouble(), mean);
        // explained sum of squares = ||X w||^2 = sum_j w_j^2 for an orthonormal design
        double olsEss = xty[0] * xty[0] + xty[1] * xty[1];
        assertClose("ols_r2", out.get("ols_r2").asDouble(), olsEss / tss);
        // ridge residual: y - mean - X w/4, whose squared norm is tss - 2 ess/4 + ess/16
        assertClose("ridge_r2", out.get("ridge_r2").asDouble(), 1 - (tss - olsEss / 2 + olsEss / 16) / tss);
    }

    private static void assertClose(String key, double actual, double expected) {
        double tolerance = Math.abs(expected) < 1 ? TOLERANCE : TOLERANCE * Math.abs(expected);
        assertThat(Math.abs(actual - expected)).as("%s: %s vs %s", key, actual, expected).isLessThanOrEqualTo(tolerance);
    }
}
