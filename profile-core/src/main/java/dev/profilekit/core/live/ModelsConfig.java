package dev.profilekit.core.live;

import dev.profilekit.core.engine.ProfileUpdater;

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
 * Which live models a {@link ProfileUpdater} keeps, in the JSON format of {@code replay --models}:
 * sections {@code propensity}, {@code segments} and {@code forecast}, each optional. Unknown keys and
 * bad values fail with a {@link IllegalArgumentException} whose message names the key, e.g.
 * {@code "propensity.horizon: not an ISO-8601 duration, was \"1 day\""}.
 *
 * <pre>{@code
 * {"propensity": {"label_type": "purchase", "horizon": "P1D", "sample_interval": "PT6H",
 *                 "features": ["purchases", "spend_decay_7d", {"name": "since_purchase", "cap": 2592000}],
 *                 "learner": {"learning_rate": 0.05, "l2": 0.0001}, "retrain_every": 2000},
 *  "segments":   {"k": 4, "features": [{"name": "fav_categories", "values": ["books", "games"]}],
 *                 "half_life": 20000},
 *  "forecast":   {"type": "view", "days": 28}}
 * }</pre>
 */
public record ModelsConfig(Optional<Propensity> propensity, Optional<Segments> segments,
                           Optional<Forecast> forecast) {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** Validates that the sections are present-or-empty. */
    public ModelsConfig {
        propensity = propensity == null ? Optional.empty() : propensity;
        segments = segments == null ? Optional.empty() : segments;
        forecast = forecast == null ? Optional.empty() : forecast;
    }

    /** How a profile value becomes columns of a feature vector. */
    public enum Missing {
        /** A missing (null) value is replaced by the mean of the training data (0 after standardising). */
        MEAN,
        /** A missing value is 0 before standardising. */
        ZERO
    }

    /**
     * One declared input of a feature vector.
     *
     * @param name    a feature name, or {@code feature.part} for stats ({@code count, mean, std, min, max}) and
     *                sessions ({@code count, mean_duration_s}) parts
     * @param cap     upper cap applied to the value (e.g. recency in seconds); a missing value becomes the cap;
     *                NaN for none
     * @param values  for top_k and last_value: the vocabulary of the one-hot encoding of the (leading) value,
     *                with one extra column for any other value; empty means hashing into {@code buckets} columns
     * @param buckets columns used by hashing when {@code values} is empty (default 8)
     * @param missing policy for a missing numeric value
     */
    public record Input(String name, double cap, List<String> values, int buckets, Missing missing) {
        /** Validates. */
        public Input {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("feature input needs a non-blank name");
            }
            values = values == null ? List.of() : List.copyOf(values);
            if (buckets < 1) {
                throw new IllegalArgumentException("feature '" + name + "': buckets must be >= 1, was " + buckets);
            }
            if (cap == cap && !(cap > 0 && Double.isFinite(cap))) {
                throw new IllegalArgumentException("feature '" + name + "': cap must be finite and > 0, was " + cap);
            }
            missing = missing == null ? Missing.MEAN : missing;
        }

        /** A plain input with the defaults. */
        public static Input of(String name) {
            return new Input(name, Double.NaN, List.of(), 8, Missing.MEAN);
        }
    }

    /**
     * The purchase-propensity model: the probability that a user does a {@code labelType} event within
     * {@code horizon}, learned online from point-in-time examples with delayed labels.
     *
     * @param labelType       the event type being predicted
     * @param horizon         the prediction horizon
     * @param sampleInterval  at most one training example per user per interval
     * @param features        the inputs of the feature vector
     * @param learningRate    AdaGrad learning rate of the online learner (default 0.05)
     * @param onlineL2        L2 strength of the online learner per example (default 1e-4)
     * @param batchL2         λ of the batch retrain: sum of log-losses + λ/2 ‖w‖² (default 1)
     * @param retrainEvery    background retrain after this many new labels (default 2000)
     * @param trainingWindow  the retrain uses at most this many most recent labelled examples (default 20000)
     * @param holdoutFraction the most recent fraction of them is the holdout of the swap test (default 0.2)
     * @param swapMargin      a retrained model replaces the live one unless its holdout AUC is lower by more
     *                        than this (default 0.01)
     * @param minExamples     the first model is fitted once this many labels exist (default 200)
     * @param publishEvery    the online learner publishes a new model version every this many labels (default 50)
     * @param recentWindow    number of most recent examples in the windowed prequential metrics (default 1000)
     * @param drift           drift detector on the prequential log loss: "page_hinkley", "adwin" or "none"
     *                        (default page_hinkley)
     */
    public record Propensity(String labelType, Duration horizon, Duration sampleInterval, List<Input> features,
                             double learningRate, double onlineL2, double batchL2, int retrainEvery,
                             int trainingWindow, double holdoutFraction, double swapMargin, int minExamples,
                             int publishEvery, int recentWindow, String drift) {
        /** Validates. */
        public Propensity {
            require(labelType != null && !labelType.isBlank(), "propensity.label_type", "must be a non-blank string");
            require(positive(horizon), "propensity.horizon", "must be a positive duration");
            require(positive(sampleInterval), "propensity.sample_interval", "must be a positive duration");
            require(features != null && !features.isEmpty(), "propensity.features", "must list at least one feature");
            features = List.copyOf(features);
            require(learningRate > 0 && Double.isFinite(learningRate), "propensity.learner.learning_rate", "must be > 0");
            require(onlineL2 >= 0 && Double.isFinite(onlineL2), "propensity.learner.l2", "must be >= 0");
            require(batchL2 >= 0 && Double.isFinite(batchL2), "propensity.l2", "must be >= 0");
            require(retrainEvery >= 1, "propensity.retrain_every", "must be >= 1");
            require(trainingWindow >= 20, "propensity.training_window", "must be >= 20");
            require(holdoutFraction > 0 && holdoutFraction < 1, "propensity.holdout_fraction", "must be in (0, 1)");
            require(swapMargin >= 0 && Double.isFinite(swapMargin), "propensity.swap_margin", "must be >= 0");
            require(minExamples >= 10, "propensity.min_examples", "must be >= 10");
            require(publishEvery >= 1, "propensity.publish_every", "must be >= 1");
            require(recentWindow >= 10, "propensity.recent_window", "must be >= 10");
            require(Set.of("page_hinkley", "adwin", "none").contains(drift), "propensity.drift",
                    "must be page_hinkley, adwin or none");
        }

        /** A propensity section with every default. */
        public static Propensity of(String labelType, Duration horizon, Duration sampleInterval, List<Input> features) {
            return new Propensity(labelType, horizon, sampleInterval, features, 0.05, 1e-4, 1.0, 2000, 20_000, 0.2,
                    0.01, 200, 50, 1000, "page_hinkley");
        }
    }

    /**
     * Segments: online k-means over a feature vector, with periodic batch refits whose centroids are
     * matched to the previous ones so segment ids stay stable.
     *
     * @param k              number of segments
     * @param features       the inputs of the segment vector
     * @param halfLife       half-life of the online k-means, in samples (default 20000)
     * @param sampleInterval at most one sample per user per interval feeds the segments (default PT1H)
     * @param refitEvery     batch refit after this many new samples (default 5000)
     * @param trainingWindow the refit uses at most this many most recent samples (default 20000)
     * @param seed           seed of the batch k-means (default 42)
     */
    public record Segments(int k, List<Input> features, double halfLife, Duration sampleInterval, int refitEvery,
                           int trainingWindow, long seed) {
        /** Validates. */
        public Segments {
            require(k >= 2, "segments.k", "must be >= 2");
            require(features != null && !features.isEmpty(), "segments.features", "must list at least one feature");
            features = List.copyOf(features);
            require(halfLife > 0, "segments.half_life", "must be > 0");
            require(positive(sampleInterval), "segments.sample_interval", "must be a positive duration");
            require(refitEvery >= 1, "segments.refit_every", "must be >= 1");
            require(trainingWindow >= 10 * k, "segments.training_window", "must be >= 10 k");
        }

        /** A segments section with every default. */
        public static Segments of(int k, List<Input> features) {
            return new Segments(k, features, 20_000, Duration.ofHours(1), 5000, 20_000, 42);
        }
    }

    /**
     * The activity forecast: each profile keeps its last {@code days} daily counts of {@code type} events; an
     * ARIMA model (order by AIC, p, q ≤ 2, d ≤ 1) is fitted on the pooled daily series.
     *
     * @param type    the event type counted
     * @param days    number of daily counts kept per profile (and length of the pooled series), 7..366
     */
    public record Forecast(String type, int days) {
        /** Validates. */
        public Forecast {
            require(type != null && !type.isBlank(), "forecast.type", "must be a non-blank string");
            require(days >= 7 && days <= 366, "forecast.days", "must be between 7 and 366");
        }
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero() && d.toNanos() % 1_000_000 == 0;
    }

    private static void require(boolean ok, String key, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(key + ": " + problem);
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
            throw new IllegalArgumentException("models file is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("models file must be a JSON object");
        }
        keys(root, "", Set.of("propensity", "segments", "forecast"));
        return new ModelsConfig(
                Optional.ofNullable(root.get("propensity")).map(ModelsConfig::propensity),
                Optional.ofNullable(root.get("segments")).map(ModelsConfig::segments),
                Optional.ofNullable(root.get("forecast")).map(ModelsConfig::forecast));
    }

    private static Propensity propensity(JsonNode n) {
        String at = "propensity";
        object(n, at);
        keys(n, at + ".", Set.of("label_type", "horizon", "sample_interval", "features", "learner", "l2",
                "retrain_every", "training_window", "holdout_fraction", "swap_margin", "min_examples",
                "publish_every", "recent_window", "drift"));
        Propensity d = Propensity.of("x", Duration.ofDays(1), Duration.ofDays(1), List.of(Input.of("x")));
        double rate = d.learningRate();
        double l2 = d.onlineL2();
        JsonNode learner = n.get("learner");
        if (learner != null) {
            object(learner, at + ".learner");
            keys(learner, at + ".learner.", Set.of("learning_rate", "l2"));
            rate = number(learner, "learning_rate", at + ".learner", rate);
            l2 = number(learner, "l2", at + ".learner", l2);
        }
        return new Propensity(requiredText(n, "label_type", at), requiredDuration(n, "horizon", at),
                requiredDuration(n, "sample_interval", at), inputs(n, at), rate, l2,
                number(n, "l2", at, d.batchL2()), integer(n, "retrain_every", at, d.retrainEvery()),
                integer(n, "training_window", at, d.trainingWindow()),
                number(n, "holdout_fraction", at, d.holdoutFraction()), number(n, "swap_margin", at, d.swapMargin()),
                integer(n, "min_examples", at, d.minExamples()), integer(n, "publish_every", at, d.publishEvery()),
                integer(n, "recent_window", at, d.recentWindow()), text(n, "drift", at, d.drift()));
    }

    private static Segments segments(JsonNode n) {
        String at = "segments";
        object(n, at);
        keys(n, at + ".", Set.of("k", "features", "half_life", "sample_interval", "refit_every", "training_window",
                "seed"));
        Segments d = Segments.of(2, List.of(Input.of("x")));
        JsonNode k = n.get("k");
        if (k == null || !k.isIntegralNumber()) {
            throw new IllegalArgumentException(at + ".k: required whole number");
        }
        JsonNode interval = n.get("sample_interval");
        return new Segments(k.asInt(), inputs(n, at), number(n, "half_life", at, d.halfLife()),
                interval == null ? d.sampleInterval() : duration(interval, at + ".sample_interval"),
                integer(n, "refit_every", at, d.refitEvery()), integer(n, "training_window", at, d.trainingWindow()),
                integer(n, "seed", at, (int) d.seed()));
    }

    private static Forecast forecast(JsonNode n) {
        String at = "forecast";
        object(n, at);
        keys(n, at + ".", Set.of("type", "days"));
        JsonNode days = n.get("days");
        if (days == null || !days.isIntegralNumber()) {
            throw new IllegalArgumentException(at + ".days: required whole number");
        }
        return new Forecast(requiredText(n, "type", at), days.asInt());
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
            keys(f, where + ".", Set.of("name", "cap", "values", "buckets", "missing"));
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
            try {
                out.add(new Input(requiredText(f, "name", where), number(f, "cap", where, Double.NaN), values,
                        integer(f, "buckets", where, 8), missing.equals("zero") ? Missing.ZERO : Missing.MEAN));
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
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(where + ": not an ISO-8601 duration, was \"" + v.asText() + "\"");
        }
    }
}
