package dev.profilekit.flink;

import dev.profilekit.core.engine.KernelState;

/**
 * One key's keyed state in {@link ProfileFunction}: the user's engine state (null when it has none: not yet
 * accepted, forgotten, expired) and the key's outcome counts, in one Flink state so that an event reads and writes
 * the key's state once ({@link UserStateSerializer}). Mutable, owned by the operator.
 */
final class UserState {

    static final int ACCEPTED = 0;
    static final int DUPLICATE = 1;
    static final int LATE = 2;
    static final int REJECTED = 3;
    static final int FORGOTTEN = 4;
    /** The number of counts. */
    static final int COUNTS = 5;

    /** The user's engine state, or null. */
    KernelState profile;
    /** Outcome counts, indexed by {@link #ACCEPTED} to {@link #FORGOTTEN}. */
    final long[] counts;

    UserState(KernelState profile, long[] counts) {
        if (counts == null || counts.length != COUNTS) {
            throw new IllegalArgumentException("counts must hold " + COUNTS + " values");
        }
        this.profile = profile;
        this.counts = counts;
    }

    /** A key seen for the first time: no engine state, no counts. */
    UserState() {
        this(null, new long[COUNTS]);
    }
}
