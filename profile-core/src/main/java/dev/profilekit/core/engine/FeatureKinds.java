package dev.profilekit.core.engine;

import dev.profilekit.core.schema.FeatureKind;
import dev.profilekit.core.schema.FeatureSpec;
import java.util.EnumMap;
import java.util.Map;

/**
 * The registry of feature kinds: which class compiles a feature of each {@link FeatureKind}. One line per kind;
 * the kind's class (one file, see {@link CompiledFeature}) does the rest.
 */
final class FeatureKinds {

    /** Compiles one feature of a kind: takes its slots from the layout. */
    @FunctionalInterface
    interface Factory {
        CompiledFeature compile(FeatureSpec spec, Layout layout);
    }

    /** The kinds of the profile specification. */
    static final FeatureKinds STANDARD = new FeatureKinds(new EnumMap<>(FeatureKind.class))
            .with(FeatureKind.COUNT, CountKind::new)
            .with(FeatureKind.SUM, SumKind::new)
            .with(FeatureKind.DECAYED_COUNT, DecayedKind::new)
            .with(FeatureKind.DECAYED_SUM, DecayedKind::new)
            .with(FeatureKind.WINDOW_COUNT, WindowKind::new)
            .with(FeatureKind.WINDOW_SUM, WindowKind::new)
            .with(FeatureKind.STATS, StatsKind::new)
            .with(FeatureKind.RECENCY, RecencyKind::new)
            .with(FeatureKind.FIRST_SEEN, FirstSeenKind::new)
            .with(FeatureKind.LAST_VALUE, LastValueKind::new)
            .with(FeatureKind.DISTINCT_COUNT, DistinctKind::new)
            .with(FeatureKind.TOP_K, TopKKind::new)
            .with(FeatureKind.RATIO, RatioKind::new)
            .with(FeatureKind.SESSIONS, SessionsKind::new);

    private final Map<FeatureKind, Factory> factories;

    private FeatureKinds(EnumMap<FeatureKind, Factory> factories) {
        this.factories = factories;
    }

    /** A copy of this registry with {@code kind} compiled by {@code factory}. */
    FeatureKinds with(FeatureKind kind, Factory factory) {
        EnumMap<FeatureKind, Factory> copy = new EnumMap<>(FeatureKind.class);
        copy.putAll(factories);
        copy.put(kind, factory);
        return new FeatureKinds(copy);
    }

    /** Whether {@code kind} has a factory. */
    boolean covers(FeatureKind kind) {
        return factories.containsKey(kind);
    }

    /** Compiles {@code spec}, taking its slots from {@code layout}. */
    CompiledFeature compile(FeatureSpec spec, Layout layout) {
        Factory f = factories.get(spec.kind());
        if (f == null) {
            throw new IllegalStateException("no compiled form for feature kind " + spec.kind());
        }
        return f.compile(spec, layout);
    }
}
