package dev.profilekit.models.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.models.ModelInfo;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON plumbing shared by the clustering models: the format/version header, {@link ModelInfo} and
 * arrays of doubles. Doubles are written by Jackson with {@link Double#toString(double)} and parsed
 * with {@link Double#parseDouble(String)}, so every finite value round-trips exactly.
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

    static JsonNode parse(String json, String format, int version) {
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
            throw new IllegalArgumentException("expected format '" + format + "', was '" + actual + "'");
        }
        int v = root.path("version").asInt(-1);
        if (v != version) {
            throw new IllegalArgumentException("unsupported " + format + " version " + root.path("version")
                    + ", this library reads version " + version);
        }
        return root;
    }

    static String write(ObjectNode root) {
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static JsonNode require(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("JSON is missing field '" + field + "'");
        }
        return v;
    }

    static ObjectNode info(ModelInfo info) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("algorithm", info.algorithm());
        ObjectNode opts = n.putObject("options");
        for (Map.Entry<String, Object> e : info.options().entrySet()) {
            Object v = e.getValue();
            if (v == null) {
                opts.putNull(e.getKey());
            } else if (v instanceof Integer i) {
                opts.put(e.getKey(), i);
            } else if (v instanceof Long l) {
                opts.put(e.getKey(), l);
            } else if (v instanceof Double d) {
                opts.put(e.getKey(), d);
            } else if (v instanceof Boolean b) {
                opts.put(e.getKey(), b);
            } else {
                opts.put(e.getKey(), v.toString());
            }
        }
        if (info.seed() == null) {
            n.putNull("seed");
        } else {
            n.put("seed", info.seed());
        }
        n.put("rows", info.rows());
        n.put("columns", info.columns());
        n.put("libraryVersion", info.libraryVersion());
        return n;
    }

    static ModelInfo info(JsonNode n) {
        Map<String, Object> opts = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = require(n, "options").fields();
        while (it.hasNext()) {
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
            opts.put(e.getKey(), value);
        }
        JsonNode seed = n.get("seed");
        return new ModelInfo(require(n, "algorithm").asText(), opts,
                seed == null || seed.isNull() ? null : seed.longValue(),
                require(n, "rows").intValue(), require(n, "columns").intValue(),
                require(n, "libraryVersion").asText());
    }

    static ArrayNode vector(double[] v) {
        ArrayNode a = MAPPER.createArrayNode();
        for (double x : v) {
            a.add(x);
        }
        return a;
    }

    static ArrayNode matrix(double[][] m) {
        ArrayNode a = MAPPER.createArrayNode();
        for (double[] row : m) {
            a.add(vector(row));
        }
        return a;
    }

    static double[] vector(JsonNode a, String what) {
        if (!a.isArray()) {
            throw new IllegalArgumentException(what + " must be a JSON array");
        }
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode x = a.get(i);
            if (!x.isNumber()) {
                throw new IllegalArgumentException(what + "[" + i + "] must be a number, was " + x);
            }
            v[i] = x.doubleValue();
        }
        return v;
    }

    static double[][] matrix(JsonNode a, String what) {
        if (!a.isArray()) {
            throw new IllegalArgumentException(what + " must be a JSON array of arrays");
        }
        double[][] m = new double[a.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = vector(a.get(i), what + "[" + i + "]");
        }
        return m;
    }
}
