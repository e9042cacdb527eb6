package dev.profilekit.core.schema;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One feature of a {@link ProfileSchema}: its name, kind and parameters, validated on construction
 * for the kind (a missing or meaningless parameter is an error that names the feature). Create one
 * with the static factories, e.g. {@code FeatureSpec.decayedCount("views_1d", Duration.ofDays(1), "view")}.
 *
 * @param name        unique, non-blank name
 * @param kind        the kind
 * @param types       event types counted; empty means every type
 * @param field       attribute read by the kinds that read one, else null
 * @param halfLife    half-life of decayed kinds and of an optional decayed {@code top_k}, else null
 * @param window      window length of window kinds, else null
 * @param buckets     number of buckets of window kinds, else 0
 * @param k           number of values of {@code top_k}, else 0
 * @param capacity    values tracked exactly by {@code top_k} (default 64), else 0
 * @param numerator   feature name for {@code ratio}, else null
 * @param denominator feature name for {@code ratio}, else null
 * @param gap         session gap for {@code sessions}, else null
 */
public record FeatureSpec(String name, FeatureKind kind, List<String> types, String field, Duration halfLife,
                          Duration window, int buckets, int k, int capacity, String numerator,
                          String denominator, Duration gap) {

    /** Default {@code capacity} of {@code top_k}. */
    public static final int DEFAULT_TOP_K_CAPACITY = 64;
    /** Longest duration anywhere in a schema ({@code half_life}, {@code window}, {@code gap}, lateness, skew). */
    public static final Duration MAX_DURATION = Duration.ofDays(36_525); // 100 years of 365.25 days
    /** Largest {@code buckets} of a window. */
    public static final int MAX_BUCKETS = 1_000_000;
    /** Largest {@code k} and {@code capacity} of a top_k. */
    public static final int MAX_TOP_K = 1_000_000;

    /** Validates the parameters for the kind. */
    public FeatureSpec {
        if (name == null || name.isBlank()) {
            throw new SchemaException("a feature has a missing or blank 'name'");
        }
        if (kind == null) {
            throw new SchemaException(name, "kind is missing");
        }
        types = types == null ? List.of() : List.copyOf(types);
        for (String t : types) {
            if (t == null || t.isBlank()) {
                throw new SchemaException(name, "'types' must hold non-blank strings");
            }
        }
        Set<String> needs = kind.requiredParameters();
        Set<String> allowed = kind.allowedParameters();
        check(name, "field", field != null, needs, allowed);
        check(name, "half_life", halfLife != null, needs, allowed);
        check(name, "window", window != null, needs, allowed);
        check(name, "buckets", buckets != 0, needs, allowed);
        check(name, "k", k != 0, needs, allowed);
        check(name, "capacity", capacity != 0, needs, allowed);
        check(name, "numerator", numerator != null, needs, allowed);
        check(name, "denominator", denominator != null, needs, allowed);
        check(name, "gap", gap != null, needs, allowed);
        if (kind == FeatureKind.RATIO && !types.isEmpty()) {
            throw new SchemaException(name, "'types' does not apply to kind ratio");
        }
        if (field != null && field.isEmpty()) {
            throw new SchemaException(name, "'field' must not be empty");
        }
        if (field != null) {
            // attribute names parsed by Jackson are interned: an interned field name makes the
            // attribute lookup on the hot path an identity comparison
            field = field.intern();
        }
        checkRange(name, "half_life", halfLife);
        checkRange(name, "window", window);
        checkRange(name, "gap", gap);
        if (buckets > MAX_BUCKETS) {
            throw new SchemaException(name, "'buckets' must be <= " + MAX_BUCKETS + ", was " + buckets);
        }
        if (k > MAX_TOP_K || capacity > MAX_TOP_K) {
            throw new SchemaException(name, "'" + (k > MAX_TOP_K ? "k" : "capacity") + "' must be <= " + MAX_TOP_K
                    + ", was " + Math.max(k, capacity));
        }
        if (halfLife != null && (halfLife.isNegative() || halfLife.isZero() || halfLife.toMillis() == 0)) {
            throw new SchemaException(name, "'half_life' must be at least 1 ms, was " + halfLife);
        }
        if (window != null) {
            if (window.isNegative() || window.toMillis() <= 0) {
                throw new SchemaException(name, "'window' must be at least 1 ms, was " + window);
            }
            if (buckets < 1) {
                throw new SchemaException(name, "'buckets' must be >= 1, was " + buckets);
            }
            if (window.toMillis() % buckets != 0 || window.getNano() % 1_000_000 != 0) {
                throw new SchemaException(name, "'window' " + window + " (" + window.toMillis()
                        + " ms) is not a whole multiple of 'buckets' " + buckets + " ms");
            }
        }
        if (needs.contains("k")) { // k values kept exactly out of capacity (top_k)
            if (k < 1) {
                throw new SchemaException(name, "'k' must be >= 1, was " + k);
            }
            if (capacity == 0) {
                capacity = DEFAULT_TOP_K_CAPACITY;
            }
            if (capacity < k) {
                throw new SchemaException(name, "'capacity' must be >= k (" + k + "), was " + capacity);
            }
        }
        if (gap != null && (gap.isNegative() || gap.getNano() % 1_000_000 != 0)) {
            throw new SchemaException(name, "'gap' must be a non-negative whole number of ms, was " + gap);
        }
        if (numerator != null && numerator.isBlank() || denominator != null && denominator.isBlank()) {
            throw new SchemaException(name, "'numerator' and 'denominator' must name features");
        }
    }

    /**
     * Checks that a duration is at most {@link #MAX_DURATION} (so that its milliseconds, and sums of a few
     * of them with any event time, fit in a long).
     */
    static void checkRange(String feature, String key, Duration d) {
        if (d != null && d.compareTo(MAX_DURATION) > 0) {
            throw new SchemaException(feature, "'" + key + "' must be at most 100 years (P36525D), was " + d);
        }
    }

    private static void check(String name, String param, boolean present, Set<String> needs, Set<String> allowed) {
        if (present && !allowed.contains(param)) {
            throw new SchemaException(name, "parameter '" + param + "' does not apply to this kind");
        }
        if (!present && needs.contains(param)) {
            throw new SchemaException(name, "missing parameter '" + param + "'");
        }
    }

    private static FeatureSpec of(String name, FeatureKind kind, String[] types) {
        return new FeatureSpec(name, kind, types == null ? List.of() : List.of(types), null, null, null, 0, 0, 0,
                null, null, null);
    }

    /** {@code count} of events of {@code types} (none: every type). */
    public static FeatureSpec count(String name, String... types) {
        return of(name, FeatureKind.COUNT, types);
    }

    /** {@code sum} of numeric {@code field}. */
    public static FeatureSpec sum(String name, String field, String... types) {
        return new FeatureSpec(name, FeatureKind.SUM, List.of(types), field, null, null, 0, 0, 0, null, null, null);
    }

    /** {@code decayed_count} with {@code halfLife}. */
    public static FeatureSpec decayedCount(String name, Duration halfLife, String... types) {
        return new FeatureSpec(name, FeatureKind.DECAYED_COUNT, List.of(types), null, halfLife, null, 0, 0, 0, null,
                null, null);
    }

    /** {@code decayed_sum} of numeric {@code field} with {@code halfLife}. */
    public static FeatureSpec decayedSum(String name, String field, Duration halfLife, String... types) {
        return new FeatureSpec(name, FeatureKind.DECAYED_SUM, List.of(types), field, halfLife, null, 0, 0, 0, null,
                null, null);
    }

    /** {@code window_count} over {@code window} in {@code buckets} buckets. */
    public static FeatureSpec windowCount(String name, Duration window, int buckets, String... types) {
        return new FeatureSpec(name, FeatureKind.WINDOW_COUNT, List.of(types), null, null, window, buckets, 0, 0,
                null, null, null);
    }

    /** {@code window_sum} of numeric {@code field} over {@code window} in {@code buckets} buckets. */
    public static FeatureSpec windowSum(String name, String field, Duration window, int buckets, String... types) {
        return new FeatureSpec(name, FeatureKind.WINDOW_SUM, List.of(types), field, null, window, buckets, 0, 0,
                null, null, null);
    }

    /** {@code stats} of numeric {@code field}. */
    public static FeatureSpec stats(String name, String field, String... types) {
        return new FeatureSpec(name, FeatureKind.STATS, List.of(types), field, null, null, 0, 0, 0, null, null, null);
    }

    /** {@code recency} of events of {@code types}. */
    public static FeatureSpec recency(String name, String... types) {
        return of(name, FeatureKind.RECENCY, types);
    }

    /** {@code first_seen} of events of {@code types}. */
    public static FeatureSpec firstSeen(String name, String... types) {
        return of(name, FeatureKind.FIRST_SEEN, types);
    }

    /** {@code last_value} of string {@code field}. */
    public static FeatureSpec lastValue(String name, String field, String... types) {
        return new FeatureSpec(name, FeatureKind.LAST_VALUE, List.of(types), field, null, null, 0, 0, 0, null, null,
                null);
    }

    /** {@code distinct_count} of string {@code field}. */
    public static FeatureSpec distinctCount(String name, String field, String... types) {
        return new FeatureSpec(name, FeatureKind.DISTINCT_COUNT, List.of(types), field, null, null, 0, 0, 0, null,
                null, null);
    }

    /** {@code top_k} of string {@code field}; {@code halfLife} may be null for plain counts. */
    public static FeatureSpec topK(String name, String field, int k, Duration halfLife, String... types) {
        return new FeatureSpec(name, FeatureKind.TOP_K, List.of(types), field, halfLife, null, 0, k, 0, null, null,
                null);
    }

    /** {@code ratio} of two features. */
    public static FeatureSpec ratio(String name, String numerator, String denominator) {
        return new FeatureSpec(name, FeatureKind.RATIO, List.of(), null, null, null, 0, 0, 0, numerator, denominator,
                null);
    }

    /** {@code sessions} split at gaps longer than {@code gap}. */
    public static FeatureSpec sessions(String name, Duration gap, String... types) {
        return new FeatureSpec(name, FeatureKind.SESSIONS, List.of(types), null, null, null, 0, 0, 0, null, null, gap);
    }
}
