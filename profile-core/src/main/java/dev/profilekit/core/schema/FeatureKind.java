package dev.profilekit.core.schema;

import java.util.Locale;

/** The feature kinds of the profile specification, with their JSON names. */
public enum FeatureKind {
    /** Number of matching events. */
    COUNT,
    /** Sum of a numeric field. */
    SUM,
    /** Σ 2^(-(T - t)/h). */
    DECAYED_COUNT,
    /** Σ x · 2^(-(T - t)/h). */
    DECAYED_SUM,
    /** Events in the last {@code window}, in epoch-aligned buckets. */
    WINDOW_COUNT,
    /** Sum of a numeric field over the last {@code window}, in epoch-aligned buckets. */
    WINDOW_SUM,
    /** Count, mean, population std, min, max of a numeric field. */
    STATS,
    /** Seconds since the latest matching event. */
    RECENCY,
    /** Earliest matching time, epoch ms. */
    FIRST_SEEN,
    /** A string field of the latest matching event. */
    LAST_VALUE,
    /** Number of distinct values of a string field. */
    DISTINCT_COUNT,
    /** The k heaviest values of a string field. */
    TOP_K,
    /** One feature divided by another, computed on read. */
    RATIO,
    /** Number of sessions and their mean duration. */
    SESSIONS;

    /** The name used in schema JSON, e.g. {@code "decayed_count"}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind with JSON name {@code name}, or null if there is none. */
    public static FeatureKind fromJsonName(String name) {
        for (FeatureKind k : values()) {
            if (k.jsonName().equals(name)) {
                return k;
            }
        }
        return null;
    }

    /** Whether a {@code ratio} may name a feature of this kind. */
    public boolean isRatioOperand() {
        return switch (this) {
            case COUNT, SUM, DECAYED_COUNT, DECAYED_SUM, WINDOW_COUNT, WINDOW_SUM, RECENCY -> true;
            default -> false;
        };
    }
}
