package dev.profilekit.core.engine;

import dev.profilekit.features.hash.KeyedHash;

/**
 * Ids of a user's accepted events, for duplicate detection: an open-addressing table of the
 * events' own id strings (no per-entry objects), with each id's hash and event time side by side in
 * one {@code long[]} so a probe touches one cache line and dereferences an id string only when the
 * hashes match. {@link ProfileState} extends this class so the table's fields live in the state
 * object itself (one pointer hop less on the hot path).
 *
 * <p>With {@code forgetBefore} the table may drop ids whose event time is before a bound (used by
 * {@link DedupRetention#WITHIN_LATENESS}); dropping happens only when the table would otherwise grow,
 * and {@link #containsId(String, long)} ignores such ids either way, so the answer never depends on
 * when the table was last cleaned. Not thread-safe; guarded by the profile's lock.
 */
abstract class SeenIds {

    private String[] ids = new String[8];
    /** meta[2i] = hash of ids[i], meta[2i + 1] = its event time. */
    private long[] meta = new long[16];
    private int idCount;

    private static int spread(int h) {
        return (h ^ (h >>> 16)) * 0x9E3779B1;
    }

    /** Whether {@code id} was added with a time at or after {@code notBefore}. */
    final boolean containsId(String id, long notBefore) {
        int h = KeyedHash.hash(id);
        int mask = ids.length - 1;
        for (int i = spread(h) & mask; ids[i] != null; i = (i + 1) & mask) {
            if ((int) meta[2 * i] == h && ids[i].equals(id)) {
                return meta[2 * i + 1] >= notBefore;
            }
        }
        return false;
    }

    /**
     * Adds (or refreshes) {@code id} at {@code time}; may first drop ids older than {@code forgetBefore}. The
     * table grows before the insert, so a failure while growing leaves it unchanged; after
     * {@link #reserveId(long)} the next add allocates nothing.
     */
    final void addId(String id, long time, long forgetBefore) {
        int h = KeyedHash.hash(id);
        int mask = ids.length - 1;
        int i = spread(h) & mask;
        for (; ids[i] != null; i = (i + 1) & mask) {
            if ((int) meta[2 * i] == h && ids[i].equals(id)) {
                meta[2 * i + 1] = time;
                return;
            }
        }
        if (idCount + 1 > ids.length * 0.6) {
            rebuild(forgetBefore);
            mask = ids.length - 1;
            for (i = spread(h) & mask; ids[i] != null; i = (i + 1) & mask) {
                // the id is absent: find the empty slot in the rebuilt table
            }
        }
        ids[i] = id;
        meta[2 * i] = h;
        meta[2 * i + 1] = time;
        idCount++;
    }

    /** Makes room for one more id now (dropping ids older than {@code forgetBefore} first), so the next add cannot fail. */
    final void reserveId(long forgetBefore) {
        if (idCount + 1 > ids.length * 0.6) {
            rebuild(forgetBefore);
        }
    }

    /** Number of ids held. */
    final int idCount() {
        return idCount;
    }

    private void rebuild(long forgetBefore) {
        if (forgetBefore != Long.MIN_VALUE) {
            // drop expired ids in place first; grow only if the table is still more than half full
            for (int i = 0; i < ids.length; ) {
                if (ids[i] != null && meta[2 * i + 1] < forgetBefore) {
                    delete(i); // an entry may have moved into slot i: look at it again
                } else {
                    i++;
                }
            }
            if (idCount <= ids.length * 0.5) {
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
            if (oldIds[i] != null) {
                int j = spread((int) oldMeta[2 * i]) & mask;
                while (newIds[j] != null) {
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
            if (ids[j] == null) {
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
        idCount--;
    }
}
