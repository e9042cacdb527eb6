package dev.profilekit.models.tree;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.models.ModelInfo;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON plumbing shared by the models of this package. Doubles are written by Jackson with
 * {@link Double#toString(double)} and parsed with {@link Double#parseDouble(String)}, so they round-trip
 * exactly. Option values in {@link ModelInfo} are limited to Integer, Long (only when it does not fit an int),
 * Double, String and Boolean so that they read back as equal objects.
 */
final class ModelJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private ModelJson() {
    }

    static ObjectNode header(String format, int version) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", format);
        root.put("version", version);
        return root;
    }

    static String write(ObjectNode root) {
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses {@code json} and checks its {@code format} and {@code version}. */
    static JsonNode read(String json, String format, int version) {
        if (json == null) {
            throw new IllegalArgumentException("json must not be null");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("expected a JSON object with format '" + format + "'");
        }
        String actualFormat = root.path("format").asText(null);
        if (!format.equals(actualFormat)) {
            throw new IllegalArgumentException("format must be '" + format + "', was '" + actualFormat + "'");
        }
        JsonNode v = root.get("version");
        if (v == null || !v.isInt() || v.intValue() != version) {
            throw new IllegalArgumentException("unsupported " + format + " version " + v + ", this library reads version "
                    + version);
        }
        return root;
    }

    static JsonNode field(JsonNode node, String name) {
        JsonNode f = node.get(name);
        if (f == null || f.isNull()) {
            throw new IllegalArgumentException("JSON is missing field '" + name + "'");
        }
        return f;
    }

    static double readDouble(JsonNode node, String name) {
        JsonNode f = field(node, name);
        if (!f.isNumber()) {
            throw new IllegalArgumentException("JSON field '" + name + "' must be a number, was " + f);
        }
        return f.doubleValue();
    }

    static int readInt(JsonNode node, String name) {
        JsonNode f = field(node, name);
        if (!f.isInt()) {
            throw new IllegalArgumentException("JSON field '" + name + "' must be an int, was " + f);
        }
        return f.intValue();
    }

    static ArrayNode doubles(double[] values) {
        ArrayNode array = MAPPER.createArrayNode();
        for (double v : values) {
            array.add(v);
        }
        return array;
    }

    static double[] readDoubles(JsonNode node, String name) {
        JsonNode f = field(node, name);
        if (!f.isArray()) {
            throw new IllegalArgumentException("JSON field '" + name + "' must be an array, was " + f);
        }
        double[] out = new double[f.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode e = f.get(i);
            if (!e.isNumber()) {
                throw new IllegalArgumentException("JSON field '" + name + "' element " + i + " must be a number, was " + e);
            }
            out[i] = e.doubleValue();
        }
        return out;
    }

    /** The element {@code index} of {@code array} read as an array of numbers. */
    static double[] readDoubles(JsonNode array, int index) {
        JsonNode e = array.get(index);
        if (e == null || !e.isArray()) {
            throw new IllegalArgumentException("JSON array element " + index + " must be an array of numbers");
        }
        double[] out = new double[e.size()];
        for (int i = 0; i < out.length; i++) {
            if (!e.get(i).isNumber()) {
                throw new IllegalArgumentException("JSON array element " + index + "[" + i + "] must be a number");
            }
            out[i] = e.get(i).doubleValue();
        }
        return out;
    }

    static ArrayNode strings(List<String> values) {
        ArrayNode array = MAPPER.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    static List<String> readStrings(JsonNode node, String name) {
        JsonNode f = field(node, name);
        if (!f.isArray()) {
            throw new IllegalArgumentException("JSON field '" + name + "' must be an array, was " + f);
        }
        List<String> out = new ArrayList<>(f.size());
        for (JsonNode e : f) {
            out.add(e.asText());
        }
        return out;
    }

    static ObjectNode info(ModelInfo info) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("algorithm", info.algorithm());
        ObjectNode options = node.putObject("options");
        for (Map.Entry<String, Object> e : info.options().entrySet()) {
            Object v = e.getValue();
            if (v == null) {
                options.putNull(e.getKey());
            } else if (v instanceof Integer i) {
                options.put(e.getKey(), i);
            } else if (v instanceof Long l) {
                options.put(e.getKey(), l);
            } else if (v instanceof Double d) {
                options.put(e.getKey(), d);
            } else if (v instanceof Boolean b) {
                options.put(e.getKey(), b);
            } else {
                options.put(e.getKey(), v.toString());
            }
        }
        if (info.seed() == null) {
            node.putNull("seed");
        } else {
            node.put("seed", info.seed());
        }
        node.put("rows", info.rows());
        node.put("columns", info.columns());
        node.put("libraryVersion", info.libraryVersion());
        return node;
    }

    static ModelInfo readInfo(JsonNode root) {
        JsonNode node = field(root, "info");
        Map<String, Object> options = new LinkedHashMap<>();
        JsonNode opts = field(node, "options");
        for (Iterator<Map.Entry<String, JsonNode>> it = opts.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            Object value;
            if (v.isNull()) {
                value = null;
            } else if (v.isInt()) {
                value = v.intValue();
            } else if (v.isIntegralNumber()) {
                value = v.longValue();
            } else if (v.isNumber()) {
                value = v.doubleValue();
            } else if (v.isBoolean()) {
                value = v.booleanValue();
            } else {
                value = v.asText();
            }
            options.put(e.getKey(), value);
        }
        JsonNode seed = node.get("seed");
        Long seedValue = seed == null || seed.isNull() ? null : seed.longValue();
        return new ModelInfo(field(node, "algorithm").asText(), options, seedValue, readInt(node, "rows"),
                readInt(node, "columns"), field(node, "libraryVersion").asText());
    }
}
