package dev.profilekit.core.snapshot.internal;

import dev.profilekit.core.engine.KernelState;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.engine.ProfileUpdater.Counts;
import dev.profilekit.core.engine.ProfileUpdater.SnapshotInfo;
import dev.profilekit.core.engine.SnapshotMismatchException;
import dev.profilekit.core.privacy.Encryption;
import dev.profilekit.core.store.ProfileStore;
import dev.profilekit.features.codec.ByteWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * An updater's snapshots: writing one and restoring one into an empty updater (the whole file checked before
 * anything changes). {@link ProfileUpdater#snapshot}, {@link ProfileUpdater#snapshotAsync} and
 * {@link ProfileUpdater#restore} hand their work here; the file format is {@link SnapshotFile}'s; what the
 * updater's states are and how a user's record is encoded stay in the engine, behind {@link SnapshotHost}.
 *
 * <p>Without a backing store a snapshot is taken copy-on-write, as Flink's {@code CopyOnWriteStateMap} takes its
 * cut: the references of the table's states are taken while ingestion is paused for a moment, then written while
 * ingestion goes on. A state that is about to change (an event, an expiry, a forget, a model's label resolution)
 * first keeps its encoding as of the cut (the engine's per-state hook); the writer takes that encoding, or encodes
 * the state as it is when it has not changed since the cut ({@link SnapshotHost#take}). Each snapshot has an epoch,
 * so each state is encoded at most once per snapshot. One snapshot at a time: a second waits until the running one
 * has ended. With a backing store, ingestion is paused for the whole write (the store gives no consistent view to
 * copy from). Not API: this package is not exported.
 */
public final class Snapshots {

    private final SnapshotHost host;
    /** The backing store, or null. */
    private final ProfileStore store;
    private final long fingerprint;
    /** Seals the file, or null. */
    private final Encryption encryption;
    /** One snapshot at a time: held from the cut until its file is written (or failed). */
    private final Semaphore one = new Semaphore(1);
    /** Tests: runs once in the middle of each copy-on-write write, on the writing thread (null: nothing). */
    private volatile Runnable midWrite;

    /**
     * @param host        the updater's side
     * @param store       the updater's backing store, or null
     * @param fingerprint the updater's fingerprint, stamped on the file
     * @param encryption  seals the file, or null
     */
    public Snapshots(SnapshotHost host, ProfileStore store, long fingerprint, Encryption encryption) {
        this.host = host;
        this.store = store;
        this.fingerprint = fingerprint;
        this.encryption = encryption;
    }

    /** Tests: {@code hook} runs once in the middle of each copy-on-write snapshot's write, on the writing thread. */
    public void midWriteHook(Runnable hook) {
        midWrite = hook;
    }

    /** See {@link ProfileUpdater#snapshot}. */
    public SnapshotInfo snapshot(Path file, java.util.Map<String, String> metadata) {
        checkSnapshot(file, metadata);
        return store != null ? snapshotPaused(file, metadata) : writeCut(takeCut(file, metadata));
    }

    /** See {@link ProfileUpdater#snapshotAsync}. */
    public java.util.concurrent.CompletableFuture<SnapshotInfo> snapshotAsync(
            Path file, java.util.Map<String, String> metadata, java.util.concurrent.Executor executor) {
        checkSnapshot(file, metadata);
        if (executor == null) {
            throw new IllegalArgumentException("executor must not be null");
        }
        if (store != null) {
            return java.util.concurrent.CompletableFuture.completedFuture(snapshotPaused(file, metadata));
        }
        Cut c = takeCut(file, metadata);
        try {
            return java.util.concurrent.CompletableFuture.supplyAsync(() -> writeCut(c), executor);
        } catch (RuntimeException e) { // the executor refused the write
            end(c, false);
            throw e;
        }
    }

    private static void checkSnapshot(Path file, java.util.Map<String, String> metadata) {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        if (metadata == null || metadata.entrySet().stream().anyMatch(e -> e.getKey() == null || e.getValue() == null)) {
            throw new IllegalArgumentException("metadata must be a map without null keys or values");
        }
    }

    /** The records of a snapshot before its profiles, encoded as of its cut, and the counts they hold. */
    private record Head(java.util.Map<String, String> metadata, byte[] meta, byte[] counts, byte[] models,
                        Counts totals, byte[] audiences) {
    }

    /** A cut taken copy-on-write: its head, the states of the table at the cut and its epoch. */
    private record Cut(Path file, long started, Duration pause, Head head, KernelState[][] states, int epoch) {
    }

    /** The head of a snapshot taken now. Ingestion is paused; waits for the models to be idle first. */
    private Head head(java.util.Map<String, String> metadata) throws InterruptedException {
        host.awaitModelsIdle(); // no retrain in flight: the models' state is complete
        ByteWriter b = new ByteWriter(256);
        b.varInt(metadata.size());
        for (java.util.Map.Entry<String, String> e : new java.util.TreeMap<>(metadata).entrySet()) {
            b.string(e.getKey()).string(e.getValue());
        }
        byte[] meta = b.toByteArray();
        Counts c = host.counts();
        byte[] counts = b.reset().varLong(c.accepted()).varLong(c.duplicate()).varLong(c.late())
                .zigZag(host.watermark()).toByteArray();
        byte[] models = host.encodeModels(b.reset()) ? b.toByteArray() : null;
        byte[] audienceHead = host.encodeAudiences(b.reset()) ? b.toByteArray() : null;
        return new Head(java.util.Map.copyOf(metadata), meta, counts, models, c, audienceHead);
    }

    /** Receives one encoded state for the snapshot file. */
    private interface Sink {
        void user(byte[] bytes, int length) throws IOException;
    }

    /** Writes the profiles of a snapshot to a sink; returns how many. */
    private interface Profiles {
        long write(Sink sink) throws IOException;
    }

    /** Writes and commits a snapshot file of {@code head} and {@code profiles}; returns the number of profiles. */
    private long writeFile(Path file, Head head, Profiles profiles) throws IOException {
        try (SnapshotFile.Writer w = new SnapshotFile.Writer(file, fingerprint, encryption)) {
            w.record(SnapshotFile.META, head.meta(), head.meta().length);
            w.record(SnapshotFile.COUNTS, head.counts(), head.counts().length);
            if (head.models() != null) {
                w.record(SnapshotFile.MODELS, head.models(), head.models().length);
            }
            if (head.audiences() != null) {
                w.record(SnapshotFile.AUDIENCES, head.audiences(), head.audiences().length);
            }
            long users = profiles.write((bytes, length) -> w.record(SnapshotFile.USER, bytes, length));
            w.commit();
            return users;
        }
    }

    /** The synchronous part of a copy-on-write snapshot: waits for a running one to end, then takes the cut. */
    private Cut takeCut(Path file, java.util.Map<String, String> metadata) {
        long started = System.nanoTime();
        try {
            one.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for another snapshot to end", e);
        }
        try {
            long pausedAt = System.nanoTime();
            Head head;
            KernelState[][] states;
            int epoch;
            host.pause();
            try {
                head = head(metadata);
                states = host.states();
                epoch = host.beginCut();
            } finally {
                host.resume();
            }
            return new Cut(file, started, Duration.ofNanos(System.nanoTime() - pausedAt), head, states, epoch);
        } catch (InterruptedException e) {
            one.release();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the models before a snapshot", e);
        } catch (RuntimeException | Error e) {
            one.release();
            throw e;
        }
    }

    /** The asynchronous part of a copy-on-write snapshot: writes the states of the cut, then ends it. */
    private SnapshotInfo writeCut(Cut c) {
        boolean written = false;
        try {
            long users = writeFile(c.file(), c.head(), sink -> write(c.states(), c.epoch(), sink));
            written = true;
            return new SnapshotInfo(c.file(), users, c.head().totals(), c.head().metadata(), c.pause(),
                    Duration.ofNanos(System.nanoTime() - c.started()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write snapshot " + c.file() + ": " + e.getMessage(), e);
        } finally {
            end(c, written);
        }
    }

    /**
     * Hands every state of {@code cut} with an accepted event to {@code sink}, encoded as of the cut of epoch
     * {@code e} ({@link SnapshotHost#take}). Returns the number of states written.
     */
    private long write(KernelState[][] cut, int e, Sink sink) throws IOException {
        ByteWriter encoded = new ByteWriter(1024);
        long users = 0;
        for (int i = 0; i < cut.length; i++) {
            if (i == cut.length / 2) {
                Runnable hook = midWrite;
                if (hook != null) {
                    hook.run();
                }
            }
            for (KernelState s : cut[i]) {
                if (s == null) {
                    continue;
                }
                byte[] pre = host.take(s, e, encoded.reset());
                if (pre == null) {
                    sink.user(encoded.buffer(), encoded.size());
                    users++;
                } else if (pre.length != 0) {
                    sink.user(pre, pre.length);
                    users++;
                }
            }
        }
        return users;
    }

    /**
     * Ends the running snapshot: states no longer keep their encodings; after a failed write, forgets those kept
     * for states the writer did not reach. Lets the next snapshot start.
     */
    private void end(Cut c, boolean written) {
        host.endCut();
        try {
            if (!written) {
                for (KernelState[] segment : c.states()) {
                    for (KernelState s : segment) {
                        if (s != null) {
                            host.drop(s);
                        }
                    }
                }
            }
        } finally {
            one.release();
        }
    }

    /** A snapshot with a backing store: ingestion paused for the whole write, the profiles read from the store. */
    private SnapshotInfo snapshotPaused(Path file, java.util.Map<String, String> metadata) {
        long started = System.nanoTime();
        host.pause();
        try {
            Head head = head(metadata);
            long users = writeFile(file, head, this::writeStored);
            Duration d = Duration.ofNanos(System.nanoTime() - started);
            return new SnapshotInfo(file, users, head.totals(), head.metadata(), d, d);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write snapshot " + file + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the models before a snapshot", e);
        } finally {
            host.resume();
        }
    }

    /** Writes every stored profile (after flushing the cache) to {@code sink}. Ingestion paused. */
    private long writeStored(Sink sink) throws IOException {
        host.flushStore();
        long[] users = {0};
        IOException[] failed = {null};
        store.scan((u, bytes) -> {
            if (failed[0] != null) {
                return;
            }
            byte[] plain = encryption == null ? bytes : encryption.open(bytes, 0, bytes.length,
                    u.getBytes(java.nio.charset.StandardCharsets.UTF_8), "stored state of user '" + u + "'");
            try {
                sink.user(plain, plain.length);
                users[0]++;
            } catch (IOException e) {
                failed[0] = e;
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
        return users[0];
    }

    /** See {@link ProfileUpdater#restore}. */
    public SnapshotInfo restore(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("snapshot " + file + " does not exist or is not a file");
        }
        boolean restoring = false;
        host.pause();
        try {
            if (!host.isEmpty()) {
                throw new IllegalStateException("restore needs an updater that has seen no event and an empty store");
            }
            restoring = true; // from here on a failure leaves the updater empty
            java.util.Map<String, String> meta = new java.util.TreeMap<>();
            long[] counts = new long[4];
            byte[][] models = {null};
            long[] audienceClock = {Long.MIN_VALUE, 0}; // the clock, and 1 once the snapshot's audiences were checked
            SnapshotHost.Restore into = host.restore();
            SnapshotFile.read(file, fingerprint, encryption, (type, r) -> {
                switch (type) {
                    case SnapshotFile.META -> {
                        int n = r.count(2);
                        for (int i = 0; i < n; i++) {
                            meta.put(r.string(), r.string());
                        }
                    }
                    case SnapshotFile.COUNTS -> {
                        counts[0] = r.varLong();
                        counts[1] = r.varLong();
                        counts[2] = r.varLong();
                        counts[3] = r.zigZag();
                    }
                    case SnapshotFile.MODELS -> models[0] = r.bytes(r.remaining());
                    case SnapshotFile.AUDIENCES -> {
                        String differs = host.checkAudiences(r, audienceClock);
                        if (differs != null) {
                            throw new SnapshotMismatchException(file, SnapshotMismatchException.Kind.OPTIONS, differs);
                        }
                        audienceClock[1] = 1;
                    }
                    case SnapshotFile.USER -> {
                        checkAudiencesRead(file, audienceClock);
                        into.user(r);
                    }
                    default -> throw r.error("unknown record type " + type);
                }
                r.expectEnd();
            });
            checkAudiencesRead(file, audienceClock);
            if (host.hasModels() != (models[0] != null)) {
                throw new SnapshotMismatchException(file, SnapshotMismatchException.Kind.SCHEMA,
                        host.hasModels() ? "holds no model state" : "holds model state but this updater has no models");
            }
            into.install(file, audienceClock[0], models[0]); // everything decoded: install
            host.restoreCounts(counts[0], counts[1], counts[2], counts[3]);
            restoring = false;
            return new SnapshotInfo(file, into.users(), new Counts(counts[0], counts[1], counts[2]),
                    java.util.Map.copyOf(meta), Duration.ZERO, Duration.ZERO);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read snapshot " + file + ": " + e.getMessage(), e);
        } finally {
            if (restoring) {
                host.discardRestore(); // the states decoded are not in the (empty) table
            }
            host.resume();
        }
    }

    private void checkAudiencesRead(Path file, long[] audienceClock) {
        if (host.hasAudiences() && audienceClock[1] == 0) {
            throw new SnapshotMismatchException(file, SnapshotMismatchException.Kind.OPTIONS,
                    "was written without audiences, and this updater has some");
        }
    }
}
