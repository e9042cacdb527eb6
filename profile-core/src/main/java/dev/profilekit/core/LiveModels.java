package dev.profilekit.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The live models of one {@link ProfileUpdater}: point-in-time sampling and delayed labelling of
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
final class LiveModels {

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

    LiveModels(ModelsConfig config, CompiledSchema schema, Executor executor, IntSupplier users,
               Consumer<PropensityModel> modelListener, Consumer<LabelledExample> exampleListener) {
        this.propensity = config.propensity()
                .map(p -> new LivePropensity(p, schema, executor, modelListener, exampleListener)).orElse(null);
        this.segments = config.segments().map(s -> new LiveSegments(s, schema, executor)).orElse(null);
        this.forecast = config.forecast().map(f -> new LiveForecast(f, executor, users)).orElse(null);
        this.horizon = config.propensity().map(p -> p.horizon().toMillis()).orElse(0L);
        this.sampleInterval = config.propensity().map(p -> p.sampleInterval().toMillis()).orElse(0L);
        this.segmentInterval = config.segments().map(s -> s.sampleInterval().toMillis()).orElse(0L);
        this.lateness = Math.max(0, schema.latenessMs);
        this.labelTypeId = config.propensity().map(p -> schema.typeId(p.labelType())).orElse(-1);
        this.forecastTypeId = config.forecast().map(f -> schema.typeId(f.type())).orElse(-1);
        int d = Math.max(propensity == null ? 0 : propensity.vectorizer.dimension(),
                segments == null ? 0 : segments.vectorizer.dimension());
        this.scratch = ThreadLocal.withInitial(() -> new double[Math.max(1, d)]);
    }

    LiveUserState newUserState() {
        return new LiveUserState(forecast == null ? 0 : forecast.config.days());
    }

    /**
     * After an accepted event was applied to the features. Caller holds the user's lock. Examples are sampled
     * only when the event is the user's latest ({@code t == maxApplied}), so the profile is exactly as of it.
     */
    void onAccepted(ProfileState s, Event e, int typeId) {
        LiveUserState u = s.live;
        long t = e.timestamp();
        boolean latest = t == s.maxApplied;
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
    private void score(ProfileState s, LiveUserState u) {
        double[] x = scratch.get();
        if (propensity != null) {
            PropensityModel m = propensity.live();
            if (m != null) {
                propensity.vectorizer.vectorize(s, s.maxApplied, x);
                u.score = m.score(x);
                u.scoreVersion = m.version();
            }
        }
        if (segments != null) {
            SegmentsModel m = segments.live();
            if (m != null) {
                segments.vectorizer.vectorize(s, s.maxApplied, x);
                u.segment = m.assign(x);
                u.segmentVersion = m.version();
            }
        }
    }

    private void resolvePositives(ProfileState s, LiveUserState u, long labelTime) {
        List<PendingExample> list = u.pending;
        for (int i = 0; i < list.size(); i++) {
            PendingExample p = list.get(i);
            if (p.label < 0 && labelTime > p.time && labelTime <= p.time + horizon) {
                p.label = 1;
                propensity.learn(s.user, p.time, p.features, 1);
            }
        }
        list.removeIf(p -> p.label >= 0);
    }

    /** After the user's lock was released: advance the global event time and resolve expired examples. */
    void afterEvent(long t) {
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
                        head.owner.live.pending.remove(head);
                        propensity.learn(head.owner.user, head.time, head.features, 0);
                    }
                }
            }
        } finally {
            drainLock.unlock();
        }
    }

    /** Resolves every pending example as if the event time had moved past all horizons (end of a replay). */
    void resolveAllAtEnd(long endTime) {
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
                    p.owner.live.pending.remove(p);
                    propensity.learn(p.owner.user, p.time, p.features, 0);
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
}
