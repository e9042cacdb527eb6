package dev.profilekit.features.streaming;

import static dev.profilekit.features.hash.HashMix.spread;

import dev.profilekit.features.hash.KeyedHash;

/**
 * A set of strings with open addressing (linear probing over a power-of-two table of references,
 * with each string's hash beside it so that probes dereference a string only when the hashes match).
 * No per-entry objects are created: adding a string stores the caller's reference, and the table
 * only allocates when it doubles. Not thread-safe; callers synchronise.
 */
public final class StringSet {

    private String[] table;
    private int[] hashes;
    private int size;

    /** An empty set with room for {@code expected} strings before it first grows. */
    public StringSet(int expected) {
        if (expected < 0) {
            throw new IllegalArgumentException("expected must be >= 0, was " + expected);
        }
        table = new String[tableSizeFor(expected)];
        hashes = new int[table.length];
    }

    static int tableSizeFor(int expected) {
        int n = 8;
        while (n * 0.6 < expected) {
            n <<= 1;
        }
        return n;
    }

    /**
     * Adds {@code s}; returns true if it was not present. O(1) expected. The table grows before the insert, so
     * an {@link OutOfMemoryError} while growing leaves the set unchanged; after {@link #reserveOne()} the next
     * add allocates nothing.
     */
    public boolean add(String s) {
        if (s == null) {
            throw new IllegalArgumentException("value must not be null");
        }
        int h = KeyedHash.hash(s);
        int i = slotOf(s, h);
        if (table[i] != null) {
            return false;
        }
        if (size + 1 > table.length * 0.6) {
            grow();
            i = slotOf(s, h);
        }
        table[i] = s;
        hashes[i] = h;
        size++;
        return true;
    }

    /** The sum over stored strings of their distance from their home slot (probe cost); for tests. */
    long probeDisplacement() {
        int mask = table.length - 1;
        long d = 0;
        for (int i = 0; i < table.length; i++) {
            if (table[i] != null) {
                d += (i - spread(hashes[i])) & mask;
            }
        }
        return d;
    }

    /** Grows the table now if one more string would make it grow: the next {@link #add} then cannot fail. */
    public void reserveOne() {
        if (size + 1 > table.length * 0.6) {
            grow();
        }
    }

    /** The slot holding {@code s}, or the empty slot where it would go. */
    private int slotOf(String s, int h) {
        String[] t = table;
        int mask = t.length - 1;
        int i = spread(h) & mask;
        for (String cur; (cur = t[i]) != null; i = (i + 1) & mask) {
            if (hashes[i] == h && cur.equals(s)) {
                return i;
            }
        }
        return i;
    }

    /** Whether {@code s} is present. */
    public boolean contains(String s) {
        String[] t = table;
        int h = KeyedHash.hash(s);
        int mask = t.length - 1;
        for (int i = spread(h) & mask; t[i] != null; i = (i + 1) & mask) {
            if (hashes[i] == h && t[i].equals(s)) {
                return true;
            }
        }
        return false;
    }

    /** Number of strings held. */
    public int size() {
        return size;
    }

    /** Calls {@code action} for each string, in table order. */
    public void forEach(java.util.function.Consumer<String> action) {
        for (String s : table) {
            if (s != null) {
                action.accept(s);
            }
        }
    }

    private void grow() {
        String[] old = table;
        int[] oldHashes = hashes;
        String[] t = new String[old.length << 1];
        int[] hs = new int[t.length];
        int mask = t.length - 1;
        for (int j = 0; j < old.length; j++) {
            if (old[j] != null) {
                int i = spread(oldHashes[j]) & mask;
                while (t[i] != null) {
                    i = (i + 1) & mask;
                }
                t[i] = old[j];
                hs[i] = oldHashes[j];
            }
        }
        table = t;
        hashes = hs;
    }

    /** Writes the set: its size and its strings in table order. */
    public void encode(dev.profilekit.features.codec.ByteWriter w) {
        w.varInt(size);
        for (String s : table) {
            if (s != null) {
                w.string(s);
            }
        }
    }

    /** A set equal to the encoded one (hashes are recomputed with this process's key). */
    public static StringSet decode(dev.profilekit.features.codec.ByteReader r) {
        int n = r.count(1);
        StringSet set = new StringSet(n);
        for (int i = 0; i < n; i++) {
            if (!set.add(r.string())) {
                throw r.error("a string set holds a string twice");
            }
        }
        return set;
    }
}
