package dev.profilekit.sim;

import dev.profilekit.core.engine.Event;
import dev.profilekit.features.Checks;

/**
 * Options of the synthetic e-commerce stream ({@link EcommerceSimulator#run}). Build with
 * {@code SimulationOptions.of(2000, 30, 42).driftDay(15).segments(4)}.
 *
 * @param users    number of users, in [1, 10,000,000]; named {@code u0..u<users-1>}, zero-padded
 * @param days     length of the stream in days (24 h each), in [1, 3650]
 * @param seed     seed of every {@link java.util.SplittableRandom} of the simulation
 * @param driftDay day at whose start (startMs + driftDay × 24 h) behaviour shifts, in [1, days - 1], or
 *                 {@link #NO_DRIFT} (-1) for a stationary stream
 * @param segments number of latent segments, in [1, 8] (each has its own dominant category among 8)
 * @param startMs  start of the stream, epoch ms (default 2026-01-01T00:00Z); the stream covers
 *                 [startMs, startMs + days × 24 h)
 * @param jitterMs bound of the out-of-order jitter, in [0, 3,600,000] ms: each event's reported ts is its true
 *                 time minus a uniform offset in [0, jitterMs] (clamped at startMs), while events stay in
 *                 true-time order; 0 (default) emits in non-decreasing ts order
 * @param collaborative whether products are chosen by latent tastes with popularity skew (see
 *                 {@link EcommerceSimulator}, "Collaborative catalogue"); false (default) keeps the original stream
 */
public record SimulationOptions(int users, int days, long seed, int driftDay, int segments, long startMs,
                                long jitterMs, boolean collaborative) {

    /** {@link #driftDay} value meaning "no drift". */
    public static final int NO_DRIFT = -1;
    /** Default number of segments. */
    public static final int DEFAULT_SEGMENTS = 4;
    /** Most segments: one distinct dominant category each. */
    public static final int MAX_SEGMENTS = 8;
    /** Default start: 2026-01-01T00:00:00Z in epoch ms. */
    public static final long DEFAULT_START_MS = 1_767_225_600_000L;
    /** Most users. */
    public static final int MAX_USERS = 10_000_000;
    /** Most days. */
    public static final int MAX_DAYS = 3650;
    /** Largest jitter bound: one hour. */
    public static final long MAX_JITTER_MS = 3_600_000L;
    /** Milliseconds per simulated day. */
    public static final long DAY_MS = 86_400_000L;

    /** Options without the collaborative catalogue. */
    public SimulationOptions(int users, int days, long seed, int driftDay, int segments, long startMs, long jitterMs) {
        this(users, days, seed, driftDay, segments, startMs, jitterMs, false);
    }

    /** Validates every option; a bad one fails with a message naming it and its value. */
    public SimulationOptions {
        Checks.requireArgument(users >= 1 && users <= MAX_USERS, "users must be in [1, %d], was %d", MAX_USERS, users);
        Checks.requireArgument(days >= 1 && days <= MAX_DAYS, "days must be in [1, %d], was %d", MAX_DAYS, days);
        Checks.requireArgument(driftDay == NO_DRIFT || driftDay >= 1 && driftDay < days,
                "driftDay must be -1 (none) or in [1, days - 1 = %d], was %d", days - 1, driftDay);
        Checks.requireArgument(segments >= 1 && segments <= MAX_SEGMENTS, "segments must be in [1, %d], was %d",
                MAX_SEGMENTS, segments);
        Checks.requireArgument(startMs >= 0 && startMs <= Event.MAX_TIMESTAMP - (long) days * DAY_MS,
                "startMs must be >= 0 and leave room for %d days before year 10000, was %d", days, startMs);
        Checks.requireArgument(jitterMs >= 0 && jitterMs <= MAX_JITTER_MS, "jitterMs must be in [0, %d], was %d",
                MAX_JITTER_MS, jitterMs);
    }

    /** {@code users} users over {@code days} days, no drift, 4 segments, start 2026-01-01T00:00Z, no jitter. */
    public static SimulationOptions of(int users, int days, long seed) {
        return new SimulationOptions(users, days, seed, NO_DRIFT, DEFAULT_SEGMENTS, DEFAULT_START_MS, 0L);
    }

    /** A copy whose behaviour shifts at the start of day {@code driftDay} (or -1 for none). */
    public SimulationOptions driftDay(int driftDay) {
        return new SimulationOptions(users, days, seed, driftDay, segments, startMs, jitterMs, collaborative);
    }

    /** A copy with another number of segments. */
    public SimulationOptions segments(int segments) {
        return new SimulationOptions(users, days, seed, driftDay, segments, startMs, jitterMs, collaborative);
    }

    /** A copy starting at another time (epoch ms). */
    public SimulationOptions startMs(long startMs) {
        return new SimulationOptions(users, days, seed, driftDay, segments, startMs, jitterMs, collaborative);
    }

    /** A copy with another out-of-order jitter bound (ms). */
    public SimulationOptions jitterMs(long jitterMs) {
        return new SimulationOptions(users, days, seed, driftDay, segments, startMs, jitterMs, collaborative);
    }

    /** A copy with another seed. */
    public SimulationOptions seed(long seed) {
        return new SimulationOptions(users, days, seed, driftDay, segments, startMs, jitterMs, collaborative);
    }

    /** A copy with or without the collaborative catalogue (latent tastes, popularity skew). */
    public SimulationOptions collaborative(boolean collaborative) {
        return new SimulationOptions(users, days, seed, driftDay, segments, startMs, jitterMs, collaborative);
    }

    /** Whether behaviour shifts during the stream. */
    public boolean hasDrift() {
        return driftDay != NO_DRIFT;
    }

    /** End of the stream (exclusive), epoch ms: startMs + days × 24 h. */
    public long endMs() {
        return startMs + days * DAY_MS;
    }

    /** Time of the drift, epoch ms, or -1 without drift. */
    public long driftMs() {
        return hasDrift() ? startMs + driftDay * DAY_MS : -1L;
    }
}
