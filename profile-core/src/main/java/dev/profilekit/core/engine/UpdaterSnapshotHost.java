package dev.profilekit.core.engine;

import dev.profilekit.core.engine.ProfileUpdater.Counts;
import dev.profilekit.core.snapshot.internal.SnapshotHost;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.core.store.ProfileStore;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The updater's side of its snapshots ({@link dev.profilekit.core.snapshot.internal.Snapshots}): the operations
 * the snapshot code needs, over the table, the states, the store cache, the counters and the audiences, none of
 * which leaves the engine. A state crosses only as an opaque {@link KernelState} and as its encoded record.
 */
final class UpdaterSnapshotHost implements SnapshotHost {

    private final ProfileTable table;
    private final Stripes stripes;
    /** The backing store, or null. */
    private final ProfileStore store;
    /** The cache over {@link #store}, or null. */
    private final StoreCache cache;
    private final StateCodec codec;
    private final CompiledSchema compiled;
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

    UpdaterSnapshotHost(ProfileTable table, Stripes stripes, ProfileStore store, StoreCache cache, StateCodec codec,
                        CompiledSchema compiled, int writeBatch, Gate gate, CopyOnWriteCut cut, LiveModel<?> live,
                        AudienceBook audiences, HealthCounters counters, AtomicLong watermark,
                        Function<String, ProfileState> state) {
        this.table = table;
        this.stripes = stripes;
        this.store = store;
        this.cache = cache;
        this.codec = codec;
        this.compiled = compiled;
        this.writeBatch = writeBatch;
        this.gate = gate;
        this.cut = cut;
        this.live = live;
        this.audiences = audiences;
        this.counters = counters;
        this.watermark = watermark;
        this.state = state;
    }

    @Override
    public void pause() {
        gate.pause();
    }

    @Override
    public void resume() {
        gate.resume();
    }

    @Override
    public Counts counts() {
        return counters.counts();
    }

    @Override
    public long watermark() {
        return watermark.get();
    }

    @Override
    public void awaitModelsIdle() throws InterruptedException {
        if (live != null) {
            live.awaitIdle();
        }
    }

    @Override
    public boolean encodeModels(ByteWriter out) {
        if (live == null) {
            return false;
        }
        live.encodeState(out);
        return true;
    }

    @Override
    public boolean encodeAudiences(ByteWriter out) {
        if (audiences == null) {
            return false;
        }
        audiences.encodeHead(out);
        return true;
    }

    @Override
    public KernelState[][] states() {
        return table.cut();
    }

    @Override
    public int beginCut() {
        return cut.begin();
    }

    @Override
    public byte[] take(KernelState state, int epoch, ByteWriter into) {
        return cut.take((ProfileState) state, epoch, into);
    }

    @Override
    public void endCut() {
        cut.end();
    }

    @Override
    public void drop(KernelState state) {
        CopyOnWriteCut.drop((ProfileState) state);
    }

    @Override
    public void flushStore() {
        cache.flush();
    }

    @Override
    public boolean isEmpty() {
        return counters.accepted.sum() + counters.duplicates.sum() + counters.late.sum() == 0 && table.size() == 0
                && (store == null || store.size() == 0);
    }

    @Override
    public String checkAudiences(ByteReader r, long[] clock) {
        return audiences == null ? "keeps audiences, and this updater has none" : audiences.checkHead(r, clock);
    }

    @Override
    public boolean hasAudiences() {
        return audiences != null;
    }

    @Override
    public boolean hasModels() {
        return live != null;
    }

    @Override
    public void restoreCounts(long accepted, long duplicate, long late, long watermark) {
        counters.accepted.add(accepted);
        counters.duplicates.add(duplicate);
        counters.late.add(late);
        this.watermark.set(watermark);
    }

    @Override
    public void discardRestore() {
        stripes.clear(); // the states decoded into slots are not in the (empty) table
    }

    @Override
    public Restore restore() {
        return new Restoring();
    }

    /**
     * A restore in progress. Without a store, the decoded states (their stripes already in slots); with one, each
     * user's key and its encoding for the store, and the decoded states to park with audiences.
     */
    private final class Restoring implements Restore {
        private final List<ProfileState> states = new ArrayList<>();
        private final List<String> keys = new ArrayList<>();
        private final List<byte[]> encoded = new ArrayList<>();
        private final List<ProfileState> parkedOnRestore = new ArrayList<>();

        @Override
        public void user(ByteReader r) {
            ProfileState st = codec.decode(r, store == null ? stripes : null);
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

        @Override
        public long users() {
            return store == null ? states.size() : encoded.size();
        }

        @Override
        public void install(Path file, long audienceClock, byte[] models) {
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
                    audiences.restoreClock(audienceClock);
                }
                if (live != null) {
                    java.util.Map<String, ProfileState> byUser = new java.util.HashMap<>();
                    for (ProfileState st : states) {
                        byUser.put(st.user, st);
                    }
                    ByteReader r = new ByteReader(models, "snapshot " + file + " models");
                    live.restoreState(r, store == null ? byUser::get : state::apply); // with a store: loads
                    r.expectEnd();
                }
            } catch (RuntimeException e) {
                table.forEach((u, st) -> compiled.release(st));
                table.clear();
                throw e;
            }
        }
    }
}
