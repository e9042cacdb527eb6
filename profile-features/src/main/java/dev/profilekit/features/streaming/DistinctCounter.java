package dev.profilekit.features.streaming;

import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import dev.profilekit.features.hash.HashMix;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/**
 * Counts distinct strings: exactly while at most {@code exactLimit} have been seen, then by a
 * HyperLogLog sketch (Flajolet et al. 2007; Apache DataSketches' HLL with lg K = 12, relative
 * standard error about 1.04/√4096 ≈ 1.6%). On the switch every value seen so far is fed to the
 * sketch, so the estimate covers the whole history. Not thread-safe; callers synchronise.
 *
 * <p>With a {@link StringDictionary} the exact values are kept as their dictionary codes in an open-addressing
 * {@code int[]} (4 bytes a value, no object per value), each code referenced once by this counter; a value the
 * dictionary refuses (it is full) is kept as a string beside them. Without one, every value is a string. A value
 * is kept in exactly one of the two forms, so the count stays exact either way. {@link #adopt} and
 * {@link #release} move the values between the forms.
 */
public final class DistinctCounter implements StringDictionary.Coded {

    /** The exact limit the profile specification asks for. */
    public static final int DEFAULT_EXACT_LIMIT = 10_000;

    /** lg of the number of HLL registers: 4096 registers, about 1.6% relative standard error. */
    public static final int LG_K = 12;

    private final int exactLimit;
    /** The dictionary of the codes in {@link #codes}, or null (every value is in {@link #local}). */
    private StringDictionary dict;
    /** Codes + 1 by open addressing (0: empty), load at most 3/4; null until the first coded value. */
    private int[] codes;
    private int coded;
    /** Values kept as strings (no dictionary, or refused by it); null until the first. */
    private StringSet local;
    private HllSketch sketch;
    /** A sketch of the exact set, built by {@link #prepare} for an add that will cross the limit. */
    private HllSketch next;

    /** A counter that is exact up to {@code exactLimit} distinct values, keeping them as strings. */
    public DistinctCounter(int exactLimit) {
        this(exactLimit, null);
    }

    /** A counter that is exact up to {@code exactLimit} distinct values, coding them in {@code dict} (or not: null). */
    public DistinctCounter(int exactLimit, StringDictionary dict) {
        if (exactLimit < 1) {
            throw new IllegalArgumentException("exactLimit must be >= 1, was " + exactLimit);
        }
        this.exactLimit = exactLimit;
        this.dict = dict;
    }

    /** Records {@code value}. O(1) expected. */
    public void add(String value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null");
        }
        int pin = dict != null && !holds(value) ? dict.acquire(value) : -1;
        try {
            prepare(value, pin);
            add(value, pin);
        } finally {
            if (pin >= 0) {
                dict.release(pin);
            }
        }
    }

    /**
     * Whether adding {@code value} would change nothing (it is held, or the counter is a sketch): then a caller
     * need not {@link StringDictionary#acquire pin} its code.
     */
    public boolean holds(String value) {
        return holds(value, -1);
    }

    /** {@link #holds(String)} with the code of {@code value} as in {@link #add(String, int)}. */
    public boolean holds(String value, int code) {
        return sketch != null || indexOf(value, code) != 0;
    }

    /**
     * Non-zero when {@code value} is held: 1 as a code, 2 as a string. {@code code}: its code, or -1 (unknown: looked
     * up), or {@link StringDictionary#NOT_CODED}.
     */
    private int indexOf(String value, int code) {
        int c = code >= 0 ? code : code == -1 && dict != null ? dict.find(value) : -1;
        if (c >= 0 && containsCode(c)) {
            return 1;
        }
        return local != null && local.contains(value) ? 2 : 0;
    }

    /** {@link #prepare(String, int)} without a dictionary code. */
    public void prepare(String value) {
        prepare(value, -1);
    }

    /**
     * Does every allocation the next {@code add(value, pin)} would need (a larger table, or the sketch it switches
     * to), so that the add itself cannot fail: an engine applying an event all or nothing prepares every counter
     * first. {@code pin} is the code of {@code value} the caller holds for the add ({@link StringDictionary#acquire}),
     * or -1 or {@link StringDictionary#NOT_CODED} to keep a new value as a string. Changes no count.
     */
    public void prepare(String value, int pin) {
        if (sketch != null || indexOf(value, pin) != 0) {
            return;
        }
        if (size() < exactLimit) {
            if (pin >= 0) {
                reserveCode();
            } else {
                if (local == null) {
                    local = new StringSet(1);
                }
                local.reserveOne();
            }
        } else if (next == null) {
            HllSketch s = new HllSketch(LG_K, TgtHllType.HLL_8);
            forEach(s::update);
            next = s;
        }
    }

    /**
     * Records {@code value} after {@link #prepare(String, int)} with the same {@code pin}; cannot fail. A new value
     * takes a reference to {@code pin} (or is kept as a string when {@code pin} is negative). A caller that knows the
     * counter {@link #holds} the value may pass its code unpinned, or {@link StringDictionary#NOT_CODED}.
     */
    public void add(String value, int pin) {
        if (sketch != null) {
            sketch.update(value);
            return;
        }
        if (indexOf(value, pin) != 0) {
            return;
        }
        if (size() == exactLimit) {
            HllSketch s = next;
            s.update(value);
            releaseCodes();
            sketch = s;
            local = null;
            next = null;
            return;
        }
        if (pin >= 0) {
            dict.retain(pin);
            insertCode(pin);
        } else {
            local.add(value);
        }
    }

    private int size() {
        return coded + (local == null ? 0 : local.size());
    }

    /** Calls {@code action} for each exact value. */
    private void forEach(java.util.function.Consumer<String> action) {
        if (codes != null) {
            for (int k : codes) {
                if (k != 0) {
                    action.accept(dict.string(k - 1));
                }
            }
        }
        if (local != null) {
            local.forEach(action);
        }
    }

    private boolean containsCode(int c) {
        int[] t = codes;
        if (t == null) {
            return false;
        }
        int mask = t.length - 1;
        for (int i = HashMix.spread(c) & mask; t[i] != 0; i = (i + 1) & mask) {
            if (t[i] == c + 1) {
                return true;
            }
        }
        return false;
    }

    /** Room for one more code: the next {@link #insertCode} allocates nothing. */
    private void reserveCode() {
        if (codes == null) {
            codes = new int[8];
        } else if ((coded + 1) * 4 > codes.length * 3) {
            int[] old = codes;
            codes = new int[old.length * 2];
            for (int k : old) {
                if (k != 0) {
                    place(codes, k);
                }
            }
        }
    }

    private void insertCode(int c) {
        place(codes, c + 1);
        coded++;
    }

    private static void place(int[] t, int k) {
        int mask = t.length - 1;
        int i = HashMix.spread(k - 1) & mask;
        while (t[i] != 0) {
            i = (i + 1) & mask;
        }
        t[i] = k;
    }

    private void releaseCodes() {
        if (codes != null) {
            for (int k : codes) {
                if (k != 0) {
                    dict.release(k - 1);
                }
            }
            codes = null;
            coded = 0;
        }
    }

    /**
     * Codes the values kept as strings in {@code d} (those it refuses stay strings) and codes new values there
     * from now on. On a failure part-way every value is still held once, in one form or the other.
     */
    @Override
    public void adopt(StringDictionary d) {
        if (dict != null) {
            throw new IllegalStateException("the counter already codes its values in a dictionary");
        }
        dict = d;
        if (sketch != null || local == null) {
            return;
        }
        String[] values = new String[local.size()];
        int[] n = {0};
        local.forEach(v -> values[n[0]++] = v);
        int[] got = new int[values.length];
        int acquired = 0;
        try {
            int[] table = new int[tableFor(values.length)];
            StringSet refused = null;
            for (String v : values) {
                int c = d.acquire(v);
                got[acquired++] = c;
                if (c < 0) {
                    if (refused == null) {
                        refused = new StringSet(1);
                    }
                    refused.add(v);
                }
            }
            for (int c : got) {
                if (c >= 0) {
                    place(table, c + 1);
                    coded++;
                }
            }
            codes = coded == 0 ? null : table;
            local = refused;
        } catch (RuntimeException | Error e) {
            for (int i = 0; i < acquired; i++) {
                if (got[i] >= 0) {
                    d.release(got[i]);
                }
            }
            throw e;
        }
    }

    /** The table length for {@code n} codes at load at most 3/4. */
    private static int tableFor(int n) {
        int len = 8;
        while (n * 4 > len * 3) {
            len <<= 1;
        }
        return len;
    }

    /**
     * Gives back every code to the dictionary, keeping the values as strings: the counter reads the same and holds
     * nothing in the dictionary afterwards.
     */
    @Override
    public void release() {
        if (dict == null) {
            return;
        }
        if (codes != null) {
            StringSet all = new StringSet(size());
            forEach(all::add);
            releaseCodes();
            local = all;
        }
        dict = null;
    }

    /** Whether the count is still exact. */
    public boolean isExact() {
        return sketch == null;
    }

    /** The number of distinct values: exact, or the sketch's estimate rounded to a whole number. */
    public long count() {
        return sketch == null ? size() : Math.round(sketch.getEstimate());
    }

    /**
     * Writes the counter: exact values (as strings, never codes) or the HLL sketch (its compact DataSketches
     * image).
     */
    public void encode(ByteWriter w) {
        if (sketch == null) {
            w.u8(0);
            w.varInt(size());
            forEach(w::string);
        } else {
            w.u8(1);
            w.lengthPrefixed(sketch.toCompactByteArray());
        }
    }

    /**
     * The encoded counter, with the exact limit of the feature it belongs to, its values kept as strings (see
     * {@link #adopt}).
     */
    public static DistinctCounter decode(ByteReader r, int exactLimit) {
        DistinctCounter c = new DistinctCounter(exactLimit);
        int tag = r.u8();
        if (tag == 0) {
            StringSet set = StringSet.decode(r);
            if (set.size() > exactLimit) {
                throw r.error("distinct counter holds " + set.size() + " exact values, above its limit " + exactLimit);
            }
            c.local = set.size() == 0 ? null : set;
        } else if (tag == 1) {
            byte[] image = r.lengthPrefixed();
            try {
                c.sketch = HllSketch.heapify(image);
            } catch (RuntimeException e) {
                throw r.error("unreadable HLL sketch (" + e.getMessage() + ")");
            }
        } else {
            throw r.error("distinct counter tag " + tag);
        }
        return c;
    }
}
