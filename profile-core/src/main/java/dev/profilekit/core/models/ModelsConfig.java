package dev.profilekit.core.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.profilekit.core.live.ConfigNodes;
import dev.profilekit.core.live.ModelPlugin;
import dev.profilekit.core.live.forecast.ForecastConfig;
import dev.profilekit.core.live.forecast.ForecastPlugin;
import dev.profilekit.core.live.propensity.PropensityConfig;
import dev.profilekit.core.live.propensity.PropensityPlugin;
import dev.profilekit.core.live.recommend.RecommendConfig;
import dev.profilekit.core.live.recommend.RecommendPlugin;
import dev.profilekit.core.live.segments.SegmentsConfig;
import dev.profilekit.core.live.segments.SegmentsPlugin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which live models a {@code ProfileUpdater} keeps, in the JSON format of {@code replay --models}:
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
 * <p>A top-level key {@code "training"} (not a section) says where the models train: {@code "background"} (the
 * default) or {@code "deterministic"} ({@link TrainingMode}). It is not part of the models' state, so a snapshot
 * restores under either mode.
 *
 * <p>Every duration is an ISO-8601 string; the one count-valued half-life is {@code segments.half_life_samples}
 * (an old numeric {@code segments.half_life} is rejected with a message saying so).
 *
 * <p>Each section belongs to one kind of live model ({@link ModelPlugin}), which reads it: the built-in kinds are
 * {@link #BUILT_IN}, one registration line each; {@link #fromJson(String, List)} reads a file with further kinds.
 * Sections are kept in the order of the kinds' registration, which is the order the engine keeps the models in.
 */
public final class ModelsConfig {

    /** The built-in kinds of live model, in the order their states are written to snapshots: one line per kind. */
    public static final List<ModelPlugin<?>> BUILT_IN = List.of(
            PropensityPlugin.INSTANCE,
            SegmentsPlugin.INSTANCE,
            ForecastPlugin.INSTANCE,
            RecommendPlugin.INSTANCE);

    /** Largest count in a models file ({@code k}, windows, {@code buckets}, intervals counted in labels). */
    public static final int MAX_COUNT = ConfigNodes.MAX_COUNT;
    /** Longest duration in a models file: 100 years. */
    public static final java.time.Duration MAX_DURATION = ConfigNodes.MAX_DURATION;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /**
     * One section and the kind of model it configures.
     *
     * @param plugin  the kind
     * @param section the section (of the kind's {@link ModelPlugin#sectionType()})
     * @param <C>     the section's type
     */
    public record Section<C>(ModelPlugin<C> plugin, C section) {
        /** Validates. */
        public Section {
            if (plugin == null || section == null) {
                throw new IllegalArgumentException("plugin and section must not be null");
            }
            if (!plugin.sectionType().isInstance(section)) {
                throw new IllegalArgumentException(plugin.name() + ": section must be a "
                        + plugin.sectionType().getSimpleName() + ", was " + section.getClass().getSimpleName());
            }
        }
    }

    /** The models file's top-level key that is not a section. */
    public static final String TRAINING_KEY = "training";

    /** The sections by kind name, in the kinds' order. */
    private final Map<String, Section<?>> sections;
    /** The training mode set in the file or builder, or null. */
    private final TrainingMode training;

    private ModelsConfig(List<Section<?>> sections, TrainingMode training) {
        this.training = training;
        Map<String, Section<?>> byName = new LinkedHashMap<>();
        for (ModelPlugin<?> p : BUILT_IN) {
            for (Section<?> s : sections) {
                if (s.plugin() == p) {
                    byName.put(p.name(), s);
                }
            }
        }
        for (Section<?> s : sections) {
            if (!BUILT_IN.contains(s.plugin())) {
                if (byName.containsKey(s.plugin().name())) {
                    throw new IllegalArgumentException(s.plugin().name() + ": two sections of that name");
                }
                byName.put(s.plugin().name(), s);
            }
        }
        this.sections = java.util.Collections.unmodifiableMap(byName);
    }

    /** A configuration of the built-in models; an absent (or null) section is not configured. */
    public ModelsConfig(Optional<PropensityConfig> propensity, Optional<SegmentsConfig> segments,
                        Optional<ForecastConfig> forecast, Optional<RecommendConfig> recommend) {
        this(builtIn(propensity, segments, forecast, recommend), null);
    }

    /** A configuration without a recommend section. */
    public ModelsConfig(Optional<PropensityConfig> propensity, Optional<SegmentsConfig> segments,
                        Optional<ForecastConfig> forecast) {
        this(propensity, segments, forecast, Optional.empty());
    }

    private static List<Section<?>> builtIn(Optional<PropensityConfig> propensity, Optional<SegmentsConfig> segments,
                                            Optional<ForecastConfig> forecast, Optional<RecommendConfig> recommend) {
        List<Section<?>> out = new ArrayList<>();
        add(out, PropensityPlugin.INSTANCE, propensity);
        add(out, SegmentsPlugin.INSTANCE, segments);
        add(out, ForecastPlugin.INSTANCE, forecast);
        add(out, RecommendPlugin.INSTANCE, recommend);
        return out;
    }

    private static <C> void add(List<Section<?>> out, ModelPlugin<C> plugin, Optional<C> section) {
        if (section != null && section.isPresent()) {
            out.add(new Section<>(plugin, section.get()));
        }
    }

    /** The configured sections, in the order of their kinds' registration. */
    public List<Section<?>> sections() {
        return List.copyOf(sections.values());
    }

    /**
     * The section of type {@code type}, if configured.
     *
     * @throws IllegalArgumentException if type is null
     */
    public <C> Optional<C> section(Class<C> type) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        for (Section<?> s : sections.values()) {
            if (type.isInstance(s.section())) {
                return Optional.of(type.cast(s.section()));
            }
        }
        return Optional.empty();
    }

    /** The propensity section. */
    public Optional<PropensityConfig> propensity() {
        return section(PropensityConfig.class);
    }

    /** The segments section. */
    public Optional<SegmentsConfig> segments() {
        return section(SegmentsConfig.class);
    }

    /** The forecast section. */
    public Optional<ForecastConfig> forecast() {
        return section(ForecastConfig.class);
    }

    /** The recommend section. */
    public Optional<RecommendConfig> recommend() {
        return section(RecommendConfig.class);
    }

    /** The event types the configured models watch (label and forecast types, ...), which the schema must resolve. */
    public List<String> watchedTypes() {
        List<String> watched = new ArrayList<>();
        for (Section<?> s : sections.values()) {
            watched.addAll(watched(s));
        }
        return watched;
    }

    private static <C> List<String> watched(Section<C> s) {
        return s.plugin().watchedTypes(s.section());
    }

    /**
     * The training mode this configuration sets ({@code "training"} in the file), if any; a {@code ProfileUpdater}
     * trains so unless its builder sets a mode or an executor ({@link TrainingMode#of}).
     */
    public Optional<TrainingMode> training() {
        return Optional.ofNullable(training);
    }

    /** Starts a configuration with no models; add sections with the builder's methods. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder of a {@link ModelsConfig}: each section optional. */
    public static final class Builder {
        private final Map<ModelPlugin<?>, Section<?>> sections = new LinkedHashMap<>();
        private TrainingMode training;

        private Builder() {
        }

        /** The propensity section. */
        public Builder propensity(PropensityConfig propensity) {
            return set(PropensityPlugin.INSTANCE, propensity);
        }

        /** The segments section. */
        public Builder segments(SegmentsConfig segments) {
            return set(SegmentsPlugin.INSTANCE, segments);
        }

        /** The forecast section. */
        public Builder forecast(ForecastConfig forecast) {
            return set(ForecastPlugin.INSTANCE, forecast);
        }

        /** The recommend section. */
        public Builder recommend(RecommendConfig recommend) {
            return set(RecommendPlugin.INSTANCE, recommend);
        }

        /** Where the models train ({@code null}: not set, so background unless the updater's builder says). */
        public Builder training(TrainingMode training) {
            this.training = training;
            return this;
        }

        /**
         * The section of a kind of model ({@code null} removes it).
         *
         * @throws IllegalArgumentException if plugin is null or section is not of its section type
         */
        public <C> Builder section(ModelPlugin<C> plugin, C section) {
            return set(plugin, section);
        }

        private <C> Builder set(ModelPlugin<C> plugin, C section) {
            if (plugin == null) {
                throw new IllegalArgumentException("plugin must not be null");
            }
            if (section == null) {
                sections.remove(plugin);
            } else {
                sections.put(plugin, new Section<>(plugin, section));
            }
            return this;
        }

        /** The configuration (sections not set are absent). */
        public ModelsConfig build() {
            return new ModelsConfig(new ArrayList<>(sections.values()), training);
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

    /** Parses a models configuration of the {@link #BUILT_IN} kinds. */
    public static ModelsConfig fromJson(String json) {
        return fromJson(json, BUILT_IN);
    }

    /**
     * Parses a models configuration whose sections are those of {@code plugins} (each section's key is its kind's
     * {@link ModelPlugin#name()}; a key of no kind is an error naming the allowed ones).
     *
     * @throws IllegalArgumentException if json or plugins is null, two plugins share a name, or the file is not
     *                                  such a configuration (the message names the key path and the value)
     */
    public static ModelsConfig fromJson(String json, List<ModelPlugin<?>> plugins) {
        if (json == null) {
            throw new IllegalArgumentException("json must not be null");
        }
        if (plugins == null) {
            throw new IllegalArgumentException("plugins must not be null");
        }
        Set<String> names = new LinkedHashSet<>();
        for (ModelPlugin<?> p : plugins) {
            if (p == null) {
                throw new IllegalArgumentException("plugins must not hold null");
            }
            if (p.name().equals(TRAINING_KEY)) {
                throw new IllegalArgumentException("plugins: '" + TRAINING_KEY + "' is a key of the models file, not "
                        + "a kind's name");
            }
            if (!names.add(p.name())) {
                throw new IllegalArgumentException("plugins: two kinds named '" + p.name() + "'");
            }
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
        Set<String> keys = new LinkedHashSet<>(names);
        keys.add(TRAINING_KEY);
        ConfigNodes.keys(root, "", keys);
        List<Section<?>> out = new ArrayList<>();
        for (ModelPlugin<?> p : plugins) {
            JsonNode n = root.get(p.name());
            if (n != null) {
                out.add(parse(p, n));
            }
        }
        return new ModelsConfig(out, training(root.get(TRAINING_KEY)));
    }

    /** The {@code training} key's mode, null when absent. */
    private static TrainingMode training(JsonNode n) {
        if (n == null) {
            return null;
        }
        for (TrainingMode m : TrainingMode.values()) {
            if (n.isTextual() && n.asText().equals(m.key())) {
                return m;
            }
        }
        throw new IllegalArgumentException(TRAINING_KEY + ": must be \"background\" or \"deterministic\", was " + n);
    }

    private static <C> Section<C> parse(ModelPlugin<C> plugin, JsonNode n) {
        return new Section<>(plugin, plugin.parse(n));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelsConfig m && m.sections.equals(sections) && m.training == training;
    }

    @Override
    public int hashCode() {
        return sections.hashCode() * 31 + java.util.Objects.hashCode(training);
    }

    /**
     * The text the record this class was had ({@code ModelsConfig[propensity=Optional[...], segments=Optional.empty,
     * ...]}), every built-in kind named, then the sections of further kinds: it is part of the state fingerprint, so
     * snapshots of the same configuration stay readable. The training mode is left out: it changes when models train,
     * not what their state holds.
     */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("ModelsConfig[");
        String sep = "";
        for (ModelPlugin<?> p : BUILT_IN) {
            Section<?> s = sections.get(p.name());
            b.append(sep).append(p.name()).append('=').append(Optional.ofNullable(s == null ? null : s.section()));
            sep = ", ";
        }
        for (Section<?> s : sections.values()) {
            if (!BUILT_IN.contains(s.plugin())) {
                b.append(sep).append(s.plugin().name()).append('=').append(Optional.of(s.section()));
            }
        }
        return b.append(']').toString();
    }
}
