package dev.profilekit.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Runs one reference fixture (see the fixtures README) through the library and returns the
 * library's own results under the same keys as the fixture's {@code expected} (or {@code fits}).
 *
 * <p>Every handler computes its results from the fixture's input data and the parameters its
 * {@code task} states; none reads {@code expected}. The project's tests call this same method, so
 * the runner and the tests share one code path.
 */
public final class Conformance {

    private Conformance() {
    }

    /**
     * Computes the results for one fixture.
     *
     * @param fixture the parsed fixture object; its {@code kind} selects the handler
     * @return the results, keyed as the fixture's expected values
     * @throws IllegalArgumentException if the kind is missing or unknown, or the input is malformed
     */
    public static ObjectNode run(JsonNode fixture) {
        if (fixture == null || !fixture.isObject()) {
            throw new IllegalArgumentException("fixture must be a JSON object");
        }
        JsonNode kindNode = fixture.get("kind");
        if (kindNode == null || !kindNode.isTextual()) {
            throw new IllegalArgumentException("fixture has no string field 'kind'");
        }
        String kind = kindNode.asText();
        return switch (kind) {
            // handlers are registered here, one case per kind
            case "scaling-pca" -> ScalingPcaConformance.run(fixture);
            case "selection" -> SelectionConformance.run(fixture);
            case "logreg" -> LogregConformance.run(fixture);
            case "regression" -> RegressionConformance.run(fixture);
            case "metrics" -> MetricsConformance.run(fixture);
            case "clustering" -> ClusteringConformance.run(fixture);
            case "arima" -> ArimaConformance.run(fixture);
            case "lstm" -> LstmConformance.run(fixture);
            case "tree" -> TreeConformance.run(fixture);
            default -> throw new IllegalArgumentException("unknown fixture kind '" + kind + "'");
        };
    }
}
