package dev.profilekit.core.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.live.VectorPipeline.Input;
import dev.profilekit.core.live.VectorPipeline.Missing;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reading one section of a models file ({@code dev.profilekit.core.models.ModelsConfig}): the checks and readers every
 * model's section shares, each failing with an {@link IllegalArgumentException} whose one-line message names the key
 * path (such as {@code propensity.features[2].cap}) and the value.
 */
public final class ConfigNodes {

    private ConfigNodes() {
    }

    /** Largest count in a models file ({@code k}, windows, {@code buckets}, intervals counted in labels). */
    public static final int MAX_COUNT = 1_000_000;
    /** Longest duration in a models file: 100 years. */
    public static final Duration MAX_DURATION = Duration.ofDays(36_525);

    /** Whether {@code d} is a positive duration of whole ms of at most {@link #MAX_DURATION}. */
    public static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero() && d.compareTo(MAX_DURATION) <= 0
                && d.getNano() % 1_000_000 == 0;
    }

    /** Throws {@link IllegalArgumentException} {@code "key: problem, was value"} unless {@code ok}. */
    public static void require(boolean ok, String key, String problem, Object value) {
        if (!ok) {
            throw new IllegalArgumentException(key + ": " + problem + ", was "
                    + (value instanceof String str ? "\"" + str + "\"" : value));
        }
    }







    /** The {@code features} array of the section at {@code at}: the inputs of its feature vector. */
    public static List<Input> inputs(JsonNode n, String at) {
        JsonNode fs = n.get("features");
        if (fs == null || !fs.isArray() || fs.isEmpty()) {
            throw new IllegalArgumentException(at + ".features: required non-empty array");
        }
        List<Input> out = new ArrayList<>();
        int i = 0;
        for (JsonNode f : fs) {
            String where = at + ".features[" + i++ + "]";
            if (f.isTextual()) {
                out.add(Input.of(f.asText()));
                continue;
            }
            object(f, where);
            keys(f, where + ".", Set.of("name", "cap", "values", "buckets", "signed", "missing"));
            List<String> values = new ArrayList<>();
            JsonNode vs = f.get("values");
            if (vs != null) {
                if (!vs.isArray()) {
                    throw new IllegalArgumentException(where + ".values: must be an array of strings");
                }
                for (JsonNode v : vs) {
                    if (!v.isTextual()) {
                        throw new IllegalArgumentException(where + ".values: must be an array of strings, found " + v);
                    }
                    values.add(v.asText());
                }
            }
            String missing = text(f, "missing", where, "mean");
            if (!missing.equals("mean") && !missing.equals("zero")) {
                throw new IllegalArgumentException(where + ".missing: must be \"mean\" or \"zero\", was \"" + missing + "\"");
            }
            JsonNode signed = f.get("signed");
            if (signed != null && !signed.isBoolean()) {
                throw new IllegalArgumentException(where + ".signed: must be true or false, was " + signed);
            }
            try {
                out.add(Input.builder(requiredText(f, "name", where)).cap(number(f, "cap", where, Double.NaN))
                        .values(values).buckets(integer(f, "buckets", where, 8))
                        .signedHash(signed == null || signed.booleanValue())
                        .missing(missing.equals("zero") ? Missing.ZERO : Missing.MEAN).build());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Throws unless {@code n} is a JSON object; the message names {@code at}. */
    public static void object(JsonNode n, String at) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(at + ": must be a JSON object");
        }
    }

    /** Throws for the first key of {@code n} not in {@code allowed}, naming it with {@code prefix}. */
    public static void keys(JsonNode n, String prefix, Set<String> allowed) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(prefix + key + ": unknown key (allowed: " + new java.util.TreeSet<>(allowed) + ")");
            }
        }
    }

    /** The string {@code n.key}; throws naming {@code at.key} when absent or not a string. */
    public static String requiredText(JsonNode n, String key, String at) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(at + "." + key + ": required string");
        }
        return v.asText();
    }

    /** The string {@code n.key}, or {@code dflt} when absent. */
    public static String text(JsonNode n, String key, String at, String dflt) {
        JsonNode v = n.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(at + "." + key + ": must be a string, was " + v);
        }
        return v.asText();
    }

    /** The number {@code n.key}, or {@code dflt} when absent. */
    public static double number(JsonNode n, String key, String at, double dflt) {
        JsonNode v = n.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException(at + "." + key + ": must be a number, was " + v);
        }
        return v.asDouble();
    }

    /** The whole number {@code n.key}, or {@code dflt} when absent. */
    public static int integer(JsonNode n, String key, String at, int dflt) {
        JsonNode v = n.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException(at + "." + key + ": must be a whole number, was " + v);
        }
        return v.asInt();
    }

    /** The ISO-8601 duration {@code n.key}; throws naming {@code at.key} when absent. */
    public static Duration requiredDuration(JsonNode n, String key, String at) {
        JsonNode v = n.get(key);
        if (v == null) {
            throw new IllegalArgumentException(at + "." + key + ": required ISO-8601 duration");
        }
        return duration(v, at + "." + key);
    }

    /** The ISO-8601 duration {@code v}; errors name {@code where}. */
    public static Duration duration(JsonNode v, String where) {
        if (!v.isTextual()) {
            throw new IllegalArgumentException(where + ": must be an ISO-8601 duration string, was " + v);
        }
        try {
            return Duration.parse(v.asText());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException(where + ": not an ISO-8601 duration of at most 100 years, was \""
                    + v.asText() + "\"" + dev.profilekit.core.schema.Durations.calendarNote(v.asText()));
        }
    }

}
