package dev.profilekit.core.live;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Records the propensity model's {@link ModelDiagnostics} while it runs, in bounded memory: a seeded reservoir
 * (Algorithm R) of (prequential score, label) pairs, the prequential AUC every {@code step} labels (at most
 * {@link ModelDiagnostics#MAX_POINTS} points; when full every other point is dropped and the step doubles), the
 * published versions and the drift alarms. Guarded by the caller's lock (the propensity model's).
 */
final class DiagnosticsRecorder {

    static final long SEED = 0x5EED_D1A6L;
    static final int FIRST_STEP = 50;

    private final int capacity;
    private final double[] scores;
    private final byte[] labels;
    private int size;
    private final SplittableRandom random = new SplittableRandom(SEED);
    private long seen;
    private long lastTime = Long.MIN_VALUE;
    private long step = FIRST_STEP;
    private final List<ModelDiagnostics.AucPoint> points = new ArrayList<>();
    private final List<ModelDiagnostics.ModelVersion> versions = new ArrayList<>();
    private long versionsSeen;
    private final List<ModelDiagnostics.DriftAlarm> alarms = new ArrayList<>();
    private long alarmsSeen;

    DiagnosticsRecorder(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("reservoir capacity must be >= 0, was " + capacity);
        }
        this.capacity = capacity;
        this.scores = new double[capacity];
        this.labels = new byte[capacity];
    }

    /**
     * One labelled example: its prequential score {@code p} given by {@code version} before learning.
     *
     * @param stats the prequential metrics after this example, read only when a point of the series is due (so
     *              that the per-label path allocates nothing)
     */
    void example(long time, double p, int y, long version, boolean alarm, PrequentialStats stats) {
        seen++;
        lastTime = time;
        if (size < capacity) {
            scores[size] = p;
            labels[size] = (byte) y;
            size++;
        } else if (capacity > 0) {
            long j = random.nextLong(seen);
            if (j < capacity) {
                scores[(int) j] = p;
                labels[(int) j] = (byte) y;
            }
        }
        if (alarm) {
            alarmsSeen++;
            if (alarms.size() < ModelDiagnostics.MAX_EVENTS) {
                alarms.add(new ModelDiagnostics.DriftAlarm(time, seen));
            }
        }
        if (seen % step == 0) {
            Prequential q = stats.snapshot();
            points.add(new ModelDiagnostics.AucPoint(time, seen, q.auc(), q.recentAuc(), version));
            if (points.size() >= ModelDiagnostics.MAX_POINTS) {
                List<ModelDiagnostics.AucPoint> kept = new ArrayList<>(points.size() / 2 + 1);
                for (ModelDiagnostics.AucPoint pt : points) {
                    if (pt.examples() % (2 * step) == 0) {
                        kept.add(pt);
                    }
                }
                points.clear();
                points.addAll(kept);
                step *= 2;
            }
        }
    }

    /** A version was published; {@code reason} is its origin ("online", "batch" or "swap"). */
    void published(long version, String reason) {
        versionsSeen++;
        long time = lastTime == Long.MIN_VALUE ? 0 : lastTime;
        if (versions.size() >= ModelDiagnostics.MAX_EVENTS) {
            // thin: drop every other online publication; if none, drop the oldest entry
            List<ModelDiagnostics.ModelVersion> kept = new ArrayList<>(versions.size());
            int online = 0;
            for (ModelDiagnostics.ModelVersion v : versions) {
                if ("online".equals(v.reason()) && (online++ % 2 == 1)) {
                    continue;
                }
                kept.add(v);
            }
            if (kept.size() == versions.size()) {
                kept.remove(0);
            }
            versions.clear();
            versions.addAll(kept);
        }
        versions.add(new ModelDiagnostics.ModelVersion(time, seen, version, reason));
    }

    /** Everything recorded so far, with the given forecast part. */
    ModelDiagnostics snapshot(ModelDiagnostics.Forecast forecast) {
        List<ModelDiagnostics.ScoredLabel> r = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            r.add(new ModelDiagnostics.ScoredLabel(scores[i], labels[i]));
        }
        return new ModelDiagnostics(capacity, seen, r, points, versions, versionsSeen, alarms, alarmsSeen, forecast);
    }
}
