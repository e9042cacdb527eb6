package dev.profilekit.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The {@code selection} fixture (breast cancer, scikit-learn 1.2.1 / numpy) through {@link Conformance#run},
 * within the README's 1e-10 absolute tolerance, plus a second dataset with a known answer: a positive
 * affine map of every column, a shuffle of the rows after the fifth and flipped labels {@code y -> 1 - y}
 * negate Pearson's r and leave the bin codes and the mutual information unchanged.
 */
class SelectionConformanceTest {

    /** README: pearson, mutual_information_nats, binned_codes_first5 within 1e-10 absolute. */
    static final double ABS = 1e-10;

    static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode load(String name) throws IOException {
        try (InputStream in = SelectionConformanceTest.class.getResourceAsStream("/fixtures/" + name)) {
            assertThat(in).as("fixture %s on the classpath", name).isNotNull();
            return MAPPER.readTree(in);
        }
    }

    @Test
    void breastCancerFixtureMatchesScikitLearn() throws IOException {
        JsonNode fixture = load("breast-cancer-selection.json");
        ObjectNode actual = Conformance.run(fixture);
        JsonNode expected = fixture.get("expected");
        ScalingPcaConformanceTest.assertKeysEqual(actual, expected);
        check(actual, expected, 1);
    }

    @Test
    void affineColumnsShuffledRowsAndFlippedLabels() throws IOException {
        JsonNode fixture = load("breast-cancer-selection.json");
        ArrayNode x = (ArrayNode) fixture.get("X");
        JsonNode y = fixture.get("y");
        int n = x.size();
        List<Integer> order = new ArrayList<>();
        for (int i = 5; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(3));
        ArrayNode x2 = MAPPER.createArrayNode();
        ArrayNode y2 = MAPPER.createArrayNode();
        for (int i = 0; i < n; i++) {
            int src = i < 5 ? i : order.get(i - 5);
            ArrayNode r = x2.addArray();
            for (JsonNode v : x.get(src)) {
                r.add(4.0 * v.doubleValue() - 8.0); // exact in binary floating point for these magnitudes
            }
            y2.add(1 - y.get(src).intValue());
        }
        ObjectNode copy = MAPPER.createObjectNode();
        copy.put("kind", "selection");
        copy.set("X", x2);
        copy.set("y", y2);
        check(Conformance.run(copy), fixture.get("expected"), -1);
    }

    /** Compares with {@code expected}, whose Pearson values are multiplied by {@code pearsonSign}. */
    static void check(JsonNode actual, JsonNode expected, int pearsonSign) {
        double maxP = 0;
        JsonNode ap = actual.get("pearson");
        JsonNode ep = expected.get("pearson");
        assertThat(ap.size()).isEqualTo(ep.size());
        for (int j = 0; j < ep.size(); j++) {
            double dev = Math.abs(ap.get(j).doubleValue() - pearsonSign * ep.get(j).doubleValue());
            assertThat(dev).as("pearson column %d", j).isLessThanOrEqualTo(ABS);
            maxP = Math.max(maxP, dev);
        }
        double maxMi = 0;
        JsonNode am = actual.get("mutual_information_nats");
        JsonNode em = expected.get("mutual_information_nats");
        assertThat(am.size()).isEqualTo(em.size());
        for (int j = 0; j < em.size(); j++) {
            double dev = Math.abs(am.get(j).doubleValue() - em.get(j).doubleValue());
            assertThat(dev).as("mutual information column %d", j).isLessThanOrEqualTo(ABS);
            maxMi = Math.max(maxMi, dev);
        }
        double maxC = 0;
        JsonNode ac = actual.get("binned_codes_first5");
        JsonNode ec = expected.get("binned_codes_first5");
        assertThat(ac.size()).isEqualTo(ec.size());
        for (int i = 0; i < ec.size(); i++) {
            assertThat(ac.get(i).size()).isEqualTo(ec.get(i).size());
            for (int j = 0; j < ec.get(i).size(); j++) {
                double dev = Math.abs(ac.get(i).get(j).doubleValue() - ec.get(i).get(j).doubleValue());
                assertThat(dev).as("code row %d column %d", i, j).isLessThanOrEqualTo(ABS);
                maxC = Math.max(maxC, dev);
            }
        }
        System.err.printf("selection max deviation pearson %.3e, mutual_information_nats %.3e, binned_codes_first5 %.3e%n",
                maxP, maxMi, maxC);
    }
}
