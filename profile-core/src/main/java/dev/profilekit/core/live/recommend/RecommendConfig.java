package dev.profilekit.core.live.recommend;

import static dev.profilekit.core.live.ConfigNodes.MAX_COUNT;
import static dev.profilekit.core.live.ConfigNodes.duration;
import static dev.profilekit.core.live.ConfigNodes.integer;
import static dev.profilekit.core.live.ConfigNodes.keys;
import static dev.profilekit.core.live.ConfigNodes.number;
import static dev.profilekit.core.live.ConfigNodes.object;
import static dev.profilekit.core.live.ConfigNodes.positive;
import static dev.profilekit.core.live.ConfigNodes.require;
import static dev.profilekit.core.live.ConfigNodes.requiredText;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Live recommendations: item-item collaborative filtering learned incrementally from the events (see
 * {@link LiveRecommender}). Build with {@link #builder(String)}; {@code item_field} and {@code weights} are
 * required, everything else has a default.
 */
public final class RecommendConfig {
    private final String itemField;
    private final int k;
    private final java.util.Map<String, Double> weights;
    private final Duration halfLife;
    private final List<String> exclude;
    private final int maxNeighbours;
    private final int maxRecentItems;
    private final String target;
    private final Optional<Fallback> fallback;

    private RecommendConfig(Builder b) {
        this.itemField = b.itemField;
        this.k = b.k;
        this.weights = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(b.weights));
        this.halfLife = b.halfLife;
        this.exclude = List.copyOf(b.exclude);
        this.maxNeighbours = b.maxNeighbours;
        this.maxRecentItems = b.maxRecentItems;
        this.target = b.target != null ? b.target : heaviest(this.weights);
        this.fallback = Optional.ofNullable(b.fallback);
    }

    private static String heaviest(java.util.Map<String, Double> weights) {
        String best = null;
        for (java.util.Map.Entry<String, Double> e : weights.entrySet()) { // sorted: ties go to the first name
            if (best == null || e.getValue() > weights.get(best)) {
                best = e.getKey();
            }
        }
        return best;
    }

    /** Starts a recommend section reading the item id from event attribute {@code itemField}. */
    public static Builder builder(String itemField) {
        return new Builder(itemField);
    }

    /** A builder holding this section's values, to change some. */
    public Builder toBuilder() {
        return builder(itemField).k(k).weights(weights).halfLife(halfLife).exclude(exclude)
                .maxNeighbours(maxNeighbours).maxRecentItems(maxRecentItems).target(target)
                .fallback(fallback.orElse(null));
    }

    /** The event attribute holding the item id (events without it are ignored by the recommender). */
    public String itemField() {
        return itemField;
    }

    /** Number of items recommended by default and in the evaluation (default 10). */
    public int k() {
        return k;
    }

    /** Weight of an event per type, sorted by type; types not listed are ignored. */
    public java.util.Map<String, Double> weights() {
        return weights;
    }

    /** Half-life of an event's weight in a user's affinity to an item (default P30D). */
    public Duration halfLife() {
        return halfLife;
    }

    /** Event types that exclude an item from the user's recommendations once the user has one (default none). */
    public List<String> exclude() {
        return exclude;
    }

    /** At most this many neighbours are kept per item, the weakest pruned first (default 50). */
    public int maxNeighbours() {
        return maxNeighbours;
    }

    /** At most this many weighted items are kept per user, the weakest evicted first (default 20). */
    public int maxRecentItems() {
        return maxRecentItems;
    }

    /** The event type the prequential evaluation predicts (default: the type of largest weight). */
    public String target() {
        return target;
    }

    /** The batch ALS model that fills the lists of users with little history, if configured. */
    public Optional<Fallback> fallback() {
        return fallback;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecommendConfig r && r.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "Recommend[itemField=" + itemField + ", k=" + k + ", weights=" + weights + ", halfLife=" + halfLife
                + ", exclude=" + exclude + ", maxNeighbours=" + maxNeighbours + ", maxRecentItems="
                + maxRecentItems + ", target=" + target + ", fallback=" + fallback + "]";
    }

    /** Builder of a {@link RecommendConfig} section; {@link #build()} validates every value. */
    public static final class Builder {
        private final String itemField;
        private int k = 10;
        private java.util.Map<String, Double> weights;
        private Duration halfLife = Duration.ofDays(30);
        private List<String> exclude = List.of();
        private int maxNeighbours = 50;
        private int maxRecentItems = 20;
        private String target;
        private Fallback fallback;

        private Builder(String itemField) {
            this.itemField = itemField;
        }

        /** Items per list (1..1000). */
        public Builder k(int k) {
            this.k = k;
            return this;
        }

        /** Required: weight per event type, each finite and > 0. */
        public Builder weights(java.util.Map<String, Double> weights) {
            this.weights = weights;
            return this;
        }

        /** Half-life of an event's weight. */
        public Builder halfLife(Duration halfLife) {
            this.halfLife = halfLife;
            return this;
        }

        /** Event types whose items are never recommended to the user again. */
        public Builder exclude(List<String> exclude) {
            this.exclude = exclude;
            return this;
        }

        /** Neighbours kept per item (1..10000). */
        public Builder maxNeighbours(int maxNeighbours) {
            this.maxNeighbours = maxNeighbours;
            return this;
        }

        /** Weighted items kept per user (1..1000). */
        public Builder maxRecentItems(int maxRecentItems) {
            this.maxRecentItems = maxRecentItems;
            return this;
        }

        /** The evaluated event type, one of the weighted types (null: the heaviest). */
        public Builder target(String target) {
            this.target = target;
            return this;
        }

        /** The ALS fallback, or null for popularity only. */
        public Builder fallback(Fallback fallback) {
            this.fallback = fallback;
            return this;
        }

        /**
         * The section.
         *
         * @throws IllegalArgumentException naming the first bad key and its value
         */
        public RecommendConfig build() {
            require(itemField != null && !itemField.isBlank(), "recommend.item_field", "must be a non-blank string",
                    itemField);
            require(k >= 1 && k <= 1000, "recommend.k", "must be between 1 and 1000", k);
            require(weights != null && !weights.isEmpty(), "recommend.weights",
                    "must give at least one event type a weight", weights);
            for (java.util.Map.Entry<String, Double> e : weights.entrySet()) {
                require(e.getKey() != null && !e.getKey().isBlank(), "recommend.weights",
                        "event types must be non-blank strings", e.getKey());
                Double w = e.getValue();
                require(w != null && w > 0 && w <= 1e6, "recommend.weights." + e.getKey(),
                        "must be a number > 0 and <= 1e6", w);
            }
            require(positive(halfLife), "recommend.half_life",
                    "must be a positive duration of whole ms, at most 100 years", halfLife);
            require(exclude != null && exclude.stream().allMatch(x -> x != null && !x.isBlank()),
                    "recommend.exclude", "must be a list of non-blank event types", exclude);
            require(new java.util.HashSet<>(exclude).size() == exclude.size(), "recommend.exclude",
                    "must not repeat a type", exclude);
            require(maxNeighbours >= 1 && maxNeighbours <= 10_000, "recommend.max_neighbours",
                    "must be between 1 and 10000", maxNeighbours);
            require(maxRecentItems >= 1 && maxRecentItems <= 1000, "recommend.max_recent_items",
                    "must be between 1 and 1000", maxRecentItems);
            require(target == null || weights.containsKey(target), "recommend.target",
                    "must be one of the weighted types " + new java.util.TreeSet<>(weights.keySet()), target);
            return new RecommendConfig(this);
        }
    }

    /** Reads this section from the models file's {@code "recommend"} object; errors name the key path. */
    static RecommendConfig parse(JsonNode n) {
        String at = "recommend";
        object(n, at);
        keys(n, at + ".", Set.of("item_field", "k", "weights", "half_life", "exclude", "max_neighbours",
                "max_recent_items", "target", "fallback"));
        String itemField = requiredText(n, "item_field", at);
        RecommendConfig.Builder d = RecommendConfig.builder("x");
        JsonNode ws = n.get("weights");
        if (ws == null || !ws.isObject() || ws.isEmpty()) {
            throw new IllegalArgumentException(at + ".weights: required non-empty object of event type to weight, was "
                    + ws);
        }
        java.util.Map<String, Double> weights = new java.util.LinkedHashMap<>();
        for (Iterator<java.util.Map.Entry<String, JsonNode>> it = ws.fields(); it.hasNext(); ) {
            java.util.Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber()) {
                throw new IllegalArgumentException(at + ".weights." + e.getKey() + ": must be a number, was "
                        + e.getValue());
            }
            weights.put(e.getKey(), e.getValue().asDouble());
        }
        List<String> exclude = new ArrayList<>();
        JsonNode ex = n.get("exclude");
        if (ex != null) {
            if (!ex.isArray()) {
                throw new IllegalArgumentException(at + ".exclude: must be an array of event types, was " + ex);
            }
            for (JsonNode x : ex) {
                if (!x.isTextual()) {
                    throw new IllegalArgumentException(at + ".exclude: must be an array of event types, found " + x);
                }
                exclude.add(x.asText());
            }
        }
        JsonNode hl = n.get("half_life");
        Fallback fallback = null;
        JsonNode fb = n.get("fallback");
        if (fb != null) {
            String f = at + ".fallback";
            object(fb, f);
            keys(fb, f + ".", Set.of("factors", "alpha", "l2", "iterations", "retrain_every", "training_window",
                    "swap_margin", "seed"));
            Fallback fd = Fallback.defaults();
            JsonNode seed = fb.get("seed");
            if (seed != null && (!seed.isIntegralNumber() || !seed.canConvertToLong())) {
                throw new IllegalArgumentException(f + ".seed: must be a whole number (64-bit), was " + seed);
            }
            fallback = new Fallback(integer(fb, "factors", f, fd.factors()), number(fb, "alpha", f, fd.alpha()),
                    number(fb, "l2", f, fd.l2()), integer(fb, "iterations", f, fd.iterations()),
                    integer(fb, "retrain_every", f, fd.retrainEvery()),
                    integer(fb, "training_window", f, fd.trainingWindow()),
                    number(fb, "swap_margin", f, fd.swapMargin()), seed == null ? fd.seed() : seed.asLong());
        }
        return RecommendConfig.builder(itemField).k(integer(n, "k", at, d.k)).weights(weights)
                .halfLife(hl == null ? d.halfLife : duration(hl, at + ".half_life")).exclude(exclude)
                .maxNeighbours(integer(n, "max_neighbours", at, d.maxNeighbours))
                .maxRecentItems(integer(n, "max_recent_items", at, d.maxRecentItems))
                .target(n.has("target") ? requiredText(n, "target", at) : null).fallback(fallback).build();
    }

    /**
     * The batch implicit-feedback ALS model of a recommend section ({@code "fallback": {...}}), refitted in the
     * background on the most recent user-item weights and swapped in only when its held-out recall@k is no
     * worse than the live version's by more than {@code swapMargin}.
     *
     * @param factors         latent factors (1..256, default 16)
     * @param alpha           confidence slope: c = 1 + alpha * r (default 10)
     * @param l2              ridge strength λ (default 0.1)
     * @param iterations      ALS sweeps per fit (1..100, default 8)
     * @param retrainEvery    refit after this many weighted events (default 20000)
     * @param trainingWindow  the refit uses at most this many most recent weighted events (default 200000)
     * @param swapMargin      tolerated loss of held-out recall@k against the live version (default 0.01)
     * @param seed            seed of the initial factors (default 42)
     */
    public record Fallback(int factors, double alpha, double l2, int iterations, int retrainEvery,
                           int trainingWindow, double swapMargin, long seed) {
        /** Validates. */
        public Fallback {
            require(factors >= 1 && factors <= 256, "recommend.fallback.factors", "must be between 1 and 256", factors);
            require(alpha >= 0 && alpha <= 1e6, "recommend.fallback.alpha", "must be between 0 and 1e6", alpha);
            require(l2 > 0 && l2 <= 1e6, "recommend.fallback.l2", "must be > 0 and <= 1e6", l2);
            require(iterations >= 1 && iterations <= 100, "recommend.fallback.iterations",
                    "must be between 1 and 100", iterations);
            require(retrainEvery >= 1 && retrainEvery <= MAX_COUNT, "recommend.fallback.retrain_every",
                    "must be between 1 and " + MAX_COUNT, retrainEvery);
            require(trainingWindow >= 10 && trainingWindow <= 10 * MAX_COUNT, "recommend.fallback.training_window",
                    "must be between 10 and " + 10 * MAX_COUNT, trainingWindow);
            require(swapMargin >= 0 && swapMargin <= 1, "recommend.fallback.swap_margin", "must be between 0 and 1",
                    swapMargin);
        }

        /** The defaults. */
        public static Fallback defaults() {
            return new Fallback(16, 10, 0.1, 8, 20_000, 200_000, 0.01, 42);
        }
    }
}
