package dev.profilekit.core;

/**
 * Ids of a user's accepted events, for duplicate detection: an open-addressing table of the
 * events' own id strings (no per-entry objects) with each id's hash and event time beside it. Probes
 * compare the stored hash first, so a lookup dereferences an id string (a likely cache miss) only
 * when the hashes match.
 *
 * <p>With {@code forgetBefore} the table may drop ids whose event time is before a bound (used by
 * {@link DedupRetention#WITHIN_LATENESS}); dropping happens only when the table would otherwise grow,
 * and {@link #contains(String, long)} ignores such ids either way, so the answer never depends on when
 * the table was last cleaned. Not thread-safe; guarded by the profile's lock.
 */
final class SeenIds {

    private String[] ids;
    private int[] hashes;
    private long[] times;
    private int size;

    SeenIds() {
        ids = new String[8];
        hashes = new int[8];
        times = new long[8];
    }

    private static int spread(int h) {
        return (h ^ (h >>> 16)) * 0x9E3779B1;
    }

    /** Whether {@code id} was added with a time at or after {@code notBefore}. */
    boolean contains(String id, long notBefore) {
        int h = id.hashCode();
        int mask = ids.length - 1;
        for (int i = spread(h) & mask; ids[i] != null; i = (i + 1) & mask) {
            if (hashes[i] == h && ids[i].equals(id)) {
                return times[i] >= notBefore;
            }
        }
        return false;
    }

    /** Adds (or refreshes) {@code id} at {@code time}; may first drop ids older than {@code forgetBefore}. */
    void add(String id, long time, long forgetBefore) {
        int h = id.hashCode();
        int mask = ids.length - 1;
        int i = spread(h) & mask;
        for (; ids[i] != null; i = (i + 1) & mask) {
            if (hashes[i] == h && ids[i].equals(id)) {
                times[i] = time;
                return;
            }
        }
        ids[i] = id;
        hashes[i] = h;
        times[i] = time;
        if (++size > ids.length * 0.6) {
            rebuild(forgetBefore);
        }
    }

    int size() {
        return size;
    }

    private void rebuild(long forgetBefore) {
        if (forgetBefore != Long.MIN_VALUE) {
            // drop expired ids in place first; grow only if the table is still more than half full
            for (int i = 0; i < ids.length; ) {
                if (ids[i] != null && times[i] < forgetBefore) {
                    delete(i); // an entry may have moved into slot i: look at it again
                } else {
                    i++;
                }
            }
            if (size <= ids.length * 0.5) {
                return;
            }
        }
        String[] oldIds = ids;
        int[] oldHashes = hashes;
        long[] oldTimes = times;
        int n = oldIds.length << 1;
        ids = new String[n];
        hashes = new int[n];
        times = new long[n];
        int mask = n - 1;
        for (int i = 0; i < oldIds.length; i++) {
            if (oldIds[i] != null) {
                int j = spread(oldHashes[i]) & mask;
                while (ids[j] != null) {
                    j = (j + 1) & mask;
                }
                ids[j] = oldIds[i];
                hashes[j] = oldHashes[i];
                times[j] = oldTimes[i];
            }
        }
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
            int home = spread(hashes[j]) & mask;
            // entry j may move to the hole at i unless its home lies cyclically in (i, j]
            boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!stays) {
                ids[i] = ids[j];
                hashes[i] = hashes[j];
                times[i] = times[j];
                i = j;
            }
        }
        ids[i] = null;
        size--;
    }
}
