package dev.profilekit.features.transform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * JSON plumbing shared by the fitted transforms. Doubles are written as JSON numbers produced by
 * {@link Double#toString(double)} (Jackson's default), which parse back to the same bits; NaN and
 * infinities, which JSON numbers cannot hold, are written as the strings {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"}.
 */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Json() {
    }

    static ObjectNode header(String format, int version) {
        ObjectNode o = F.objectNode();
        o.put("format", "profilekit." + format);
        o.put("version", version);
        return o;
    }

    static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses {@code json} and checks its {@code format} and {@code version}. */
    static JsonNode read(String json, String format, int version) {
        dev.profilekit.features.Checks.requireNonNull(json, "json");
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("json is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("json must be a JSON object");
        }
        String expected = "profilekit." + format;
        JsonNode f = node.get("format");
        if (f == null || !f.isTextual() || !f.asText().equals(expected)) {
            throw new IllegalArgumentException("json format must be '" + expected + "', was "
                    + (f == null ? "missing" : f.toString()));
        }
        JsonNode v = node.get("version");
        if (v == null || !v.canConvertToInt() || v.asInt() != version) {
            throw new IllegalArgumentException("json " + expected + " version must be " + version + ", was "
                    + (v == null ? "missing" : v.toString()));
        }
        return node;
    }

    static JsonNode field(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("json field '" + name + "' is missing");
        }
        return v;
    }

    static ArrayNode doubles(double[] values) {
        ArrayNode a = F.arrayNode(values.length);
        for (double v : values) {
            a.add(number(v));
        }
        return a;
    }

    static JsonNode number(double v) {
        if (Double.isFinite(v)) {
            return F.numberNode(v);
        }
        return F.textNode(Double.toString(v));
    }

    static ArrayNode matrix(double[][] values) {
        ArrayNode a = F.arrayNode(values.length);
        for (double[] row : values) {
            a.add(doubles(row));
        }
        return a;
    }

    static ArrayNode strings(String[] values) {
        ArrayNode a = F.arrayNode(values.length);
        for (String s : values) {
            a.add(s);
        }
        return a;
    }

    static double toDouble(JsonNode n, String name) {
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isTextual()) {
            switch (n.asText()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("json field '" + name + "' must hold numbers, found " + n);
    }

    static double readDouble(JsonNode node, String name) {
        return toDouble(field(node, name), name);
    }

    static double[] readDoubles(JsonNode node, String name) {
        return toDoubles(field(node, name), name);
    }

    static double[] toDoubles(JsonNode a, String name) {
        if (!a.isArray()) {
            throw new IllegalArgumentException("json field '" + name + "' must be an array");
        }
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = toDouble(a.get(i), name);
        }
        return out;
    }

    static double[][] readMatrix(JsonNode node, String name) {
        JsonNode a = field(node, name);
        if (!a.isArray()) {
            throw new IllegalArgumentException("json field '" + name + "' must be an array of arrays");
        }
        double[][] out = new double[a.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = toDoubles(a.get(i), name);
        }
        return out;
    }

    static String[] readStrings(JsonNode node, String name) {
        JsonNode a = field(node, name);
        if (!a.isArray()) {
            throw new IllegalArgumentException("json field '" + name + "' must be an array of strings");
        }
        String[] out = new String[a.size()];
        for (int i = 0; i < out.length; i++) {
            if (!a.get(i).isTextual()) {
                throw new IllegalArgumentException("json field '" + name + "' must hold strings, found " + a.get(i));
            }
            out[i] = a.get(i).asText();
        }
        return out;
    }

    static int readInt(JsonNode node, String name) {
        JsonNode n = field(node, name);
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new IllegalArgumentException("json field '" + name + "' must be an integer, was " + n);
        }
        return n.asInt();
    }

    static String readText(JsonNode node, String name) {
        JsonNode n = field(node, name);
        if (!n.isTextual()) {
            throw new IllegalArgumentException("json field '" + name + "' must be a string, was " + n);
        }
        return n.asText();
    }
}
