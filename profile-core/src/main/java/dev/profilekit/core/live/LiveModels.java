package dev.profilekit.core.live;

import dev.profilekit.core.spi.FeatureAccess;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.core.spi.ModelOutputs;
import dev.profilekit.core.spi.ModelStatus;
import dev.profilekit.core.spi.UserView;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The live models of one {@link dev.profilekit.core.engine.ProfileUpdater}, as one {@link LiveModel}: the
 * composite the updater holds. It delegates to the configured models, each a {@link LiveModel} of its own with
 * its own per-user state ({@link #propensity()}, {@link #segments()}, {@link #forecast()}), and combines their
 * outputs into one {@link ModelOutputs}. The per-user state it hands the engine holds one state per model.
 *
 * <p>Locks: an ingesting thread holds its user's lock and may take a model's own lock (never the other way
 * round); see each model for its background work.
 */
public final class LiveModels implements LiveModel<LiveModels.Versions> {

    /**
     * The published versions of the models that are configured (null: not configured or not fitted yet).
     *
     * @param propensity the propensity model
     * @param segments   the segments
     * @param forecast   the activity forecast
     * @param recommend  the recommender's ALS fallback
     */
    public record Versions(PropensityModel propensity, SegmentsModel segments, ForecastModel forecast,
                           dev.profilekit.models.recommend.ImplicitAlsModel recommend) {
        /** Versions without a recommender fallback. */
        public Versions(PropensityModel propensity, SegmentsModel segments, ForecastModel forecast) {
            this(propensity, segments, forecast, null);
        }
    }

    /** Per-user state: one slot per configured model. */
    static final class UserStates {
        final LivePropensity.UserState propensity;
        final LiveSegments.UserState segments;
        final LiveForecast.UserState forecast;
        final LiveRecommender.UserState recommend;

        UserStates(Object propensity, Object segments, Object forecast, Object recommend) {
            this.propensity = (LivePropensity.UserState) propensity;
            this.segments = (LiveSegments.UserState) segments;
            this.forecast = (LiveForecast.UserState) forecast;
            this.recommend = (LiveRecommender.UserState) recommend;
        }
    }

    /**
     * The version of the models' snapshot state ({@link #encodeState}); it is part of the updater's state
     * fingerprint whenever models are configured, so a snapshot written under another version is refused as
     * written under another configuration rather than misread. 2: the propensity model's state ends with what its
     * {@link #diagnostics()} recorded (reservoir, its random generator, AUC series, versions, drift alarms);
     * 1 (implicit, before this constant): without diagnostics.
     */
    public static final int STATE_VERSION = 2;

    final LivePropensity propensity;
    final LiveSegments segments;
    final LiveForecast forecast;
    final LiveRecommender recommender;
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
     * event), so that a snapshot being written can keep the state as of its cut.
     */
    public LiveModels(ModelsConfig config, FeatureAccess schema, Executor executor, IntSupplier users,
                      Consumer<PropensityModel> modelListener, Consumer<LabelledExample> exampleListener,
                      Consumer<UserView> beforeChange) {
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
        this.propensity = config.propensity().map(p -> new LivePropensity(p, schema, background, modelListener,
                exampleListener, s -> ((UserStates) s.modelState()).propensity, beforeChange)).orElse(null);
        this.segments = config.segments().map(s -> new LiveSegments(s, schema, background,
                v -> ((UserStates) v.modelState()).segments)).orElse(null);
        this.forecast = config.forecast().map(f -> new LiveForecast(f, schema, background, users,
                v -> ((UserStates) v.modelState()).forecast)).orElse(null);
        this.recommender = config.recommend().map(r -> new LiveRecommender(r, schema, background,
                v -> ((UserStates) v.modelState()).recommend)).orElse(null);
    }

    @Override
    public void encodeUserState(Object state, ByteWriter out) {
        UserStates u = (UserStates) state;
        if (propensity != null) {
            propensity.encodeUserState(u.propensity, out);
        }
        if (segments != null) {
            segments.encodeUserState(u.segments, out);
        }
        if (forecast != null) {
            forecast.encodeUserState(u.forecast, out);
        }
        if (recommender != null) {
            recommender.encodeUserState(u.recommend, out);
        }
    }

    @Override
    public Object decodeUserState(ByteReader in, UserView owner) {
        return new UserStates(propensity == null ? null : propensity.decodeUserState(in, owner),
                segments == null ? null : segments.decodeUserState(in, owner),
                forecast == null ? null : forecast.decodeUserState(in, owner),
                recommender == null ? null : recommender.decodeUserState(in, owner));
    }

    /**
     * Writes each configured model's state, in the order propensity, segments, forecast, recommender; the
     * propensity part includes its recorded {@link #diagnostics()}, so a replay resumed from a snapshot reports
     * the diagnostics of the whole stream. See {@link #STATE_VERSION}.
     */
    @Override
    public void encodeState(ByteWriter out) {
        if (propensity != null) {
            propensity.encodeState(out);
        }
        if (segments != null) {
            segments.encodeState(out);
        }
        if (forecast != null) {
            forecast.encodeState(out);
        }
        if (recommender != null) {
            recommender.encodeState(out);
        }
    }

    @Override
    public void restoreState(ByteReader in, java.util.function.Function<String, UserView> users) {
        if (propensity != null) {
            propensity.restoreState(in, users);
        }
        if (segments != null) {
            segments.restoreState(in, users);
        }
        if (forecast != null) {
            forecast.restoreState(in, users);
        }
        if (recommender != null) {
            recommender.restoreState(in, users);
        }
    }

    @Override
    public int forget(UserView s) {
        int n = 0;
        if (propensity != null) {
            n += propensity.forget(s);
        }
        if (segments != null) {
            n += segments.forget(s);
        }
        if (forecast != null) {
            n += forecast.forget(s);
        }
        if (recommender != null) {
            n += recommender.forget(s);
        }
        return n;
    }

    @Override
    public Object newUserState() {
        return new UserStates(propensity == null ? null : propensity.newUserState(),
                segments == null ? null : segments.newUserState(), forecast == null ? null : forecast.newUserState(),
                recommender == null ? null : recommender.newUserState());
    }

    @Override
    public void observe(UserView s, int typeId, long t, java.util.Map<String, Object> attrs) {
        observe(s, typeId, t);
        if (recommender != null) {
            recommender.observe(s, typeId, t, attrs);
        }
    }

    @Override
    public void observe(UserView s, int typeId, long t) {
        if (forecast != null) {
            forecast.observe(s, typeId, t);
        }
        if (propensity != null) {
            propensity.observe(s, typeId, t);
        }
        if (segments != null) {
            segments.observe(s, typeId, t);
        }
    }

    @Override
    public void afterEvent(long t) {
        if (propensity != null) {
            propensity.afterEvent(t);
        }
        if (forecast != null) {
            forecast.afterEvent(t);
        }
    }

    @Override
    public void checkInputs(UserView s, long asOf) {
        if (propensity != null) {
            propensity.checkInputs(s, asOf);
        }
        if (segments != null) {
            segments.checkInputs(s, asOf);
        }
    }

    @Override
    public ModelOutputs score(UserView s, long asOf) {
        return combine(propensity == null ? null : propensity.score(s, asOf),
                segments == null ? null : segments.score(s, asOf), forecast == null ? null : forecast.score(s, asOf));
    }

    @Override
    public ModelOutputs lastScores(UserView s) {
        return combine(propensity == null ? null : propensity.lastScores(s),
                segments == null ? null : segments.lastScores(s), forecast == null ? null : forecast.lastScores(s));
    }

    /** Takes each model's fields from that model's outputs (null: the model is not configured). */
    static ModelOutputs combine(ModelOutputs p, ModelOutputs s, ModelOutputs f) {
        return new ModelOutputs(p != null, p == null ? null : p.propensity(), p == null ? 0 : p.propensityVersion(),
                s != null, s == null ? null : s.segment(), s == null ? 0 : s.segmentsVersion(), f != null,
                f == null ? null : f.forecastNextDay());
    }

    @Override
    public ModelStatus status() {
        ModelStatus p = propensity == null ? null : propensity.status();
        ModelStatus s = segments == null ? null : segments.status();
        return new ModelStatus(p == null ? null : p.prequential(), p == null ? 0 : p.modelVersion(),
                p == null ? 0 : p.driftAlarms(), p == null ? 0 : p.retrains(), p == null ? 0 : p.rejectedRetrains(),
                s == null ? 0 : s.segmentsVersion(), s == null ? 0 : s.segmentRefits(),
                p == null ? 0 : p.pendingExamples());
    }

    @Override
    public Versions snapshot() {
        return new Versions(propensity == null ? null : propensity.snapshot(),
                segments == null ? null : segments.snapshot(), forecast == null ? null : forecast.snapshot(),
                recommender == null ? null : recommender.snapshot());
    }

    /**
     * Swaps in each non-null version of {@code versions}.
     *
     * @throws IllegalArgumentException if {@code versions} is null, names a model that is not configured, or a
     *                                  version does not fit its model's inputs (nothing is swapped then)
     */
    @Override
    public void swap(Versions versions) {
        if (versions == null) {
            throw new IllegalArgumentException("versions must not be null");
        }
        if (versions.propensity() != null && propensity == null) {
            throw new IllegalArgumentException("versions.propensity: no propensity model is configured");
        }
        if (versions.segments() != null && segments == null) {
            throw new IllegalArgumentException("versions.segments: no segments are configured");
        }
        if (versions.forecast() != null && forecast == null) {
            throw new IllegalArgumentException("versions.forecast: no forecast is configured");
        }
        if (versions.recommend() != null && recommender == null) {
            throw new IllegalArgumentException("versions.recommend: no recommend section is configured");
        }
        if (versions.recommend() != null) {
            recommender.swap(versions.recommend());
        }
        if (versions.propensity() != null) {
            propensity.swap(versions.propensity());
        }
        if (versions.segments() != null) {
            segments.swap(versions.segments());
        }
        if (versions.forecast() != null) {
            forecast.swap(versions.forecast());
        }
    }

    /** The propensity model as a {@link LiveModel} of its own, if configured. */
    public Optional<LiveModel<PropensityModel>> propensity() {
        return Optional.ofNullable(propensity);
    }

    /** The segments as a {@link LiveModel} of their own, if configured. */
    public Optional<LiveModel<SegmentsModel>> segments() {
        return Optional.ofNullable(segments);
    }

    /** The activity forecast as a {@link LiveModel} of its own, if configured. */
    public Optional<LiveModel<ForecastModel>> forecast() {
        return Optional.ofNullable(forecast);
    }

    /** The recommender as a {@link LiveModel} of its own (its versions are the ALS fallback), if configured. */
    public Optional<LiveModel<dev.profilekit.models.recommend.ImplicitAlsModel>> recommender() {
        return Optional.ofNullable(recommender);
    }

    /**
     * The {@code k} best items for the user of {@code s} as of {@code asOf}; see
     * {@link dev.profilekit.core.engine.ProfileUpdater#recommend(String, int, long)}. Caller holds the user's lock.
     *
     * @throws IllegalStateException    if no recommend section is configured
     * @throws IllegalArgumentException if k is out of range or {@code asOf} is before an observed event
     */
    public List<Recommendation> recommend(UserView s, int k, long asOf) {
        if (recommender == null) {
            throw new IllegalStateException("no recommend section is configured");
        }
        return recommender.recommend(s, k, asOf);
    }

    /** The recommender's prequential evaluation, if a recommend section is configured. */
    public Optional<RecommendStats> recommendStats() {
        return recommender == null ? Optional.empty() : Optional.of(recommender.stats());
    }

    /** The live propensity model, if one is configured and fitted. */
    public Optional<PropensityModel> propensityModel() {
        return propensity == null ? Optional.empty() : Optional.ofNullable(propensity.snapshot());
    }

    /** The live segments, if configured and fitted. */
    public Optional<SegmentsModel> segmentsModel() {
        return segments == null ? Optional.empty() : Optional.ofNullable(segments.snapshot());
    }

    /**
     * The pipeline that turns a profile into the propensity model's raw vector, unfitted (bind it to read
     * vectors, fit it for a batch model that {@link #swap} accepts), if a propensity model is configured.
     */
    public Optional<VectorPipeline> propensityPipeline() {
        return propensity == null ? Optional.empty() : Optional.of(propensity.vectors.pipeline());
    }

    /** The segments' pipeline, unfitted, if segments are configured; see {@link #propensityPipeline()}. */
    public Optional<VectorPipeline> segmentsPipeline() {
        return segments == null ? Optional.empty() : Optional.of(segments.vectors.pipeline());
    }

    /**
     * What the propensity model and the forecast recorded while they ran (see {@link ModelDiagnostics}): empty
     * parts for models that are not configured or not fitted yet. A consistent snapshot of each model's part.
     * After {@link #restoreState} it covers the stream from its start, as it did when the snapshot was taken.
     */
    public ModelDiagnostics diagnostics() {
        ModelDiagnostics.Forecast f = forecast == null ? null : forecast.diagnostics();
        if (propensity == null) {
            ModelDiagnostics e = ModelDiagnostics.empty();
            return new ModelDiagnostics(0, 0, e.reservoir(), e.aucSeries(), e.versions(), 0, e.driftAlarms(), 0, f);
        }
        return propensity.diagnostics(f);
    }

    /** The event types the models watch (label and forecast types), which the schema must resolve. */
    public static List<String> watchedTypes(ModelsConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        List<String> watched = new ArrayList<>();
        config.propensity().ifPresent(p -> watched.add(p.labelType()));
        config.forecast().ifPresent(f -> watched.add(f.type()));
        config.recommend().ifPresent(r -> {
            watched.addAll(r.weights().keySet());
            watched.addAll(r.exclude());
        });
        return watched;
    }

    /** Labels what can be labelled at {@code endTime} and waits for every model's background work. */
    @Override
    public void finish(long endTime) throws InterruptedException {
        if (propensity != null) {
            propensity.finish(endTime);
        }
        if (segments != null) {
            segments.finish(endTime);
        }
        if (forecast != null) {
            forecast.finish(endTime);
        }
        if (recommender != null) {
            recommender.finish(endTime);
        }
    }

    @Override
    public void awaitIdle() throws InterruptedException {
        // a model's background task may hand work to no other model, so one pass over them suffices
        if (propensity != null) {
            propensity.awaitIdle();
        }
        if (segments != null) {
            segments.awaitIdle();
        }
        if (forecast != null) {
            forecast.awaitIdle();
        }
        if (recommender != null) {
            recommender.awaitIdle();
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
        return new Explanation(s.user(), asOf,
                Optional.ofNullable(propensity == null ? null : propensity.explain(s, asOf)),
                Optional.ofNullable(segments == null ? null : segments.explain(s, asOf)),
                Optional.ofNullable(forecast == null ? null : forecast.explain(s, asOf)));
    }
}
