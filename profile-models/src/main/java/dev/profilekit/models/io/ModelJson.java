package dev.profilekit.models.io;

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
 * The models' JSON support: the pieces every model's {@code toJson()} / {@code fromJson(...)} is built from.
 *
 * <p>A model document is a JSON object that starts with {@code "format":"profilekit.<thing>","version":N}
 * ({@link #header}); {@link #read} parses a document and checks both, failing with a message that names the
 * expected and the actual value. Doubles are written by Jackson with {@link Double#toString(double)} and
 * parsed with {@link Double#parseDouble(String)}, so every finite value round-trips exactly; NaN (which JSON
 * cannot hold) is written as {@code null} by {@link #nullableDoubles} and read back by
 * {@link #readNullableDoubles}. {@link ModelInfo} option values are limited to Integer, Long (only when it
 * does not fit an int), Double, String and Boolean so that they read back as equal objects.
 *
 * <p>Every reader fails with an {@link IllegalArgumentException} that names the field (and the element) that
 * is missing or of the wrong type. All methods are stateless and thread-safe; each costs time linear in the
 * size of what it writes or reads.
 */
public final class ModelJson {

    /** Thread-safe once configured; never reconfigured after class initialisation. */
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ModelJson() {
    }

    /** A new, empty JSON object. */
    public static ObjectNode objectNode() {
        return MAPPER.createObjectNode();
    }

    /** A new, empty JSON array. */
    public static ArrayNode arrayNode() {
        return MAPPER.createArrayNode();
    }

    /** A new JSON object holding {@code "format":format,"version":version}, in that order. */
    public static ObjectNode header(String format, int version) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", format);
        root.put("version", version);
        return root;
    }

    /**
     * Serialises {@code root} compactly (no whitespace).
     *
     * @throws UncheckedIOException if Jackson cannot write the tree (not expected for trees built here)
     */
    public static String write(ObjectNode root) {
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses {@code json} and checks its {@code format} and {@code version}.
     *
     * @return the document's root object
     * @throws IllegalArgumentException if {@code json} is null, not valid JSON, not an object, or has another
     *         format or version
     */
    public static JsonNode read(String json, String format, int version) {
        if (json == null) {
            throw new IllegalArgumentException("json must not be null");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON for " + format + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("expected a JSON object with format '" + format + "'");
        }
        String actual = root.path("format").asText(null);
        if (!format.equals(actual)) {
            // Both phrasings are kept: callers (and their tests) of the former per-package copies rely on each.
            throw new IllegalArgumentException("expected format '" + format + "', was '" + actual
                    + "' (format must be '" + format + "', was '" + actual + "')");
        }
        JsonNode v = root.get("version");
        if (v == null || !v.isInt() || v.intValue() != version) {
            throw new IllegalArgumentException("unsupported " + format + " version " + v
                    + ", this library reads version " + version);
        }
        return root;
    }

    /**
     * The field {@code name} of {@code node}.
     *
     * @throws IllegalArgumentException if it is missing or JSON {@code null}
     */
    public static JsonNode field(JsonNode node, String name) {
        JsonNode f = node.get(name);
        if (f == null || f.isNull()) {
            throw new IllegalArgumentException("JSON is missing field '" + name + "'");
        }
        return f;
    }

    /**
     * The number in field {@code name} of {@code node}.
     *
     * @throws IllegalArgumentException if it is missing or not a number
     */
    public static double readDouble(JsonNode node, String name) {
        JsonNode f = field(node, name);
        if (!f.isNumber()) {
            throw new IllegalArgumentException("JSON field '" + name + "' must be a number, was " + f);
        }
        return f.doubleValue();
    }

    /**
     * The int in field {@code name} of {@code node}.
     *
     * @throws IllegalArgumentException if it is missing or not an int
     */
    public static int readInt(JsonNode node, String name) {
        JsonNode f = field(node, name);
        if (!f.isInt()) {
            throw new IllegalArgumentException("JSON field '" + name + "' must be an int, was " + f);
        }
        return f.intValue();
    }

    /** {@code values} as a JSON array of numbers (NaN and infinities are not representable in JSON). */
    public static ArrayNode doubles(double[] values) {
        ArrayNode array = MAPPER.createArrayNode();
        for (double v : values) {
            array.add(v);
        }
        return array;
    }

    /**
     * The array of numbers in field {@code name} of {@code node}.
     *
     * @throws IllegalArgumentException if it is missing, not an array, or has an element that is not a number
     */
    public static double[] readDoubles(JsonNode node, String name) {
        return toDoubles(field(node, name), "JSON field '" + name + "'", false);
    }

    /** {@code values} as a JSON array of numbers, NaN written as {@code null}. */
    public static ArrayNode nullableDoubles(double[] values) {
        ArrayNode array = MAPPER.createArrayNode();
        for (double v : values) {
            if (Double.isNaN(v)) {
                array.addNull();
            } else {
                array.add(v);
            }
        }
        return array;
    }

    /**
     * The array in field {@code name} of {@code node} as written by {@link #nullableDoubles}, {@code null}
     * elements becoming NaN.
     *
     * @throws IllegalArgumentException if it is missing, not an array, or has an element that is neither a
     *         number nor {@code null}
     */
    public static double[] readNullableDoubles(JsonNode node, String name) {
        return toDoubles(field(node, name), "JSON field '" + name + "'", true);
    }

    /** {@code rows} as a JSON array of arrays of numbers (rows may differ in length). */
    public static ArrayNode matrix(double[][] rows) {
        ArrayNode array = MAPPER.createArrayNode();
        for (double[] row : rows) {
            array.add(doubles(row));
        }
        return array;
    }

    /**
     * The array of arrays of numbers in field {@code name} of {@code node} (rows may differ in length).
     *
     * @throws IllegalArgumentException if it is missing, not an array, or has an element that is not an array
     *         of numbers
     */
    public static double[][] readMatrix(JsonNode node, String name) {
        JsonNode f = field(node, name);
        String what = "JSON field '" + name + "'";
        if (!f.isArray()) {
            throw new IllegalArgumentException(what + " must be an array of arrays, was " + f);
        }
        double[][] out = new double[f.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = toDoubles(f.get(i), what + " element " + i, false);
        }
        return out;
    }

    /** {@code values} as a JSON array of ints. */
    public static ArrayNode ints(int[] values) {
        ArrayNode array = MAPPER.createArrayNode();
        for (int v : values) {
            array.add(v);
        }
        return array;
    }

    /**
     * The array of ints in field {@code name} of {@code node}.
     *
     * @throws IllegalArgumentException if it is missing, not an array, or has an element that is not an int
     */
    public static int[] readInts(JsonNode node, String name) {
        JsonNode f = field(node, name);
        if (!f.isArray()) {
            throw new IllegalArgumentException("JSON field '" + name + "' must be an array, was " + f);
        }
        int[] out = new int[f.size()];
        for (int i = 0; i < out.length; i++) {
            if (!f.get(i).isInt()) {
                throw new IllegalArgumentException("JSON field '" + name + "' element " + i + " must be an int");
            }
            out[i] = f.get(i).intValue();
        }
        return out;
    }

    /** {@code values} as a JSON array of strings. */
    public static ArrayNode strings(List<String> values) {
        ArrayNode array = MAPPER.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    /**
     * The array of strings in field {@code name} of {@code node} (elements read as text).
     *
     * @throws IllegalArgumentException if it is missing or not an array
     */
    public static List<String> readStrings(JsonNode node, String name) {
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

    /**
     * {@code info} as a JSON object: {@code algorithm}, {@code options} (in the map's order), {@code seed}
     * (or {@code null}), {@code rows}, {@code columns}, {@code libraryVersion}. Option values other than
     * null, Integer, Long, Double and Boolean are written as their {@code toString()}.
     */
    public static ObjectNode info(ModelInfo info) {
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

    /**
     * The {@link ModelInfo} in field {@code "info"} of {@code root}, as written by {@link #info(ModelInfo)}.
     *
     * @throws IllegalArgumentException if the field or one of its members is missing or of the wrong type
     */
    public static ModelInfo readInfo(JsonNode root) {
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

    private static double[] toDoubles(JsonNode array, String what, boolean nullIsNaN) {
        if (!array.isArray()) {
            throw new IllegalArgumentException(what + " must be an array, was " + array);
        }
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode e = array.get(i);
            if (nullIsNaN && e.isNull()) {
                out[i] = Double.NaN;
            } else if (e.isNumber()) {
                out[i] = e.doubleValue();
            } else {
                throw new IllegalArgumentException(what + " element " + i + " must be a number"
                        + (nullIsNaN ? " or null" : "") + ", was " + e);
            }
        }
        return out;
    }
}
