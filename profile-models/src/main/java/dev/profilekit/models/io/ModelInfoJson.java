package dev.profilekit.models.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.io.JsonCodec;
import dev.profilekit.models.ModelInfo;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link ModelInfo} provenance in a model document, built on the shared {@link JsonCodec} (whose header,
 * field and double rules every model document follows). Option values are limited to Integer, Long (only when
 * it does not fit an int), Double, String and Boolean so that they read back as equal objects; other values
 * are written as their {@code toString()}. A NaN or infinite Double option follows the codec's rule
 * ({@code null}, {@code "Infinity"}, {@code "-Infinity"}) and so reads back as null or a String.
 *
 * <p>Stateless and thread-safe; linear in the number of options. Internal to the models module.
 */
public final class ModelInfoJson {

    private ModelInfoJson() {
    }

    /**
     * {@code info} as a JSON object: {@code algorithm}, {@code options} (in the map's order), {@code seed}
     * (or {@code null}), {@code rows}, {@code columns}, {@code libraryVersion}.
     */
    public static ObjectNode write(ModelInfo info) {
        ObjectNode node = JsonCodec.objectNode();
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
                options.set(e.getKey(), JsonCodec.number(d));
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
     * The {@link ModelInfo} in field {@code "info"} of {@code root}, as written by {@link #write(ModelInfo)}.
     *
     * @throws IllegalArgumentException if the field or one of its members is missing or of the wrong type
     */
    public static ModelInfo read(JsonNode root) {
        JsonNode node = JsonCodec.field(root, "info");
        Map<String, Object> options = new LinkedHashMap<>();
        JsonNode opts = JsonCodec.field(node, "options");
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
        return new ModelInfo(JsonCodec.readText(node, "algorithm"), options, seedValue,
                JsonCodec.readInt(node, "rows"), JsonCodec.readInt(node, "columns"),
                JsonCodec.readText(node, "libraryVersion"));
    }
}
