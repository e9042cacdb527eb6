package dev.profilekit.core.live.internal;

import dev.profilekit.core.live.ModelDiagnostics;
import dev.profilekit.core.spi.Prequential;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Records the propensity model's {@link ModelDiagnostics} while it runs, in bounded memory: a seeded reservoir
 * (Algorithm R) of (prequential score, label) pairs, the prequential AUC every {@code step} labels (at most
 * {@link ModelDiagnostics#MAX_POINTS} points; when full every other point is dropped and the step doubles), the
 * published versions and the drift alarms. Guarded by the caller's lock (the propensity model's).
 *
 * <p>Everything it keeps, the reservoir's random generator included, is part of the propensity model's snapshot
 * state ({@link #writeState}, {@link #readState}): a recorder restored from a snapshot goes on exactly as the one
 * that wrote it.
 */
public final class DiagnosticsRecorder {

    public static final long SEED = 0x5EED_D1A6L;
    public static final int FIRST_STEP = 50;
    /** SplitMix64's increment, the one {@link java.util.SplittableRandom} seeded with a long uses. */
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private final int capacity;
    private final double[] scores;
    private final byte[] labels;
    private int size;
    /** The reservoir's generator: SplitMix64, the state of {@link java.util.SplittableRandom}{@code (SEED)}. */
    private long random = SEED;
    private long seen;
    /** The latest (largest) time of a labelled example so far: labels resolve out of time order (a positive within
     * the horizon, a negative when it expires), so the latest example is not the one that came last. */
    private long lastTime = Long.MIN_VALUE;
    private long step = FIRST_STEP;
    private final List<ModelDiagnostics.AucPoint> points = new ArrayList<>();
    private final List<ModelDiagnostics.ModelVersion> versions = new ArrayList<>();
    private long versionsSeen;
    private final List<ModelDiagnostics.DriftAlarm> alarms = new ArrayList<>();
    private long alarmsSeen;

    public DiagnosticsRecorder(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("reservoir capacity must be >= 0, was " + capacity);
        }
        this.capacity = capacity;
        this.scores = new double[capacity];
        this.labels = new byte[capacity];
    }

    /**
     * One labelled example: its prequential score {@code p} given by {@code version} before learning. What it
     * records (a point of the AUC series, a drift alarm) carries the latest example time so far, not
     * {@code exampleTime}: examples resolve out of time order, and the records must be in time order.
     *
     * @param stats the prequential metrics after this example, read only when a point of the series is due (so
     *              that the per-label path allocates nothing)
     */
    public void example(long exampleTime, double p, int y, long version, boolean alarm, PrequentialStats stats) {
        seen++;
        lastTime = Math.max(lastTime, exampleTime);
        long time = lastTime; // the series, versions and alarms are in time order
        if (size < capacity) {
            scores[size] = p;
            labels[size] = (byte) y;
            size++;
        } else if (capacity > 0) {
            long j = nextLong(seen);
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

    /**
     * The next draw in {@code [0, bound)}, exactly as {@code new SplittableRandom(SEED).nextLong(bound)} would give
     * it after the same draws: SplitMix64 (Steele, Lea and Flood, 2014) with its golden-ratio gamma, and the
     * rejection of over-represented values for a bound that is not a power of two. Its whole state is one long,
     * which a snapshot keeps.
     */
    public long nextLong(long bound) {
        long m = bound - 1;
        long r = nextLong();
        if ((bound & m) == 0L) {
            return r & m;
        }
        for (long u = r >>> 1; u + m - (r = u % bound) < 0L; u = nextLong() >>> 1) {
            // rejected: u falls in the last, incomplete block of bound values
        }
        return r;
    }

    private long nextLong() {
        long z = random += GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A version was published; {@code reason} is its origin ("online", "batch" or "swap"). */
    public void published(long version, String reason) {
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
    public ModelDiagnostics snapshot(ModelDiagnostics.Forecast forecast) {
        List<ModelDiagnostics.ScoredLabel> r = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            r.add(new ModelDiagnostics.ScoredLabel(scores[i], labels[i]));
        }
        return new ModelDiagnostics(capacity, seen, r, points, versions, versionsSeen, alarms, alarmsSeen, forecast);
    }

    /**
     * Writes everything recorded, the generator's state included, for a snapshot:
     * <pre>
     * varint capacity, varint n, n x (f64 score, u8 label)   the reservoir
     * fixed64 generator state, varint seen, zigzag last time, varint step
     * varint n, n x (zigzag time, varint examples, f64 auc, f64 recent auc, varint version)   the AUC series
     * varint n, n x (zigzag time, varint examples, varint version, string reason), varint versions seen
     * varint n, n x (zigzag time, varint examples), varint alarms seen
     * </pre>
     * Doubles are their raw bits, so {@link #readState} gives back exactly this recorder.
     */
    public void writeState(ByteWriter out) {
        out.varInt(capacity).varInt(size);
        for (int i = 0; i < size; i++) {
            out.f64(scores[i]).u8(labels[i]);
        }
        out.fixedLong(random).varLong(seen).zigZag(lastTime).varLong(step);
        out.varInt(points.size());
        for (ModelDiagnostics.AucPoint p : points) {
            out.zigZag(p.time()).varLong(p.examples()).f64(p.auc()).f64(p.recentAuc()).varLong(p.version());
        }
        out.varInt(versions.size());
        for (ModelDiagnostics.ModelVersion v : versions) {
            out.zigZag(v.time()).varLong(v.examples()).varLong(v.version()).string(v.reason());
        }
        out.varLong(versionsSeen);
        out.varInt(alarms.size());
        for (ModelDiagnostics.DriftAlarm a : alarms) {
            out.zigZag(a.time()).varLong(a.examples());
        }
        out.varLong(alarmsSeen);
    }

    /**
     * A recorder holding what {@link #writeState} wrote.
     *
     * @throws dev.profilekit.features.codec.StateFormatException if the capacity is not {@code capacity} or a value
     *                                                            is out of its range (the message says which)
     */
    public static DiagnosticsRecorder readState(ByteReader in, int capacity) {
        int written = in.varInt(Integer.MAX_VALUE);
        if (written != capacity) {
            throw in.error("diagnostics reservoir of capacity " + written + ", this model's is " + capacity);
        }
        DiagnosticsRecorder d = new DiagnosticsRecorder(capacity);
        d.size = in.varInt(capacity);
        for (int i = 0; i < d.size; i++) {
            d.scores[i] = in.f64();
            d.labels[i] = label(in);
        }
        d.random = in.fixedLong();
        d.seen = in.varLong();
        d.lastTime = in.zigZag();
        d.step = in.varLong();
        if (d.seen < d.size || d.step < FIRST_STEP || Long.bitCount(d.step / FIRST_STEP) != 1
                || d.step % FIRST_STEP != 0) {
            throw in.error("diagnostics: " + d.seen + " labels seen for " + d.size + " sampled, AUC step " + d.step);
        }
        int n = in.varInt(ModelDiagnostics.MAX_POINTS);
        for (int i = 0; i < n; i++) {
            d.points.add(new ModelDiagnostics.AucPoint(in.zigZag(), in.varLong(), in.f64(), in.f64(), in.varLong()));
        }
        n = in.varInt(ModelDiagnostics.MAX_EVENTS);
        for (int i = 0; i < n; i++) {
            d.versions.add(new ModelDiagnostics.ModelVersion(in.zigZag(), in.varLong(), in.varLong(), in.string()));
        }
        d.versionsSeen = in.varLong();
        n = in.varInt(ModelDiagnostics.MAX_EVENTS);
        for (int i = 0; i < n; i++) {
            d.alarms.add(new ModelDiagnostics.DriftAlarm(in.zigZag(), in.varLong()));
        }
        d.alarmsSeen = in.varLong();
        if (d.versionsSeen < d.versions.size() || d.alarmsSeen < d.alarms.size()) {
            throw in.error("diagnostics: " + d.versions.size() + " versions of " + d.versionsSeen + " seen, "
                    + d.alarms.size() + " drift alarms of " + d.alarmsSeen + " raised");
        }
        return d;
    }

    private static byte label(ByteReader in) {
        int y = in.u8();
        if (y > 1) {
            throw in.error("diagnostics: a sampled label of " + y + ", expected 0 or 1");
        }
        return (byte) y;
    }
}
