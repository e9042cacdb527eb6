package dev.profilekit.core.engine;

import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.spi.ModelStatus;
import java.util.concurrent.atomic.LongAdder;

/**
 * The updater's health figures: events by outcome (accepted, duplicate, late), rejects by reason, and the event rate
 * between two {@link ProfileUpdater#health()} readings. The counters are striped ({@link LongAdder}), so threads do
 * not contend on them; a reading may lag the events being applied at that moment. Thread-safe.
 */
final class HealthCounters {

    /** Rejects counted by onEvent and {@link ProfileUpdater#countRejected}, indexed by reason ordinal. */
    private final LongAdder[] rejects = newAdders(InvalidEventException.Reason.values().length);
    private final Object rateLock = new Object();
    private long rateSinceNanos = System.nanoTime();
    private long rateSinceEvents;

    private static LongAdder[] newAdders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }
    // package-private: a snapshot records them and a restore sets them
    final LongAdder accepted = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder late = new LongAdder();

    /** Counts one event's outcome. */
    void count(Outcome outcome) {
        switch (outcome) {
            case ACCEPTED -> accepted.increment();
            case DUPLICATE -> duplicates.increment();
            default -> late.increment();
        }
    }

    /** Counts one rejected event. */
    void reject(InvalidEventException.Reason reason) {
        rejects[reason.ordinal()].increment();
    }

    /** The events rejected for {@code reason} so far. */
    long rejected(InvalidEventException.Reason reason) {
        return rejects[reason.ordinal()].sum();
    }

    /** Counts of outcomes so far (see {@link ProfileUpdater#counts()}). */
    ProfileUpdater.Counts counts() {
        return new ProfileUpdater.Counts(accepted.sum(), duplicates.sum(), late.sum());
    }

    /**
     * A reading of the health figures (see {@link ProfileUpdater#health()}), with the updater's
     * {@code profilesInMemory}, its stored profiles ({@code stored}, -1 without a store) and its live models' status
     * {@code ms} (null without).
     */
    ProfileUpdater.Health health(long profilesInMemory, long stored, ModelStatus ms) {
        ProfileUpdater.Counts c = counts();
        java.util.EnumMap<InvalidEventException.Reason, Long> byReason =
                new java.util.EnumMap<>(InvalidEventException.Reason.class);
        long rejected = 0;
        for (InvalidEventException.Reason r : InvalidEventException.Reason.values()) {
            long n = rejects[r.ordinal()].sum();
            if (n > 0) {
                byReason.put(r, n);
                rejected += n;
            }
        }
        long events = c.accepted() + c.duplicate() + c.late() + rejected;
        long nowNanos = System.nanoTime();
        double rate;
        synchronized (rateLock) {
            double seconds = (nowNanos - rateSinceNanos) / 1e9;
            rate = seconds > 0 ? (events - rateSinceEvents) / seconds : 0.0;
            rateSinceNanos = nowNanos;
            rateSinceEvents = events;
        }
        long version = ms == null ? -1 : ms.modelVersion();
        double auc = ms == null || ms.prequential() == null ? Double.NaN : ms.prequential().auc();
        return new ProfileUpdater.Health(c, rejected, java.util.Collections.unmodifiableMap(byReason), rate,
                profilesInMemory, stored, version, auc);
    }
}
