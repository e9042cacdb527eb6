package dev.profilekit.features.streaming;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/**
 * Counts distinct strings: exactly while at most {@code exactLimit} have been seen, then by a
 * HyperLogLog sketch (Flajolet et al. 2007; Apache DataSketches' HLL with lg K = 12, relative
 * standard error about 1.04/√4096 ≈ 1.6%). On the switch every value seen so far is fed to the
 * sketch, so the estimate covers the whole history. Not thread-safe; callers synchronise.
 */
public final class DistinctCounter {

    /** The exact limit the profile specification asks for. */
    public static final int DEFAULT_EXACT_LIMIT = 10_000;

    /** lg of the number of HLL registers: 4096 registers, about 1.6% relative standard error. */
    public static final int LG_K = 12;

    private final int exactLimit;
    private StringSet exact;
    private HllSketch sketch;
    /** A sketch of the exact set, built by {@link #prepare(String)} for an add that will cross the limit. */
    private HllSketch next;

    /** A counter that is exact up to {@code exactLimit} distinct values. */
    public DistinctCounter(int exactLimit) {
        if (exactLimit < 1) {
            throw new IllegalArgumentException("exactLimit must be >= 1, was " + exactLimit);
        }
        this.exactLimit = exactLimit;
        this.exact = new StringSet(4);
    }

    /** Records {@code value}. O(1) expected. */
    public void add(String value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null");
        }
        if (sketch != null) {
            sketch.update(value);
            return;
        }
        if (exact.size() == exactLimit && next == null && !exact.contains(value)) {
            prepare(value);
        }
        if (exact.add(value) && exact.size() > exactLimit) {
            HllSketch s = next;
            s.update(value);
            sketch = s;
            exact = null;
            next = null;
        }
    }

    /**
     * Does every allocation the next {@code add(value)} would need (a larger exact table, or the sketch it
     * switches to), so that the add itself cannot fail: an engine applying an event all or nothing prepares
     * every counter first. Changes no count.
     */
    public void prepare(String value) {
        if (sketch != null) {
            return;
        }
        if (exact.size() < exactLimit) {
            exact.reserveOne();
        } else if (next == null && !exact.contains(value)) {
            HllSketch s = new HllSketch(LG_K, TgtHllType.HLL_8);
            exact.forEach(s::update);
            next = s;
        }
    }

    /** Whether the count is still exact. */
    public boolean isExact() {
        return sketch == null;
    }

    /** The number of distinct values: exact, or the sketch's estimate rounded to a whole number. */
    public long count() {
        return sketch == null ? exact.size() : Math.round(sketch.getEstimate());
    }

    /** Writes the counter: exact values or the HLL sketch (its compact DataSketches image). */
    public void encode(dev.profilekit.features.codec.ByteWriter w) {
        if (sketch == null) {
            w.u8(0);
            exact.encode(w);
        } else {
            w.u8(1);
            w.lengthPrefixed(sketch.toCompactByteArray());
        }
    }

    /** The encoded counter, with the exact limit of the feature it belongs to. */
    public static DistinctCounter decode(dev.profilekit.features.codec.ByteReader r, int exactLimit) {
        DistinctCounter c = new DistinctCounter(exactLimit);
        int tag = r.u8();
        if (tag == 0) {
            StringSet set = StringSet.decode(r);
            if (set.size() > exactLimit) {
                throw r.error("distinct counter holds " + set.size() + " exact values, above its limit " + exactLimit);
            }
            c.exact = set;
        } else if (tag == 1) {
            byte[] image = r.lengthPrefixed();
            try {
                c.sketch = HllSketch.heapify(image);
            } catch (RuntimeException e) {
                throw r.error("unreadable HLL sketch (" + e.getMessage() + ")");
            }
            c.exact = null;
        } else {
            throw r.error("distinct counter tag " + tag);
        }
        return c;
    }
}
