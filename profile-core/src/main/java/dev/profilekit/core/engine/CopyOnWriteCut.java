package dev.profilekit.core.engine;

import dev.profilekit.features.codec.ByteWriter;
import java.io.IOException;
import java.util.concurrent.Semaphore;

/**
 * The copy-on-write side of a snapshot, as Flink's {@code CopyOnWriteStateMap} takes its cut: the snapshot takes the
 * references of the table's states while ingestion is paused for a moment ({@link #begin}), then writes them while
 * ingestion goes on. A state that is about to change (an event, an expiry, a forget, a model's label resolution)
 * first keeps its encoding as of the cut ({@link #preserve}); the writer takes that pre-image, or encodes the state
 * as it is when it has not changed since the cut ({@link #write}).
 *
 * <p>Epochs: each snapshot gets the next epoch {@code E}; every state carries the epoch it was made in or last
 * preserved for. A state made after the cut starts at {@code E} and is not in the cut; a state of the cut has a
 * smaller epoch until it is preserved or written, which raises it to {@code E}, so each state is encoded at most
 * once per snapshot. Without a running snapshot the check costs one volatile read and a compare.
 *
 * <p>One snapshot at a time: {@link #acquire()} waits until the previous one has ended.
 */
final class CopyOnWriteCut {

    /** A pre-image of a state without accepted events: no record, as a snapshot writes none for it. */
    private static final byte[] NO_PROFILE = new byte[0];

    /** Receives one encoded state for the snapshot file. */
    interface Sink {
        void user(byte[] bytes, int length) throws IOException;
    }

    private final StateCodec codec;
    private final Semaphore one = new Semaphore(1);
    /** The epoch of the snapshot being written, 0 when none. */
    private volatile int active;
    /** The latest epoch handed out (0: none yet); states made now start at it. Written with ingestion paused. */
    private volatile int epoch;
    /** Tests: runs once in the middle of each write, on the writing thread (null: nothing). */
    volatile Runnable midWrite;

    CopyOnWriteCut(StateCodec codec) {
        this.codec = codec;
    }

    /** The epoch a state made now starts at. */
    int epoch() {
        return epoch;
    }

    /** Waits until no other snapshot is running and makes this the running one; {@link #end} lets the next go. */
    void acquire() {
        try {
            one.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for another snapshot to end", e);
        }
    }

    /** Releases what {@link #acquire} took when no cut was begun. */
    void release() {
        one.release();
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
     * Hands every state of {@code cut} with an accepted event to {@code sink}, encoded as of the cut of epoch
     * {@code e}: its pre-image, or its encoding now when it has not changed since the cut (then later changes skip
     * the copy). Returns the number of states written.
     */
    long write(ProfileState[][] cut, int e, Sink sink) throws IOException {
        ByteWriter one = new ByteWriter(1024);
        long users = 0;
        for (int i = 0; i < cut.length; i++) {
            if (i == cut.length / 2) {
                Runnable hook = midWrite;
                if (hook != null) {
                    hook.run();
                }
            }
            for (ProfileState s : cut[i]) {
                if (s == null) {
                    continue;
                }
                byte[] pre;
                synchronized (s) {
                    pre = s.preImage;
                    if (pre != null) {
                        s.preImage = null;
                    } else if (s.epoch >= e) {
                        throw new IllegalStateException("the state of user '" + s.user + "' changed after the cut "
                                + "but kept no pre-image");
                    } else {
                        s.epoch = e;
                        if (s.maxAccepted == Long.MIN_VALUE) {
                            continue;
                        }
                        codec.encode(s, one.reset());
                    }
                }
                if (pre == null) {
                    sink.user(one.buffer(), one.size());
                    users++;
                } else if (pre != NO_PROFILE) {
                    sink.user(pre, pre.length);
                    users++;
                }
            }
        }
        return users;
    }

    /**
     * Ends the running snapshot: states no longer keep pre-images; after a failed write, drops those kept for
     * states the writer did not reach. Lets the next snapshot start.
     */
    void end(ProfileState[][] cut, boolean written) {
        active = 0;
        try {
            if (!written) {
                for (ProfileState[] segment : cut) {
                    for (ProfileState s : segment) {
                        if (s != null) {
                            synchronized (s) {
                                s.preImage = null;
                            }
                        }
                    }
                }
            }
        } finally {
            one.release();
        }
    }
}
