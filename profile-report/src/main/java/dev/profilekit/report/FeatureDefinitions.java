package dev.profilekit.report;

import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The unit and a one-line definition of each column the report's sections show, taken from the profile schema:
 * the kind, the event types counted, the field, the half-life, window or session gap. Columns are named as in
 * {@link ProfileColumns}: a scalar feature by its name, a part of a {@code stats} or {@code sessions} feature as
 * {@code name.part}, a {@code top_k} by its name (its leading value).
 */
final class FeatureDefinitions {

    /**
     * The unit (empty when a value has none, e.g. a category) and the definition of one column; {@code cumulative}
     * when it only grows with the length of a user's history (a count, a sum), so that it drifts by construction
     * between a profile and the same profile earlier; {@code divisor}: profile values per unit shown (86,400 for a
     * recency, held in seconds and shown in days).
     */
    record Definition(String unit, String text, boolean cumulative, double divisor) {
        Definition(String unit, String text, boolean cumulative) {
            this(unit, text, cumulative, 1);
        }

        Definition(String unit, String text) {
            this(unit, text, false, 1);
        }

        /** A profile value in the unit shown. */
        double shown(double profileValue) {
            return profileValue / divisor;
        }
    }

    static final FeatureDefinitions NONE = new FeatureDefinitions(Map.of(), List.of());

    private final Map<String, Definition> byColumn;
    private final List<String> order;

    private FeatureDefinitions(Map<String, Definition> byColumn, List<String> order) {
        this.byColumn = byColumn;
        this.order = order;
    }

    /** The schema's feature names in schema order (empty without a schema). */
    List<String> order() {
        return order;
    }

    /** The definition of a column, or null when the schema does not define it (or no schema was given). */
    Definition get(String column) {
        Definition d = byColumn.get(column);
        if (d != null) {
            return d;
        }
        return switch (column) {
            case "scores.propensity" -> new Definition("probability", "the live propensity model's score: the "
                    + "predicted probability of a purchase within the model's horizon");
            case "forecast.next_day" -> new Definition("events", "the live forecast of the user's events on the "
                    + "next day");
            case "segment" -> new Definition("", "the live segment the user is assigned to");
            default -> null;
        };
    }

    /** The definitions of every column of the schema's features. */
    static FeatureDefinitions of(ProfileSchema schema) {
        if (schema == null) {
            return NONE;
        }
        Map<String, Definition> m = new LinkedHashMap<>();
        for (FeatureSpec f : schema.features()) {
            String events = events(f.types());
            String field = f.field();
            switch (f.kind()) {
                case COUNT -> m.put(f.name(), new Definition("events", "number of " + events, true));
                case SUM -> m.put(f.name(), new Definition(field, "sum of " + field + " over " + events, true));
                case DECAYED_COUNT -> m.put(f.name(), new Definition("events", "decayed count of " + events
                        + ", each weighted 2^(−age/half-life), half-life " + duration(f.halfLife())));
                case DECAYED_SUM -> m.put(f.name(), new Definition(field, "decayed sum of " + field + " over "
                        + events + ", each weighted 2^(−age/half-life), half-life " + duration(f.halfLife())));
                case WINDOW_COUNT -> m.put(f.name(), new Definition("events", "number of " + events + " in the last "
                        + duration(f.window())));
                case WINDOW_SUM -> m.put(f.name(), new Definition(field, "sum of " + field + " over " + events
                        + " in the last " + duration(f.window())));
                case STATS -> {
                    String over = " of " + field + " over " + events;
                    m.put(f.name() + ".count", new Definition("events", "number of " + events + " with a " + field,
                            true));
                    m.put(f.name() + ".mean", new Definition(field, "mean" + over));
                    m.put(f.name() + ".std", new Definition(field, "standard deviation (population)" + over));
                    m.put(f.name() + ".min", new Definition(field, "smallest" + over));
                    m.put(f.name() + ".max", new Definition(field, "largest" + over));
                }
                case RECENCY -> m.put(f.name(), new Definition("d", "time since the latest of " + events
                        + ", shown in days (the profile holds seconds; 1 d = 86,400 s)", false, 86_400));
                case FIRST_SEEN -> m.put(f.name(), new Definition("epoch ms", "time of the earliest of " + events));
                case LAST_VALUE -> m.put(f.name(), new Definition("", field + " of the latest of " + events));
                case DISTINCT_COUNT -> m.put(f.name(), new Definition("values", "number of distinct " + field
                        + " values over " + events, true));
                case TOP_K -> m.put(f.name(), new Definition("", "the heaviest " + field + " over " + events
                        + (f.halfLife() == null ? " (by count" : " (by decayed count, half-life "
                        + duration(f.halfLife())) + "; the profile keeps the top " + f.k() + ")"));
                case RATIO -> m.put(f.name(), new Definition("ratio", f.numerator() + " ÷ " + f.denominator()));
                case SESSIONS -> {
                    String s = " of " + events + " (a gap over " + duration(f.gap()) + " starts a new session)";
                    m.put(f.name() + ".count", new Definition("sessions", "number of sessions" + s, true));
                    m.put(f.name() + ".mean_duration_s", new Definition("s", "mean session duration" + s));
                }
                default -> {
                    // a kind this report does not know yet: no definition, the column is still shown
                }
            }
        }
        return new FeatureDefinitions(m, schema.features().stream().map(FeatureSpec::name).toList());
    }

    private static String events(List<String> types) {
        if (types == null || types.isEmpty()) {
            return "events of any type";
        }
        return String.join(", ", types) + " events";
    }

    /** A duration as a person writes it: 1 d, 3 d, 30 min, 1 h 30 min. */
    static String duration(Duration d) {
        if (d == null) {
            return "?";
        }
        long s = d.getSeconds();
        if (s % 86_400 == 0 && s > 0) {
            return s / 86_400 + " d";
        }
        if (s % 3_600 == 0 && s > 0) {
            return s / 3_600 + " h";
        }
        if (s % 60 == 0 && s > 0) {
            return s >= 3_600 ? s / 3_600 + " h " + s % 3_600 / 60 + " min" : s / 60 + " min";
        }
        return d.toMillis() % 1000 == 0 ? s + " s" : d.toMillis() + " ms";
    }
}
