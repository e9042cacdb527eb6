package dev.profilekit.core.live.propensity;

import dev.profilekit.core.live.LabelledExample;
import dev.profilekit.core.live.ModelDiagnostics;
import dev.profilekit.core.live.VectorPipeline;
import dev.profilekit.core.live.internal.DiagnosticsRecorder;
import dev.profilekit.core.live.internal.PrequentialStats;
import dev.profilekit.core.live.internal.TrackingExecutor;
import dev.profilekit.core.live.internal.Vectors;
import dev.profilekit.core.spi.FeatureAccess;
import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.core.spi.ModelOutputs;
import dev.profilekit.core.spi.ModelStatus;
import dev.profilekit.core.spi.Prequential;
import dev.profilekit.core.spi.UserView;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import dev.profilekit.models.drift.Adwin;
import dev.profilekit.models.drift.DriftDetector;
import dev.profilekit.models.drift.PageHinkley;
import dev.profilekit.models.metrics.ClassificationMetrics;
import dev.profilekit.models.regression.LogisticModel;
import dev.profilekit.models.regression.LogisticOptions;
import dev.profilekit.models.regression.LogisticRegression;
import dev.profilekit.models.regression.OnlineLogisticOptions;
import dev.profilekit.models.regression.OnlineLogisticRegression;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live propensity model, as its own {@link LiveModel}: point-in-time sampling and delayed labelling of
 * examples, prequential scoring of each labelled example, an online AdaGrad logistic
 * regression that learns from it and publishes a new immutable version every {@code publish_every} labels,
 * and background batch retrains (every {@code retrain_every} labels or on a drift alarm) on a bounded ring of
 * the most recent labelled examples. A retrained model replaces the live one only if its AUC on a holdout of
 * the most recent examples is no worse than the live model's by more than {@code swap_margin}.
 *
 * <p>Scoring reads the {@code live} reference once (a volatile read), so every score comes from exactly one
 * version. Learning is serialised by {@code lock}; it is taken only when a label resolves, never on the plain
 * event path, and never while waiting for a retrain: retrains run on the given executor and only the final
 * swap takes the lock.
 *
 * <p>Sampling: at most one example per user per {@code sample_interval}, taken at an accepted event that is
 * the user's latest (so the profile is exactly as of that event and nothing later can leak in). Labels: an
 * example at {@code t} gets label 1 when the user has an accepted {@code label_type} event in
 * {@code (t, t + horizon]}, and label 0 once the global event time (the largest accepted time over all users)
 * passes {@code t + horizon + allowed_lateness} without one. Pending examples are bounded per user by
 * {@code ⌈(horizon + lateness) / sample_interval⌉ + 1}; each holds one raw vector.
 *
 * <p>Locks: an ingesting thread holds its user's lock and may take {@code lock} (never the other way round).
 * Label-0 resolution runs after the user lock is released, under a try-lock, and takes one user lock at a time.
 */
public final class LivePropensity implements LiveModel<PropensityModel> {

    private static final long WATERMARK_STEP_MS = 1000;

    /** Per-user state; guarded by the user's lock. */
    static final class UserState {
        long lastSample = Long.MIN_VALUE;
        /** Pending examples of this user, oldest first. */
        final List<PendingExample> pending = new ArrayList<>(2);
        double score = Double.NaN;
        long scoreVersion;
    }

    private static final Logger LOG = LoggerFactory.getLogger(LivePropensity.class);

    final PropensityConfig config;
    final VectorPipeline.Bound vectors;
    private final Function<UserView, UserState> stateOf;
    /** Called under a user's lock before {@link #resolveNegative} changes that user's state (snapshots). */
    private final Consumer<UserView> beforeChange;
    private final TrackingExecutor executor;
    private final long horizon;
    private final long lateness;
    private final long sampleInterval;
    private final int labelTypeId;
    private final ConcurrentLinkedQueue<PendingExample> queue = new ConcurrentLinkedQueue<>();
    /**
     * Examples waiting for a label, over all users' states (in memory or in a backing store). With a store the queue
     * also holds examples whose user's state left memory and was labelled 1 on a decoded copy, so it is not counted.
     */
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
    /** Finds a user's live view when the one an example kept has left memory. */
    private final dev.profilekit.core.live.UserDirectory directory;
    private final AtomicLong watermark = new AtomicLong(Long.MIN_VALUE);
    private final ReentrantLock drainLock = new ReentrantLock();
    private final ThreadLocal<double[]> rawScratch;
    private final Consumer<PropensityModel> modelListener;
    private final Consumer<LabelledExample> exampleListener;
    private final Object lock = new Object();
    private volatile PropensityModel live;
    private long lastVersion;
    private OnlineLogisticRegression learner;
    private final double[] scratch;
    private final PrequentialStats stats;
    private final DriftDetector drift;
    private long driftAlarms;
    private long retrains;
    private long rejectedRetrains;
    // ring of the most recent labelled examples
    private final double[][] xs;
    private final int[] ys;
    /** The user of each stored example, so that forgetting a user removes them. */
    private final String[] ringUsers;
    private int ringNext;
    private int ringCount;
    private long labels;
    private long positives;
    private long labelsSinceRetrain;
    private long labelsSincePublish;
    private final AtomicBoolean retraining = new AtomicBoolean();
    /**
     * What the report charts need (see {@link ModelDiagnostics}); guarded by {@code lock}. Part of the snapshot
     * state, so a restored model goes on recording as the one that wrote the snapshot.
     */
    private DiagnosticsRecorder diagnostics = new DiagnosticsRecorder(ModelDiagnostics.DEFAULT_RESERVOIR);

    /**
     * @param stateOf   this model's per-user state in a view (its {@link #newUserState()}, wherever the holder of
     *                  the model keeps it)
     * @param directory finds a user's live view when the one a pending example kept has left memory
     */
    LivePropensity(PropensityConfig config, FeatureAccess schema, Executor executor,
                   Consumer<PropensityModel> modelListener, Consumer<LabelledExample> exampleListener,
                   Function<UserView, UserState> stateOf, Consumer<UserView> beforeChange,
                   dev.profilekit.core.live.UserDirectory directory) {
        this.config = config;
        this.beforeChange = beforeChange;
        this.directory = directory;
        try {
            this.vectors = VectorPipeline.of(config.features()).bind(schema);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("propensity." + e.getMessage(), e);
        }
        this.stateOf = stateOf;
        this.executor = new TrackingExecutor(executor);
        this.modelListener = modelListener;
        this.exampleListener = exampleListener;
        this.horizon = config.horizon().toMillis();
        this.sampleInterval = config.sampleInterval().toMillis();
        this.lateness = Math.max(0, schema.latenessMs());
        this.labelTypeId = schema.typeId(config.labelType());
        int d = vectors.dimension();
        this.scratch = new double[d];
        this.rawScratch = ThreadLocal.withInitial(() -> new double[d]);
        this.stats = new PrequentialStats(config.recentWindow());
        this.drift = switch (config.drift()) {
            case "adwin" -> Adwin.of(0.002);
            case "page_hinkley" -> PageHinkley.of(0.05, 50).withMinInstances(200);
            default -> null;
        };
        this.xs = new double[config.trainingWindow()][];
        this.ys = new int[config.trainingWindow()];
        this.ringUsers = new String[config.trainingWindow()];
    }

    PropensityModel live() {
        return live;
    }

    /**
     * Prequential step for one resolved example: score it with the live version, record the metrics and the
     * drift statistic, learn from it, and only then decide about a retrain (which, with an inline executor,
     * runs right here and replaces the live model). Public for hosts that sample and label examples themselves
     * (profile-flink's trainer, which receives them from the keyed operators): called in the order this model
     * would resolve them, it learns exactly as this model does.
     *
     * @param user the example's user
     * @param time the example's time (its sampling time)
     * @param x    its raw vector ({@link VectorPipeline.Bound#raw}); kept, not copied
     * @param y    its label, 0 or 1
     */
    public void learn(String user, long time, double[] x, int y) {
        LabelledExample example;
        synchronized (lock) {
            PropensityModel m = live;
            double p = m != null ? m.score(x) : (positives + 1.0) / (labels + 2.0);
            double loss = stats.add(p, y);
            boolean alarm = drift != null && drift.update(loss);
            diagnostics.example(time, p, y, m == null ? 0 : m.version(), alarm, stats);
            xs[ringNext] = x;
            ys[ringNext] = y;
            ringUsers[ringNext] = user;
            ringNext = (ringNext + 1) % xs.length;
            ringCount = Math.min(ringCount + 1, xs.length);
            labels++;
            positives += y;
            labelsSinceRetrain++;
            if (m != null) {
                m.pipeline().transform(x, scratch);
                learner.learn(scratch, y);
                if (++labelsSincePublish >= config.publishEvery()) {
                    publish(PropensityModel.of(++lastVersion, "online", m.pipeline(), learner.snapshot(),
                            m.trainedOn() + labelsSincePublish));
                }
            }
            example = exampleListener == null ? null
                    : new LabelledExample(user, time, x.clone(), y, p, m == null ? 0 : m.version());
            if (alarm) {
                driftAlarms++;
                LOG.info("drift alarm #{} on the prequential log loss after {} labels; retraining", driftAlarms, labels);
            }
            boolean firstFitDue = m == null && ringCount >= config.minExamples()
                    && labelsSinceRetrain >= Math.max(1, config.minExamples() / 4);
            if (alarm || firstFitDue || (m != null && labelsSinceRetrain >= config.retrainEvery())) {
                requestRetrain();
            }
        }
        if (example != null) {
            exampleListener.accept(example);
        }
    }

    /**
     * Caller holds {@code lock}. The model listener is told later, by {@link #deliver()}, outside this lock
     * and outside every user's lock, so that it may call any read method of the updater.
     */
    private void publish(PropensityModel m) {
        live = m;
        diagnostics.published(m.version(), m.origin());
        labelsSincePublish = 0;
        if (modelListener != null) {
            published.add(m);
        }
    }

    /** Versions published but not yet told to the model listener, oldest first. */
    private final java.util.concurrent.ConcurrentLinkedQueue<PropensityModel> published =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.locks.ReentrantLock delivering = new java.util.concurrent.locks.ReentrantLock();

    /**
     * Tells the model listener of every version published so far, in order, on the calling thread, which
     * holds no lock of the engine's: after an event ({@link #afterEvent}), at the end of a replay and when
     * waiting for the models. One thread delivers at a time.
     */
    void deliver() {
        if (modelListener == null || published.isEmpty() || !delivering.tryLock()) {
            return;
        }
        try {
            PropensityModel m;
            while ((m = published.poll()) != null) {
                try {
                    modelListener.accept(m);
                } catch (RuntimeException e) {
                    LOG.warn("model listener failed on version {}", m.version(), e);
                }
            }
        } finally {
            delivering.unlock();
        }
    }

    /** Caller holds {@code lock}: copies the recent examples and hands the fit to the executor. */
    private void requestRetrain() {
        if (ringCount < config.minExamples() || !retraining.compareAndSet(false, true)) {
            return;
        }
        labelsSinceRetrain = 0;
        int n = ringCount;
        double[][] x = new double[n][];
        int[] y = new int[n];
        int start = (ringNext - n + xs.length) % xs.length; // oldest first
        for (int i = 0; i < n; i++) {
            int at = (start + i) % xs.length;
            x[i] = xs[at];
            y[i] = ys[at];
        }
        PropensityModel current = live;
        long snapshotLabels = labels;
        try {
            executor.execute(() -> retrain(x, y, current, snapshotLabels));
        } catch (RuntimeException e) {
            retraining.set(false);
            LOG.warn("retrain could not be scheduled", e);
        }
    }

    /**
     * Fits on a copy of the recent examples taken when the retrain was requested (after {@code snapshotLabels}
     * labels). Examples labelled while it ran were learned online by the live model; when the fit is swapped
     * in, the new learner learns them again, in order, so that no online update is lost across the swap.
     */
    private void retrain(double[][] x, int[] y, PropensityModel current, long snapshotLabels) {
        try {
            int n = x.length;
            int holdout = Math.max(1, (int) Math.round(n * config.holdoutFraction()));
            int train = n - holdout;
            boolean accept = true;
            double candidateAuc = Double.NaN;
            double liveAuc = Double.NaN;
            if (current != null && hasBothClasses(y, 0, train) && hasBothClasses(y, train, n)) {
                PropensityModel candidate = fit(x, y, 0, train, 0).model();
                candidateAuc = auc(candidate, x, y, train, n);
                liveAuc = auc(current, x, y, train, n);
                accept = candidateAuc >= liveAuc - config.swapMargin();
            }
            if (!hasBothClasses(y, 0, n)) {
                accept = false;
            }
            Fitted f = accept ? fit(x, y, 0, n, 0) : null; // the expensive part, outside the lock
            synchronized (lock) {
                if (accept) {
                    learner = OnlineLogisticRegression.warmStart(f.lr(),
                            OnlineLogisticOptions.learningRate(config.learningRate()).l2(config.onlineL2()));
                    int since = (int) Math.min(labels - snapshotLabels, ringCount);
                    VectorPipeline pipeline = f.model().pipeline();
                    for (int i = since; i > 0; i--) { // oldest first
                        int at = Math.floorMod(ringNext - i, xs.length);
                        pipeline.transform(xs[at], scratch);
                        learner.learn(scratch, ys[at]);
                    }
                    PropensityModel fitted = since == 0 ? f.model().withVersion(++lastVersion, "batch")
                            : PropensityModel.of(++lastVersion, "batch", pipeline, learner.snapshot(), n + since);
                    retrains++;
                    publish(fitted);
                    LOG.debug("retrained propensity model v{} on {} examples (holdout AUC {} vs live {})",
                            fitted.version(), n, candidateAuc, liveAuc);
                } else {
                    rejectedRetrains++;
                    LOG.debug("retrained model rejected: holdout AUC {} vs live {}", candidateAuc, liveAuc);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("propensity retrain failed", e);
        } finally {
            retraining.set(false);
        }
    }

    private static boolean hasBothClasses(int[] y, int from, int to) {
        boolean zero = false;
        boolean one = false;
        for (int i = from; i < to; i++) {
            zero |= y[i] == 0;
            one |= y[i] == 1;
        }
        return zero && one;
    }

    private record Fitted(PropensityModel model, LogisticModel lr) {
    }

    private Fitted fit(double[][] x, int[] y, int from, int to, long version) {
        int d = vectors.dimension();
        VectorPipeline pipeline = vectors.pipeline().fit(vectors.columns(), x, from, to);
        double[][] z = new double[to - from][d];
        int[] labels = new int[to - from];
        for (int i = from; i < to; i++) {
            pipeline.transform(x[i], z[i - from]);
            labels[i - from] = y[i];
        }
        LogisticModel lr = LogisticRegression.fit(z, labels, vectors.columns(),
                LogisticOptions.l2(config.batchL2()).tolerance(1e-6).maxIterations(200));
        return new Fitted(PropensityModel.of(version, "batch", pipeline, lr, to - from), lr);
    }

    private static double auc(PropensityModel m, double[][] x, int[] y, int from, int to) {
        double[] s = new double[to - from];
        int[] labels = new int[to - from];
        for (int i = from; i < to; i++) {
            s[i - from] = m.score(x[i]);
            labels[i - from] = y[i];
        }
        return ClassificationMetrics.rocAuc(labels, s);
    }

    /** The recorded diagnostics, with the given forecast part. */
    public ModelDiagnostics diagnostics(ModelDiagnostics.Forecast forecast) {
        synchronized (lock) {
            return diagnostics.snapshot(forecast);
        }
    }

    Prequential prequential() {
        synchronized (lock) {
            return stats.snapshot();
        }
    }

    long driftAlarms() {
        synchronized (lock) {
            return driftAlarms;
        }
    }

    long retrains() {
        synchronized (lock) {
            return retrains;
        }
    }

    long rejectedRetrains() {
        synchronized (lock) {
            return rejectedRetrains;
        }
    }

    boolean retraining() {
        return retraining.get();
    }

    // ---- LiveModel ----

    /** The pipeline of the model's raw vector, unfitted (see {@code LiveModels.propensityPipeline()}). */
    public VectorPipeline pipeline() {
        return vectors.pipeline();
    }

    @Override
    public Object newUserState() {
        return new UserState();
    }

    /** Rejects the event (OVERFLOW) when the user's input to the live model would be non-finite. */
    @Override
    public void checkInputs(UserView s, long asOf) {
        PropensityModel m = live;
        if (!vectors.finiteInputs(s, asOf, m == null ? null : m.pipeline())) {
            throw new InvalidEventException(
                    InvalidEventException.Reason.OVERFLOW,
                    "the propensity input of user '" + s.user() + "' would be non-finite");
        }
    }

    @Override
    public void observe(UserView s, int typeId, long t) {
        UserState u = stateOf.apply(s);
        if (typeId == labelTypeId && !u.pending.isEmpty()) {
            resolvePositives(s, u, t);
        }
        long latestTime = s.latestTime();
        boolean due = t == latestTime && Vectors.due(u.lastSample, t, sampleInterval);
        PropensityModel m = live;
        if (!due && m == null) {
            return;
        }
        double[] x = rawScratch.get(); // the user's vector at the latest event, read once for sample and score
        vectors.raw(s, latestTime, x);
        if (due) {
            u.lastSample = t;
            PendingExample p = new PendingExample(s, t, x.clone());
            u.pending.add(p);
            queue.add(p);
            waiting.incrementAndGet();
        }
        if (m != null) { // the score at the user's latest event, kept for lastScores; allocates nothing
            u.score = m.score(x);
            u.scoreVersion = m.version();
        }
    }

    private void resolvePositives(UserView s, UserState u, long labelTime) {
        List<PendingExample> list = u.pending;
        for (int i = 0; i < list.size(); i++) {
            PendingExample p = list.get(i);
            if (p.label < 0 && labelTime > p.time && labelTime <= p.time + horizon) {
                p.label = 1;
                waiting.decrementAndGet();
                learn(s.user(), p.time, p.features, 1);
            }
        }
        list.removeIf(p -> p.label >= 0);
    }

    /** After the user's lock was released: advance the global event time and resolve expired examples. */
    @Override
    public void afterEvent(long t) {
        long wm = watermark.get();
        if (t >= wm + WATERMARK_STEP_MS && watermark.compareAndSet(wm, Math.max(wm, t))) {
            resolveExpired(t); // otherwise another thread moved the watermark; it resolves
        }
        deliver();
    }

    private void resolveExpired(long wm) {
        if (!drainLock.tryLock()) {
            return;
        }
        try {
            PendingExample head;
            while ((head = queue.peek()) != null && head.time + horizon + lateness < wm) {
                queue.poll();
                resolveNegative(head);
            }
        } finally {
            drainLock.unlock();
        }
    }

    @Override
    public int forget(UserView s) {
        UserState u = stateOf.apply(s);
        int removed = 0;
        for (PendingExample p : u.pending) {
            p.label = PendingExample.FORGOTTEN; // resolves to nothing if a drain already holds it
        }
        removed += u.pending.size();
        waiting.addAndGet(-u.pending.size());
        u.pending.clear();
        String user = s.user();
        queue.removeIf(p -> { // also the examples of views of the user that left memory (a backing store)
            if (p.owner == s || p.owner.user().equals(user)) {
                p.label = PendingExample.FORGOTTEN;
                return true;
            }
            return false;
        });
        synchronized (lock) {
            int n = ringCount;
            int start = (ringNext - n + xs.length) % xs.length;
            int kept = 0;
            double[][] keptX = new double[n][];
            int[] keptY = new int[n];
            String[] keptU = new String[n];
            for (int i = 0; i < n; i++) {
                int at = (start + i) % xs.length;
                if (s.user().equals(ringUsers[at])) {
                    removed++;
                } else {
                    keptX[kept] = xs[at];
                    keptY[kept] = ys[at];
                    keptU[kept] = ringUsers[at];
                    kept++;
                }
            }
            if (kept < n) {
                refillRing(keptX, keptY, keptU, kept);
            }
        }
        return removed;
    }

    /** Caller holds {@code lock}: the ring holds exactly the first {@code n} given examples, oldest first. */
    private void refillRing(double[][] x, int[] y, String[] users, int n) {
        java.util.Arrays.fill(xs, null);
        java.util.Arrays.fill(ringUsers, null);
        for (int i = 0; i < n; i++) {
            xs[i] = x[i];
            ys[i] = y[i];
            ringUsers[i] = users[i];
        }
        ringCount = n;
        ringNext = n % xs.length;
    }

    /**
     * Labels {@code p} 0 (its horizon ended without a label) unless it was labelled or forgotten meanwhile, in the
     * user's live view: there the example is {@code p} itself or, when the user's state left memory for a backing
     * store and came back, a decoded copy with the same time (gone when the copy was labelled 1 meanwhile).
     */
    private void resolveNegative(PendingExample p) {
        UserView v = p.owner;
        while (v != null && p.label < 0) {
            synchronized (v) {
                if (p.label >= 0) {
                    return;
                }
                if (directory.current(v)) {
                    List<PendingExample> own = stateOf.apply(v).pending;
                    PendingExample held = v == p.owner ? p : byTime(own, p.time);
                    if (held != null) {
                        beforeChange.accept(v);
                        held.label = 0;
                        p.label = 0;
                        own.remove(held);
                        waiting.decrementAndGet();
                        learn(v.user(), held.time, held.features, 0);
                    }
                    return;
                }
            }
            v = directory.find(v.user()); // the view left memory: the user's live one, loaded if needed
        }
    }

    /** The example of {@code list} sampled at {@code time} (a user samples at most once per time), or null. */
    private static PendingExample byTime(List<PendingExample> list, long time) {
        for (PendingExample e : list) {
            if (e.time == time) {
                return e;
            }
        }
        return null;
    }

    @Override
    public ModelOutputs score(UserView s, long asOf) {
        PropensityModel m = live;
        if (m == null) {
            return ModelOutputs.of(ModelOutputs.PROPENSITY, null, 0);
        }
        return ModelOutputs.of(ModelOutputs.PROPENSITY, m.score(vectors.raw(s, asOf)), m.version());
    }

    @Override
    public ModelOutputs lastScores(UserView s) {
        UserState u = stateOf.apply(s);
        return ModelOutputs.of(ModelOutputs.PROPENSITY, u.score == u.score ? u.score : null, u.scoreVersion);
    }

    @Override
    public PropensityModel snapshot() {
        return live;
    }

    /**
     * Publishes {@code m} as the next version (its pipeline and logistic model, with the next version number);
     * the online learner restarts from its coefficients, and retrains go on as before.
     */
    @Override
    public void swap(PropensityModel m) {
        if (m == null) {
            throw new IllegalArgumentException("version must not be null");
        }
        if (!m.pipeline().sameInputs(vectors.pipeline()) || !m.featureNames().equals(vectors.columns())) {
            throw new IllegalArgumentException("version's inputs " + m.featureNames() + " do not match the configured "
                    + vectors.columns());
        }
        synchronized (lock) {
            learner = OnlineLogisticRegression.warmStart(m.logistic(),
                    OnlineLogisticOptions.learningRate(config.learningRate()).l2(config.onlineL2()));
            publish(m.withVersion(++lastVersion, "swap"));
        }
        deliver(); // the host's thread, outside the engine's locks
    }

    @Override
    public ModelStatus status() {
        PropensityModel m = live;
        synchronized (lock) {
            return new ModelStatus(stats.snapshot(), m == null ? 0 : m.version(), driftAlarms, retrains,
                    rejectedRetrains, 0, 0, pendingExamples());
        }
    }

    /** Number of examples waiting for a label. */
    int pendingExamples() {
        return waiting.get();
    }

    // ---- snapshots ----

    @Override
    public void encodeUserState(Object state, ByteWriter out) {
        UserState u = (UserState) state;
        out.zigZag(u.lastSample).f64(u.score).varLong(u.scoreVersion);
        out.varInt(u.pending.size());
        for (PendingExample p : u.pending) {
            out.zigZag(p.time);
            Vectors.writeVector(out, p.features);
        }
    }

    @Override
    public Object decodeUserState(ByteReader in, UserView owner) {
        UserState u = new UserState();
        u.lastSample = in.zigZag();
        u.score = in.f64();
        u.scoreVersion = in.varLong();
        int n = in.count(9);
        for (int i = 0; i < n; i++) {
            long time = in.zigZag();
            u.pending.add(new PendingExample(owner, time, Vectors.readVector(in, vectors.dimension())));
        }
        return u;
    }

    @Override
    public void encodeState(ByteWriter out) {
        synchronized (lock) {
            PropensityModel m = live;
            out.nullableString(m == null ? null : m.toJson());
            out.varLong(lastVersion);
            out.bool(learner != null);
            if (learner != null) {
                learner.writeState(out);
            }
            stats.writeState(out);
            out.bool(drift != null);
            if (drift != null) {
                drift.writeState(out);
            }
            out.varLong(driftAlarms).varLong(retrains).varLong(rejectedRetrains);
            out.varInt(ringCount);
            int start = (ringNext - ringCount + xs.length) % xs.length; // oldest first
            for (int i = 0; i < ringCount; i++) {
                int at = (start + i) % xs.length;
                Vectors.writeVector(out, xs[at]);
                out.u8(ys[at]);
                out.string(ringUsers[at]);
            }
            out.varLong(labels).varLong(positives).varLong(labelsSinceRetrain).varLong(labelsSincePublish);
            out.zigZag(watermark.get());
            // by user and time, not by position in the user's list: with a backing store an example's view may have
            // left memory, and its user's stored state holds a copy (or, when the copy was labelled, none)
            List<PendingExample> open = new ArrayList<>();
            for (PendingExample p : queue) {
                if (p.label < 0) {
                    open.add(p);
                }
            }
            out.varInt(open.size());
            for (PendingExample p : open) {
                out.string(p.owner.user()).zigZag(p.time);
            }
            diagnostics.writeState(out);
        }
    }

    @Override
    public void restoreState(ByteReader in, Function<String, UserView> users) {
        String json = in.nullableString();
        PropensityModel m;
        try {
            m = json == null ? null : PropensityModel.fromJson(json);
        } catch (RuntimeException e) {
            throw in.error("unreadable propensity model (" + e.getMessage() + ")");
        }
        long version = in.varLong();
        OnlineLogisticRegression l = null;
        if (in.bool()) {
            if (m == null) {
                throw in.error("a propensity learner without a published model");
            }
            l = OnlineLogisticRegression.warmStart(m.logistic(),
                    OnlineLogisticOptions.learningRate(config.learningRate()).l2(config.onlineL2()));
            l.readState(in);
        }
        PrequentialStats st = new PrequentialStats(config.recentWindow());
        st.readState(in);
        boolean hasDrift = in.bool();
        if (hasDrift != (drift != null)) {
            throw in.error("drift detector state does not match the configuration");
        }
        if (hasDrift) {
            drift.readState(in);
        }
        long alarms = in.varLong();
        long re = in.varLong();
        long rej = in.varLong();
        int count = in.varInt(xs.length);
        double[][] rx = new double[count][];
        int[] ry = new int[count];
        String[] ru = new String[count];
        for (int i = 0; i < count; i++) {
            rx[i] = Vectors.readVector(in, vectors.dimension());
            ry[i] = in.u8();
            ru[i] = in.string();
        }
        long lab = in.varLong();
        long pos = in.varLong();
        long sinceRetrain = in.varLong();
        long sincePublish = in.varLong();
        long wm = in.zigZag();
        int open = in.count(2);
        List<PendingExample> q = new ArrayList<>(open);
        for (int i = 0; i < open; i++) {
            String user = in.string();
            long time = in.zigZag();
            UserView v = users.apply(user);
            if (v == null) {
                throw in.error("a pending example of user '" + user + "', who has no state in the snapshot");
            }
            PendingExample held = byTime(stateOf.apply(v).pending, time);
            if (held != null) { // none: labelled on a copy in the user's stored state (see encodeState)
                q.add(held);
            }
        }
        DiagnosticsRecorder diag = DiagnosticsRecorder.readState(in, ModelDiagnostics.DEFAULT_RESERVOIR);
        synchronized (lock) {
            live = m;
            lastVersion = version;
            learner = l;
            stats.readStateFrom(st);
            driftAlarms = alarms;
            retrains = re;
            rejectedRetrains = rej;
            refillRing(rx, ry, ru, count);
            labels = lab;
            positives = pos;
            labelsSinceRetrain = sinceRetrain;
            labelsSincePublish = sincePublish;
            watermark.set(wm);
            queue.clear();
            queue.addAll(q);
            waiting.set(q.size());
            diagnostics = diag;
        }
    }

    /** Resolves every pending example as if the event time had moved past all horizons (end of a replay). */
    @Override
    public void finish(long endTime) throws InterruptedException {
        List<PendingExample> due = new ArrayList<>();
        drainLock.lock();
        try {
            for (java.util.Iterator<PendingExample> it = queue.iterator(); it.hasNext(); ) {
                PendingExample p = it.next();
                if (p.time + horizon <= endTime) {
                    due.add(p);
                    it.remove();
                }
            }
        } finally {
            drainLock.unlock();
        }
        for (PendingExample p : due) {
            resolveNegative(p);
        }
        awaitIdle();
    }

    @Override
    public void awaitIdle() throws InterruptedException {
        executor.awaitIdle();
        deliver();
    }

    /** Nothing to stop: the executor belongs to whoever built this model. */
    @Override
    public void close() {
    }

    // ---- explanations ----

    /**
     * The score {@link #score} gives {@code s} as of {@code asOf}, taken apart (see {@link PropensityModel#explain});
     * null before the first model. The caller holds the user's lock.
     */
    @Override
    public PropensityExplanation explain(UserView s, long asOf) {
        PropensityModel m = live;
        return m == null ? null : m.explain(vectors.raw(s, asOf));
    }
}
