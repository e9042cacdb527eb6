package dev.profilekit.core.engine;

import dev.profilekit.core.engine.ProfileUpdater.Counts;
import dev.profilekit.core.engine.ProfileUpdater.SnapshotInfo;
import dev.profilekit.core.privacy.Encryption;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.core.store.ProfileStore;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The updater's snapshots: writing one (copy-on-write without a backing store: a short synchronous cut, then the
 * file written while ingestion goes on; with a store, ingestion paused for the whole write) and restoring one into
 * an empty updater (the whole file checked before anything changes). {@link ProfileUpdater#snapshot},
 * {@link ProfileUpdater#snapshotAsync} and {@link ProfileUpdater#restore} hand their work here; the file format is
 * {@link SnapshotFile}'s, the copy-on-write side {@link CopyOnWriteCut}'s, a user's record {@link StateCodec}'s.
 */
final class Snapshots {

    private final ProfileTable table;
    private final Stripes stripes;
    /** The backing store, or null. */
    private final ProfileStore store;
    /** The cache over {@link #store}, or null. */
    private final StoreCache cache;
    private final StateCodec codec;
    private final CompiledSchema compiled;
    private final long fingerprint;
    /** Seals the file, or null. */
    private final Encryption encryption;
    private final int writeBatch;
    private final Gate gate;
    private final CopyOnWriteCut cut;
    /** The live models, or null. */
    private final LiveModel<?> live;
    /** The audiences, or null. */
    private final AudienceBook audiences;
    private final HealthCounters counters;
    /** The updater's expiry watermark. */
    private final AtomicLong watermark;
    /** The live state of a stored user, loaded if needed (with a store: the models' restore finds users by it). */
    private final Function<String, ProfileState> state;

    Snapshots(ProfileTable table, Stripes stripes, ProfileStore store, StoreCache cache, StateCodec codec,
              CompiledSchema compiled, long fingerprint, Encryption encryption, int writeBatch, Gate gate,
              CopyOnWriteCut cut, LiveModel<?> live, AudienceBook audiences, HealthCounters counters,
              AtomicLong watermark, Function<String, ProfileState> state) {
        this.table = table;
        this.stripes = stripes;
        this.store = store;
        this.cache = cache;
        this.codec = codec;
        this.compiled = compiled;
        this.fingerprint = fingerprint;
        this.encryption = encryption;
        this.writeBatch = writeBatch;
        this.gate = gate;
        this.cut = cut;
        this.live = live;
        this.audiences = audiences;
        this.counters = counters;
        this.watermark = watermark;
        this.state = state;
    }

    /** See {@link ProfileUpdater#snapshot}. */
    SnapshotInfo snapshot(Path file, java.util.Map<String, String> metadata) {
        checkSnapshot(file, metadata);
        return store != null ? snapshotPaused(file, metadata) : writeCut(takeCut(file, metadata));
    }

    /** See {@link ProfileUpdater#snapshotAsync}. */
    java.util.concurrent.CompletableFuture<SnapshotInfo> snapshotAsync(
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
            cut.end(c.states(), false);
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
    private record Cut(Path file, long started, Duration pause, Head head, ProfileState[][] states, int epoch) {
    }

    /** The head of a snapshot taken now. Ingestion is paused; waits for the models to be idle first. */
    private Head head(java.util.Map<String, String> metadata) throws InterruptedException {
        if (live != null) {
            live.awaitIdle(); // no retrain in flight: the models' state is complete
        }
        ByteWriter b = new ByteWriter(256);
        b.varInt(metadata.size());
        for (java.util.Map.Entry<String, String> e : new java.util.TreeMap<>(metadata).entrySet()) {
            b.string(e.getKey()).string(e.getValue());
        }
        byte[] meta = b.toByteArray();
        Counts c = counters.counts();
        byte[] counts = b.reset().varLong(c.accepted()).varLong(c.duplicate()).varLong(c.late())
                .zigZag(watermark.get()).toByteArray();
        byte[] models = null;
        if (live != null) {
            live.encodeState(b.reset());
            models = b.toByteArray();
        }
        byte[] audienceHead = null;
        if (audiences != null) {
            audiences.encodeHead(b.reset());
            audienceHead = b.toByteArray();
        }
        return new Head(java.util.Map.copyOf(metadata), meta, counts, models, c, audienceHead);
    }

    /** Writes the profiles of a snapshot to a sink; returns how many. */
    private interface Profiles {
        long write(CopyOnWriteCut.Sink sink) throws java.io.IOException;
    }

    /** Writes and commits a snapshot file of {@code head} and {@code profiles}; returns the number of profiles. */
    private long writeFile(Path file, Head head, Profiles profiles) throws java.io.IOException {
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
        cut.acquire();
        try {
            long pausedAt = System.nanoTime();
            Head head;
            ProfileState[][] states;
            int epoch;
            gate.pause();
            try {
                head = head(metadata);
                states = table.cut();
                epoch = cut.begin();
            } finally {
                gate.resume();
            }
            return new Cut(file, started, Duration.ofNanos(System.nanoTime() - pausedAt), head, states, epoch);
        } catch (InterruptedException e) {
            cut.release();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the models before a snapshot", e);
        } catch (RuntimeException | Error e) {
            cut.release();
            throw e;
        }
    }

    /** The asynchronous part of a copy-on-write snapshot: writes the states of the cut, then ends it. */
    private SnapshotInfo writeCut(Cut c) {
        boolean written = false;
        try {
            long users = writeFile(c.file(), c.head(), sink -> cut.write(c.states(), c.epoch(), sink));
            written = true;
            return new SnapshotInfo(c.file(), users, c.head().totals(), c.head().metadata(), c.pause(),
                    Duration.ofNanos(System.nanoTime() - c.started()));
        } catch (java.io.IOException e) {
            throw new UncheckedIOException("cannot write snapshot " + c.file() + ": " + e.getMessage(), e);
        } finally {
            cut.end(c.states(), written);
        }
    }

    /** A snapshot with a backing store: ingestion paused for the whole write, the profiles read from the store. */
    private SnapshotInfo snapshotPaused(Path file, java.util.Map<String, String> metadata) {
        long started = System.nanoTime();
        gate.pause();
        try {
            Head head = head(metadata);
            long users = writeFile(file, head, this::writeStored);
            Duration d = Duration.ofNanos(System.nanoTime() - started);
            return new SnapshotInfo(file, users, head.totals(), head.metadata(), d, d);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException("cannot write snapshot " + file + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the models before a snapshot", e);
        } finally {
            gate.resume();
        }
    }

    /** Writes every stored profile (after flushing the cache) to {@code sink}. Ingestion paused. */
    private long writeStored(CopyOnWriteCut.Sink sink) throws java.io.IOException {
        cache.flush();
        long[] users = {0};
        java.io.IOException[] failed = {null};
        store.scan((u, bytes) -> {
            if (failed[0] != null) {
                return;
            }
            byte[] plain = encryption == null ? bytes : encryption.open(bytes, 0, bytes.length,
                    u.getBytes(java.nio.charset.StandardCharsets.UTF_8), "stored state of user '" + u + "'");
            try {
                sink.user(plain, plain.length);
                users[0]++;
            } catch (java.io.IOException e) {
                failed[0] = e;
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
        return users[0];
    }

    /** See {@link ProfileUpdater#restore}. */
    SnapshotInfo restore(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("snapshot " + file + " does not exist or is not a file");
        }
        boolean restoring = false;
        gate.pause();
        try {
            if (counters.accepted.sum() + counters.duplicates.sum() + counters.late.sum() != 0 || table.size() != 0
                    || (store != null && store.size() != 0)) {
                throw new IllegalStateException("restore needs an updater that has seen no event and an empty store");
            }
            restoring = true; // from here on a failure leaves the updater empty
            java.util.Map<String, String> meta = new java.util.TreeMap<>();
            long[] counts = new long[4];
            byte[][] models = {null};
            long[] audienceClock = {Long.MIN_VALUE, 0}; // the clock, and 1 once the snapshot's audiences were checked
            List<ProfileState> parkedOnRestore = new ArrayList<>();
            List<ProfileState> states = new ArrayList<>();
            List<byte[]> encoded = new ArrayList<>();
            List<String> keys = new ArrayList<>();
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
                        String differs = audiences == null ? "keeps audiences, and this updater has none"
                                : audiences.checkHead(r, audienceClock);
                        if (differs != null) {
                            throw new SnapshotMismatchException(file, SnapshotMismatchException.Kind.OPTIONS, differs);
                        }
                        audienceClock[1] = 1;
                    }
                    case SnapshotFile.USER -> {
                        checkAudiencesRead(file, audienceClock);
                        ProfileState st = codec.decode(r, store == null ? stripes : null);
                        r.expectEnd();
                        if (store == null) {
                            states.add(st);
                        } else {
                            keys.add(st.user);
                            encoded.add(cache.encodeForStore(st));
                            if (audiences != null) {
                                parkedOnRestore.add(st);
                            }
                        }
                    }
                    default -> throw r.error("unknown record type " + type);
                }
                if (type != SnapshotFile.USER) {
                    r.expectEnd();
                }
            });
            checkAudiencesRead(file, audienceClock);
            if ((live != null) != (models[0] != null)) {
                throw new SnapshotMismatchException(file, SnapshotMismatchException.Kind.SCHEMA,
                        live != null ? "holds no model state" : "holds model state but this updater has no models");
            }
            // everything decoded: install
            try {
                if (store == null) {
                    // in random order: states arrive in the order of the writer's table, and inserting a table's
                    // order into a smaller open-addressing table builds long probe runs (quadratic time)
                    java.util.Collections.shuffle(states, new java.util.Random(states.size()));
                    for (ProfileState st : states) {
                        compiled.adopt(st);
                        table.getOrCreate(st.user, st.userHash, u -> st, null, null);
                        if (audiences != null) {
                            audiences.attach(st, true);
                        }
                    }
                } else {
                    List<ProfileStore.Write> batch = new ArrayList<>(writeBatch);
                    for (int i = 0; i < encoded.size(); i++) {
                        batch.add(ProfileStore.Write.put(keys.get(i), encoded.get(i)));
                        if (batch.size() == writeBatch) {
                            store.write(batch);
                            batch.clear();
                        }
                    }
                    store.write(batch);
                    cache.restored(encoded.size());
                    for (ProfileState st : parkedOnRestore) {
                        audiences.park(st, true);
                    }
                }
                if (audiences != null) {
                    audiences.restoreClock(audienceClock[0]);
                }
                if (live != null) {
                    java.util.Map<String, ProfileState> byUser = new java.util.HashMap<>();
                    for (ProfileState st : states) {
                        byUser.put(st.user, st);
                    }
                    ByteReader r = new ByteReader(models[0], "snapshot " + file + " models");
                    live.restoreState(r, store == null ? byUser::get : state::apply); // with a store: loads
                    r.expectEnd();
                }
            } catch (RuntimeException e) {
                table.forEach((u, st) -> compiled.release(st));
                table.clear();
                throw e;
            }
            counters.accepted.add(counts[0]);
            counters.duplicates.add(counts[1]);
            counters.late.add(counts[2]);
            watermark.set(counts[3]);
            restoring = false;
            return new SnapshotInfo(file, store == null ? states.size() : encoded.size(),
                    new Counts(counts[0], counts[1], counts[2]), java.util.Map.copyOf(meta), Duration.ZERO, Duration.ZERO);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException("cannot read snapshot " + file + ": " + e.getMessage(), e);
        } finally {
            if (restoring) {
                stripes.clear(); // the states decoded into slots are not in the (empty) table
            }
            gate.resume();
        }
    }

    private void checkAudiencesRead(Path file, long[] audienceClock) {
        if (audiences != null && audienceClock[1] == 0) {
            throw new SnapshotMismatchException(file, SnapshotMismatchException.Kind.OPTIONS,
                    "was written without audiences, and this updater has some");
        }
    }
}
