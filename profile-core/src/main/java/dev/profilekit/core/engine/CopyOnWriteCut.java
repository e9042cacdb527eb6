package dev.profilekit.core.engine;

import dev.profilekit.features.codec.ByteWriter;

/**
 * The per-state side of a snapshot's copy-on-write cut (the snapshot code,
 * {@link dev.profilekit.core.snapshot.internal.Snapshots}, takes the cut and writes it): a state that is about to
 * change (an event, an expiry, a forget, a model's label resolution) first keeps its encoding as of the cut
 * ({@link #preserve}); the writer takes that pre-image, or the state's encoding as it is when it has not changed
 * since the cut ({@link #take}). It stays in the engine because {@link #preserve} is on {@code onEvent}'s path and
 * reads the state's fields.
 *
 * <p>Epochs: each snapshot gets the next epoch {@code E}; every state carries the epoch it was made in or last
 * preserved for. A state made after the cut starts at {@code E} and is not in the cut; a state of the cut has a
 * smaller epoch until it is preserved or written, which raises it to {@code E}, so each state is encoded at most
 * once per snapshot. Without a running snapshot the check costs one volatile read and a compare.
 */
final class CopyOnWriteCut {

    /** A pre-image of a state without accepted events: no record, as a snapshot writes none for it. */
    private static final byte[] NO_PROFILE = new byte[0];

    private final StateCodec codec;
    /** The epoch of the snapshot being written, 0 when none. */
    private volatile int active;
    /** The latest epoch handed out (0: none yet); states made now start at it. Written with ingestion paused. */
    private volatile int epoch;

    CopyOnWriteCut(StateCodec codec) {
        this.codec = codec;
    }

    /** The epoch a state made now starts at. */
    int epoch() {
        return epoch;
    }

    /**
     * Starts preserving the states of a cut: returns the new epoch. Called with ingestion paused, right after the
     * table's states were taken.
     */
    int begin() {
        int e = epoch + 1;
        epoch = e;
        active = e;
        return e;
    }

    /** Keeps {@code s}'s encoding as of the running snapshot's cut before it changes. Caller holds the lock. */
    void preserve(ProfileState s) {
        int e = active;
        if (s.epoch < e) {
            keep(s, e);
        }
    }

    private void keep(ProfileState s, int e) {
        s.preImage = s.maxAccepted == Long.MIN_VALUE ? NO_PROFILE : codec.encode(s);
        s.epoch = e;
    }

    /**
     * The record of {@code s} as of the cut of epoch {@code e}, under its lock: its pre-image (then dropped), or
     * null after encoding it into {@code into} when it has not changed since the cut (then later changes skip the
     * copy), or an empty array when it has no accepted event.
     */
    byte[] take(ProfileState s, int e, ByteWriter into) {
        synchronized (s) {
            byte[] pre = s.preImage;
            if (pre != null) {
                s.preImage = null;
                return pre;
            }
            if (s.epoch >= e) {
                throw new IllegalStateException("the state of user '" + s.user + "' changed after the cut "
                        + "but kept no pre-image");
            }
            s.epoch = e;
            if (s.maxAccepted == Long.MIN_VALUE) {
                return NO_PROFILE;
            }
            codec.encode(s, into);
            return null;
        }
    }

    /** Ends the running snapshot: states no longer keep pre-images. */
    void end() {
        active = 0;
    }

    /** Drops the pre-image {@code s} kept for a snapshot whose write failed. */
    static void drop(ProfileState s) {
        synchronized (s) {
            s.preImage = null;
        }
    }
}
