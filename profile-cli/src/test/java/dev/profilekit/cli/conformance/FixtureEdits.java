package dev.profilekit.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Edits of fixture inputs shared by the conformance tests. */
final class FixtureEdits {

    private FixtureEdits() {
    }

    /** A copy of {@code fixture} with the elements of the arrays {@code xKey} and {@code yKey} in reverse order. */
    static ObjectNode reversedRows(JsonNode fixture, String xKey, String yKey) {
        ObjectNode copy = fixture.deepCopy();
        copy.set(xKey, reversed(fixture.get(xKey)));
        copy.set(yKey, reversed(fixture.get(yKey)));
        return copy;
    }

    private static ArrayNode reversed(JsonNode array) {
        ArrayNode out = ((ArrayNode) array).arrayNode(array.size());
        for (int i = array.size() - 1; i >= 0; i--) {
            out.add(array.get(i));
        }
        return out;
    }
}
