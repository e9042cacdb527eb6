package dev.profilekit.core.live;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The live models of one {@link dev.profilekit.core.engine.ProfileUpdater}, as one {@link LiveModel}: point-in-time sampling and delayed labelling of
 * propensity examples, scoring and segmenting on every accepted event, and the activity forecast.
 *
 * <p>Sampling: at most one example per user per {@code sample_interval}, taken at an accepted event that is
 * the user's latest (so the profile is exactly as of that event and nothing later can leak in). Labels: an
 * example at {@code t} gets label 1 when the user has an accepted {@code label_type} event in
 * {@code (t, t + horizon]}, and label 0 once the global event time (the largest accepted time over all users)
 * passes {@code t + horizon + allowed_lateness} without one. Pending examples are bounded per user by
 * {@code ⌈(horizon + lateness) / sample_interval⌉ + 1}; each holds one feature vector.
 *
 * <p>Locks: an ingesting thread holds its user's lock and may take the propensity or segment lock (never the
 * other way round). Label-0 resolution runs after the user lock is released, under a try-lock, and takes one
 * user lock at a time.
 */
public final class LiveModels implements LiveModel<LiveModels.Versions> {

    private static final long WATERMARK_STEP_MS = 1000;

    final LivePropensity propensity;
    final LiveSegments segments;
    final LiveForecast forecast;
    private final long horizon;
    private final long lateness;
    private final long sampleInterval;
    private final long segmentInterval;
    private final int labelTypeId;
    private final int forecastTypeId;
    private final ConcurrentLinkedQueue<PendingExample> pending = new ConcurrentLinkedQueue<>();
    private final AtomicLong watermark = new AtomicLong(Long.MIN_VALUE);
    private final ReentrantLock drainLock = new ReentrantLock();
    private final ThreadLocal<double[]> scratch;

    /**
     * The published versions of the models that are configured (null: not configured or not fitted yet).
     *
     * @param propensity the propensity model
     * @param segments   the segments
     */
    public record Versions(PropensityModel propensity, SegmentsModel segments) {
    }

    private final java.util.concurrent.ExecutorService ownExecutor;
    private final TrackingExecutor work;

    /**
     * The models {@code config} declares, reading features through {@code schema}.
     *
     * @param executor where retrains and refits run; null for one background daemon thread owned (and shut
     *                 down on {@link #close()}) by this object
     * @param users    the number of users with a profile (the forecast pools over them)
     */
    public LiveModels(ModelsConfig config, FeatureAccess schema, Executor executor, IntSupplier users,
                      Consumer<PropensityModel> modelListener, Consumer<LabelledExample> exampleListener) {
        if (config == null || schema == null || users == null) {
            throw new IllegalArgumentException("config, schema and users must not be null");
        }
        this.ownExecutor = executor == null ? java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "profilekit-models");
            t.setDaemon(true);
            return t;
        }) : null;
        this.work = new TrackingExecutor(executor == null ? ownExecutor : executor);
        Executor background = work;
        this.propensity = config.propensity()
                .map(p -> new LivePropensity(p, schema, background, modelListener, exampleListener)).orElse(null);
        this.segments = config.segments().map(s -> new LiveSegments(s, schema, background)).orElse(null);
        this.forecast = config.forecast().map(f -> new LiveForecast(f, background, users)).orElse(null);
        this.horizon = config.propensity().map(p -> p.horizon().toMillis()).orElse(0L);
        this.sampleInterval = config.propensity().map(p -> p.sampleInterval().toMillis()).orElse(0L);
        this.segmentInterval = config.segments().map(s -> s.sampleInterval().toMillis()).orElse(0L);
        this.lateness = Math.max(0, schema.latenessMs());
        this.labelTypeId = config.propensity().map(p -> schema.typeId(p.labelType())).orElse(-1);
        this.forecastTypeId = config.forecast().map(f -> schema.typeId(f.type())).orElse(-1);
        int d = Math.max(propensity == null ? 0 : propensity.vectorizer.dimension(),
                segments == null ? 0 : segments.vectorizer.dimension());
        this.scratch = ThreadLocal.withInitial(() -> new double[Math.max(1, d)]);
    }

    @Override
    public Object newUserState() {
        return new LiveUserState(forecast == null ? 0 : forecast.config.days());
    }

    /**
     * After an accepted event was applied to the features. Caller holds the user's lock. Examples are sampled
     * only when the event is the user's latest ({@code t == maxApplied}), so the profile is exactly as of it.
     */
    @Override
    public void observe(UserView s, int typeId, long t) {
        LiveUserState u = (LiveUserState) s.modelState();
        boolean latest = t == s.latestTime();
        if (forecast != null && typeId == forecastTypeId) {
            forecast.count(u, t);
        }
        if (propensity != null) {
            if (typeId == labelTypeId && !u.pending.isEmpty()) {
                resolvePositives(s, u, t);
            }
            if (latest && due(u.lastPropensitySample, t, sampleInterval)) {
                u.lastPropensitySample = t;
                double[] x = new double[propensity.vectorizer.dimension()];
                propensity.vectorizer.vectorize(s, t, x);
                PendingExample p = new PendingExample(s, t, x);
                u.pending.add(p);
                pending.add(p);
            }
        }
        if (segments != null && latest && due(u.lastSegmentSample, t, segmentInterval)) {
            u.lastSegmentSample = t;
            double[] x = new double[segments.vectorizer.dimension()];
            segments.vectorizer.vectorize(s, t, x);
            segments.sample(x);
        }
        score(s, u);
    }

    /** Whether a sample taken last at {@code last} (MIN_VALUE: never) allows another one at {@code t}. */
    private static boolean due(long last, long t, long interval) {
        return last == Long.MIN_VALUE || t - last >= interval;
    }

    /** Scores the user's profile as of its latest applied event into the per-user fields. Allocates nothing. */
    private void score(UserView s, LiveUserState u) {
        double[] x = scratch.get();
        if (propensity != null) {
            PropensityModel m = propensity.live();
            if (m != null) {
                propensity.vectorizer.vectorize(s, s.latestTime(), x);
                u.score = m.score(x);
                u.scoreVersion = m.version();
            }
        }
        if (segments != null) {
            SegmentsModel m = segments.live();
            if (m != null) {
                segments.vectorizer.vectorize(s, s.latestTime(), x);
                u.segment = m.assign(x);
                u.segmentVersion = m.version();
            }
        }
    }

    private void resolvePositives(UserView s, LiveUserState u, long labelTime) {
        List<PendingExample> list = u.pending;
        for (int i = 0; i < list.size(); i++) {
            PendingExample p = list.get(i);
            if (p.label < 0 && labelTime > p.time && labelTime <= p.time + horizon) {
                p.label = 1;
                propensity.learn(s.user(), p.time, p.features, 1);
            }
        }
        list.removeIf(p -> p.label >= 0);
    }

    /** After the user's lock was released: advance the global event time and resolve expired examples. */
    @Override
    public void afterEvent(long t) {
        long wm = watermark.get();
        if (t < wm + WATERMARK_STEP_MS) {
            return;
        }
        if (!watermark.compareAndSet(wm, Math.max(wm, t))) {
            return; // another thread moved it; it resolves
        }
        resolveExpired(t);
        if (forecast != null) {
            forecast.advance(t);
        }
    }

    private void resolveExpired(long wm) {
        if (propensity == null || !drainLock.tryLock()) {
            return;
        }
        try {
            PendingExample head;
            while ((head = pending.peek()) != null && head.time + horizon + lateness < wm) {
                pending.poll();
                synchronized (head.owner) {
                    if (head.label < 0) {
                        head.label = 0;
                        ((LiveUserState) head.owner.modelState()).pending.remove(head);
                        propensity.learn(head.owner.user(), head.time, head.features, 0);
                    }
                }
            }
        } finally {
            drainLock.unlock();
        }
    }

    /** Resolves every pending example as if the event time had moved past all horizons (end of a replay). */
    @Override
    public void finish(long endTime) throws InterruptedException {
        resolveAllAtEnd(endTime);
        awaitIdle();
    }

    private void resolveAllAtEnd(long endTime) {
        if (propensity == null) {
            return;
        }
        List<PendingExample> due = new ArrayList<>();
        drainLock.lock();
        try {
            for (java.util.Iterator<PendingExample> it = pending.iterator(); it.hasNext(); ) {
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
            synchronized (p.owner) {
                if (p.label < 0) {
                    p.label = 0;
                    ((LiveUserState) p.owner.modelState()).pending.remove(p);
                    propensity.learn(p.owner.user(), p.time, p.features, 0);
                }
            }
        }
    }

    /** Number of examples waiting for a label. */
    int pendingExamples() {
        return (int) pending.stream().filter(p -> p.label < 0).count();
    }

    long watermark() {
        return watermark.get();
    }

    @Override
    public void checkInputs(UserView s, long asOf) {
        double[] x = scratch.get();
        if (propensity != null) {
            propensity.vectorizer.vectorize(s, asOf, x);
            requireFinite(s, x, propensity.vectorizer.dimension(), "propensity");
        }
        if (segments != null) {
            segments.vectorizer.vectorize(s, asOf, x);
            requireFinite(s, x, segments.vectorizer.dimension(), "segments");
        }
    }

    /** Infinity anywhere, or NaN where the input has no missing-value rule, would poison a model. */
    private static void requireFinite(UserView s, double[] x, int d, String model) {
        for (int j = 0; j < d; j++) {
            if (Double.isInfinite(x[j])) {
                throw new dev.profilekit.core.engine.InvalidEventException(
                        dev.profilekit.core.engine.InvalidEventException.Reason.OVERFLOW, "the " + model
                        + " input " + j + " of user '" + s.user() + "' would be non-finite");
            }
        }
    }

    @Override
    public ModelOutputs score(UserView s, long asOf) {
        Double p = null;
        long pv = 0;
        if (propensity != null) {
            PropensityModel m = propensity.live();
            if (m != null) {
                double[] x = new double[propensity.vectorizer.dimension()];
                propensity.vectorizer.vectorize(s, asOf, x);
                p = m.score(x);
                pv = m.version();
            }
        }
        Integer seg = null;
        long sv = 0;
        if (segments != null) {
            SegmentsModel m = segments.live();
            if (m != null) {
                double[] x = new double[segments.vectorizer.dimension()];
                segments.vectorizer.vectorize(s, asOf, x);
                seg = m.assign(x);
                sv = m.version();
            }
        }
        Double next = forecast == null ? null : forecast.nextDay((LiveUserState) s.modelState(), asOf);
        return new ModelOutputs(propensity != null, p, pv, segments != null, seg, sv, forecast != null, next);
    }

    @Override
    public ModelOutputs lastScores(UserView s) {
        LiveUserState u = (LiveUserState) s.modelState();
        return new ModelOutputs(propensity != null, u.score == u.score ? u.score : null, u.scoreVersion,
                segments != null, u.segment >= 0 ? u.segment : null, u.segmentVersion, forecast != null,
                forecast == null ? null : forecast.nextDay(u, s.latestTime()));
    }

    @Override
    public ModelStatus status() {
        PropensityModel pm = propensity == null ? null : propensity.live();
        SegmentsModel sm = segments == null ? null : segments.live();
        return new ModelStatus(propensity == null ? null : propensity.prequential(), pm == null ? 0 : pm.version(),
                propensity == null ? 0 : propensity.driftAlarms(), propensity == null ? 0 : propensity.retrains(),
                propensity == null ? 0 : propensity.rejectedRetrains(), sm == null ? 0 : sm.version(),
                segments == null ? 0 : segments.refits(), pendingExamples());
    }

    @Override
    public Versions snapshot() {
        return new Versions(propensity == null ? null : propensity.live(), segments == null ? null : segments.live());
    }

    @Override
    public void swap(Versions versions) {
        if (versions == null) {
            throw new IllegalArgumentException("versions must not be null");
        }
        if (versions.propensity() != null) {
            if (propensity == null) {
                throw new IllegalArgumentException("no propensity model is configured");
            }
            propensity.swap(versions.propensity());
        }
        if (versions.segments() != null) {
            if (segments == null) {
                throw new IllegalArgumentException("no segments are configured");
            }
            segments.swap(versions.segments());
        }
    }

    /** The live propensity model, if one is configured and fitted. */
    public java.util.Optional<PropensityModel> propensityModel() {
        return propensity == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(propensity.live());
    }

    /** The live segments, if configured and fitted. */
    public java.util.Optional<SegmentsModel> segmentsModel() {
        return segments == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(segments.live());
    }

    /** The event types the models watch (label and forecast types), which the schema must resolve. */
    public static java.util.List<String> watchedTypes(ModelsConfig config) {
        java.util.List<String> watched = new ArrayList<>();
        config.propensity().ifPresent(p -> watched.add(p.labelType()));
        config.forecast().ifPresent(f -> watched.add(f.type()));
        return watched;
    }

    @Override
    public void awaitIdle() throws InterruptedException {
        work.awaitIdle();
    }

    @Override
    public void close() {
        if (ownExecutor != null) {
            ownExecutor.shutdown();
        }
    }
}
