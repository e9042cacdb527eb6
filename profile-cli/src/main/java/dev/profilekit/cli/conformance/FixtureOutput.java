package dev.profilekit.cli.conformance;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes the conformance handlers' results as JSON: doubles are written exactly (Jackson uses
 * {@link Double#toString(double)}), so the comparison with a fixture sees the library's own values.
 */
final class FixtureOutput {

    private FixtureOutput() {
    }

    /** A new, empty result object. */
    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** {@code values} as a JSON array of numbers. */
    static ArrayNode array(double[] values) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode(values.length);
        for (double v : values) {
            a.add(v);
        }
        return a;
    }

    /** {@code rows} as a JSON array of arrays of numbers. */
    static ArrayNode array(double[][] rows) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode(rows.length);
        for (double[] r : rows) {
            a.add(array(r));
        }
        return a;
    }

    /** {@code values} as a JSON array of ints. */
    static ArrayNode array(int[] values) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode(values.length);
        for (int v : values) {
            a.add(v);
        }
        return a;
    }

    /** {@code rows} as a JSON array of arrays of ints. */
    static ArrayNode array(int[][] rows) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode(rows.length);
        for (int[] r : rows) {
            a.add(array(r));
        }
        return a;
    }
}
