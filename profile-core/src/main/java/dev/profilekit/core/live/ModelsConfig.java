package dev.profilekit.core.live;


import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which live models a {@link dev.profilekit.core.engine.ProfileUpdater} keeps, in the JSON format of {@code replay --models}:
 * sections {@code propensity}, {@code segments}, {@code forecast} and {@code recommend}, each optional. Unknown keys and
 * bad values fail with a {@link IllegalArgumentException} whose message names the key, e.g.
 * {@code "propensity.horizon: not an ISO-8601 duration, was \"1 day\""}.
 *
 * <pre>{@code
 * {"propensity": {"label_type": "purchase", "horizon": "P1D", "sample_interval": "PT6H",
 *                 "features": ["purchases", "spend_decay_7d", {"name": "since_purchase", "cap": 2592000}],
 *                 "learner": {"learning_rate": 0.05, "l2": 0.0001}, "retrain_every": 2000},
 *  "segments":   {"k": 4, "features": [{"name": "fav_categories", "values": ["books", "games"]}],
 *                 "half_life_samples": 20000, "sample_interval": "PT1H", "restarts": 10, "seed": 42},
 *  "forecast":   {"type": "view", "days": 28, "model": "arima"},
 *  "recommend":  {"item_field": "product", "k": 10, "weights": {"view": 1, "cart": 3, "purchase": 5},
 *                 "half_life": "P30D", "exclude": ["purchase"], "max_neighbours": 50, "max_recent_items": 20}}
 * }</pre>
 *
 * <p>{@code forecast.model} is {@code "arima"} (the default) or {@code "lstm"}.
 *
 * <p>Every duration is an ISO-8601 string; the one count-valued half-life is {@code segments.half_life_samples}
 * (an old numeric {@code segments.half_life} is rejected with a message saying so).
 */
public record ModelsConfig(Optional<Propensity> propensity, Optional<Segments> segments,
                           Optional<Forecast> forecast, Optional<Recommend> recommend) {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** Validates that the sections are present-or-empty. */
    public ModelsConfig {
        propensity = propensity == null ? Optional.empty() : propensity;
        segments = segments == null ? Optional.empty() : segments;
        forecast = forecast == null ? Optional.empty() : forecast;
        recommend = recommend == null ? Optional.empty() : recommend;
    }

    /** A configuration without a recommend section. */
    public ModelsConfig(Optional<Propensity> propensity, Optional<Segments> segments, Optional<Forecast> forecast) {
        this(propensity, segments, forecast, Optional.empty());
    }

    /** Starts a configuration with no models; add sections with the builder's methods. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder of a {@link ModelsConfig}: each section optional. */
    public static final class Builder {
        private Propensity propensity;
        private Segments segments;
        private Forecast forecast;
        private Recommend recommend;

        private Builder() {
        }

        /** The propensity section. */
        public Builder propensity(Propensity propensity) {
            this.propensity = propensity;
            return this;
        }

        /** The segments section. */
        public Builder segments(Segments segments) {
            this.segments = segments;
            return this;
        }

        /** The forecast section. */
        public Builder forecast(Forecast forecast) {
            this.forecast = forecast;
            return this;
        }

        /** The recommend section. */
        public Builder recommend(Recommend recommend) {
            this.recommend = recommend;
            return this;
        }

        /** The configuration (sections not set are absent). */
        public ModelsConfig build() {
            return new ModelsConfig(Optional.ofNullable(propensity), Optional.ofNullable(segments),
                    Optional.ofNullable(forecast), Optional.ofNullable(recommend));
        }
    }

    /** How a profile value becomes columns of a feature vector. */
    public enum Missing {
        /** A missing (null) value is replaced by the mean of the training data (0 after standardising). */
        MEAN,
        /** A missing value is 0 before standardising. */
        ZERO
    }

    /**
     * One declared input of a feature vector (see {@link VectorPipeline}). Build with {@link #builder(String)}.
     *
     * @param name       a feature name, or {@code feature.part} for stats ({@code count, mean, std, min, max}) and
     *                   sessions ({@code count, mean_duration_s}) parts
     * @param cap        upper cap applied to the value (e.g. recency in seconds); a missing value becomes the cap;
     *                   NaN for none
     * @param values     for top_k and last_value: the vocabulary of the one-hot encoding of the (leading) value,
     *                   with one extra column for any other value; empty means hashing into {@code buckets} columns
     * @param buckets    columns used by hashing when {@code values} is empty (default 8)
     * @param signedHash whether hashing adds -1 for tokens whose Murmur3 hash is negative (the signed rule of
     *                   {@link dev.profilekit.features.transform.FeatureHasher}, default true) or always +1
     * @param missing    policy for a missing numeric value
     */
    public record Input(String name, double cap, List<String> values, int buckets, boolean signedHash,
                        Missing missing) {
        /** Validates. */
        public Input {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must be a non-blank string, was "
                        + (name == null ? "null" : "\"" + name + "\""));
            }
            values = values == null ? List.of() : List.copyOf(values);
            if (buckets < 1 || buckets > MAX_COUNT || values.size() > MAX_COUNT) {
                throw new IllegalArgumentException("feature '" + name + "': buckets (and values) must be between 1 and "
                        + MAX_COUNT + ", was " + buckets);
            }
            if (cap == cap && !(cap > 0 && Double.isFinite(cap))) {
                throw new IllegalArgumentException("feature '" + name + "': cap must be finite and > 0, was " + cap);
            }
            if (new java.util.HashSet<>(values).size() != values.size()) {
                throw new IllegalArgumentException("feature '" + name + "': values must be distinct, was " + values);
            }
            missing = missing == null ? Missing.MEAN : missing;
        }

        /** A plain input with the defaults. */
        public static Input of(String name) {
            return builder(name).build();
        }

        /** Starts an input named {@code name} with the defaults: no cap, hashing into 8 signed buckets, mean. */
        public static InputBuilder builder(String name) {
            return new InputBuilder(name);
        }
    }

    /** Builder of an {@link Input}; validated in {@link #build()}. */
    public static final class InputBuilder {
        private final String name;
        private double cap = Double.NaN;
        private List<String> values = List.of();
        private int buckets = 8;
        private boolean signedHash = true;
        private Missing missing = Missing.MEAN;

        private InputBuilder(String name) {
            this.name = name;
        }

        /** Upper cap of the value; a missing value becomes the cap. */
        public InputBuilder cap(double cap) {
            this.cap = cap;
            return this;
        }

        /** One-hot vocabulary (plus an "other" column) for top_k and last_value. */
        public InputBuilder values(List<String> values) {
            this.values = values;
            return this;
        }

        /** Number of hashed columns when no vocabulary is given. */
        public InputBuilder buckets(int buckets) {
            this.buckets = buckets;
            return this;
        }

        /** Signed (default) or unsigned Murmur3 hashing. */
        public InputBuilder signedHash(boolean signedHash) {
            this.signedHash = signedHash;
            return this;
        }

        /** Policy for a missing numeric value. */
        public InputBuilder missing(Missing missing) {
            this.missing = missing;
            return this;
        }

        /**
         * The input.
         *
         * @throws IllegalArgumentException naming the bad parameter and its value
         */
        public Input build() {
            return new Input(name, cap, values, buckets, signedHash, missing);
        }
    }

    /**
     * The purchase-propensity model: the probability that a user does a {@code labelType} event within
     * {@code horizon}, learned online from point-in-time examples with delayed labels. Build with
     * {@link #builder(String)}; every parameter but the label type has a default except {@code horizon},
     * {@code sampleInterval} and {@code features}, which are required.
     */
    public static final class Propensity {
        private final String labelType;
        private final Duration horizon;
        private final Duration sampleInterval;
        private final List<Input> features;
        private final double learningRate;
        private final double onlineL2;
        private final double batchL2;
        private final int retrainEvery;
        private final int trainingWindow;
        private final double holdoutFraction;
        private final double swapMargin;
        private final int minExamples;
        private final int publishEvery;
        private final int recentWindow;
        private final String drift;

        private Propensity(Builder b) {
            this.labelType = b.labelType;
            this.horizon = b.horizon;
            this.sampleInterval = b.sampleInterval;
            this.features = List.copyOf(b.features);
            this.learningRate = b.learningRate;
            this.onlineL2 = b.onlineL2;
            this.batchL2 = b.batchL2;
            this.retrainEvery = b.retrainEvery;
            this.trainingWindow = b.trainingWindow;
            this.holdoutFraction = b.holdoutFraction;
            this.swapMargin = b.swapMargin;
            this.minExamples = b.minExamples;
            this.publishEvery = b.publishEvery;
            this.recentWindow = b.recentWindow;
            this.drift = b.drift;
        }

        /** Starts a propensity section predicting {@code labelType} events. */
        public static Builder builder(String labelType) {
            return new Builder(labelType);
        }

        /** A builder holding this section's values, to change some. */
        public Builder toBuilder() {
            return builder(labelType).horizon(horizon).sampleInterval(sampleInterval).features(features)
                    .learningRate(learningRate).onlineL2(onlineL2).batchL2(batchL2).retrainEvery(retrainEvery)
                    .trainingWindow(trainingWindow).holdoutFraction(holdoutFraction).swapMargin(swapMargin)
                    .minExamples(minExamples).publishEvery(publishEvery).recentWindow(recentWindow).drift(drift);
        }

        /** The event type being predicted. */
        public String labelType() {
            return labelType;
        }

        /** The prediction horizon. */
        public Duration horizon() {
            return horizon;
        }

        /** At most one training example per user per interval. */
        public Duration sampleInterval() {
            return sampleInterval;
        }

        /** The inputs of the feature vector. */
        public List<Input> features() {
            return features;
        }

        /** AdaGrad learning rate of the online learner (default 0.05). */
        public double learningRate() {
            return learningRate;
        }

        /** L2 strength of the online learner per example (default 1e-4). */
        public double onlineL2() {
            return onlineL2;
        }

        /** λ of the batch retrain: sum of log-losses + λ/2 ‖w‖² (default 1). */
        public double batchL2() {
            return batchL2;
        }

        /** Background retrain after this many new labels (default 2000). */
        public int retrainEvery() {
            return retrainEvery;
        }

        /** The retrain uses at most this many most recent labelled examples (default 20000). */
        public int trainingWindow() {
            return trainingWindow;
        }

        /** The most recent fraction of them is the holdout of the swap test (default 0.2). */
        public double holdoutFraction() {
            return holdoutFraction;
        }

        /** A retrained model replaces the live one unless its holdout AUC is lower by more than this (0.01). */
        public double swapMargin() {
            return swapMargin;
        }

        /** The first model is fitted once this many labels exist (default 200). */
        public int minExamples() {
            return minExamples;
        }

        /** The online learner publishes a new model version every this many labels (default 50). */
        public int publishEvery() {
            return publishEvery;
        }

        /** Number of most recent examples in the windowed prequential metrics (default 1000). */
        public int recentWindow() {
            return recentWindow;
        }

        /** Drift detector on the prequential log loss: page_hinkley (default), adwin or none. */
        public String drift() {
            return drift;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Propensity p && p.toString().equals(toString());
        }

        @Override
        public int hashCode() {
            return toString().hashCode();
        }

        @Override
        public String toString() {
            return "Propensity[labelType=" + labelType + ", horizon=" + horizon + ", sampleInterval=" + sampleInterval
                    + ", features=" + features + ", learningRate=" + learningRate + ", onlineL2=" + onlineL2
                    + ", batchL2=" + batchL2 + ", retrainEvery=" + retrainEvery + ", trainingWindow=" + trainingWindow
                    + ", holdoutFraction=" + holdoutFraction + ", swapMargin=" + swapMargin + ", minExamples="
                    + minExamples + ", publishEvery=" + publishEvery + ", recentWindow=" + recentWindow + ", drift="
                    + drift + "]";
        }

        /** Builder of a {@link Propensity} section; {@link #build()} validates every value. */
        public static final class Builder {
            private final String labelType;
            private Duration horizon;
            private Duration sampleInterval;
            private List<Input> features;
            private double learningRate = 0.05;
            private double onlineL2 = 1e-4;
            private double batchL2 = 1.0;
            private int retrainEvery = 2000;
            private int trainingWindow = 20_000;
            private double holdoutFraction = 0.2;
            private double swapMargin = 0.01;
            private int minExamples = 200;
            private int publishEvery = 50;
            private int recentWindow = 1000;
            private String drift = "page_hinkley";

            private Builder(String labelType) {
                this.labelType = labelType;
            }

            /** Required: the prediction horizon. */
            public Builder horizon(Duration horizon) {
                this.horizon = horizon;
                return this;
            }

            /** Required: at most one example per user per interval. */
            public Builder sampleInterval(Duration sampleInterval) {
                this.sampleInterval = sampleInterval;
                return this;
            }

            /** Required: the inputs of the feature vector. */
            public Builder features(List<Input> features) {
                this.features = features;
                return this;
            }

            /** AdaGrad learning rate of the online learner. */
            public Builder learningRate(double learningRate) {
                this.learningRate = learningRate;
                return this;
            }

            /** L2 strength of the online learner. */
            public Builder onlineL2(double onlineL2) {
                this.onlineL2 = onlineL2;
                return this;
            }

            /** λ of the batch retrain. */
            public Builder batchL2(double batchL2) {
                this.batchL2 = batchL2;
                return this;
            }

            /** Retrain after this many new labels. */
            public Builder retrainEvery(int retrainEvery) {
                this.retrainEvery = retrainEvery;
                return this;
            }

            /** Examples kept for retrains. */
            public Builder trainingWindow(int trainingWindow) {
                this.trainingWindow = trainingWindow;
                return this;
            }

            /** Holdout fraction of the swap test. */
            public Builder holdoutFraction(double holdoutFraction) {
                this.holdoutFraction = holdoutFraction;
                return this;
            }

            /** AUC margin of the swap test. */
            public Builder swapMargin(double swapMargin) {
                this.swapMargin = swapMargin;
                return this;
            }

            /** Labels needed before the first model. */
            public Builder minExamples(int minExamples) {
                this.minExamples = minExamples;
                return this;
            }

            /** Online publication period, in labels. */
            public Builder publishEvery(int publishEvery) {
                this.publishEvery = publishEvery;
                return this;
            }

            /** Window of the recent prequential metrics. */
            public Builder recentWindow(int recentWindow) {
                this.recentWindow = recentWindow;
                return this;
            }

            /** Drift detector: page_hinkley, adwin or none. */
            public Builder drift(String drift) {
                this.drift = drift;
                return this;
            }

            /**
             * The section.
             *
             * @throws IllegalArgumentException naming the first bad key and its value
             */
            public Propensity build() {
                require(labelType != null && !labelType.isBlank(), "propensity.label_type",
                        "must be a non-blank string", labelType);
                require(positive(horizon), "propensity.horizon", "must be a positive duration of whole ms, at most "
                        + "100 years", horizon);
                require(positive(sampleInterval), "propensity.sample_interval",
                        "must be a positive duration of whole ms, at most 100 years", sampleInterval);
                require(features != null && !features.isEmpty(), "propensity.features",
                        "must list at least one feature", features);
                require(features.stream().allMatch(java.util.Objects::nonNull), "propensity.features",
                        "must not contain null", features);
                require(learningRate > 0 && Double.isFinite(learningRate), "propensity.learner.learning_rate",
                        "must be finite and > 0", learningRate);
                require(onlineL2 >= 0 && Double.isFinite(onlineL2), "propensity.learner.l2", "must be finite and >= 0",
                        onlineL2);
                require(batchL2 >= 0 && Double.isFinite(batchL2), "propensity.l2", "must be finite and >= 0", batchL2);
                require(retrainEvery >= 1, "propensity.retrain_every", "must be >= 1", retrainEvery);
                require(trainingWindow >= 20 && trainingWindow <= MAX_COUNT, "propensity.training_window",
                        "must be between 20 and " + MAX_COUNT, trainingWindow);
                require(retrainEvery <= MAX_COUNT, "propensity.retrain_every", "must be <= " + MAX_COUNT, retrainEvery);
                require(holdoutFraction > 0 && holdoutFraction < 1, "propensity.holdout_fraction", "must be in (0, 1)",
                        holdoutFraction);
                require(swapMargin >= 0 && Double.isFinite(swapMargin), "propensity.swap_margin",
                        "must be finite and >= 0", swapMargin);
                require(minExamples >= 10 && minExamples <= trainingWindow, "propensity.min_examples",
                        "must be between 10 and training_window (" + trainingWindow + ")", minExamples);
                require(publishEvery >= 1 && publishEvery <= MAX_COUNT, "propensity.publish_every",
                        "must be between 1 and " + MAX_COUNT, publishEvery);
                require(recentWindow >= 10 && recentWindow <= MAX_COUNT, "propensity.recent_window",
                        "must be between 10 and " + MAX_COUNT, recentWindow);
                require(Set.of("page_hinkley", "adwin", "none").contains(drift), "propensity.drift",
                        "must be page_hinkley, adwin or none", drift);
                return new Propensity(this);
            }
        }
    }

    /**
     * Segments: online k-means over a feature vector, with periodic batch refits (best of {@code restarts}
     * seeded k-means++ runs) whose centroids are matched to the previous ones so segment ids stay stable.
     * Build with {@link #builder(int)}.
     */
    public static final class Segments {
        private final int k;
        private final List<Input> features;
        private final double halfLifeSamples;
        private final Duration sampleInterval;
        private final int refitEvery;
        private final int trainingWindow;
        private final int restarts;
        private final long seed;

        private Segments(Builder b) {
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
            return o instanceof Segments s && s.toString().equals(toString());
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

        /** Builder of a {@link Segments} section; {@link #build()} validates every value. */
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
            public Segments build() {
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
                return new Segments(this);
            }
        }
    }

    /**
     * The activity forecast: each profile keeps its last {@code days} daily counts of {@code type} events; the
     * {@code model} predicts each user's count for the next day. With {@link ForecastKind#ARIMA} (the default) an
     * ARIMA model (order by AIC, p, q ≤ 2, d ≤ 1) is fitted on the pooled daily series; with
     * {@link ForecastKind#LSTM} an LSTM is trained on the pooled users' recent daily sequences (see
     * {@code LiveForecast}).
     *
     * @param type    the event type counted
     * @param days    number of daily counts kept per profile (and length of the pooled series), 7..366
     * @param model   the forecasting model
     */
    public record Forecast(String type, int days, ForecastKind model) {
        /** Validates. */
        public Forecast {
            require(type != null && !type.isBlank(), "forecast.type", "must be a non-blank string", type);
            require(days >= 7 && days <= 366, "forecast.days", "must be between 7 and 366", days);
            require(model != null, "forecast.model", "must be \"arima\" or \"lstm\"", model);
        }

        /** An ARIMA forecast (the default model). */
        public Forecast(String type, int days) {
            this(type, days, ForecastKind.ARIMA);
        }

        /**
         * The record's text, without {@code model} for the default ARIMA: the models configuration's text is part
         * of the state fingerprint, so snapshots written before {@code model} existed stay readable.
         */
        @Override
        public String toString() {
            return "Forecast[type=" + type + ", days=" + days + (model == ForecastKind.ARIMA ? "" : ", model=" + model)
                    + "]";
        }
    }

    /** The model of the activity forecast, as {@code forecast.model} names it in a models file. */
    public enum ForecastKind {
        /** {@code "arima"}: ARIMA on the pooled series of mean daily counts per user (the default). */
        ARIMA,
        /** {@code "lstm"}: an LSTM on the pooled users' sequences of daily counts (log1p) and weekend flags. */
        LSTM
    }

    /**
     * Live recommendations: item-item collaborative filtering learned incrementally from the events (see
     * {@link LiveRecommender}). Build with {@link #builder(String)}; {@code item_field} and {@code weights} are
     * required, everything else has a default.
     */
    public static final class Recommend {
        private final String itemField;
        private final int k;
        private final java.util.Map<String, Double> weights;
        private final Duration halfLife;
        private final List<String> exclude;
        private final int maxNeighbours;
        private final int maxRecentItems;
        private final String target;
        private final Optional<Fallback> fallback;

        private Recommend(Builder b) {
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
            return o instanceof Recommend r && r.toString().equals(toString());
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

        /** Builder of a {@link Recommend} section; {@link #build()} validates every value. */
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
            public Recommend build() {
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
                return new Recommend(this);
            }
        }
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

    /** Largest count in a models file ({@code k}, windows, {@code buckets}, intervals counted in labels). */
    public static final int MAX_COUNT = 1_000_000;
    /** Longest duration in a models file: 100 years. */
    public static final Duration MAX_DURATION = Duration.ofDays(36_525);

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero() && d.compareTo(MAX_DURATION) <= 0
                && d.getNano() % 1_000_000 == 0;
    }

    private static void require(boolean ok, String key, String problem, Object value) {
        if (!ok) {
            throw new IllegalArgumentException(key + ": " + problem + ", was "
                    + (value instanceof String str ? "\"" + str + "\"" : value));
        }
    }

    /** Reads a models file; an unreadable file raises {@link UncheckedIOException}. */
    public static ModelsConfig fromJson(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        try {
            return fromJson(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read models file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a models configuration. */
    public static ModelsConfig fromJson(String json) {
        if (json == null) {
            throw new IllegalArgumentException("json must not be null");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("models file is not valid JSON: " + dev.profilekit.features.io.JsonCodec.problem(e, true));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("models file must be a JSON object");
        }
        keys(root, "", Set.of("propensity", "segments", "forecast", "recommend"));
        return new ModelsConfig(
                Optional.ofNullable(root.get("propensity")).map(ModelsConfig::propensity),
                Optional.ofNullable(root.get("segments")).map(ModelsConfig::segments),
                Optional.ofNullable(root.get("forecast")).map(ModelsConfig::forecast),
                Optional.ofNullable(root.get("recommend")).map(ModelsConfig::recommend));
    }

    private static Propensity propensity(JsonNode n) {
        String at = "propensity";
        object(n, at);
        keys(n, at + ".", Set.of("label_type", "horizon", "sample_interval", "features", "learner", "l2",
                "retrain_every", "training_window", "holdout_fraction", "swap_margin", "min_examples",
                "publish_every", "recent_window", "drift"));
        Propensity.Builder b = Propensity.builder(requiredText(n, "label_type", at))
                .horizon(requiredDuration(n, "horizon", at)).sampleInterval(requiredDuration(n, "sample_interval", at))
                .features(inputs(n, at));
        Propensity.Builder d = Propensity.builder("x");
        JsonNode learner = n.get("learner");
        if (learner != null) {
            object(learner, at + ".learner");
            keys(learner, at + ".learner.", Set.of("learning_rate", "l2"));
            b.learningRate(number(learner, "learning_rate", at + ".learner", d.learningRate));
            b.onlineL2(number(learner, "l2", at + ".learner", d.onlineL2));
        }
        return b.batchL2(number(n, "l2", at, d.batchL2)).retrainEvery(integer(n, "retrain_every", at, d.retrainEvery))
                .trainingWindow(integer(n, "training_window", at, d.trainingWindow))
                .holdoutFraction(number(n, "holdout_fraction", at, d.holdoutFraction))
                .swapMargin(number(n, "swap_margin", at, d.swapMargin))
                .minExamples(integer(n, "min_examples", at, d.minExamples))
                .publishEvery(integer(n, "publish_every", at, d.publishEvery))
                .recentWindow(integer(n, "recent_window", at, d.recentWindow))
                .drift(text(n, "drift", at, d.drift)).build();
    }

    private static Segments segments(JsonNode n) {
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
        Segments.Builder d = Segments.builder(2);
        JsonNode interval = n.get("sample_interval");
        JsonNode seed = n.get("seed");
        if (seed != null && (!seed.isIntegralNumber() || !seed.canConvertToLong())) {
            throw new IllegalArgumentException(at + ".seed: must be a whole number (64-bit), was " + seed);
        }
        return Segments.builder(k.asInt()).features(inputs(n, at))
                .halfLifeSamples(number(n, "half_life_samples", at, d.halfLifeSamples))
                .sampleInterval(interval == null ? d.sampleInterval : duration(interval, at + ".sample_interval"))
                .refitEvery(integer(n, "refit_every", at, d.refitEvery))
                .trainingWindow(integer(n, "training_window", at, d.trainingWindow))
                .restarts(integer(n, "restarts", at, d.restarts))
                .seed(seed == null ? d.seed : seed.asLong()).build();
    }

    private static Forecast forecast(JsonNode n) {
        String at = "forecast";
        object(n, at);
        keys(n, at + ".", Set.of("type", "days", "model"));
        JsonNode days = n.get("days");
        if (days == null || !days.isIntegralNumber() || !days.canConvertToInt()) {
            throw new IllegalArgumentException(at + ".days: required whole number between 7 and 366, was " + days);
        }
        String model = text(n, "model", at, "arima");
        ForecastKind kind = switch (model) {
            case "arima" -> ForecastKind.ARIMA;
            case "lstm" -> ForecastKind.LSTM;
            default -> throw new IllegalArgumentException(at + ".model: must be \"arima\" or \"lstm\", was \""
                    + model + "\"");
        };
        return new Forecast(requiredText(n, "type", at), days.asInt(), kind);
    }

    private static Recommend recommend(JsonNode n) {
        String at = "recommend";
        object(n, at);
        keys(n, at + ".", Set.of("item_field", "k", "weights", "half_life", "exclude", "max_neighbours",
                "max_recent_items", "target", "fallback"));
        String itemField = requiredText(n, "item_field", at);
        Recommend.Builder d = Recommend.builder("x");
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
        return Recommend.builder(itemField).k(integer(n, "k", at, d.k)).weights(weights)
                .halfLife(hl == null ? d.halfLife : duration(hl, at + ".half_life")).exclude(exclude)
                .maxNeighbours(integer(n, "max_neighbours", at, d.maxNeighbours))
                .maxRecentItems(integer(n, "max_recent_items", at, d.maxRecentItems))
                .target(n.has("target") ? requiredText(n, "target", at) : null).fallback(fallback).build();
    }

    private static List<Input> inputs(JsonNode n, String at) {
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

    private static void object(JsonNode n, String at) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(at + ": must be a JSON object");
        }
    }

    private static void keys(JsonNode n, String prefix, Set<String> allowed) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(prefix + key + ": unknown key (allowed: " + new java.util.TreeSet<>(allowed) + ")");
            }
        }
    }

    private static String requiredText(JsonNode n, String key, String at) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(at + "." + key + ": required string");
        }
        return v.asText();
    }

    private static String text(JsonNode n, String key, String at, String dflt) {
        JsonNode v = n.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(at + "." + key + ": must be a string, was " + v);
        }
        return v.asText();
    }

    private static double number(JsonNode n, String key, String at, double dflt) {
        JsonNode v = n.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException(at + "." + key + ": must be a number, was " + v);
        }
        return v.asDouble();
    }

    private static int integer(JsonNode n, String key, String at, int dflt) {
        JsonNode v = n.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException(at + "." + key + ": must be a whole number, was " + v);
        }
        return v.asInt();
    }

    private static Duration requiredDuration(JsonNode n, String key, String at) {
        JsonNode v = n.get(key);
        if (v == null) {
            throw new IllegalArgumentException(at + "." + key + ": required ISO-8601 duration");
        }
        return duration(v, at + "." + key);
    }

    private static Duration duration(JsonNode v, String where) {
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
