package dev.profilekit.core.live.segments;

import static dev.profilekit.core.live.ConfigNodes.MAX_COUNT;
import static dev.profilekit.core.live.ConfigNodes.duration;
import static dev.profilekit.core.live.ConfigNodes.inputs;
import static dev.profilekit.core.live.ConfigNodes.integer;
import static dev.profilekit.core.live.ConfigNodes.keys;
import static dev.profilekit.core.live.ConfigNodes.number;
import static dev.profilekit.core.live.ConfigNodes.object;
import static dev.profilekit.core.live.ConfigNodes.positive;
import static dev.profilekit.core.live.ConfigNodes.require;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.live.VectorPipeline.Input;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * SegmentsConfig: online k-means over a feature vector, with periodic batch refits (best of {@code restarts}
 * seeded k-means++ runs) whose centroids are matched to the previous ones so segment ids stay stable.
 * Build with {@link #builder(int)}.
 */
public final class SegmentsConfig {
    private final int k;
    private final List<Input> features;
    private final double halfLifeSamples;
    private final Duration sampleInterval;
    private final int refitEvery;
    private final int trainingWindow;
    private final int restarts;
    private final long seed;

    private SegmentsConfig(Builder b) {
        this.k = b.k;
        this.features = List.copyOf(b.features);
        this.halfLifeSamples = b.halfLifeSamples;
        this.sampleInterval = b.sampleInterval;
        this.refitEvery = b.refitEvery;
        this.trainingWindow = b.trainingWindow;
        this.restarts = b.restarts;
        this.seed = b.seed;
    }

    /** Starts a segments section with {@code k} segments. */
    public static Builder builder(int k) {
        return new Builder(k);
    }

    /** A builder holding this section's values, to change some. */
    public Builder toBuilder() {
        return builder(k).features(features).halfLifeSamples(halfLifeSamples).sampleInterval(sampleInterval)
                .refitEvery(refitEvery).trainingWindow(trainingWindow).restarts(restarts).seed(seed);
    }

    /** Number of segments. */
    public int k() {
        return k;
    }

    /** The inputs of the segment vector. */
    public List<Input> features() {
        return features;
    }

    /** Half-life of the online k-means, in samples (key {@code half_life_samples}, default 20000). */
    public double halfLifeSamples() {
        return halfLifeSamples;
    }

    /** At most one sample per user per interval feeds the segments (default PT1H). */
    public Duration sampleInterval() {
        return sampleInterval;
    }

    /** Batch refit after this many new samples (default 5000). */
    public int refitEvery() {
        return refitEvery;
    }

    /** The refit uses at most this many most recent samples (default 20000). */
    public int trainingWindow() {
        return trainingWindow;
    }

    /** Seeded k-means++ restarts of each refit; the lowest inertia is kept (default 10). */
    public int restarts() {
        return restarts;
    }

    /** Seed of the batch k-means (default 42). */
    public long seed() {
        return seed;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SegmentsConfig s && s.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "Segments[k=" + k + ", features=" + features + ", halfLifeSamples=" + halfLifeSamples
                + ", sampleInterval=" + sampleInterval + ", refitEvery=" + refitEvery + ", trainingWindow="
                + trainingWindow + ", restarts=" + restarts + ", seed=" + seed + "]";
    }

    /** Builder of a {@link SegmentsConfig} section; {@link #build()} validates every value. */
    public static final class Builder {
        private final int k;
        private List<Input> features;
        private double halfLifeSamples = 20_000;
        private Duration sampleInterval = Duration.ofHours(1);
        private int refitEvery = 5000;
        private int trainingWindow = 20_000;
        private int restarts = 10;
        private long seed = 42;

        private Builder(int k) {
            this.k = k;
        }

        /** Required: the inputs of the segment vector. */
        public Builder features(List<Input> features) {
            this.features = features;
            return this;
        }

        /** Half-life of the online k-means in samples (+Infinity: plain running means). */
        public Builder halfLifeSamples(double halfLifeSamples) {
            this.halfLifeSamples = halfLifeSamples;
            return this;
        }

        /** At most one sample per user per interval. */
        public Builder sampleInterval(Duration sampleInterval) {
            this.sampleInterval = sampleInterval;
            return this;
        }

        /** Refit after this many new samples. */
        public Builder refitEvery(int refitEvery) {
            this.refitEvery = refitEvery;
            return this;
        }

        /** Samples kept for refits. */
        public Builder trainingWindow(int trainingWindow) {
            this.trainingWindow = trainingWindow;
            return this;
        }

        /** k-means++ restarts per refit. */
        public Builder restarts(int restarts) {
            this.restarts = restarts;
            return this;
        }

        /** Seed of the batch k-means. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * The section.
         *
         * @throws IllegalArgumentException naming the first bad key and its value
         */
        public SegmentsConfig build() {
            require(k >= 2, "segments.k", "must be >= 2", k);
            require(k <= MAX_COUNT, "segments.k", "must be <= " + MAX_COUNT, k);
            require(features != null && !features.isEmpty(), "segments.features", "must list at least one feature",
                    features);
            require(features.stream().allMatch(java.util.Objects::nonNull), "segments.features",
                    "must not contain null", features);
            require(halfLifeSamples > 0 && halfLifeSamples <= 1e12, "segments.half_life_samples",
                    "must be > 0 and <= 1e12 (a number of samples)", halfLifeSamples);
            require(positive(sampleInterval), "segments.sample_interval", "must be a positive duration of whole ms, "
                    + "at most 100 years", sampleInterval);
            require(refitEvery >= 1 && refitEvery <= MAX_COUNT, "segments.refit_every",
                    "must be between 1 and " + MAX_COUNT, refitEvery);
            require(trainingWindow >= 10L * k && trainingWindow <= MAX_COUNT, "segments.training_window",
                    "must be between 10 k = " + 10L * k + " and " + MAX_COUNT, trainingWindow);
            require(restarts >= 1 && restarts <= 1000, "segments.restarts", "must be between 1 and 1000", restarts);
            return new SegmentsConfig(this);
        }
    }

    /** Reads this section from the models file's {@code "segments"} object; errors name the key path. */
    static SegmentsConfig parse(JsonNode n) {
        String at = "segments";
        object(n, at);
        if (n.has("half_life")) {
            throw new IllegalArgumentException(at + ".half_life: no longer accepted (was " + n.get("half_life")
                    + "); the online k-means half-life is a number of samples: use \"half_life_samples\"");
        }
        keys(n, at + ".", Set.of("k", "features", "half_life_samples", "sample_interval", "refit_every",
                "training_window", "restarts", "seed"));
        JsonNode k = n.get("k");
        if (k == null || !k.isIntegralNumber() || !k.canConvertToInt()) {
            throw new IllegalArgumentException(at + ".k: required whole number, was " + k);
        }
        SegmentsConfig.Builder d = SegmentsConfig.builder(2);
        JsonNode interval = n.get("sample_interval");
        JsonNode seed = n.get("seed");
        if (seed != null && (!seed.isIntegralNumber() || !seed.canConvertToLong())) {
            throw new IllegalArgumentException(at + ".seed: must be a whole number (64-bit), was " + seed);
        }
        return SegmentsConfig.builder(k.asInt()).features(inputs(n, at))
                .halfLifeSamples(number(n, "half_life_samples", at, d.halfLifeSamples))
                .sampleInterval(interval == null ? d.sampleInterval : duration(interval, at + ".sample_interval"))
                .refitEvery(integer(n, "refit_every", at, d.refitEvery))
                .trainingWindow(integer(n, "training_window", at, d.trainingWindow))
                .restarts(integer(n, "restarts", at, d.restarts))
                .seed(seed == null ? d.seed : seed.asLong()).build();
    }
}
