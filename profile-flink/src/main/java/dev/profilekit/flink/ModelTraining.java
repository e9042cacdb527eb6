package dev.profilekit.flink;

import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.live.ModelDiagnostics;
import dev.profilekit.core.live.internal.Vectors;
import dev.profilekit.core.live.forecast.ForecastModel;
import dev.profilekit.core.live.forecast.LiveForecast;
import dev.profilekit.core.live.propensity.LivePropensity;
import dev.profilekit.core.live.propensity.PropensityConfig;
import dev.profilekit.core.live.propensity.PropensityModel;
import dev.profilekit.core.live.recommend.LiveRecommender;
import dev.profilekit.core.live.recommend.RecommendConfig;
import dev.profilekit.core.live.recommend.RecommendStats;
import dev.profilekit.core.live.recommend.Recommendation;
import dev.profilekit.core.live.segments.LiveSegments;
import dev.profilekit.core.models.LiveModels;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.core.spi.ModelOutputs;
import dev.profilekit.core.spi.ModelStatus;
import dev.profilekit.core.spi.UserView;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The learning half of the live models, fed by {@link ModelRecord}s instead of a table of users: the trainer's
 * state ({@link ModelTrainer}), for a configuration with any of the sections (propensity, segments, forecast,
 * recommend: the engine's own {@link LiveModels} with retrains and refits inline). For the propensity model it
 * keeps the examples waiting for a label and resolves them by the embedded engine's rules ({@link LivePropensity}:
 * label 1 at an accepted label-type event in {@code (t, t + horizon]}, label 0 once event time passes {@code t + horizon + lateness}, checked in steps of
 * one second of event time, oldest example first), and hands each labelled example to the engine's own
 * {@link LivePropensity#learn} (prequential metrics, drift detection, online learning, retrains and their swap
 * rule, diagnostics). Retrains run inline, as in a replay, so that the versions depend only on the order of the
 * records: fed the records of one keyed operator (parallelism 1), it learns exactly what {@code replay --models}
 * learns. Segment samples go to the engine's own {@link LiveSegments#sample} in their order (online k-means,
 * publication every 100 samples, refits inline), so at parallelism 1 the segments are replay's too.
 *
 * <p>The forecast ({@link LiveForecast}) and the recommender ({@link LiveRecommender}) keep per-user state that
 * their shared update reads: the forecast's daily counts (and, for the LSTM, the user's window copied into the
 * training table on a new day), the recommender's recent items with their affinities (each new item event adds
 * co-occurrences with them to the shared table) and its marked items. That state is kept here, by user key,
 * not in the keyed operator: the trainer runs the engine's own {@code observe} on it for each
 * {@link ModelRecord.Kind#OBSERVE} record, in the records' order, and the engine's own {@code afterEvent} on
 * each tick (a forecast refit inline when a day completes). The alternative, shipping the user's state in each
 * record and back, would send the state twice per event for no gain: the recommender's update and evaluation
 * need the shared table and the user's items together. The cost is memory on the trainer: per user the
 * forecast's {@code days} counts and the recommender's {@code max_recent_items} items. The forecast pools
 * its series over the number of users with a profile, which the embedded engine reads from its table: here the
 * users the keyed operators announced ({@link ModelRecord.Kind#USER}, at a user's first event), less those
 * forgotten.
 *
 * <p>Expiry (a TTL): the embedded engine resets an expired user's state at the user's next event, and there
 * its models forget the user (pending and stored examples, the segments' refit row, the LSTM's window, the
 * recommender's kept events) and the user starts with a new model state, still counted in the table. The
 * keyed operator sends {@link ModelRecord.Kind#EXPIRE} at that event, before the event's own records, and this
 * does the same. The engine's table also drops expired states when a segment of it grows, and its models forget
 * those users then; where that happens depends on the table's hash key, drawn per process, and it does not
 * happen while the table needs no growth (a few hundred users with the default sizing), so no replay can be
 * compared with there. The Flink job does not forget a user at such a point: an expired user who never returns
 * keeps its (bounded) stored examples and stays counted, as in a replay whose table did not grow.
 *
 * <p>Not thread-safe: one trainer instance drives it.
 */
public final class ModelTraining {

    /** The embedded engine's step of label-0 resolution ({@code LivePropensity}'s event-time step). */
    static final long TICK_STEP_MS = 1000;

    /** 2: with the per-user model states at the end; 1: without (propensity and segments only). */
    private static final int FORMAT = 2;

    /** An example waiting for its label. */
    private static final class Pending {
        final String user;
        final long time;
        final double[] x;
        /** -1 while pending, else the label. */
        int label = -1;

        Pending(String user, long time, double[] x) {
            this.user = user;
            this.time = time;
            this.x = x;
        }
    }

    private final LiveModels models;
    /** The forecast, or null without a forecast section. */
    private final LiveForecast forecast;
    /** The recommender, or null without a recommend section. */
    private final LiveRecommender recommender;
    /** The recommender's item attribute, or null. */
    private final String itemField;
    /**
     * The engine's per-user model state ({@link LiveModels#newUserState()}) of each user the forecast counts or the
     * recommender observed, by user key: the forecast's daily counts and the recommender's recent items, which their
     * shared updates read and write, and their outputs at the end. Kept here, not in the keyed operator's state,
     * so that the trainer runs the engine's own {@code observe} on them in the records' order.
     */
    private final Map<String, Object> users = new HashMap<>();
    /** The propensity model, or null without a propensity section. */
    private final LivePropensity propensity;
    /** The segments model, or null without a segments section. */
    private final LiveSegments segments;
    private final int dimension;
    private final int segmentsDimension;
    private final long horizon;
    private final long lateness;
    /** Every sampled example not yet popped by label-0 resolution, in sampling order (resolved ones included). */
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Each user's unresolved examples, oldest first. */
    private final Map<String, List<Pending>> byUser = new HashMap<>();
    private long watermark = Long.MIN_VALUE;

    /**
     * The training of {@code kernel}'s models configuration.
     *
     * @throws IllegalArgumentException if the kernel has no models configuration
     */
    public ModelTraining(ProfileKernel kernel) {
        ModelsConfig config = kernel.models().orElseThrow(
                () -> new IllegalArgumentException("the kernel has no models configuration"));
        this.models = new LiveModels(config, kernel.features(), Runnable::run, users::size, null, null);
        this.propensity = models.model(LivePropensity.class).orElse(null);
        this.segments = models.model(LiveSegments.class).orElse(null);
        this.forecast = models.model(LiveForecast.class).orElse(null);
        this.recommender = models.model(LiveRecommender.class).orElse(null);
        this.itemField = config.recommend().map(RecommendConfig::itemField).orElse(null);
        this.dimension = models.propensityPipeline().map(v -> v.bind(kernel.features()).dimension()).orElse(0);
        this.segmentsDimension = models.segmentsPipeline().map(v -> v.bind(kernel.features()).dimension())
                .orElse(0);
        this.horizon = config.propensity().map(p -> p.horizon().toMillis()).orElse(0L);
        this.lateness = Math.max(0, kernel.features().latenessMs());
    }

    /** Applies one record of a keyed operator (in the order that operator emitted them). */
    public void accept(ModelRecord r) {
        switch (r.kind()) {
            case LABEL -> label(r.user(), r.time());
            case SAMPLE -> sample(r.user(), r.time(), r.vector());
            case SEGMENT_SAMPLE -> segmentSample(r.user(), r.vector());
            case TICK -> tick(r.time());
            case FORGET -> forget(r.user(), false);
            case EXPIRE -> forget(r.user(), true);
            case USER -> users.computeIfAbsent(r.user(), u -> models.newUserState());
            case OBSERVE -> observe(r);
            default -> throw new IllegalArgumentException("the trainer takes no " + r.kind() + " record");
        }
    }

    private void label(String user, long t) {
        List<Pending> list = byUser.get(user);
        if (list == null) {
            return;
        }
        for (Pending p : list) {
            if (t > p.time && t <= p.time + horizon) {
                p.label = 1;
                propensity.learn(user, p.time, p.x, 1);
            }
        }
        list.removeIf(p -> p.label >= 0);
        if (list.isEmpty()) {
            byUser.remove(user);
        }
    }

    private void sample(String user, long t, double[] x) {
        if (x == null || x.length != dimension) {
            throw new IllegalArgumentException("a sample of user '" + user + "' with " + (x == null ? "no" : x.length)
                    + " inputs; the propensity model has " + dimension);
        }
        Pending p = new Pending(user, t, x);
        byUser.computeIfAbsent(user, u -> new ArrayList<>(2)).add(p);
        queue.add(p);
    }

    private void segmentSample(String user, double[] x) {
        if (segments == null || x == null || x.length != segmentsDimension) {
            throw new IllegalArgumentException("a segments sample of user '" + user + "' with "
                    + (x == null ? "no" : x.length) + " inputs; the segments model has " + segmentsDimension);
        }
        segments.sample(new NamedView(user, null), x);
    }

    /** The forecast's and the recommender's {@code observe} of the record's event, on the user's model state. */
    private void observe(ModelRecord r) {
        String user = r.user();
        NamedView view = new NamedView(user, users.computeIfAbsent(user, u -> models.newUserState()),
                r.latest() ? r.time() : Long.MIN_VALUE);
        if (forecast != null) {
            forecast.observe(view, r.typeId(), r.time());
        }
        if (recommender != null && r.line() != null) {
            recommender.observe(view, r.typeId(), r.time(), Map.of(itemField, r.line()));
        }
    }

    private void tick(long t) {
        if (forecast != null) {
            forecast.afterEvent(t); // its own step rule: a refit when a day completes
        }
        if (t < watermark + TICK_STEP_MS) {
            return;
        }
        watermark = t;
        Pending head;
        while ((head = queue.peek()) != null && head.time + horizon + lateness < t) {
            queue.poll();
            resolveNegative(head);
        }
    }

    private void resolveNegative(Pending p) {
        if (p.label >= 0) {
            return;
        }
        p.label = 0;
        List<Pending> list = byUser.get(p.user);
        list.remove(p);
        if (list.isEmpty()) {
            byUser.remove(p.user);
        }
        propensity.learn(p.user, p.time, p.x, 0);
    }

    /**
     * Forgets the user's examples and model state, as the embedded engine does when it forgets a user (the user
     * leaves the table: {@code expired} false) or resets an expired state at the user's next event (the user
     * stays in the table with a new model state, {@code expired} true): pending and stored examples, the segments'
     * refit row, the LSTM forecast's window, the recommender's kept events.
     */
    private void forget(String user, boolean expired) {
        byUser.remove(user);
        queue.removeIf(p -> p.user.equals(user));
        Object state = users.remove(user);
        models.forget(new NamedView(user, state != null ? state : models.newUserState(), Long.MIN_VALUE));
        if (expired && state != null) {
            users.put(user, models.newUserState());
        }
    }

    /**
     * A user known by name, equal to every view of the same name: the segments' refit window keys its rows by
     * view, and here a user's records arrive one by one, each with a new view. It has no features: the models
     * read from it the user's name, its model state (the forecast's and the recommender's) and whether the event
     * observed is the user's latest ({@code latestTime}; {@code Long.MIN_VALUE} where no event is observed).
     */
    private record NamedView(String user, Object modelState, long latestTime) implements UserView {
        NamedView(String user, Object modelState) {
            this(user, modelState, Long.MIN_VALUE);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof NamedView v && v.user.equals(user);
        }

        @Override
        public int hashCode() {
            return user.hashCode();
        }
    }

    /**
     * Ends the stream at {@code endTime}, as {@code ProfileUpdater.finishReplay} does: every pending example whose
     * horizon ended by then is labelled 0, in sampling order.
     */
    public void finish(long endTime) {
        List<Pending> due = new ArrayList<>();
        for (Iterator<Pending> it = queue.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.time + horizon <= endTime) {
                due.add(p);
                it.remove();
            }
        }
        due.forEach(this::resolveNegative);
        try { // the forecast's and the recommender's (inline: nothing waits); propensity's pending are here
            if (forecast != null) {
                forecast.finish(endTime);
            }
            if (recommender != null) {
                recommender.finish(endTime);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while finishing the models", e);
        }
    }

    /** The published propensity version, or null before the first one or without a propensity section. */
    public PropensityModel version() {
        return propensity == null ? null : propensity.snapshot();
    }

    /** The published segments version, or null before the first one or without a segments section. */
    public dev.profilekit.core.live.segments.SegmentsModel segmentsVersion() {
        return segments == null ? null : segments.snapshot();
    }

    /** The published forecast version, or null before the first one or without a forecast section. */
    public ForecastModel forecastVersion() {
        return forecast == null ? null : forecast.snapshot();
    }

    /**
     * The outputs the embedded engine gives {@code user} as of {@code asOf} with the published versions: the
     * propensity model and the segments read the profile's features from {@code user}, the forecast reads the
     * user's daily counts kept here.
     */
    public ModelOutputs score(UserView user, long asOf) {
        UserView kept = new NamedView(user.user(), userState(user.user()), user.latestTime());
        ModelOutputs out = ModelOutputs.NONE;
        for (String name : models.names()) { // in the models' order, as LiveModels.score joins them
            LiveModel<?> m = model(name);
            out = out.and(m.score(name.equals(ModelOutputs.FORECAST) ? kept : user, asOf));
        }
        return out;
    }

    private LiveModel<?> model(String name) {
        return switch (name) {
            case ModelOutputs.PROPENSITY -> propensity;
            case ModelOutputs.SEGMENTS -> segments;
            case ModelOutputs.FORECAST -> forecast;
            case ModelOutputs.RECOMMEND -> recommender;
            default -> throw new IllegalStateException("no model section " + name);
        };
    }

    /** The user's model state kept here, or a new one for a user the forecast and recommender never saw. */
    private Object userState(String user) {
        Object s = users.get(user);
        return s != null ? s : models.newUserState();
    }

    /**
     * The recommender's {@code k} best items for {@code user} as of {@code asOf}, as {@code replay --models} lists
     * them ({@link LiveRecommender#recommend}), or empty without a recommend section.
     */
    public List<Recommendation> recommend(String user, int k, long asOf) {
        if (recommender == null) {
            return List.of();
        }
        return recommender.recommend(new NamedView(user, userState(user)), k, asOf);
    }

    /** The recommender's prequential evaluation, if a recommend section is configured. */
    public java.util.Optional<RecommendStats> recommendStats() {
        return models.recommendStats();
    }

    /** Prequential metrics, version, drift alarms and retrains, as {@code ProfileUpdater.modelStatus()}. */
    public ModelStatus status() {
        return models.status();
    }

    /** What the model recorded (see {@link LiveModels#diagnostics()}). */
    public ModelDiagnostics diagnostics() {
        return models.diagnostics();
    }

    /** The whole state: the model's (published version, learner, statistics, ring, diagnostics) and the pending examples. */
    public byte[] encode() {
        ByteWriter out = new ByteWriter();
        out.varInt(FORMAT);
        models.encodeState(out);
        out.zigZag(watermark);
        out.varInt(queue.size());
        for (Pending p : queue) {
            out.string(p.user).zigZag(p.time).u8(p.label + 1);
            Vectors.writeVector(out, p.x);
        }
        out.varInt(users.size());
        for (Map.Entry<String, Object> e : users.entrySet()) {
            out.string(e.getKey());
            models.encodeUserState(e.getValue(), out);
        }
        return out.toByteArray();
    }

    /**
     * A training of {@code kernel}'s configuration in the state of {@code bytes} ({@link #encode}).
     *
     * @throws dev.profilekit.features.codec.StateFormatException if the bytes are not such a state
     */
    public static ModelTraining decode(ProfileKernel kernel, byte[] bytes) {
        ModelTraining t = new ModelTraining(kernel);
        ByteReader in = new ByteReader(bytes, "propensity trainer state");
        int format = in.varInt(Integer.MAX_VALUE);
        if (format != FORMAT && format != 1) {
            throw in.error("format " + format + ", expected 1 or " + FORMAT);
        }
        t.models.restoreState(in, user -> new NamedView(user, null)); // the segments' refit rows name their users
        t.watermark = in.zigZag();
        int n = in.count(4);
        for (int i = 0; i < n; i++) {
            String user = in.string();
            long time = in.zigZag();
            int label = in.u8() - 1;
            Pending q = new Pending(user, time, Vectors.readVector(in, t.dimension));
            q.label = label;
            t.queue.add(q);
            if (label < 0) {
                t.byUser.computeIfAbsent(q.user, u -> new ArrayList<>(2)).add(q);
            }
        }
        int users = format == 1 ? 0 : in.count(2);
        for (int i = 0; i < users; i++) {
            String user = in.string();
            t.users.put(user, t.models.decodeUserState(in, new NamedView(user, null)));
        }
        in.expectEnd();
        return t;
    }
}
