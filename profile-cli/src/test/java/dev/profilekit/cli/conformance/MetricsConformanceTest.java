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

class MetricsConformanceTest {

    /** README tolerance for kind metrics. */
    private static final double TOLERANCE = 1e-12;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode fixture() throws IOException {
        try (InputStream in = MetricsConformanceTest.class.getResourceAsStream("/fixtures/synthetic-metrics.json")) {
            return MAPPER.readTree(in);
        }
    }

    @Test
    void syntheticFixtureMatchesWithinTheReadmeTolerance() throws IOException {
        JsonNode fixture = fixture();
        ObjectNode out = Conformance.run(fixture);
        JsonNode expected = fixture.get("expected");
        for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            assertThat(out.get(key)).as(key).isNotNull();
            assertThat(out.get(key).asDouble()).as(key).isCloseTo(expected.get(key).asDouble(), within(TOLERANCE));
        }
        assertThat(out.size()).isEqualTo(expected.size());
    }

    @Test
    void reversedRowsGiveTheSameMetrics() throws IOException {
        JsonNode fixture = fixture();
        ObjectNode copy = MAPPER.createObjectNode();
        copy.put("kind", "metrics");
        copy.put("task", fixture.get("task").asText());
        ArrayNode y = copy.putArray("y");
        ArrayNode s = copy.putArray("scores");
        int n = fixture.get("y").size();
        for (int i = n - 1; i >= 0; i--) {
            y.add(fixture.get("y").get(i).asInt());
            s.add(fixture.get("scores").get(i).asDouble());
        }
        ObjectNode out = Conformance.run(copy);
        JsonNode expected = fixture.get("expected");
        for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            assertThat(out.get(key).asDouble()).as(key).isCloseTo(expected.get(key).asDouble(), within(TOLERANCE));
        }
    }

    /**
     * A hand-computed case. y = 1 0 1 0 1 0, s = .9 .1 .5 .5 .3 .7; at s >= 0.5: tp 2, fp 2, tn 1, fn 1.
     * AUC pairs: 0.9 beats all three negatives (3), 0.5 beats 0.1, ties 0.5, loses to 0.7 (1.5), 0.3 beats 0.1 (1):
     * 5.5 / 9. Log loss: -(2 ln .9 + 2 ln .5 + 2 ln .3) / 6.
     */
    @Test
    void handComputedSmallCase() {
        ObjectNode fixture = MAPPER.createObjectNode();
        fixture.put("kind", "metrics");
        fixture.put("task", "binary classification metrics for scores s with threshold 0.5 (s >= 0.5 is class 1); "
                + "ROC AUC counts ties as half");
        ArrayNode y = fixture.putArray("y");
        ArrayNode s = fixture.putArray("scores");
        int[] labels = {1, 0, 1, 0, 1, 0};
        double[] scores = {0.9, 0.1, 0.5, 0.5, 0.3, 0.7};
        for (int i = 0; i < 6; i++) {
            y.add(labels[i]);
            s.add(scores[i]);
        }
        ObjectNode out = Conformance.run(fixture);
        assertThat(out.get("accuracy").asDouble()).isCloseTo(0.5, within(TOLERANCE));
        assertThat(out.get("precision").asDouble()).isCloseTo(0.5, within(TOLERANCE));
        assertThat(out.get("recall").asDouble()).isCloseTo(2.0 / 3, within(TOLERANCE));
        assertThat(out.get("f1").asDouble()).isCloseTo(4.0 / 7, within(TOLERANCE));
        assertThat(out.get("roc_auc").asDouble()).isCloseTo(5.5 / 9, within(TOLERANCE));
        assertThat(out.get("log_loss").asDouble())
                .isCloseTo(-(2 * Math.log(0.9) + 2 * Math.log(0.5) + 2 * Math.log(0.3)) / 6, within(TOLERANCE));
    }

    @Test
    void thresholdComesFromTheTask() {
        ObjectNode fixture = MAPPER.createObjectNode();
        fixture.put("kind", "metrics");
        fixture.put("task", "binary classification metrics for scores s with threshold 0.8 (s >= 0.8 is class 1)");
        fixture.putArray("y").add(1).add(0).add(1);
        fixture.putArray("scores").add(0.9).add(0.6).add(0.7);
        ObjectNode out = Conformance.run(fixture);
        // predictions 1 0 0: accuracy 2/3, precision 1, recall 1/2
        assertThat(out.get("accuracy").asDouble()).isCloseTo(2.0 / 3, within(TOLERANCE));
        assertThat(out.get("precision").asDouble()).isEqualTo(1.0);
        assertThat(out.get("recall").asDouble()).isEqualTo(0.5);
    }
}
