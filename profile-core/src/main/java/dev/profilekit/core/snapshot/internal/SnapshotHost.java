package dev.profilekit.core.snapshot.internal;

import dev.profilekit.core.engine.KernelState;
import dev.profilekit.core.engine.ProfileUpdater.Counts;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import java.nio.file.Path;

/**
 * What the snapshot code ({@link Snapshots}) needs of the updater it snapshots, as operations: implemented by the
 * engine, which keeps its table, states, counters and audiences to itself. The snapshot code sees a user's state
 * only as an opaque {@link KernelState} handle and as its encoded record. Not API: this package is not exported.
 */
public interface SnapshotHost {

    /** Pauses ingestion: returns once no call that changes a state is running. {@link #resume()} ends the pause. */
    void pause();

    /** Ends a {@link #pause()}. */
    void resume();

    // ---- the records before the profiles (ingestion paused)

    /** The counts of events by outcome as of now. */
    Counts counts();

    /** The expiry watermark (the largest accepted event time; {@code Long.MIN_VALUE} before any). */
    long watermark();

    /** Waits until the live models have no background work (a retrain) in flight; nothing without models. */
    void awaitModelsIdle() throws InterruptedException;

    /** Appends the live models' state to {@code out}; returns false (writing nothing) without models. */
    boolean encodeModels(ByteWriter out);

    /** Appends the audiences' definitions and clock to {@code out}; returns false (writing nothing) without any. */
    boolean encodeAudiences(ByteWriter out);

    // ---- the copy-on-write cut (no backing store)

    /** References to the states of the table now, in segments with nulls between them. Ingestion paused. */
    KernelState[][] states();

    /**
     * Begins the cut of the states just taken: returns its epoch. From now on a state about to change first keeps
     * its encoding as of the cut. Ingestion paused.
     */
    int beginCut();

    /**
     * The record of {@code state} as of the cut of {@code epoch}, taken under the state's lock: its encoding kept
     * before it changed (then forgotten), or null after encoding it as it is into {@code into} (it has not changed
     * since the cut), or an empty array when it has no profile (no accepted event).
     *
     * @throws IllegalStateException if the state changed after the cut without keeping its encoding
     */
    byte[] take(KernelState state, int epoch, ByteWriter into);

    /** Ends the running cut: states no longer keep their encodings before they change. */
    void endCut();

    /** Forgets the encoding {@code state} kept for a cut whose write failed. */
    void drop(KernelState state);

    // ---- with a backing store

    /** Writes every changed state of the store's cache to the store. Ingestion paused. */
    void flushStore();

    // ---- restore

    /** Whether the updater has accepted, refused as duplicate or late no event and holds no profile (nor its store). */
    boolean isEmpty();

    /**
     * Compares a snapshot's audiences record with the updater's audiences: returns what differs, as a clause after
     * "it" (also when the updater has none), or null when they fit; then {@code clock[0]} is the snapshot's audience
     * clock.
     */
    String checkAudiences(ByteReader r, long[] clock);

    /** Whether the updater has audiences. */
    boolean hasAudiences();

    /** Whether the updater has live models. */
    boolean hasModels();

    /** Starts restoring into the (empty, paused) updater. */
    Restore restore();

    /**
     * Sets the counts and the expiry watermark of a restored snapshot, once everything else of it is in place.
     */
    void restoreCounts(long accepted, long duplicate, long late, long watermark);

    /** After a restore that failed: frees what decoding the snapshot's users took, leaving the updater empty. */
    void discardRestore();

    /** A restore in progress: the users decoded so far, held aside until {@link #install}. */
    interface Restore {

        /** Decodes one user's record and holds it aside. */
        void user(ByteReader r);

        /** How many users are held. */
        long users();

        /**
         * Puts the users held into the updater, then the audiences' clock and the live models' state
         * ({@code models}, null without models). On failure the updater is left without profiles.
         *
         * @param file the snapshot (to name it in errors)
         */
        void install(Path file, long audienceClock, byte[] models);
    }
}
