package dev.profilekit.flink;

import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.live.ModelDiagnostics;
import dev.profilekit.core.live.internal.Vectors;
import dev.profilekit.core.live.propensity.LivePropensity;
import dev.profilekit.core.live.propensity.PropensityConfig;
import dev.profilekit.core.live.propensity.PropensityModel;
import dev.profilekit.core.live.segments.LiveSegments;
import dev.profilekit.core.models.LiveModels;
import dev.profilekit.core.models.ModelsConfig;
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
 * state ({@link ModelTrainer}), for a configuration with a propensity section, a segments section or both (the
 * engine's own {@link LiveModels} with retrains inline). For the propensity model it keeps the examples waiting for
 * a label and resolves them by the embedded engine's rules ({@link LivePropensity}: label 1 at an accepted label-type event in
 * {@code (t, t + horizon]}, label 0 once event time passes {@code t + horizon + lateness}, checked in steps of
 * one second of event time, oldest example first), and hands each labelled example to the engine's own
 * {@link LivePropensity#learn} (prequential metrics, drift detection, online learning, retrains and their swap
 * rule, diagnostics). Retrains run inline, as in a replay, so that the versions depend only on the order of the
 * records: fed the records of one keyed operator (parallelism 1), it learns exactly what {@code replay --models}
 * learns. Segment samples go to the engine's own {@link LiveSegments#sample} in their order (online k-means,
 * publication every 100 samples, refits inline), so at parallelism 1 the segments are replay's too.
 *
 * <p>Not thread-safe: one trainer instance drives it.
 */
public final class ModelTraining {

    /** The embedded engine's step of label-0 resolution ({@code LivePropensity}'s event-time step). */
    static final long TICK_STEP_MS = 1000;

    private static final int FORMAT = 1;

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
     * The training of {@code kernel}'s models configuration (propensity and segments sections only).
     *
     * @throws IllegalArgumentException if the kernel has no models configuration or one with other sections
     */
    public ModelTraining(ProfileKernel kernel) {
        ModelsConfig config = requireSupported(kernel.models().orElseThrow(
                () -> new IllegalArgumentException("the kernel has no models configuration")));
        this.models = new LiveModels(config, kernel.features(), Runnable::run, () -> 0, null, null);
        this.propensity = models.model(LivePropensity.class).orElse(null);
        this.segments = models.model(LiveSegments.class).orElse(null);
        this.dimension = models.propensityPipeline().map(v -> v.bind(kernel.features()).dimension()).orElse(0);
        this.segmentsDimension = models.segmentsPipeline().map(v -> v.bind(kernel.features()).dimension())
                .orElse(0);
        this.horizon = config.propensity().map(p -> p.horizon().toMillis()).orElse(0L);
        this.lateness = Math.max(0, kernel.features().latenessMs());
    }

    /** The sections the Flink job runs. */
    static final List<String> SUPPORTED = List.of(ModelOutputs.PROPENSITY, ModelOutputs.SEGMENTS);

    /**
     * {@code config} if its sections are among {@link #SUPPORTED}.
     *
     * @throws IllegalArgumentException naming the other sections
     */
    static ModelsConfig requireSupported(ModelsConfig config) {
        List<String> others = new ArrayList<>();
        for (ModelsConfig.Section<?> s : config.sections()) {
            if (!SUPPORTED.contains(s.plugin().name())) {
                others.add(s.plugin().name());
            }
        }
        if (!others.isEmpty()) {
            throw new IllegalArgumentException("the Flink job runs the propensity and segments sections of a models "
                    + "configuration, not " + String.join(", ", others)
                    + " (run them with replay or the embedded engine)");
        }
        return config;
    }

    /** Applies one record of a keyed operator (in the order that operator emitted them). */
    public void accept(ModelRecord r) {
        switch (r.kind()) {
            case LABEL -> label(r.user(), r.time());
            case SAMPLE -> sample(r.user(), r.time(), r.vector());
            case SEGMENT_SAMPLE -> segmentSample(r.user(), r.vector());
            case TICK -> tick(r.time());
            case FORGET -> forget(r.user());
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

    private void tick(long t) {
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

    private void forget(String user) {
        byUser.remove(user);
        queue.removeIf(p -> p.user.equals(user));
        models.forget(new NamedView(user, models.newUserState())); // stored examples, the segments' refit row
    }

    /**
     * A user known by name only, equal to every view of the same name: the segments' refit window keys its rows
     * by view, and here a user's samples arrive as records, each with a new view. It has no features: the models
     * only read the user's name from it (forget, refit rows, snapshots).
     */
    private record NamedView(String user, Object modelState) implements UserView {
        @Override
        public long latestTime() {
            return Long.MIN_VALUE;
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
    }

    /** The published propensity version, or null before the first one or without a propensity section. */
    public PropensityModel version() {
        return propensity == null ? null : propensity.snapshot();
    }

    /** The published segments version, or null before the first one or without a segments section. */
    public dev.profilekit.core.live.segments.SegmentsModel segmentsVersion() {
        return segments == null ? null : segments.snapshot();
    }

    /** The outputs the embedded engine gives {@code user} as of {@code asOf} with the published version. */
    public ModelOutputs score(UserView user, long asOf) {
        return models.score(user, asOf);
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
        if (format != FORMAT) {
            throw in.error("format " + format + ", expected " + FORMAT);
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
        in.expectEnd();
        return t;
    }
}
