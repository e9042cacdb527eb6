package dev.profilekit.core.engine;

import static dev.profilekit.features.hash.HashMix.spread;

import dev.profilekit.features.hash.KeyedHash;

/**
 * Ids of a user's accepted events, for duplicate detection: an open-addressing table of the events' own
 * id strings (no per-entry objects), with each id's keyed hash (plus an occupied bit) and event time side by
 * side in one {@code long[]}. A probe reads only that array and dereferences an id string only when the
 * hashes match, so a lookup of a new id touches one array. {@link ProfileState} extends this class so the
 * table's fields live in the state object itself (one pointer hop less on the hot path).
 *
 * <p>The hash is the {@link KeyedHash} of the id, which {@link Event} computes once when it is built (while
 * it reads the id anyway to check its text), so colliding ids chosen from outside cannot make probes long.
 *
 * <p>With {@code forgetBefore} the table may drop ids whose event time is before a bound (used by
 * {@link DedupRetention#WITHIN_LATENESS}); dropping happens only when the table would otherwise grow,
 * and {@link #containsId} ignores such ids either way, so the answer never depends on when the table
 * was last cleaned. Not thread-safe; guarded by the profile's lock.
 */
abstract class SeenIds {

    /** Marks an occupied slot in {@code meta[2i]} (the hash is in the low 32 bits); 0 is an empty slot. */
    private static final long OCCUPIED = 1L << 32;
    private static final double MAX_LOAD = 0.6;
    /** After dropping expired ids, the table grows unless the load fell to this (hysteresis). */
    private static final double KEEP_LOAD = 0.4;

    private String[] ids = new String[8];
    /** meta[2i] = OCCUPIED | hash of ids[i] (0: empty), meta[2i + 1] = its event time. */
    private long[] meta = new long[16];
    private int idCount;

    private static long tag(int h) {
        return OCCUPIED | (h & 0xFFFF_FFFFL);
    }

    /** The sum over stored ids of their distance from their home slot (probe cost); for tests. */
    final long idProbeDisplacement() {
        int mask = ids.length - 1;
        long d = 0;
        for (int i = 0; i < ids.length; i++) {
            if (meta[2 * i] != 0) {
                d += (i - spread((int) meta[2 * i])) & mask;
            }
        }
        return d;
    }

    /** Whether {@code id} was added with a time at or after {@code notBefore}. */
    final boolean containsId(String id, long notBefore) {
        return containsId(id, KeyedHash.hash(id), notBefore);
    }

    /** As {@link #containsId(String, long)}, with the id's {@link KeyedHash} already known. */
    final boolean containsId(String id, int hash, long notBefore) {
        long[] m = meta;
        long tag = tag(hash);
        int mask = (m.length >> 1) - 1;
        for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
            long t = m[2 * i];
            if (t == 0) {
                return false;
            }
            if (t == tag && ids[i].equals(id)) {
                return m[2 * i + 1] >= notBefore;
            }
        }
    }

    /** Adds (or refreshes) {@code id} at {@code time}; see {@link #addId(String, int, long, long)}. */
    final void addId(String id, long time, long forgetBefore) {
        addId(id, KeyedHash.hash(id), time, forgetBefore);
    }

    /**
     * Adds (or refreshes) {@code id}, whose keyed hash is {@code hash}, at {@code time}; may first drop ids
     * older than {@code forgetBefore}. The table grows before the insert, so a failure while growing leaves
     * it unchanged; after {@link #reserveId(long)} the next add allocates nothing.
     */
    final void addId(String id, int hash, long time, long forgetBefore) {
        long tag = tag(hash);
        int mask = ids.length - 1;
        int i = spread(hash) & mask;
        for (long t; (t = meta[2 * i]) != 0; i = (i + 1) & mask) {
            if (t == tag && ids[i].equals(id)) {
                meta[2 * i + 1] = time;
                return;
            }
        }
        if (idCount + 1 > ids.length * MAX_LOAD) {
            rebuild(forgetBefore);
            mask = ids.length - 1;
            for (i = spread(hash) & mask; meta[2 * i] != 0; i = (i + 1) & mask) {
                // the id is absent: find the empty slot in the rebuilt table
            }
        }
        ids[i] = id;
        meta[2 * i] = tag;
        meta[2 * i + 1] = time;
        idCount++;
    }

    /** Makes room for one more id now (dropping ids older than {@code forgetBefore} first), so the next add cannot fail. */
    final void reserveId(long forgetBefore) {
        if (idCount + 1 > ids.length * MAX_LOAD) {
            rebuild(forgetBefore);
        }
    }

    /** Number of ids held. */
    final int idCount() {
        return idCount;
    }

    private void rebuild(long forgetBefore) {
        if (forgetBefore != Long.MIN_VALUE) {
            // drop expired ids in place first; grow only if the table is still well filled
            for (int i = 0; i < ids.length; ) {
                if (meta[2 * i] != 0 && meta[2 * i + 1] < forgetBefore) {
                    delete(i); // an entry may have moved into slot i: look at it again
                } else {
                    i++;
                }
            }
            if (idCount <= ids.length * KEEP_LOAD) {
                return;
            }
        }
        String[] oldIds = ids;
        long[] oldMeta = meta;
        int n = oldIds.length << 1;
        String[] newIds = new String[n]; // both allocated before either is published: a failure changes nothing
        long[] newMeta = new long[2 * n];
        int mask = n - 1;
        for (int i = 0; i < oldIds.length; i++) {
            if (oldMeta[2 * i] != 0) {
                int j = spread((int) oldMeta[2 * i]) & mask;
                while (newMeta[2 * j] != 0) {
                    j = (j + 1) & mask;
                }
                newIds[j] = oldIds[i];
                newMeta[2 * j] = oldMeta[2 * i];
                newMeta[2 * j + 1] = oldMeta[2 * i + 1];
            }
        }
        ids = newIds;
        meta = newMeta;
    }

    /** Linear-probing deletion with backward shift (Knuth TAOCP vol. 3, 6.4, Algorithm R). */
    private void delete(int i) {
        int mask = ids.length - 1;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (meta[2 * j] == 0) {
                break;
            }
            int home = spread((int) meta[2 * j]) & mask;
            // entry j may move to the hole at i unless its home lies cyclically in (i, j]
            boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!stays) {
                ids[i] = ids[j];
                meta[2 * i] = meta[2 * j];
                meta[2 * i + 1] = meta[2 * j + 1];
                i = j;
            }
        }
        ids[i] = null;
        meta[2 * i] = 0;
        meta[2 * i + 1] = 0;
        idCount--;
    }

    /** Writes the ids and their times (hashes are not written: they are keyed per process). */
    final void encodeIds(dev.profilekit.features.codec.ByteWriter w) {
        w.varInt(idCount);
        for (int i = 0; i < ids.length; i++) {
            if (meta[2 * i] != 0) {
                w.string(ids[i]);
                w.zigZag(meta[2 * i + 1]);
            }
        }
    }

    /** Replaces the ids with the encoded ones. */
    final void decodeIds(dev.profilekit.features.codec.ByteReader r) {
        int n = r.count(2);
        int cap = 8;
        while (cap * MAX_LOAD < n + 1) {
            cap <<= 1;
        }
        ids = new String[cap];
        meta = new long[2 * cap];
        idCount = 0;
        for (int k = 0; k < n; k++) {
            String id = r.string();
            long time = r.zigZag();
            int h = KeyedHash.hash(id);
            if (containsId(id, h, Long.MIN_VALUE)) {
                throw r.error("event id '" + id + "' twice in a user's seen ids");
            }
            addId(id, h, time, Long.MIN_VALUE);
        }
    }

    /** Drops every id. */
    final void clearIds() {
        ids = new String[8];
        meta = new long[16];
        idCount = 0;
    }
}
