package dev.profilekit.flink;

import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.live.ModelDiagnostics;
import dev.profilekit.core.live.internal.Vectors;
import dev.profilekit.core.live.propensity.LivePropensity;
import dev.profilekit.core.live.propensity.PropensityConfig;
import dev.profilekit.core.live.propensity.PropensityModel;
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
 * The learning half of the live propensity model, fed by {@link ModelRecord}s instead of a table of users: the
 * trainer's state ({@link PropensityTrainer}). It keeps the examples waiting for a label and resolves them by the
 * embedded engine's rules ({@link LivePropensity}: label 1 at an accepted label-type event in
 * {@code (t, t + horizon]}, label 0 once event time passes {@code t + horizon + lateness}, checked in steps of
 * one second of event time, oldest example first), and hands each labelled example to the engine's own
 * {@link LivePropensity#learn} (prequential metrics, drift detection, online learning, retrains and their swap
 * rule, diagnostics). Retrains run inline, as in a replay, so that the versions depend only on the order of the
 * records: fed the records of one keyed operator (parallelism 1), it learns exactly what {@code replay --models}
 * learns.
 *
 * <p>Not thread-safe: one trainer instance drives it.
 */
public final class PropensityTraining {

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
    private final LivePropensity propensity;
    private final int dimension;
    private final long horizon;
    private final long lateness;
    /** Every sampled example not yet popped by label-0 resolution, in sampling order (resolved ones included). */
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Each user's unresolved examples, oldest first. */
    private final Map<String, List<Pending>> byUser = new HashMap<>();
    private long watermark = Long.MIN_VALUE;

    /**
     * The training of {@code kernel}'s models configuration (a propensity section only).
     *
     * @throws IllegalArgumentException if the kernel has no models configuration or one with other sections
     */
    public PropensityTraining(ProfileKernel kernel) {
        ModelsConfig config = requirePropensityOnly(kernel.models().orElseThrow(
                () -> new IllegalArgumentException("the kernel has no models configuration")));
        this.models = new LiveModels(config, kernel.features(), Runnable::run, () -> 0, null, null);
        this.propensity = models.model(LivePropensity.class).orElseThrow();
        PropensityConfig p = config.propensity().orElseThrow();
        this.dimension = models.propensityPipeline().orElseThrow().bind(kernel.features()).dimension();
        this.horizon = p.horizon().toMillis();
        this.lateness = Math.max(0, kernel.features().latenessMs());
    }

    /**
     * {@code config} if its only section is propensity.
     *
     * @throws IllegalArgumentException naming the other sections
     */
    static ModelsConfig requirePropensityOnly(ModelsConfig config) {
        List<String> others = new ArrayList<>();
        for (ModelsConfig.Section<?> s : config.sections()) {
            if (!s.plugin().name().equals(ModelOutputs.PROPENSITY)) {
                others.add(s.plugin().name());
            }
        }
        if (!others.isEmpty() || config.propensity().isEmpty()) {
            throw new IllegalArgumentException("the Flink job runs the propensity section of a models configuration "
                    + "only, not " + (others.isEmpty() ? "one without it" : String.join(", ", others))
                    + " (they learn from every user's events at once; run them with replay or the embedded engine)");
        }
        return config;
    }

    /** Applies one record of a keyed operator (in the order that operator emitted them). */
    public void accept(ModelRecord r) {
        switch (r.kind()) {
            case LABEL -> label(r.user(), r.time());
            case SAMPLE -> sample(r.user(), r.time(), r.vector());
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
        propensity.forget(view(user)); // its stored training examples
    }

    /** A view of a user with no state of its own, for the model's forget (which drops the user's stored examples). */
    private UserView view(String user) {
        Object state = models.newUserState();
        return new UserView() {
            @Override
            public String user() {
                return user;
            }

            @Override
            public long latestTime() {
                return Long.MIN_VALUE;
            }

            @Override
            public Object modelState() {
                return state;
            }
        };
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

    /** The published version, or null before the first one. */
    public PropensityModel version() {
        return propensity.snapshot();
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
    public static PropensityTraining decode(ProfileKernel kernel, byte[] bytes) {
        PropensityTraining t = new PropensityTraining(kernel);
        ByteReader in = new ByteReader(bytes, "propensity trainer state");
        int format = in.varInt(Integer.MAX_VALUE);
        if (format != FORMAT) {
            throw in.error("format " + format + ", expected " + FORMAT);
        }
        t.models.restoreState(in, user -> null); // the model's own queue is unused here: no user is asked for
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
