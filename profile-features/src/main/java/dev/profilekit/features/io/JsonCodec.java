package dev.profilekit.features.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one JSON codec of ProfileKit's saved documents (fitted transforms in {@code profile-features}, trained
 * models in {@code profile-models}): the pieces every {@code toJson()} / {@code fromJson(String)} is built from.
 *
 * <p><b>Documents.</b> A document is a JSON object that starts with {@code "format":"profilekit.<thing>",
 * "version":N} ({@link #header}); {@link #read} parses a document and checks both, failing with a message that
 * names the expected and the actual value.
 *
 * <p><b>Doubles, the one rule.</b> A finite double is written as a JSON number by
 * {@link Double#toString(double)} (Jackson's default) and read back with {@link Double#parseDouble(String)},
 * so it round-trips bit for bit (signed zero and subnormals included). JSON numbers cannot hold the other
 * values, so:
 * <ul>
 *   <li>NaN (a missing or undefined value) is written as JSON {@code null};</li>
 *   <li>+infinity and -infinity are written as the strings {@code "Infinity"} and {@code "-Infinity"}.</li>
 * </ul>
 * Every double reader ({@link #readDouble}, {@link #readDoubles}, {@link #readMatrix}, {@link #toDouble}) accepts
 * a number, {@code null} (NaN), {@code "Infinity"}, {@code "-Infinity"}, and also the string {@code "NaN"}: that
 * is how documents written before this codec by the feature transforms spelled NaN (they wrote every
 * non-finite value as a string), so those documents still read. Whether a non-finite value is acceptable in a
 * given field is the reading class's decision, not the codec's.
 *
 * <p><b>Failures.</b> Every reader fails with an {@link IllegalArgumentException} that names the field (and the
 * element) that is missing or of the wrong type. A present field holding JSON {@code null} counts as missing,
 * except where a double is expected (there it is NaN).
 *
 * <p>All methods are stateless and thread-safe; each costs time linear in the size of what it writes or reads.
 */
public final class JsonCodec {

    /** Thread-safe once configured; never reconfigured after class initialisation. */
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonCodec() {
    }

    /** A new, empty JSON object. */
    public static ObjectNode objectNode() {
        return NODES.objectNode();
    }

    /** A new, empty JSON array. */
    public static ArrayNode arrayNode() {
        return NODES.arrayNode();
    }

    /**
     * A new JSON object holding {@code "format":format,"version":version}, in that order.
     *
     * @param format the full format name, e.g. {@code "profilekit.scaler"}
     */
    public static ObjectNode header(String format, int version) {
        requireNonNull(format, "format");
        ObjectNode root = NODES.objectNode();
        root.put("format", format);
        root.put("version", version);
        return root;
    }

    /**
     * Serialises {@code root} compactly (no whitespace).
     *
     * @throws UncheckedIOException if Jackson cannot write the tree (not expected for trees built here)
     */
    public static String write(JsonNode root) {
        requireNonNull(root, "root");
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What is wrong with JSON text Jackson could not read, for a one-line message a person reads: {@code "line 3,
     * column 14: Unexpected end-of-input ..."}, with Jackson's own source description ({@code [Source: REDACTED
     * ...]}) and its parser-feature advice ({@code enable `JsonReadFeature...` to allow}) left out.
     *
     * @param e the failure
     * @param withLine whether to give the line: {@code false} for text that is one line of a file, whose line
     *        number the caller names (Jackson counts lines within the text it was given)
     */
    public static String problem(JsonProcessingException e, boolean withLine) {
        requireNonNull(e, "e");
        String what = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        // a location Jackson writes into its own message: "(start marker at [Source: ...; line: 1, column: 2])"
        what = what.replaceAll("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]",
                withLine ? "line $1, column $2" : "column $2");
        what = what.replaceAll(":? *enable `[^`]*` to allow", "").replace('\n', ' ').strip();
        com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
        if (at == null || at.getLineNr() < 1) {
            return what;
        }
        return (withLine ? "line " + at.getLineNr() + ", column " : "column ") + at.getColumnNr() + ": " + what;
    }

    /**
     * Parses {@code json}, which must be a JSON object, without looking at a header (for documents embedded
     * in others, whose own reader checks them).
     *
     * @param what names the document in the message of a failure
     * @throws IllegalArgumentException if {@code json} is null, not valid JSON or not an object
     */
    public static ObjectNode parseObject(String json, String what) {
        requireNonNull(json, "json");
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + problem(e, true), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(what + " must be a JSON object");
        }
        return (ObjectNode) root;
    }

    /**
     * Parses {@code json} and checks its {@code format} and {@code version}.
     *
     * @param format the full format name expected, e.g. {@code "profilekit.scaler"}
     * @return the document's root object
     * @throws IllegalArgumentException if {@code json} is null, not valid JSON, not an object, or has another
     *         format or version
     */
    public static JsonNode read(String json, String format, int version) {
        requireNonNull(json, "json");
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("json is not valid JSON for " + format + ": " + problem(e, true), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("json must be a JSON object with format '" + format + "'");
        }
        JsonNode f = root.get("format");
        if (f == null || !f.isTextual() || !f.asText().equals(format)) {
            throw new IllegalArgumentException("json format must be '" + format + "', was "
                    + (f == null ? "missing" : f.isTextual() ? "'" + f.asText() + "'" : f.toString()));
        }
        JsonNode v = root.get("version");
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() != version) {
            throw new IllegalArgumentException("unsupported " + format + " version "
                    + (v == null ? "(missing)" : v.toString()) + ", this library reads version " + version);
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
            throw new IllegalArgumentException("json field '" + name + "' is missing");
        }
        return f;
    }

    /** {@code v} as a JSON value by the rule above: a number, {@code null} for NaN, or a string for +-infinity. */
    public static JsonNode number(double v) {
        if (Double.isFinite(v)) {
            return NODES.numberNode(v);
        }
        if (Double.isNaN(v)) {
            return NODES.nullNode();
        }
        return NODES.textNode(v > 0 ? "Infinity" : "-Infinity");
    }

    /**
     * The double a JSON value holds by the rule above.
     *
     * @param what names the value in the failure message, e.g. {@code "json field 'mean' element 3"}
     * @throws IllegalArgumentException if it is neither a number, {@code null}, nor one of the strings
     *         {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}
     */
    public static double toDouble(JsonNode value, String what) {
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isNull()) {
            return Double.NaN;
        }
        if (value.isTextual()) {
            switch (value.asText()) {
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
        throw new IllegalArgumentException(what + " must be a number, null (NaN), \"Infinity\" or \"-Infinity\", was "
                + value);
    }

    /**
     * The double in field {@code name} of {@code node} (JSON {@code null} is NaN).
     *
     * @throws IllegalArgumentException if the field is absent or does not hold a double by the rule above
     */
    public static double readDouble(JsonNode node, String name) {
        JsonNode f = node.get(name);
        if (f == null) {
            throw new IllegalArgumentException("json field '" + name + "' is missing");
        }
        return toDouble(f, "json field '" + name + "'");
    }

    /** {@code values} as a JSON array, each element by {@link #number(double)}. */
    public static ArrayNode doubles(double[] values) {
        ArrayNode array = NODES.arrayNode(values.length);
        for (double v : values) {
            array.add(number(v));
        }
        return array;
    }

    /**
     * The array of doubles in field {@code name} of {@code node}.
     *
     * @throws IllegalArgumentException if it is missing, not an array, or has an element that is not a double
     *         by the rule above
     */
    public static double[] readDoubles(JsonNode node, String name) {
        return toDoubles(field(node, name), "json field '" + name + "'");
    }

    /**
     * The doubles of a JSON array.
     *
     * @param what names the array in failure messages
     * @throws IllegalArgumentException if it is not an array or has an element that is not a double
     */
    public static double[] toDoubles(JsonNode array, String what) {
        if (!array.isArray()) {
            throw new IllegalArgumentException(what + " must be an array, was " + array);
        }
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = toDouble(array.get(i), what + " element " + i);
        }
        return out;
    }

    /** {@code rows} as a JSON array of arrays (rows may differ in length), elements by {@link #number(double)}. */
    public static ArrayNode matrix(double[][] rows) {
        ArrayNode array = NODES.arrayNode(rows.length);
        for (double[] row : rows) {
            array.add(doubles(row));
        }
        return array;
    }

    /**
     * The array of arrays of doubles in field {@code name} of {@code node} (rows may differ in length).
     *
     * @throws IllegalArgumentException if it is missing, not an array, or has an element that is not an array
     *         of doubles
     */
    public static double[][] readMatrix(JsonNode node, String name) {
        JsonNode f = field(node, name);
        String what = "json field '" + name + "'";
        if (!f.isArray()) {
            throw new IllegalArgumentException(what + " must be an array of arrays, was " + f);
        }
        double[][] out = new double[f.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = toDoubles(f.get(i), what + " row " + i);
        }
        return out;
    }

    /**
     * The int in field {@code name} of {@code node}.
     *
     * @throws IllegalArgumentException if it is missing or not an integer that fits an int
     */
    public static int readInt(JsonNode node, String name) {
        JsonNode f = field(node, name);
        if (!f.isIntegralNumber() || !f.canConvertToInt()) {
            throw new IllegalArgumentException("json field '" + name + "' must be an int, was " + f);
        }
        return f.intValue();
    }

    /**
     * The long in field {@code name} of {@code node}.
     *
     * @throws IllegalArgumentException if it is missing or not an integer that fits a long
     */
    public static long readLong(JsonNode node, String name) {
        JsonNode f = field(node, name);
        if (!f.isIntegralNumber() || !f.canConvertToLong()) {
            throw new IllegalArgumentException("json field '" + name + "' must be a long, was " + f);
        }
        return f.longValue();
    }

    /**
     * The boolean in field {@code name} of {@code node}.
     *
     * @throws IllegalArgumentException if it is missing or not a boolean
     */
    public static boolean readBoolean(JsonNode node, String name) {
        JsonNode f = field(node, name);
        if (!f.isBoolean()) {
            throw new IllegalArgumentException("json field '" + name + "' must be a boolean, was " + f);
        }
        return f.booleanValue();
    }

    /** {@code values} as a JSON array of ints. */
    public static ArrayNode ints(int[] values) {
        ArrayNode array = NODES.arrayNode(values.length);
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
            throw new IllegalArgumentException("json field '" + name + "' must be an array, was " + f);
        }
        int[] out = new int[f.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode e = f.get(i);
            if (!e.isIntegralNumber() || !e.canConvertToInt()) {
                throw new IllegalArgumentException("json field '" + name + "' element " + i + " must be an int, was "
                        + e);
            }
            out[i] = e.intValue();
        }
        return out;
    }

    /**
     * The string in field {@code name} of {@code node}.
     *
     * @throws IllegalArgumentException if it is missing or not a string
     */
    public static String readText(JsonNode node, String name) {
        JsonNode f = field(node, name);
        if (!f.isTextual()) {
            throw new IllegalArgumentException("json field '" + name + "' must be a string, was " + f);
        }
        return f.asText();
    }

    /** {@code values} as a JSON array of strings. */
    public static ArrayNode strings(String[] values) {
        ArrayNode array = NODES.arrayNode(values.length);
        for (String s : values) {
            array.add(s);
        }
        return array;
    }

    /** {@code values} as a JSON array of strings. */
    public static ArrayNode strings(List<String> values) {
        ArrayNode array = NODES.arrayNode(values.size());
        values.forEach(array::add);
        return array;
    }

    /**
     * The array of strings in field {@code name} of {@code node}.
     *
     * @throws IllegalArgumentException if it is missing, not an array, or has an element that is not a string
     */
    public static String[] readStrings(JsonNode node, String name) {
        return readStringList(node, name).toArray(new String[0]);
    }

    /**
     * The array of strings in field {@code name} of {@code node}, as a mutable list.
     *
     * @throws IllegalArgumentException if it is missing, not an array, or has an element that is not a string
     */
    public static List<String> readStringList(JsonNode node, String name) {
        JsonNode f = field(node, name);
        if (!f.isArray()) {
            throw new IllegalArgumentException("json field '" + name + "' must be an array of strings, was " + f);
        }
        List<String> out = new ArrayList<>(f.size());
        for (int i = 0; i < f.size(); i++) {
            JsonNode e = f.get(i);
            if (!e.isTextual()) {
                throw new IllegalArgumentException("json field '" + name + "' element " + i + " must be a string, was "
                        + e);
            }
            out.add(e.asText());
        }
        return out;
    }

    private static void requireNonNull(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }
}
