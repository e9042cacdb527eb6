package dev.profilekit.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each charted value means and the unit it is shown in, from the schema (the {@code features} array of a
 * schema file, see docs/PROFILE-SPEC.md "Schema") when one is given: a decayed count with its half-life, a window
 * with its width, a recency or a session duration in hours or days rather than raw seconds. Without a schema only
 * the values the profile format itself defines are described (the propensity score, the forecast).
 */
final class FeatureGlossary {

    /**
     * How a value is shown: its definition (may be empty), and the unit its raw value is divided by, with the unit's
     * name (a factor of 1 and an empty name for values shown as they are).
     */
    record Entry(String definition, double divisor, String unit) {
        double shown(double raw) {
            return raw / divisor;
        }

        /** The axis label: the name, and the unit in brackets when there is one. */
        String axis(String name) {
            return unit.isEmpty() ? name : name + " (" + unit + ")";
        }
    }

    private static final Entry PLAIN = new Entry("", 1, "");
    private final Map<String, JsonNode> specs = new LinkedHashMap<>();

    /** @param schemaOrNull a schema (an object with a {@code features} array), or null */
    FeatureGlossary(JsonNode schemaOrNull) {
        if (schemaOrNull != null) {
            for (JsonNode f : schemaOrNull.path("features")) {
                if (f.path("name").isTextual()) {
                    specs.put(f.get("name").asText(), f);
                }
            }
        }
    }

    /** Whether a schema with at least one feature was given. */
    boolean hasSchema() {
        return !specs.isEmpty();
    }

    /** The schema's feature names in schema order (empty without a schema). */
    List<String> order() {
        return List.copyOf(specs.keySet());
    }

    /**
     * Whether a value only grows with the length of a user's history (a count, a sum, a number of distinct values
     * or of sessions), so that it drifts by construction between a profile and the same profile earlier.
     */
    boolean cumulative(String value) {
        int dot = value.indexOf('.');
        String kind = kind(dot < 0 ? value : value.substring(0, dot));
        String field = dot < 0 ? "" : value.substring(dot + 1);
        return kind != null && switch (kind) {
            case "count", "sum", "distinct_count" -> true;
            case "stats", "sessions" -> field.equals("count");
            default -> false;
        };
    }

    /** The schema's kind of a feature (by its profile name, before any {@code .field}), or null. */
    String kind(String feature) {
        JsonNode f = specs.get(feature);
        return f == null ? null : f.path("kind").asText(null);
    }

    /**
     * The entry of a value: a feature ({@code views}), a field of an object feature ({@code order_value.mean}),
     * a score ({@code scores.propensity}) or the forecast ({@code forecast.next_day}). The unit of a time in
     * seconds is chosen from {@code typicalSeconds} (a typical value, e.g. the median): minutes, hours or days.
     */
    Entry entry(String value, double typicalSeconds) {
        if (value.equals("scores.propensity")) {
            return new Entry("the live propensity model's probability that the user buys within its horizon", 1, "");
        }
        if (value.startsWith("forecast.")) {
            return new Entry("the activity forecast for the user's next day (expected count of the forecast type)",
                    1, "");
        }
        if (value.equals("segment")) {
            return new Entry("the live segment the user is assigned to", 1, "");
        }
        if (value.startsWith("scores.")) {
            return new Entry("a live model's score", 1, "");
        }
        int dot = value.indexOf('.');
        String name = dot < 0 ? value : value.substring(0, dot);
        String field = dot < 0 ? null : value.substring(dot + 1);
        JsonNode f = specs.get(name);
        if (f == null) {
            return PLAIN;
        }
        String kind = f.path("kind").asText("");
        String of = events(f);
        String x = f.path("field").asText("x");
        return switch (kind) {
            case "count" -> new Entry("number of " + of, 1, "");
            case "sum" -> new Entry("sum of " + x + " over " + of, 1, "");
            case "decayed_count" -> new Entry("decayed count of " + of + ", half-life " + duration(f, "half_life"),
                    1, "");
            case "decayed_sum" -> new Entry("decayed sum of " + x + " over " + of + ", half-life "
                    + duration(f, "half_life"), 1, "");
            case "window_count" -> new Entry("number of " + of + " in the last " + duration(f, "window"), 1, "");
            case "window_sum" -> new Entry("sum of " + x + " over " + of + " in the last " + duration(f, "window"),
                    1, "");
            case "recency" -> time("time since the user's latest " + singular(of), typicalSeconds);
            case "ratio" -> new Entry(f.path("numerator").asText("?") + " / " + f.path("denominator").asText("?"),
                    1, "");
            case "first_seen" -> new Entry("time of the user's earliest " + singular(of) + " (epoch ms)", 1, "");
            case "last_value" -> new Entry(x + " of the user's latest " + singular(of), 1, "");
            case "top_k" -> new Entry("the heaviest " + x + " over " + of + (f.has("half_life")
                    ? " (by decayed count, half-life " + duration(f, "half_life") : " (by count")
                    + "; the profile keeps the top " + f.path("k").asText("?") + ")", 1, "");
            case "distinct_count" -> new Entry("number of distinct " + x + " values over " + of, 1, "");
            case "stats" -> new Entry(statsField(field) + x + " over " + of, 1, "");
            case "sessions" -> "mean_duration_s".equals(field)
                    ? time("mean session duration (sessions split at gaps over " + duration(f, "gap") + ")",
                    typicalSeconds)
                    : new Entry("number of sessions of " + of + " (split at gaps over " + duration(f, "gap") + ")",
                    1, "");
            default -> PLAIN;
        };
    }

    private static String statsField(String field) {
        return switch (field == null ? "" : field) {
            case "count" -> "number of values of ";
            case "mean" -> "mean of ";
            case "std" -> "standard deviation of ";
            case "min" -> "smallest ";
            case "max" -> "largest ";
            default -> "";
        };
    }

    /** A time in seconds shown in minutes, hours or days, whichever suits its typical value. */
    private static Entry time(String definition, double typicalSeconds) {
        if (!(typicalSeconds >= 2 * 3_600)) {
            return new Entry(definition, 60, "minutes");
        }
        if (typicalSeconds < 2 * 86_400) {
            return new Entry(definition, 3_600, "hours");
        }
        return new Entry(definition, 86_400, "days");
    }

    private static String events(JsonNode f) {
        List<String> types = new ArrayList<>();
        f.path("types").forEach(t -> types.add(t.asText()));
        return types.isEmpty() ? "events (all types)" : String.join(" or ", types) + " events";
    }

    private static String singular(String events) {
        return events.endsWith("events (all types)") ? "event" : events.substring(0, events.length() - 1);
    }

    /** An ISO-8601 duration of the spec as a person says it ("1 day", "30 min"), or the text as written. */
    static String duration(JsonNode f, String param) {
        String text = f.path(param).asText("");
        try {
            Duration d = Duration.parse(text);
            long s = d.getSeconds();
            if (s > 0 && s % 86_400 == 0) {
                return plural(s / 86_400, "day");
            }
            if (s > 0 && s % 3_600 == 0) {
                return plural(s / 3_600, "hour");
            }
            if (s > 0 && s % 60 == 0) {
                return s / 60 + " min";
            }
            return s + " s";
        } catch (java.time.format.DateTimeParseException e) {
            return text.isEmpty() ? "?" : text.toLowerCase(Locale.ROOT);
        }
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
