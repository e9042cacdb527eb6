package dev.profilekit.core.schema;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The feature kinds of the profile specification, with their JSON names and the parameters each takes. The
 * engine compiles each kind with its own class (one file per kind, registered in its package's
 * {@code FeatureKinds}); a new kind is one constant here, declaring its parameters, plus that file and line.
 */
public enum FeatureKind {
    /** Number of matching events. */
    COUNT(true, List.of()),
    /** Sum of a numeric field. */
    SUM(true, List.of("field")),
    /** Σ 2^(-(T - t)/h). */
    DECAYED_COUNT(true, List.of("half_life")),
    /** Σ x · 2^(-(T - t)/h). */
    DECAYED_SUM(true, List.of("field", "half_life")),
    /** Events in the last {@code window}, in epoch-aligned buckets. */
    WINDOW_COUNT(true, List.of("window", "buckets")),
    /** Sum of a numeric field over the last {@code window}, in epoch-aligned buckets. */
    WINDOW_SUM(true, List.of("field", "window", "buckets")),
    /** Count, mean, population std, min, max of a numeric field. */
    STATS(false, List.of("field")),
    /** Seconds since the latest matching event. */
    RECENCY(true, List.of()),
    /** Earliest matching time, epoch ms. */
    FIRST_SEEN(false, List.of()),
    /** A string field of the latest matching event. */
    LAST_VALUE(false, List.of("field")),
    /** Number of distinct values of a string field. */
    DISTINCT_COUNT(false, List.of("field")),
    /** The k heaviest values of a string field. */
    TOP_K(false, List.of("field", "k"), "half_life", "capacity"),
    /** One feature divided by another, computed on read. */
    RATIO(false, List.of("numerator", "denominator")),
    /** Number of sessions and their mean duration. */
    SESSIONS(false, List.of("gap"));

    private final boolean ratioOperand;
    private final Set<String> needs;
    private final Set<String> allowed;

    FeatureKind(boolean ratioOperand, List<String> needs, String... optional) {
        this.ratioOperand = ratioOperand;
        this.needs = Set.copyOf(needs);
        Set<String> all = new HashSet<>(needs);
        all.addAll(List.of(optional));
        this.allowed = Set.copyOf(all);
    }

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
        return ratioOperand;
    }

    /** The schema parameters a feature of this kind must set (JSON names, such as {@code "half_life"}). */
    public Set<String> requiredParameters() {
        return needs;
    }

    /** The schema parameters a feature of this kind may set: the required ones and its optional ones. */
    public Set<String> allowedParameters() {
        return allowed;
    }
}
