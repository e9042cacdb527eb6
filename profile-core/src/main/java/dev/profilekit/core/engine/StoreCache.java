package dev.profilekit.core.engine;

import dev.profilekit.core.privacy.Encryption;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.core.store.ProfileStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The write-behind cache over a {@link ProfileStore}: the updater's {@link ProfileTable} holds the hot states, a
 * miss loads the stored state (or makes a new one), an evicted dirty state is encoded (and sealed, with encryption)
 * into the pending writes, which go to the store in batches of {@code writeBatch}; loads look at the pending writes
 * before the store. Forgotten and expired users are deleted from the store. {@link ProfileUpdater} builds one only
 * with a store and calls it from the table's loader and evictor, its expiry, {@code forget}, {@code flush} and reads.
 *
 * <p>Thread-safe: the pending writes are a concurrent map, a state is encoded under its own lock, and one thread
 * at a time writes to the store, so a user's states reach it in the order they were evicted.
 */
final class StoreCache {

    private final ProfileStore store;
    /** The live states; the cache writes their dirty ones back on {@link #flush}. */
    private final ProfileTable table;
    private final StateCodec codec;
    /** Seals stored states, or null (stored in the clear). */
    private final Encryption encryption;
    /** Encoded states evicted or written but not yet in the store (TOMBSTONE: deleted); loads look here first. */
    private final java.util.concurrent.ConcurrentHashMap<String, byte[]> pendingWrites =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final byte[] TOMBSTONE = new byte[0];
    /** Held while writing to the store: drains and forget's delete reach the store in the order they were made. */
    private final Object storeWrites = new Object();
    private final int writeBatch;
    private final LongAdder cacheMisses = new LongAdder();
    /** Makes the new state of a user the store does not hold. */
    private final Function<String, ProfileState> factory;
    /** The live models, or null: with models each user's model state is part of its stored state. */
    private final LiveModel<?> live;
    /** The audiences, or null: a stored user's memberships and timer follow its state in and out of the table. */
    private final AudienceBook audiences;
    /** With live models: the users in the table or the store, counted exactly (the forecast pools over them). */
    private final AtomicLong storedUsers = new AtomicLong();
    /** The slab a loaded state's stripe moves into, and an evicted one's leaves. */
    private final Stripes stripes;
    /** Decides whether a loaded state has expired (TTL). */
    private final Admission admission;
    /** The updater's expiry watermark (largest accepted event time). */
    private final AtomicLong watermark;

    StoreCache(ProfileStore store, ProfileTable table, StateCodec codec, Encryption encryption, int writeBatch,
               Function<String, ProfileState> factory, Admission admission, AtomicLong watermark, Stripes stripes,
               LiveModel<?> live, AudienceBook audiences) {
        this.store = store;
        this.audiences = audiences;
        this.live = live;
        this.stripes = stripes;
        this.table = table;
        this.codec = codec;
        this.encryption = encryption;
        this.writeBatch = writeBatch;
        this.factory = factory;
        this.admission = admission;
        this.watermark = watermark;
    }

    /** Users with a profile, in the table or only in the store: exact with live models, else the store's estimate. */
    long users() {
        return live != null ? storedUsers.get() : Math.max(store.size(), table.size());
    }

    /** Whether {@link #opened} must see every stored user when the store is opened (to count them exactly). */
    boolean countsStoredUsers() {
        return live != null;
    }

    /** The store opened again holds {@code user}: counted with live models ({@code size()} may be an estimate). */
    void opened(String user) {
        if (live != null) {
            storedUsers.incrementAndGet();
        }
    }

    /** A restore wrote {@code n} users straight to the store. */
    void restored(int n) {
        storedUsers.addAndGet(n);
    }

    /** How many times a profile was not in the cache and was read from the store (or found absent there). */
    long cacheMisses() {
        return cacheMisses.sum();
    }

    private boolean expired(ProfileState s, long wm) {
        return admission.expired(s, wm);
    }

    /** The table's loader with a backing store: the stored state, or a new one. Under the segment's lock. */
    ProfileState load(String key) {
        cacheMisses.increment();
        byte[] b = storedBytes(key);
        if (b == null) {
            storedUsers.incrementAndGet();
            ProfileState s = factory.apply(key);
            s.dirty = live != null; // stored even if its first event fails, as the table would keep it without a store
            return s;
        }
        ProfileState s = decodeStored(key, b);
        if (expired(s, watermark.get())) {
            if (audiences != null) {
                audiences.expire(s);
            }
            if (live != null) {
                live.forget(s); // its pending examples and stored training examples, as an expiry in place drops them
            }
            s = factory.apply(key);
            s.dirty = true; // the stored expired state is replaced on the next write
        } else {
            stripes.attach(s);
            codec.compiled().adopt(s);
            if (audiences != null) {
                // last: attaching hands the state to the timers, and another thread firing one reads it (under its
                // lock, which this thread does not hold here), so it must be whole first
                audiences.attach(s, false);
            }
        }
        return s;
    }

    /** The encoded state of {@code key}: a write not yet in the store, else the store's. Null when none. */
    byte[] storedBytes(String key) {
        byte[] b = pendingWrites.get(key);
        if (b == null) {
            b = store.get(key);
        }
        return b == null || b == TOMBSTONE ? null : b;
    }

    ProfileState decodeStored(String key, byte[] b) {
        String what = "stored state of user '" + key + "'";
        if (encryption != null) {
            b = encryption.open(b, 0, b.length, key.getBytes(java.nio.charset.StandardCharsets.UTF_8), what);
        }
        ProfileState s = codec.decode(b, what);
        if (!s.user.equals(key)) {
            throw new dev.profilekit.features.codec.StateFormatException(what + " holds user '" + s.user + "'");
        }
        return s;
    }

    byte[] encodeForStore(ProfileState s) {
        byte[] b = codec.encode(s);
        return encryption == null ? b
                : encryption.seal(b, 0, b.length, s.user.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Evicts {@code s} from the cache, writing it back when dirty. Under its segment's lock. */
    boolean writeBack(ProfileState s) {
        synchronized (s) {
            if (s.dirty) {
                pendingWrites.put(s.user, encodeForStore(s));
                s.dirty = false;
            }
            s.evicted = true;
            stripes.release(s);
            codec.compiled().release(s);
            if (audiences != null) {
                audiences.park(s, false);
            }
        }
        if (pendingWrites.size() >= writeBatch) {
            drainPendingWrites();
        }
        return true;
    }

    /**
     * Moves the pending writes into the store in batches. One drain at a time ({@link #storeWrites}): two drains at
     * once could reach the store in the other order, the older state of a user after its newer one, and lose the
     * updates between them.
     */
    private void drainPendingWrites() {
        synchronized (storeWrites) {
            drainPendingWritesLocked();
        }
    }

    private void drainPendingWritesLocked() {
        List<ProfileStore.Write> batch = new ArrayList<>(Math.min(writeBatch, pendingWrites.size()));
        List<java.util.Map.Entry<String, byte[]>> taken = new ArrayList<>();
        for (java.util.Map.Entry<String, byte[]> e : pendingWrites.entrySet()) {
            byte[] v = e.getValue();
            batch.add(v == TOMBSTONE ? ProfileStore.Write.delete(e.getKey()) : ProfileStore.Write.put(e.getKey(), v));
            taken.add(java.util.Map.entry(e.getKey(), v));
            if (batch.size() == writeBatch) {
                store.write(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            store.write(batch);
        }
        for (java.util.Map.Entry<String, byte[]> e : taken) {
            pendingWrites.remove(e.getKey(), e.getValue()); // only if no newer write replaced it meanwhile
        }
    }

    /** Expiry: the stored copy of {@code user} is deleted with the next batch of writes. */
    void expire(String user) {
        storedUsers.decrementAndGet();
        pendingWrites.put(user, TOMBSTONE);
        if (pendingWrites.size() >= writeBatch) {
            drainPendingWrites();
        }
    }

    /**
     * Forget: deletes the stored copy of {@code key} at once; returns whether the user had a profile, in the table
     * ({@code inTable}) or in the store.
     */
    boolean forget(String key, boolean inTable) {
        boolean removed = inTable | storedBytes(key) != null;
        if (removed) {
            storedUsers.decrementAndGet();
        }
        synchronized (storeWrites) { // after any drain on its way with the user's last state, never before
            pendingWrites.remove(key);
            store.write(List.of(ProfileStore.Write.delete(key)));
        }
        return removed;
    }

    /** Writes every changed profile to the store and makes the store durable. */
    void flush() {
        List<ProfileState> dirty = new ArrayList<>();
        table.forEach((u, s) -> {
            if (s.dirty) {
                dirty.add(s);
            }
        });
        for (ProfileState s : dirty) {
            synchronized (s) {
                if (s.dirty && !s.evicted) {
                    pendingWrites.put(s.user, encodeForStore(s));
                    s.dirty = false;
                }
            }
        }
        drainPendingWrites();
        store.flush();
    }

    /** Moves the pending writes into the store (without writing the dirty cached states), so a scan sees them. */
    void flushPendingOnly() {
        if (!pendingWrites.isEmpty()) {
            drainPendingWrites();
        }
    }
}
