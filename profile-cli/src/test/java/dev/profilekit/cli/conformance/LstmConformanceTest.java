package dev.profilekit.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LstmConformanceTest {

    /** README: h_last, c_last, prediction, loss and grad within 1e-9 absolute + 1e-7 relative, each element. */
    private static final double FORWARD_ABS_TOL = 1e-9;
    private static final double FORWARD_REL_TOL = 1e-7;
    /** README: train_losses and weights_after within 1e-8 absolute + 1e-6 relative, each element. */
    private static final double TRAIN_ABS_TOL = 1e-8;
    private static final double TRAIN_REL_TOL = 1e-6;

    private static final String[] PARAMS = {"W_ih", "W_hh", "b_ih", "b_hh", "W_out", "b_out"};
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode fixture() throws IOException {
        try (InputStream in = LstmConformanceTest.class.getResourceAsStream("/fixtures/lstm-small.json")) {
            assertThat(in).as("fixture lstm-small.json on the classpath").isNotNull();
            return MAPPER.readTree(in);
        }
    }

    /** The fixture without {@code expected}: what the runner may read. */
    private static ObjectNode inputsOnly(JsonNode fixture) {
        ObjectNode input = fixture.deepCopy();
        input.remove("expected");
        return input;
    }

    /** Every number of a (nested) JSON array or number, in row-major order. */
    private static List<Double> flatten(JsonNode node) {
        List<Double> out = new ArrayList<>();
        if (node.isNumber()) {
            out.add(node.doubleValue());
        } else {
            assertThat(node.isArray()).as("a number or an array, was %s", node).isTrue();
            for (JsonNode e : node) {
                out.addAll(flatten(e));
            }
        }
        return out;
    }

    private static void assertClose(String what, JsonNode actual, JsonNode expected, double abs, double rel) {
        assertThat(actual).as("%s present", what).isNotNull();
        List<Double> a = flatten(actual);
        List<Double> e = flatten(expected);
        assertThat(a).as("%s size", what).hasSameSizeAs(e);
        assertThat(actual.size()).as("%s outer size", what).isEqualTo(expected.size());
        for (int i = 0; i < e.size(); i++) {
            double bound = abs + rel * Math.abs(e.get(i));
            assertThat(Math.abs(a.get(i) - e.get(i))).as("%s element %d: got %s, expected %s", what, i, a.get(i),
                    e.get(i)).isLessThanOrEqualTo(bound);
        }
    }

    private static void assertMatches(JsonNode actual, JsonNode expected) {
        for (String key : new String[] {"h_last", "c_last", "prediction", "loss"}) {
            assertClose(key, actual.get(key), expected.get(key), FORWARD_ABS_TOL, FORWARD_REL_TOL);
        }
        for (String p : PARAMS) {
            assertClose("grad." + p, actual.get("grad").get(p), expected.get("grad").get(p), FORWARD_ABS_TOL,
                    FORWARD_REL_TOL);
        }
        assertClose("train_losses", actual.get("train_losses"), expected.get("train_losses"), TRAIN_ABS_TOL,
                TRAIN_REL_TOL);
        for (String p : PARAMS) {
            assertClose("weights_after." + p, actual.get("weights_after").get(p), expected.get("weights_after").get(p),
                    TRAIN_ABS_TOL, TRAIN_REL_TOL);
        }
    }

    @Test
    void smallFixtureMatchesPyTorchWithinTheReadmeTolerances() throws IOException {
        JsonNode fixture = fixture();
        ObjectNode actual = Conformance.run(inputsOnly(fixture));
        List<String> keys = new ArrayList<>();
        actual.fieldNames().forEachRemaining(keys::add);
        List<String> expectedKeys = new ArrayList<>();
        fixture.get("expected").fieldNames().forEachRemaining(expectedKeys::add);
        assertThat(keys).containsExactlyInAnyOrderElementsOf(expectedKeys);
        List<String> gradKeys = new ArrayList<>();
        actual.get("grad").fieldNames().forEachRemaining(gradKeys::add);
        assertThat(gradKeys).containsExactly(PARAMS);
        assertMatches(actual, fixture.get("expected"));
        // the first training loss is the loss at the given weights
        assertThat(actual.get("train_losses").get(0).doubleValue()).isEqualTo(actual.get("loss").doubleValue());
        // the runner gives the same answer when handed the whole fixture, expected values included
        assertThat(Conformance.run(fixture)).isEqualTo(actual);
    }

    @Test
    void reversingTheBatchReversesPerSequenceResultsAndKeepsLossGradientsAndTraining() throws IOException {
        // the loss is a mean over independent sequences: its value, its gradient and full-batch Adam do not depend
        // on the order of the batch, while h_last, c_last and prediction follow the sequences
        JsonNode fixture = fixture();
        ObjectNode input = FixtureEdits.reversedRows(inputsOnly(fixture), "X", "y");
        ObjectNode expected = fixture.get("expected").deepCopy();
        for (String key : new String[] {"h_last", "c_last", "prediction"}) {
            ArrayNode reversed = MAPPER.createArrayNode();
            JsonNode orig = expected.get(key);
            for (int b = orig.size() - 1; b >= 0; b--) {
                reversed.add(orig.get(b));
            }
            expected.set(key, reversed);
        }
        assertMatches(Conformance.run(input), expected);
    }

    @Test
    void malformedInputsFailWithMessagesThatNameThem() throws IOException {
        JsonNode fixture = fixture();
        ObjectNode noX = inputsOnly(fixture);
        noX.remove("X");
        assertThatThrownBy(() -> Conformance.run(noX)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'X'");
        ObjectNode badValue = inputsOnly(fixture);
        ((ArrayNode) badValue.get("X").get(1).get(2)).set(0, MAPPER.getNodeFactory().textNode("a"));
        assertThatThrownBy(() -> Conformance.run(badValue)).hasMessageContaining("X[1][2][0]");
        ObjectNode wrongHidden = inputsOnly(fixture);
        wrongHidden.put("hidden_size", 4);
        assertThatThrownBy(() -> Conformance.run(wrongHidden)).hasMessageContaining("hidden_size = 4");
        ObjectNode shortY = inputsOnly(fixture);
        ((ArrayNode) shortY.get("y")).remove(0);
        assertThatThrownBy(() -> Conformance.run(shortY)).hasMessageContaining("y has 3 values");
        ObjectNode sgd = inputsOnly(fixture);
        ((ObjectNode) sgd.get("train")).put("optimizer", "sgd");
        assertThatThrownBy(() -> Conformance.run(sgd)).hasMessageContaining("train.optimizer");
    }
}
