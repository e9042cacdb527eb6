package dev.profilekit.core.models;

import dev.profilekit.core.live.LabelledExample;
import dev.profilekit.core.live.ModelContext;
import dev.profilekit.core.live.ModelDiagnostics;
import dev.profilekit.core.live.UserDirectory;
import dev.profilekit.core.live.VectorPipeline;
import dev.profilekit.core.live.forecast.ForecastExplanation;
import dev.profilekit.core.live.forecast.ForecastModel;
import dev.profilekit.core.live.forecast.LiveForecast;
import dev.profilekit.core.live.propensity.LivePropensity;
import dev.profilekit.core.live.propensity.PropensityExplanation;
import dev.profilekit.core.live.propensity.PropensityModel;
import dev.profilekit.core.live.recommend.LiveRecommender;
import dev.profilekit.core.live.recommend.RecommendStats;
import dev.profilekit.core.live.recommend.Recommendation;
import dev.profilekit.core.live.segments.LiveSegments;
import dev.profilekit.core.live.segments.SegmentsExplanation;
import dev.profilekit.core.live.segments.SegmentsModel;
import dev.profilekit.core.spi.FeatureAccess;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.core.spi.ModelOutputs;
import dev.profilekit.core.spi.ModelStatus;
import dev.profilekit.core.spi.UserView;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import dev.profilekit.models.recommend.ImplicitAlsModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The live models of one {@code ProfileUpdater}, as one {@link LiveModel}: the composite the updater holds. It
 * keeps a list of the configured models, one per section of its {@link ModelsConfig} and in the order of their kinds'
 * registration ({@link ModelsConfig#BUILT_IN}), each a {@link LiveModel} of its own with its own per-user state, and
 * joins their outputs into one {@link ModelOutputs} keyed by model name. Nothing here names a model but the
 * accessors kept for the built-in ones ({@link #propensity()}, {@link #recommend}, {@link #diagnostics()}, ...);
 * {@link #model(Class)} finds any model by type.
 *
 * <p>Locks: an ingesting thread holds its user's lock and may take a model's own lock (never the other way
 * round); see each model for its background work.
 */
public final class LiveModels implements LiveModel<LiveModels.Versions> {

    /**
     * The published versions of models, by model name (a model absent or mapped to nothing: not configured or not
     * fitted yet). Immutable.
     */
    public static final class Versions {
        private final Map<String, Object> byModel;

        private Versions(Map<String, Object> byModel) {
            this.byModel = Collections.unmodifiableMap(byModel);
        }

        /**
         * Versions of the built-in models (null: not configured or not fitted).
         *
         * @param propensity the propensity model
         * @param segments   the segments
         * @param forecast   the activity forecast
         * @param recommend  the recommender's ALS fallback
         */
        public Versions(PropensityModel propensity, SegmentsModel segments, ForecastModel forecast,
                        ImplicitAlsModel recommend) {
            this(builtIn(propensity, segments, forecast, recommend));
        }

        /** Versions without a recommender fallback. */
        public Versions(PropensityModel propensity, SegmentsModel segments, ForecastModel forecast) {
            this(propensity, segments, forecast, null);
        }

        private static Map<String, Object> builtIn(Object p, Object s, Object f, Object r) {
            Map<String, Object> m = new LinkedHashMap<>();
            String[] names = {ModelOutputs.PROPENSITY, ModelOutputs.SEGMENTS, ModelOutputs.FORECAST,
                ModelOutputs.RECOMMEND};
            Object[] versions = {p, s, f, r};
            for (int i = 0; i < names.length; i++) {
                if (versions[i] != null) {
                    m.put(names[i], versions[i]);
                }
            }
            return m;
        }

        /**
         * Versions by model name; null values are dropped.
         *
         * @throws IllegalArgumentException if byModel is null or holds a null name
         */
        public static Versions of(Map<String, ?> byModel) {
            if (byModel == null || byModel.containsKey(null)) {
                throw new IllegalArgumentException("byModel must not be null nor hold a null name");
            }
            Map<String, Object> m = new LinkedHashMap<>();
            byModel.forEach((k, v) -> {
                if (v != null) {
                    m.put(k, v);
                }
            });
            return new Versions(m);
        }

        /** The versions by model name (only the non-null ones). */
        public Map<String, Object> byModel() {
            return byModel;
        }

        /** The version of model {@code model}, or null. */
        public Object get(String model) {
            return byModel.get(model);
        }

        /** The propensity model, or null. */
        public PropensityModel propensity() {
            return (PropensityModel) byModel.get(ModelOutputs.PROPENSITY);
        }

        /** The segments, or null. */
        public SegmentsModel segments() {
            return (SegmentsModel) byModel.get(ModelOutputs.SEGMENTS);
        }

        /** The activity forecast, or null. */
        public ForecastModel forecast() {
            return (ForecastModel) byModel.get(ModelOutputs.FORECAST);
        }

        /** The recommender's ALS fallback, or null. */
        public ImplicitAlsModel recommend() {
            return (ImplicitAlsModel) byModel.get(ModelOutputs.RECOMMEND);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Versions v && v.byModel.equals(byModel);
        }

        @Override
        public int hashCode() {
            return byModel.hashCode();
        }

        @Override
        public String toString() {
            return "Versions" + byModel;
        }
    }

    /**
     * The version of the models' snapshot state ({@link #encodeState}); it is part of the updater's state
     * fingerprint whenever models are configured, so a snapshot written under another version is refused as
     * written under another configuration rather than misread. 3: the propensity model names each example waiting
     * for a label by its user and time (with a backing store a user's state may hold a copy of it); 2: by its
     * position in the user's list, and the propensity model's state ends with what its {@link #diagnostics()}
     * recorded (reservoir, its random generator, AUC series, versions, drift alarms); 1 (implicit, before this
     * constant): without diagnostics.
     */
    public static final int STATE_VERSION = 3;

    /** The configured models, in the order of their kinds' registration. */
    private final List<LiveModel<Object>> models;
    /** The same models as an array, for the per-event calls (indexed loops allocate no iterator). */
    private final LiveModel<Object>[] perEvent;
    /** Their names (the sections' keys), index for index. */
    private final List<String> names;
    private final ExecutorService ownExecutor;

    /**
     * The models {@code config} declares, reading features through {@code schema}.
     *
     * @param executor        where retrains and refits run; null for one background daemon thread owned (and shut
     *                        down on {@link #close()}) by this object
     * @param users           the number of users with a profile (the forecast pools over them)
     * @param modelListener   told of every published propensity version, or null
     * @param exampleListener told of every labelled propensity example, or null
     * @throws IllegalArgumentException if config, schema or users is null, or a model's inputs do not fit the
     *                                  schema (the message names the section and the input)
     */
    public LiveModels(ModelsConfig config, FeatureAccess schema, Executor executor, IntSupplier users,
                      Consumer<PropensityModel> modelListener, Consumer<LabelledExample> exampleListener) {
        this(config, schema, executor, users, modelListener, exampleListener, user -> { });
    }

    /**
     * As {@link #LiveModels(ModelsConfig, FeatureAccess, Executor, IntSupplier, Consumer, Consumer)}, with
     * {@code beforeChange}: called under a user's lock right before a model changes that user's state from outside
     * {@link #observe} and {@link #forget} (a pending example labelled 0 when its horizon ends, on another user's
     * event or on {@link #finish}), so that the holder can keep the state it had (a copy-on-write snapshot cut).
     */
    public LiveModels(ModelsConfig config, FeatureAccess schema, Executor executor, IntSupplier users,
                      Consumer<PropensityModel> modelListener, Consumer<LabelledExample> exampleListener,
                      Consumer<UserView> beforeChange) {
        this(config, schema, executor, users, modelListener, exampleListener, beforeChange, UserDirectory.IN_MEMORY);
    }

    /**
     * As {@link #LiveModels(ModelsConfig, FeatureAccess, Executor, IntSupplier, Consumer, Consumer, Consumer)}, for a
     * holder whose users' views can leave memory (a backing store): {@code directory} finds a user's live view when
     * the one a model kept (a pending example's) has left, and {@code beforeChange} must also mark the state changed
     * so that it is written back.
     */
    @SuppressWarnings("unchecked")
    public LiveModels(ModelsConfig config, FeatureAccess schema, Executor executor, IntSupplier users,
                      Consumer<PropensityModel> modelListener, Consumer<LabelledExample> exampleListener,
                      Consumer<UserView> beforeChange, UserDirectory directory) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        if (schema == null) {
            throw new IllegalArgumentException("schema must not be null");
        }
        if (users == null) {
            throw new IllegalArgumentException("users must not be null");
        }
        this.ownExecutor = executor == null ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "profilekit-models");
            t.setDaemon(true);
            return t;
        }) : null;
        Executor background = executor == null ? ownExecutor : executor;
        Map<Class<?>, Consumer<?>> listeners = new java.util.HashMap<>();
        if (modelListener != null) {
            listeners.put(PropensityModel.class, modelListener);
        }
        List<LiveModel<Object>> built = new ArrayList<>();
        List<String> named = new ArrayList<>();
        for (ModelsConfig.Section<?> s : config.sections()) {
            int slot = built.size();
            ModelContext context = new ModelContext(schema, background, users,
                    v -> ((Object[]) v.modelState())[slot], beforeChange, exampleListener, listeners, directory);
            built.add((LiveModel<Object>) create(s, context));
            named.add(s.plugin().name());
        }
        this.models = List.copyOf(built);
        @SuppressWarnings("unchecked")
        LiveModel<Object>[] array = models.toArray(new LiveModel[0]);
        this.perEvent = array;
        this.names = List.copyOf(named);
    }

    private static <C> LiveModel<?> create(ModelsConfig.Section<C> s, ModelContext context) {
        return s.plugin().create(s.section(), context);
    }

    @Override
    public void encodeUserState(Object state, ByteWriter out) {
        Object[] u = (Object[]) state;
        for (int i = 0; i < models.size(); i++) {
            models.get(i).encodeUserState(u[i], out);
        }
    }

    @Override
    public Object decodeUserState(ByteReader in, UserView owner) {
        Object[] u = new Object[models.size()];
        for (int i = 0; i < u.length; i++) {
            u[i] = models.get(i).decodeUserState(in, owner);
        }
        return u;
    }

    /**
     * Writes each configured model's state, in the order of registration (propensity, segments, forecast,
     * recommender); the propensity part includes its recorded {@link #diagnostics()}, so a replay resumed from a
     * snapshot reports the diagnostics of the whole stream. See {@link #STATE_VERSION}.
     */
    @Override
    public void encodeState(ByteWriter out) {
        for (LiveModel<Object> m : models) {
            m.encodeState(out);
        }
    }

    @Override
    public void restoreState(ByteReader in, java.util.function.Function<String, UserView> users) {
        for (LiveModel<Object> m : models) {
            m.restoreState(in, users);
        }
    }

    @Override
    public int forget(UserView s) {
        int n = 0;
        for (LiveModel<Object> m : models) {
            n += m.forget(s);
        }
        return n;
    }

    @Override
    public Object newUserState() {
        Object[] u = new Object[models.size()];
        for (int i = 0; i < u.length; i++) {
            u[i] = models.get(i).newUserState();
        }
        return u;
    }

    @Override
    public void observe(UserView s, int typeId, long t, Map<String, Object> attrs) {
        for (LiveModel<Object> m : perEvent) {
            m.observe(s, typeId, t, attrs);
        }
    }

    @Override
    public void observe(UserView s, int typeId, long t) {
        for (LiveModel<Object> m : perEvent) {
            m.observe(s, typeId, t);
        }
    }

    @Override
    public void afterEvent(long t) {
        for (LiveModel<Object> m : perEvent) {
            m.afterEvent(t);
        }
    }

    @Override
    public void checkInputs(UserView s, long asOf) {
        for (LiveModel<Object> m : perEvent) {
            m.checkInputs(s, asOf);
        }
    }

    @Override
    public ModelOutputs score(UserView s, long asOf) {
        ModelOutputs out = ModelOutputs.NONE;
        for (LiveModel<Object> m : models) {
            out = out.and(m.score(s, asOf));
        }
        return out;
    }

    @Override
    public ModelOutputs lastScores(UserView s) {
        ModelOutputs out = ModelOutputs.NONE;
        for (LiveModel<Object> m : models) {
            out = out.and(m.lastScores(s));
        }
        return out;
    }

    /** The propensity model's status (prequential metrics, versions, retrains, pending examples) and the segments'. */
    @Override
    public ModelStatus status() {
        ModelStatus p = named(ModelOutputs.PROPENSITY).map(LiveModel::status).orElse(null);
        ModelStatus s = named(ModelOutputs.SEGMENTS).map(LiveModel::status).orElse(null);
        return new ModelStatus(p == null ? null : p.prequential(), p == null ? 0 : p.modelVersion(),
                p == null ? 0 : p.driftAlarms(), p == null ? 0 : p.retrains(), p == null ? 0 : p.rejectedRetrains(),
                s == null ? 0 : s.segmentsVersion(), s == null ? 0 : s.segmentRefits(),
                p == null ? 0 : p.pendingExamples());
    }

    private Optional<LiveModel<Object>> named(String name) {
        int i = names.indexOf(name);
        return i < 0 ? Optional.empty() : Optional.of(models.get(i));
    }

    @Override
    public Versions snapshot() {
        Map<String, Object> v = new LinkedHashMap<>();
        for (int i = 0; i < models.size(); i++) {
            v.put(names.get(i), models.get(i).snapshot());
        }
        return Versions.of(v);
    }

    /**
     * Swaps in each version of {@code versions}.
     *
     * @throws IllegalArgumentException if {@code versions} is null, names a model that is not configured (nothing is
     *                                  swapped then), or a version does not fit its model's inputs
     */
    @Override
    public void swap(Versions versions) {
        if (versions == null) {
            throw new IllegalArgumentException("versions must not be null");
        }
        for (String name : versions.byModel().keySet()) {
            if (!names.contains(name)) {
                throw new IllegalArgumentException("versions." + name + ": no " + name + " section is configured");
            }
        }
        for (int i = 0; i < models.size(); i++) {
            Object v = versions.get(names.get(i));
            if (v != null) {
                models.get(i).swap(v);
            }
        }
    }

    /**
     * The first configured model that is of type {@code type} (a live model such as {@link LivePropensity}), or
     * else whose published version is (a fitted model such as {@link PropensityModel}); empty when no configured
     * model is, or its version is not published yet.
     *
     * @throws IllegalArgumentException if type is null
     */
    public <M> Optional<M> model(Class<M> type) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        for (LiveModel<Object> m : models) {
            if (type.isInstance(m)) {
                return Optional.of(type.cast(m));
            }
        }
        for (LiveModel<Object> m : models) {
            Object v = m.snapshot();
            if (type.isInstance(v)) {
                return Optional.of(type.cast(v));
            }
        }
        return Optional.empty();
    }

    /** The names of the configured models, in order. */
    public List<String> names() {
        return names;
    }

    /** The propensity model as a {@link LiveModel} of its own, if configured. */
    public Optional<LiveModel<PropensityModel>> propensity() {
        return model(LivePropensity.class).map(m -> m);
    }

    /** The segments as a {@link LiveModel} of their own, if configured. */
    public Optional<LiveModel<SegmentsModel>> segments() {
        return model(LiveSegments.class).map(m -> m);
    }

    /** The activity forecast as a {@link LiveModel} of its own, if configured. */
    public Optional<LiveModel<ForecastModel>> forecast() {
        return model(LiveForecast.class).map(m -> m);
    }

    /** The recommender as a {@link LiveModel} of its own (its versions are the ALS fallback), if configured. */
    public Optional<LiveModel<ImplicitAlsModel>> recommender() {
        return model(LiveRecommender.class).map(m -> m);
    }

    /**
     * The {@code k} best items for the user of {@code s} as of {@code asOf}; see
     * {@code ProfileUpdater#recommend(String, int, long)}. Caller holds the user's lock.
     *
     * @throws IllegalStateException    if no recommend section is configured
     * @throws IllegalArgumentException if k is out of range or {@code asOf} is before an observed event
     */
    public List<Recommendation> recommend(UserView s, int k, long asOf) {
        return model(LiveRecommender.class)
                .orElseThrow(() -> new IllegalStateException("no recommend section is configured"))
                .recommend(s, k, asOf);
    }

    /** The recommender's prequential evaluation, if a recommend section is configured. */
    public Optional<RecommendStats> recommendStats() {
        return model(LiveRecommender.class).map(LiveRecommender::stats);
    }

    /**
     * The pipeline that turns a profile into the propensity model's raw vector, unfitted (bind it to read
     * vectors, fit it for a batch model that {@link #swap} accepts), if a propensity model is configured.
     */
    public Optional<VectorPipeline> propensityPipeline() {
        return model(LivePropensity.class).map(LivePropensity::pipeline);
    }

    /** The segments' pipeline, unfitted, if segments are configured; see {@link #propensityPipeline()}. */
    public Optional<VectorPipeline> segmentsPipeline() {
        return model(LiveSegments.class).map(LiveSegments::pipeline);
    }

    /**
     * What the propensity model and the forecast recorded while they ran (see {@link ModelDiagnostics}): empty
     * parts for models that are not configured or not fitted yet. A consistent snapshot of each model's part.
     * After {@link #restoreState} it covers the stream from its start, as it did when the snapshot was taken.
     */
    public ModelDiagnostics diagnostics() {
        ModelDiagnostics.Forecast f = model(LiveForecast.class).map(LiveForecast::diagnostics).orElse(null);
        Optional<LivePropensity> propensity = model(LivePropensity.class);
        if (propensity.isEmpty()) {
            ModelDiagnostics e = ModelDiagnostics.empty();
            return new ModelDiagnostics(0, 0, e.reservoir(), e.aucSeries(), e.versions(), 0, e.driftAlarms(), 0, f);
        }
        return propensity.get().diagnostics(f);
    }

    /** The event types the models watch (label and forecast types), which the schema must resolve. */
    public static List<String> watchedTypes(ModelsConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        return config.watchedTypes();
    }

    /** Labels what can be labelled at {@code endTime} and waits for every model's background work. */
    @Override
    public void finish(long endTime) throws InterruptedException {
        for (LiveModel<Object> m : models) {
            m.finish(endTime);
        }
    }

    @Override
    public void awaitIdle() throws InterruptedException {
        // a model's background task may hand work to no other model, so one pass over them suffices
        for (LiveModel<Object> m : models) {
            m.awaitIdle();
        }
    }

    @Override
    public void close() {
        if (ownExecutor != null) {
            ownExecutor.shutdown();
        }
    }

    /**
     * Explains the outputs {@link #score} gives {@code s} as of {@code asOf}: one part per configured and fitted
     * model (see {@link Explanation}). The caller holds the user's lock. O(k d + d log d + forecast window).
     */
    public Explanation explain(UserView s, long asOf) {
        Map<String, Object> parts = new LinkedHashMap<>();
        for (int i = 0; i < models.size(); i++) {
            parts.put(names.get(i), models.get(i).explain(s, asOf));
        }
        return new Explanation(s.user(), asOf, part(parts, ModelOutputs.PROPENSITY, PropensityExplanation.class),
                part(parts, ModelOutputs.SEGMENTS, SegmentsExplanation.class),
                part(parts, ModelOutputs.FORECAST, ForecastExplanation.class));
    }

    private static <E> Optional<E> part(Map<String, Object> parts, String name, Class<E> type) {
        Object p = parts.get(name);
        return type.isInstance(p) ? Optional.of(type.cast(p)) : Optional.empty();
    }
}
