package dev.profilekit.core.engine;

import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import dev.profilekit.features.hash.KeyedHash128;
import java.security.SecureRandom;

/**
 * Ids of a user's accepted events, for duplicate detection, kept as fingerprints: each id's 128-bit
 * {@link KeyedHash128} (SipHash-2-4-128) under a random key of this user's own, with the event time, in one
 * {@code long[]} and no strings: up to 8 ids dense in arrival order and scanned, more in an open-addressing hash
 * table. {@link ProfileState} extends this class so the table's fields live in the state object itself (one
 * pointer hop less on the hot path).
 *
 * <p>Layout of {@code seen}: the key (two longs), then per slot the fingerprint's halves and the event time (in a
 * dense table the first {@code idCount} slots, each field in its own run; in a hashed one 0, 0 in both halves marks
 * an empty slot; a fingerprint of 0, 0 is stored as 0, 1 in both). The key is drawn when the first id is added and travels with the fingerprints (in the state's encoding, so in snapshots, in a backing
 * store and in a stream processor's keyed state alike), so fingerprints compare after any restore. Two
 * distinct ids share a fingerprint with probability 2^-128: with n ids kept, a new distinct id is taken for a
 * duplicate with probability at most n / 2^128.
 *
 * <p>The home slot is taken from the keyed fingerprint, so ids chosen from outside cannot make probes long
 * (they do not know the key). A user's key is SipHash-2-4-128 of the user id under a per-process secret drawn
 * from {@link SecureRandom} ({@link #keyOwner}): unpredictable from outside, cheap enough for every new user,
 * and the same for a user in every updater of one process (so their encodings of the same events are equal). A
 * state read back keeps the key it was written with, whichever process wrote it.
 *
 * <p>With {@code forgetBefore} the table may drop ids whose event time is before a bound (used by
 * {@link DedupRetention#WITHIN_LATENESS}); dropping happens only when the table would otherwise grow,
 * and {@link #containsId} ignores such ids either way, so the answer never depends on when the table
 * was last cleaned. Not thread-safe; guarded by the profile's lock.
 */
abstract class SeenIds {

    /**
     * Tables of up to this many slots keep their ids dense, in arrival order, and are scanned: they fill every slot
     * and grow by two slots at a time, so a user with a few ids pays for those ids only. A dense table of capacity
     * {@code c} holds the fingerprints' first halves together after the key, then the second halves, then the times
     * ({@code KEY + i}, {@code KEY + c + i}, {@code KEY + 2c + i}), so looking up a new id reads the key's cache line
     * and the first halves only. Larger tables are open-addressing hash tables of a power-of-two size, filled to
     * 3/4, with the three longs of a slot together.
     */
    private static final int LINEAR = 8;
    /** Longs before the first slot: the key. */
    private static final int KEY = 2;
    /** Longs per slot: the fingerprint's two halves and the event time. */
    private static final int SLOT = 3;
    /** Slots of the table made with the key (a dense table). */
    private static final int FIRST_CAPACITY = 2;
    private static final long[] NONE = new long[0];

    /** The per-process secret users' keys are derived from. */
    private static final long SECRET0;
    private static final long SECRET1;

    static {
        SecureRandom random = new SecureRandom();
        SECRET0 = random.nextLong();
        SECRET1 = random.nextLong();
    }

    /** The key, then the slots; {@link #NONE} until the first id. */
    private long[] seen = NONE;
    private int idCount;

    private static int capacity(long[] t) {
        return (t.length - KEY) / SLOT;
    }

    /** Whether a table of {@code capacity} slots is dense (scanned) rather than hashed. */
    private static boolean dense(int capacity) {
        return capacity <= LINEAR;
    }

    /** Ids a table of {@code capacity} slots holds at most: every slot when dense, else 3/4. */
    private static int maxIds(int capacity) {
        return dense(capacity) ? capacity : capacity * 3 / 4;
    }

    /**
     * Ids a table of {@code capacity} slots may hold after dropping expired ones without growing: all but one when
     * dense (a scan of a dense table is cheap), else half (hysteresis: a large table is not scanned again at the
     * next add).
     */
    private static int keepIds(int capacity) {
        return dense(capacity) ? capacity - 1 : capacity / 2;
    }

    /** The capacity a full table of {@code capacity} slots grows to. */
    private static int grown(int capacity) {
        return capacity < LINEAR ? Math.min(LINEAR, capacity + 2) : Integer.highestOneBit(capacity) << 1;
    }

    /** The home slot of a fingerprint whose first half is {@code h0}. */
    private static int home(long h0, int mask) {
        return (int) (h0 ^ (h0 >>> 32)) & mask;
    }

    /** The sum over stored ids of their distance from their home slot (probe cost; 0 for a dense table); for tests. */
    final long idProbeDisplacement() {
        long[] t = seen;
        if (dense(capacity(t))) {
            return 0;
        }
        int mask = capacity(t) - 1;
        long d = 0;
        for (int i = 0; i <= mask; i++) {
            int at = KEY + SLOT * i;
            if ((t[at] | t[at + 1]) != 0) {
                d += (i - home(t[at], mask)) & mask;
            }
        }
        return d;
    }

    /** Whether the ids are kept in a hash table rather than a dense one; for tests. */
    final boolean idsHashed() {
        return !dense(capacity(seen));
    }

    /** Longs held for the ids (the key included); for tests. */
    final int idLongs() {
        return seen.length;
    }

    /**
     * Writes the fingerprint of {@code id} under this user's key into {@code out[0]} and {@code out[1]},
     * drawing the key first if the user has none yet (the only allocation here).
     */
    final void idHash(String id, long[] out) {
        if (seen == NONE) {
            seen = newTable(FIRST_CAPACITY);
            KeyedHash128.hash(keyOwner(), SECRET0, SECRET1, seen, 0);
        }
        KeyedHash128.hash(id, seen[0], seen[1], out, 0);
        if ((out[0] | out[1]) == 0) {
            out[1] = 1; // 0, 0 marks an empty slot
        }
    }

    /**
     * The string this table's key is derived from when it draws one (the user id; the key then depends only on
     * the user and the process, so two updaters of one process fed the same events encode alike).
     */
    String keyOwner() {
        return "";
    }

    private static long[] newTable(int capacity) {
        return new long[KEY + SLOT * capacity];
    }

    /** The index in {@code t} of the time of fingerprint {@code h0}, {@code h1}, or -1 when absent. */
    private int find(long[] t, long h0, long h1) {
        int capacity = capacity(t);
        if (dense(capacity)) {
            for (int i = KEY, end = KEY + idCount; i < end; i++) {
                if (t[i] == h0 && t[i + capacity] == h1) {
                    return i + 2 * capacity;
                }
            }
            return -1;
        }
        int mask = capacity - 1;
        for (int i = home(h0, mask); ; i = (i + 1) & mask) {
            int at = KEY + SLOT * i;
            long a = t[at];
            long b = t[at + 1];
            if (a == h0 && b == h1) {
                return at + 2;
            }
            if ((a | b) == 0) {
                return -1;
            }
        }
    }

    /** Slots to visit to see every id of {@code t}: the ids of a dense table, every slot of a hashed one. */
    private int slots(long[] t) {
        int capacity = capacity(t);
        return dense(capacity) ? idCount : capacity;
    }

    /** The first half of the fingerprint in slot {@code i} of {@code t} (0 with the second: an empty slot). */
    private static long first(long[] t, int i) {
        int capacity = capacity(t);
        return dense(capacity) ? t[KEY + i] : t[KEY + SLOT * i];
    }

    /** The second half of the fingerprint in slot {@code i} of {@code t}. */
    private static long second(long[] t, int i) {
        int capacity = capacity(t);
        return dense(capacity) ? t[KEY + capacity + i] : t[KEY + SLOT * i + 1];
    }

    /** The time of slot {@code i} of {@code t}. */
    private static long time(long[] t, int i) {
        int capacity = capacity(t);
        return dense(capacity) ? t[KEY + 2 * capacity + i] : t[KEY + SLOT * i + 2];
    }

    /** Whether the id with fingerprint {@code h0}, {@code h1} was added with a time at or after {@code notBefore}. */
    final boolean containsId(long h0, long h1, long notBefore) {
        long[] t = seen;
        int at = find(t, h0, h1);
        return at >= 0 && t[at] >= notBefore;
    }

    /** As {@link #containsId(long, long, long)} for the id itself (tests). */
    final boolean containsId(String id, long notBefore) {
        long[] h = new long[2];
        idHash(id, h);
        return containsId(h[0], h[1], notBefore);
    }

    /** As {@link #addId(long, long, long, long)} for the id itself (tests). */
    final void addId(String id, long time, long forgetBefore) {
        long[] h = new long[2];
        idHash(id, h);
        reserveId(forgetBefore);
        addId(h[0], h[1], time, forgetBefore);
    }

    /**
     * Adds (or refreshes) the id with fingerprint {@code h0}, {@code h1} (from {@link #idHash}) at {@code time};
     * may first drop ids older than {@code forgetBefore}. After {@link #reserveId(long)} with a bound at most
     * {@code forgetBefore}, this allocates nothing and cannot fail: dropping expired ids in place makes the room the
     * reservation counted on. Without a reservation, the table grows before the insert, so a failure while growing
     * leaves it unchanged.
     */
    final void addId(long h0, long h1, long time, long forgetBefore) {
        int at = find(seen, h0, h1);
        if (at >= 0) {
            seen[at] = time;
            return;
        }
        if (idCount + 1 > maxIds(capacity(seen))) {
            if (forgetBefore != Long.MIN_VALUE) {
                dropBefore(forgetBefore);
            }
            if (idCount + 1 > maxIds(capacity(seen))) {
                grow();
            }
        }
        insert(seen, h0, h1, time);
        idCount++;
    }

    /** Puts an absent fingerprint into a table with room for it (does not count it). */
    private void insert(long[] t, long h0, long h1, long time) {
        int capacity = capacity(t);
        if (dense(capacity)) {
            t[KEY + idCount] = h0;
            t[KEY + capacity + idCount] = h1;
            t[KEY + 2 * capacity + idCount] = time;
            return;
        }
        int mask = capacity - 1;
        int i = home(h0, mask);
        while ((t[KEY + SLOT * i] | t[KEY + SLOT * i + 1]) != 0) {
            i = (i + 1) & mask;
        }
        int at = KEY + SLOT * i;
        t[at] = h0;
        t[at + 1] = h1;
        t[at + 2] = time;
    }

    /**
     * Makes sure the next {@link #addId} with a forget bound at least {@code forgetBefore} allocates nothing, without
     * changing what the table holds (so an event that fails after this leaves the ids as they were): when the table
     * is full, it grows now unless enough of its ids are older than {@code forgetBefore} for the add to drop them
     * in place instead.
     */
    final void reserveId(long forgetBefore) {
        int capacity = capacity(seen);
        if (idCount + 1 <= maxIds(capacity)) {
            return;
        }
        int expired = forgetBefore == Long.MIN_VALUE ? 0 : countBefore(forgetBefore);
        if (idCount - expired > keepIds(capacity)) {
            grow();
        }
    }

    /** Number of ids held. */
    final int idCount() {
        return idCount;
    }

    /** The number of ids whose time is before {@code bound}. */
    private int countBefore(long bound) {
        long[] t = seen;
        int n = 0;
        for (int i = 0, end = slots(t); i < end; i++) {
            if ((first(t, i) | second(t, i)) != 0 && time(t, i) < bound) {
                n++;
            }
        }
        return n;
    }

    /** Moves every id into a larger table (allocated before anything changes: a failure changes nothing). */
    private void grow() {
        long[] old = seen;
        int n = idCount;
        long[] t = newTable(grown(capacity(old)));
        t[0] = old[0];
        t[1] = old[1];
        int end = slots(old);
        idCount = 0; // insert places dense entries at idCount
        for (int i = 0; i < end; i++) {
            long h0 = first(old, i);
            long h1 = second(old, i);
            if ((h0 | h1) != 0) {
                insert(t, h0, h1, time(old, i));
                idCount++;
            }
        }
        assert idCount == n;
        seen = t;
    }

    /** Drops the ids whose time is before {@code forgetBefore}, in place. */
    private void dropBefore(long forgetBefore) {
        long[] t = seen;
        int capacity = capacity(t);
        if (dense(capacity)) {
            int kept = KEY;
            for (int i = KEY, end = KEY + idCount; i < end; i++) {
                if (t[i + 2 * capacity] >= forgetBefore) {
                    t[kept] = t[i];
                    t[kept + capacity] = t[i + capacity];
                    t[kept + 2 * capacity] = t[i + 2 * capacity];
                    kept++;
                }
            }
            for (int i = kept, end = KEY + idCount; i < end; i++) {
                t[i] = 0;
                t[i + capacity] = 0;
                t[i + 2 * capacity] = 0;
            }
            idCount = kept - KEY;
            return;
        }
        for (int i = 0; i < capacity(t); ) {
            int at = KEY + SLOT * i;
            if ((t[at] | t[at + 1]) != 0 && t[at + 2] < forgetBefore) {
                delete(i); // an entry may have moved into slot i: look at it again
            } else {
                i++;
            }
        }
    }

    /** Linear-probing deletion with backward shift (Knuth TAOCP vol. 3, 6.4, Algorithm R); hashed tables only. */
    private void delete(int i) {
        long[] t = seen;
        int mask = capacity(t) - 1;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            int at = KEY + SLOT * j;
            if ((t[at] | t[at + 1]) == 0) {
                break;
            }
            int home = home(t[at], mask);
            // entry j may move to the hole at i unless its home lies cyclically in (i, j]
            boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!stays) {
                System.arraycopy(t, at, t, KEY + SLOT * i, SLOT);
                i = j;
            }
        }
        java.util.Arrays.fill(t, KEY + SLOT * i, KEY + SLOT * i + SLOT, 0L);
        idCount--;
    }

    /**
     * Writes the ids: their count, then (when there are any) the key and each fingerprint with its time.
     * <pre>
     * varint  n
     * fixed64 key[0], key[1]                      (only when n &gt; 0)
     * n times: fixed64 fingerprint[0], fingerprint[1], zigzag time
     * </pre>
     */
    final void encodeIds(ByteWriter w) {
        w.varInt(idCount);
        if (idCount == 0) {
            return;
        }
        long[] t = seen;
        w.fixedLong(t[0]).fixedLong(t[1]);
        for (int i = 0, end = slots(t); i < end; i++) {
            long h0 = first(t, i);
            long h1 = second(t, i);
            if ((h0 | h1) != 0) {
                w.fixedLong(h0).fixedLong(h1).zigZag(time(t, i));
            }
        }
    }

    /** Replaces the ids with the encoded ones. */
    final void decodeIds(ByteReader r) {
        int n = r.count(17);
        idCount = 0;
        if (n == 0) {
            seen = NONE;
            return;
        }
        int cap = Math.max(FIRST_CAPACITY, n + 1);
        if (!dense(cap)) {
            cap = LINEAR << 1;
            while (maxIds(cap) < n + 1) {
                cap <<= 1;
            }
        }
        seen = newTable(cap);
        seen[0] = r.fixedLong();
        seen[1] = r.fixedLong();
        for (int k = 0; k < n; k++) {
            long h0 = r.fixedLong();
            long h1 = r.fixedLong();
            long time = r.zigZag();
            if ((h0 | h1) == 0) {
                throw r.error("an empty fingerprint among a user's seen ids");
            }
            if (find(seen, h0, h1) >= 0) {
                throw r.error("event id fingerprint " + Long.toHexString(h0) + Long.toHexString(h1)
                        + " twice in a user's seen ids");
            }
            insert(seen, h0, h1, time);
            idCount++;
        }
    }

    /** Drops every id (and the key: the next id draws a new one). */
    final void clearIds() {
        seen = NONE;
        idCount = 0;
    }
}
