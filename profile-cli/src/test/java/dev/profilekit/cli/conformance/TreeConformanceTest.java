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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TreeConformanceTest {

    /** README: tree_feature_importances within 1e-9 absolute. */
    private static final double IMPORTANCE_TOL = 1e-9;
    /** README: tree_proba_test within 1e-12 absolute. */
    private static final double PROBA_TOL = 1e-12;
    /** README: forest_test_accuracy at least expected - 0.03. */
    private static final double FOREST_SLACK = 0.03;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode fixture(String resource) throws IOException {
        try (InputStream in = TreeConformanceTest.class.getResourceAsStream(resource)) {
            assertThat(in).as("fixture %s on the classpath", resource).isNotNull();
            return MAPPER.readTree(in);
        }
    }

    /** The fixture without {@code expected}: what the runner may read. */
    private static ObjectNode inputsOnly(JsonNode fixture) {
        ObjectNode input = fixture.deepCopy();
        input.remove("expected");
        return input;
    }

    private static void assertMatches(JsonNode actual, JsonNode expected) {
        List<String> keys = new ArrayList<>();
        actual.fieldNames().forEachRemaining(keys::add);
        List<String> expectedKeys = new ArrayList<>();
        expected.fieldNames().forEachRemaining(expectedKeys::add);
        assertThat(keys).containsExactlyInAnyOrderElementsOf(expectedKeys);
        for (String key : new String[] {"tree_node_count", "tree_depth", "tree_predictions_test"}) {
            assertThat(actual.get(key)).as(key).isEqualTo(expected.get(key));
        }
        assertClose("tree_feature_importances", actual.get("tree_feature_importances"),
                expected.get("tree_feature_importances"), IMPORTANCE_TOL);
        JsonNode proba = actual.get("tree_proba_test");
        JsonNode expectedProba = expected.get("tree_proba_test");
        assertThat(proba.size()).as("tree_proba_test rows").isEqualTo(expectedProba.size());
        for (int i = 0; i < expectedProba.size(); i++) {
            assertClose("tree_proba_test[" + i + "]", proba.get(i), expectedProba.get(i), PROBA_TOL);
        }
        assertThat(actual.get("forest_test_accuracy").doubleValue()).as("forest_test_accuracy")
                .isGreaterThanOrEqualTo(expected.get("forest_test_accuracy").doubleValue() - FOREST_SLACK);
    }

    private static void assertClose(String what, JsonNode actual, JsonNode expected, double tol) {
        assertThat(actual).as("%s present", what).isNotNull();
        assertThat(actual.size()).as("%s size", what).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            double a = actual.get(i).doubleValue();
            double e = expected.get(i).doubleValue();
            assertThat(Math.abs(a - e)).as("%s element %d: got %s, expected %s", what, i, a, e)
                    .isLessThanOrEqualTo(tol);
        }
    }

    /**
     * Every fixture of kind {@code tree}, through the runner's code path, without its expected values.
     *
     * <p>{@code fixtures-extra/three-class-tree.json} (3 classes, entropy, max_depth 2, min_samples_leaf 2,
     * min_samples_split 4, forest max_features 1) was made by {@code generate_three_class_tree.py}, an exhaustive
     * CART written from the task sentence, not by the library. Worked by hand: the root [4, 4, 3] (entropy 1.5726
     * bits, weighted 17.298) splits on x1 <= 4.5 into [4, 0, 0] and [0, 4, 3] (weighted 7 x 0.9852 = 6.897), better
     * than x0 <= 5 ([4, 1, 0] | [0, 3, 3], 9.610); the right child splits on x0 <= 7.25 into [0, 3, 0] and
     * [0, 1, 3] (4 x 0.8113 = 3.245), better than x0 <= 9 or x1 <= 9.5 ([0, 4, 1] | [0, 0, 2], 3.610); the left
     * child is pure. So 5 nodes, depth 2, importances x0 3.652 / 14.053 = 0.2598, x1 10.401 / 14.053 = 0.7402, and
     * the test rows right of both splits get probabilities (0, 1/4, 3/4).
     */
    @ParameterizedTest
    @ValueSource(strings = {"/fixtures/breast-cancer-tree.json", "/fixtures-extra/three-class-tree.json"})
    void everyTreeFixtureMatchesWithinTheReadmeTolerances(String resource) throws IOException {
        JsonNode fixture = fixture(resource);
        ObjectNode actual = Conformance.run(inputsOnly(fixture));
        assertMatches(actual, fixture.get("expected"));
        // the runner gives the same answer when handed the whole fixture, expected values included
        assertThat(Conformance.run(fixture)).isEqualTo(actual);
    }

    /**
     * No two candidate splits tie in these fixtures, so the tree does not depend on the order of the training rows:
     * reversing them leaves every tree result unchanged (the forest's bootstrap draws do change).
     */
    @ParameterizedTest
    @ValueSource(strings = {"/fixtures/breast-cancer-tree.json", "/fixtures-extra/three-class-tree.json"})
    void reversedTrainingRowsGiveTheSameTree(String resource) throws IOException {
        JsonNode fixture = fixture(resource);
        ObjectNode input = FixtureEdits.reversedRows(inputsOnly(fixture), "X_train", "y_train");
        assertMatches(Conformance.run(input), fixture.get("expected"));
    }

    /**
     * Other options are read from the file: with entropy, no depth limit ({@code max_depth} null) and leaves of one
     * row, the tree separates every training row of the breast cancer data (no two rows agree with different
     * labels), so scored on its own training rows it predicts every label with probability 1; with max_depth 3 it
     * cannot.
     */
    @Test
    void unlimitedDepthReadFromTheFileFitsTheTrainingRowsExactly() throws IOException {
        ObjectNode input = inputsOnly(fixture("/fixtures/breast-cancer-tree.json"));
        ObjectNode tree = (ObjectNode) input.get("tree");
        tree.put("criterion", "entropy");
        tree.putNull("max_depth");
        tree.put("min_samples_leaf", 1);
        input.set("X_test", input.get("X_train"));
        input.set("y_test", input.get("y_train"));
        ((ObjectNode) input.get("forest")).put("trees", 10).put("max_features", "log2");
        ObjectNode out = Conformance.run(input);
        assertThat(out.get("tree_predictions_test")).isEqualTo(input.get("y_train"));
        assertThat(out.get("tree_depth").intValue()).isGreaterThan(3);
        for (JsonNode row : out.get("tree_proba_test")) {
            assertThat(row.get(0).doubleValue() * row.get(1).doubleValue()).isZero();
        }
        tree.put("max_depth", 3);
        assertThat(Conformance.run(input).get("tree_predictions_test")).isNotEqualTo(input.get("y_train"));
    }

    @Test
    void malformedInputsFailWithMessagesThatNameThem() throws IOException {
        JsonNode fixture = fixture("/fixtures-extra/three-class-tree.json");
        ObjectNode noTree = inputsOnly(fixture);
        noTree.remove("tree");
        assertThatThrownBy(() -> Conformance.run(noTree)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'tree'");
        ObjectNode gain = inputsOnly(fixture);
        ((ObjectNode) gain.get("tree")).put("criterion", "log_loss");
        assertThatThrownBy(() -> Conformance.run(gain)).hasMessageContaining("tree.criterion")
                .hasMessageContaining("log_loss");
        ObjectNode leaf = inputsOnly(fixture);
        ((ObjectNode) leaf.get("tree")).put("min_samples_leaf", 0);
        assertThatThrownBy(() -> Conformance.run(leaf)).hasMessageContaining("tree.min_samples_leaf");
        ObjectNode features = inputsOnly(fixture);
        ((ObjectNode) features.get("forest")).put("max_features", "half");
        assertThatThrownBy(() -> Conformance.run(features)).hasMessageContaining("forest.max_features");
        ObjectNode noSeed = inputsOnly(fixture);
        ((ObjectNode) noSeed.get("forest")).remove("seed");
        assertThatThrownBy(() -> Conformance.run(noSeed)).hasMessageContaining("forest.seed")
                .hasMessageContaining("was null");
        ObjectNode shortY = inputsOnly(fixture);
        ((ArrayNode) shortY.get("y_test")).remove(0);
        assertThatThrownBy(() -> Conformance.run(shortY)).hasMessageContaining("y_test");
        ObjectNode missingClass = inputsOnly(fixture);
        ArrayNode labels = (ArrayNode) missingClass.get("y_train");
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).intValue() == 1) {
                labels.set(i, MAPPER.getNodeFactory().numberNode(0));
            }
        }
        assertThatThrownBy(() -> Conformance.run(missingClass)).hasMessageContaining("no row of class 1");
    }
}
