package dev.profilekit.features.streaming;

import dev.profilekit.features.hash.HashMix;
import dev.profilekit.features.hash.KeyedHash;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Heaviest strings of a stream, by count or by exponentially time-decayed count.
 *
 * <p>Each tracked value keeps its weight as of its own latest update time {@code r}: a pair
 * {@code (v, r)} with {@code v = Σ 2^{-(r - t)/h}} over its events, so {@code v >= 1} while exact and the
 * weight as of {@code T} is {@code v · 2^{-(T - r)/h}}, exact for events in any order. The decay factor is
 * computed in base 2 from the whole and fractional half-lives elapsed ({@link Math#scalb} of a factor in
 * (0.5, 1]), so a whole number of half-lives scales exactly. Values are ranked by their weights compared
 * with an unbounded binary exponent (a {@code (exponent, significand)} pair at the counter's latest time),
 * never by a double that may have underflowed: the order does not depend on the time of the read, and two
 * weights that print as {@code 0.0} still rank by their true size. With half-life 0 the weight is the plain
 * count.
 *
 * <p>While at most {@code capacity} distinct values have been seen the weights are exact. Beyond
 * that the counter runs the Space-Saving algorithm (Metwally, Agrawal, El Abbadi, ICDT 2005) with
 * real weights: a new value replaces the lightest one and inherits its weight, so a reported weight
 * overestimates the true one by at most the lightest weight. Apache DataSketches' frequent-items
 * sketch was not used because it takes integer weights only, and decayed weights are real.
 *
 * <p>Updates are O(1) expected while exact, O(capacity) per new value afterwards. The arrays start with 4
 * slots and double up to {@code capacity} as distinct values arrive, so a user with few values costs
 * little; after that nothing is allocated. Not thread-safe; callers synchronise.
 *
 * <p>With a {@link StringDictionary} each tracked value is kept as its dictionary code (an {@code int}, referenced
 * once by this counter) in an {@code int[]} of codes beside one {@code long[]} of (weight, time) pairs; a value the
 * dictionary refuses (it is full) is kept as a string in a parallel array allocated only then. Without one, every
 * value is a string. Up to {@value #LINEAR_SLOTS} slots are searched by a scan of the codes; larger counters keep
 * an open-addressing index. {@link #adopt} and {@link #release} move the values between the forms; reads and the
 * ranking (ties by the value's string) are the same in both.
 */
public final class TopKCounter implements StringDictionary.Coded {

    /** Beyond this many whole half-lives any weight of a tracked value (below 2^64 events) rounds to 0. */
    private static final long UNDERFLOW_HALF_LIVES = 1_200;
    private static final double LN2 = Math.log(2.0);

    private final int capacity;
    private final long halfLifeMs;
    /** The dictionary of the codes in {@link #keys}, or null (every value is in {@link #local}). */
    private StringDictionary dict;
    /** keys[i]: the dictionary code of slot i's value, or -1 when the value is the string local[i]. */
    private int[] keys;
    /** Values kept as strings, by slot; null while every value is coded. */
    private String[] local;
    /**
     * Two longs per slot i: at {@code 2i} the bits of the weight of keys[i] as of its time (for counts: the count),
     * at {@code 2i + 1} that time (one array instead of a {@code double[]} and a {@code long[]}).
     */
    private long[] weighted;
    /** Open addressing: slot + 1, 0 = empty; null while there are at most {@link #LINEAR_SLOTS} slots. */
    private int[] index;
    private int size;
    private boolean exact = true;
    /** The latest update time of any value: the common reference of the ranking. */
    private long latest = Long.MIN_VALUE;

    /**
     * @param capacity   how many values are tracked (exact up to this many distinct values), >= 1
     * @param halfLifeMs the half-life of the decay in milliseconds, or 0 for plain counts
     */
    public TopKCounter(int capacity, long halfLifeMs) {
        this(capacity, halfLifeMs, null);
    }

    /**
     * A counter that codes its values in {@code dict} (null: keeps them as strings); see
     * {@link #TopKCounter(int, long)}.
     */
    public TopKCounter(int capacity, long halfLifeMs, StringDictionary dict) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        if (halfLifeMs < 0) {
            throw new IllegalArgumentException("halfLifeMs must be >= 0 (0: plain counts), was " + halfLifeMs);
        }
        this.capacity = capacity;
        this.halfLifeMs = halfLifeMs;
        this.dict = dict;
        allocate(Math.min(capacity, INITIAL_SLOTS));
    }

    /** Slots allocated at first; the arrays double up to {@code capacity} as distinct values arrive. */
    private static final int INITIAL_SLOTS = 4;

    /** Counters with at most this many slots find a value by a scan, without an index. */
    static final int LINEAR_SLOTS = 8;

    /** Moves the values into arrays of {@code slots}; all are allocated before any is published. */
    private void allocate(int slots) {
        int[] newKeys = new int[slots];
        String[] newLocal = local == null ? null : new String[slots];
        long[] newWeighted = new long[2 * slots];
        int[] newIndex = slots <= LINEAR_SLOTS ? null : new int[Integer.highestOneBit(Math.max(4, slots * 2 - 1)) << 1];
        if (keys != null) {
            System.arraycopy(keys, 0, newKeys, 0, size);
            if (newLocal != null) {
                System.arraycopy(local, 0, newLocal, 0, size);
            }
            System.arraycopy(weighted, 0, newWeighted, 0, 2 * size);
        }
        keys = newKeys;
        local = newLocal;
        weighted = newWeighted;
        index = newIndex;
        reindex();
    }

    /** The weight of slot i as of {@link #ref}(i). */
    private double weight(int i) {
        return Double.longBitsToDouble(weighted[2 * i]);
    }

    private void setWeight(int i, double w) {
        weighted[2 * i] = Double.doubleToRawLongBits(w);
    }

    /** The time slot i's weight is as of. */
    private long ref(int i) {
        return weighted[2 * i + 1];
    }

    private void setRef(int i, long t) {
        weighted[2 * i + 1] = t;
    }

    /** Rebuilds the index from the slots (after the slots moved or changed form). */
    private void reindex() {
        if (index != null) {
            java.util.Arrays.fill(index, 0);
            for (int i = 0; i < size; i++) {
                insertIndex(i);
            }
        }
    }

    /** The value of {@code slot}. */
    private String keyAt(int slot) {
        int k = keys[slot];
        return k >= 0 ? dict.string(k) : local[slot];
    }

    /** The index hash of {@code slot}: of its code, or (keyed) of its string. */
    private int hashOf(int slot) {
        int k = keys[slot];
        return k >= 0 ? k : KeyedHash.hash(local[slot]);
    }

    /**
     * Whether adding {@code value} would only add to a weight (it is tracked): then a caller need not
     * {@link StringDictionary#acquire pin} its code.
     */
    public boolean holds(String value) {
        return find(value, -1) >= 0;
    }

    /** {@link #holds(String)} with the code of {@code value} as in {@link #add(String, int, long)}. */
    public boolean holds(String value, int code) {
        return find(value, code) >= 0;
    }

    /**
     * Does the allocation the next {@code add(value, t)} would need (growing the arrays towards the
     * capacity), so that the add cannot fail. Changes no weight.
     */
    public void prepare(String value) {
        prepare(value, -1);
    }

    /**
     * {@link #prepare(String)} for an add with {@code pin}: the code of {@code value} the caller holds for the add
     * ({@link StringDictionary#acquire}), or -1 or {@link StringDictionary#NOT_CODED} to keep a new value as a
     * string.
     */
    public void prepare(String value, int pin) {
        if (find(value, pin) >= 0) {
            return;
        }
        if (size == keys.length && size < capacity) {
            allocate(Math.min(capacity, keys.length * 2));
        }
        if (pin < 0 && local == null) {
            local = new String[keys.length];
        }
    }

    /** Records one occurrence of {@code value} at time {@code t} (epoch ms). */
    public void add(String value, long t) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null");
        }
        int pin = dict != null && !holds(value) ? dict.acquire(value) : -1;
        try {
            prepare(value, pin);
            add(value, pin, t);
        } finally {
            if (pin >= 0) {
                dict.release(pin);
            }
        }
    }

    /**
     * Records one occurrence of {@code value} at {@code t} after {@link #prepare(String, int)} with the same
     * {@code pin}; cannot fail. A new value takes a reference to {@code pin} (or is kept as a string when it is
     * negative); a value that Space-Saving drops gives its reference back. A caller that knows the counter
     * {@link #holds} the value may pass its code unpinned, or {@link StringDictionary#NOT_CODED}.
     */
    public void add(String value, int pin, long t) {
        latest = Math.max(latest, t);
        int slot = find(value, pin);
        if (slot >= 0) {
            addAt(slot, t);
            return;
        }
        if (size < capacity) {
            if (size == keys.length) {
                allocate(Math.min(capacity, keys.length * 2));
            }
            setKey(size, value, pin);
            setWeight(size, 1.0);
            setRef(size, t);
            insertIndex(size);
            size++;
            return;
        }
        // Space-Saving: the new value takes over the lightest counter and its weight
        exact = false;
        int min = extreme(false);
        removeIndex(min);
        if (keys[min] >= 0) {
            dict.release(keys[min]);
        }
        setKey(min, value, pin);
        addAt(min, t);
        insertIndex(min);
    }

    private void setKey(int slot, String value, int pin) {
        if (pin >= 0) {
            dict.retain(pin);
            keys[slot] = pin;
            if (local != null) {
                local[slot] = null;
            }
        } else {
            if (local == null) {
                local = new String[keys.length];
            }
            keys[slot] = -1;
            local[slot] = value;
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
        if (local == null) {
            return;
        }
        try {
            boolean any = false;
            for (int i = 0; i < size; i++) {
                if (keys[i] < 0) {
                    int c = d.acquire(local[i]);
                    if (c >= 0) {
                        keys[i] = c;
                        local[i] = null;
                    } else {
                        any = true;
                    }
                }
            }
            if (!any) {
                local = null;
            }
        } finally {
            reindex();
        }
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
        if (local == null) {
            local = new String[keys.length];
        }
        for (int i = 0; i < size; i++) {
            if (keys[i] >= 0) {
                local[i] = dict.string(keys[i]);
                dict.release(keys[i]);
                keys[i] = -1;
            }
        }
        dict = null;
        reindex();
    }

    /** Adds one occurrence at {@code t} to the weight of {@code slot}. */
    private void addAt(int slot, long t) {
        if (halfLifeMs == 0) {
            setWeight(slot, weight(slot) + 1.0);
        } else if (t >= ref(slot)) {
            setWeight(slot, decayed(weight(slot), t - ref(slot)) + 1.0);
            setRef(slot, t);
        } else {
            setWeight(slot, weight(slot) + decayed(1.0, ref(slot) - t));
        }
    }

    /**
     * {@code w · 2^(-dt/h)} for {@code dt >= 0}: the fractional half-life by {@code exp}, the whole half-lives by
     * {@link Math#scalb}, which is exact unless the result is subnormal (so whole half-lives scale exactly).
     */
    private double decayed(double w, long dt) {
        long whole = dt / halfLifeMs;
        if (whole > UNDERFLOW_HALF_LIVES || w == 0.0) {
            return 0.0;
        }
        long part = dt % halfLifeMs;
        double f = part == 0 ? 1.0 : Math.exp(-LN2 * ((double) part / halfLifeMs));
        return Math.scalb(w * f, (int) -whole);
    }

    /*
     * The ranking key of a slot is its weight as of {@link #latest} with an unbounded binary exponent:
     * significand(p) * 2^exponent(slot, p), where p = atLatest(slot) is the weight scaled by the fractional
     * half-life part of its age only (a normal double for any weight >= 2^-1000) and the whole half-lives go
     * into the exponent. Comparing (exponent, significand) pairs is a total order, independent of the read
     * time, and never underflows.
     */

    /** The weight of {@code slot} scaled by the fractional half-life part of its age at {@link #latest} only. */
    private double atLatest(int slot) {
        if (halfLifeMs == 0) {
            return weight(slot);
        }
        long part = (latest - ref(slot)) % halfLifeMs;
        return part == 0 ? weight(slot) : weight(slot) * Math.exp(-LN2 * ((double) part / halfLifeMs));
    }

    /** The binary exponent of the key of {@code slot} ({@code p = atLatest(slot)}); {@link Long#MIN_VALUE} for 0. */
    private long exponent(int slot, double p) {
        if (p == 0.0) {
            return Long.MIN_VALUE;
        }
        return binaryExponent(p) - (halfLifeMs == 0 ? 0 : (latest - ref(slot)) / halfLifeMs);
    }

    /** The significand in [1, 2) of a positive finite double (0 for 0), subnormals included. */
    private static double significand(double p) {
        if (p == 0.0) {
            return 0.0;
        }
        int e = Math.getExponent(p);
        // a normal double scales into [1, 2) exactly; a subnormal is first lifted into the normal range
        return e >= Double.MIN_EXPONENT ? Math.scalb(p, -e) : Math.scalb(Math.scalb(p, 600), -(binaryExponent(p) + 600));
    }

    /** The exact binary exponent of a positive finite double, subnormals included. */
    private static int binaryExponent(double p) {
        int e = Math.getExponent(p);
        return e >= Double.MIN_EXPONENT ? e : Math.getExponent(Math.scalb(p, 600)) - 600;
    }

    /** Compares two keys: the heavier weight is the larger. */
    private static int compareKeys(long e1, double m1, long e2, double m2) {
        return e1 != e2 ? Long.compare(e1, e2) : Double.compare(m1, m2);
    }

    /**
     * The slot of the heaviest weight (ties: the smallest value), or of the lightest (ties: the first slot, for
     * Space-Saving); -1 when empty. O(capacity), no allocation.
     */
    private int extreme(boolean heaviest) {
        int best = -1;
        long bestE = 0;
        double bestM = 0;
        for (int i = 0; i < size; i++) {
            double p = atLatest(i);
            long e = exponent(i, p);
            double m = significand(p);
            int c = best < 0 ? 1 : heaviest ? compareKeys(e, m, bestE, bestM) : compareKeys(bestE, bestM, e, m);
            if (c > 0 || (heaviest && c == 0 && keyAt(i).compareTo(keyAt(best)) < 0)) {
                best = i;
                bestE = e;
                bestM = m;
            }
        }
        return best;
    }

    /**
     * The heaviest value (ties: the smallest by UTF-16 code units), or null when empty: the first value of
     * {@link #top}, whatever the time of the read. O(capacity), no allocation.
     */
    public String leading() {
        int best = extreme(true);
        return best < 0 ? null : keyAt(best);
    }

    /** Whether every weight is still exact (at most {@code capacity} distinct values seen). */
    public boolean isExact() {
        return exact;
    }

    /** Number of values tracked. */
    public int size() {
        return size;
    }

    /**
     * The {@code k} heaviest values as of {@code asOf} (which must not precede the latest event), ranked by
     * their weights compared without underflow (heavier first, equal weights by value ascending in UTF-16
     * code units). The weight reported is the weight as of {@code asOf} rounded to a double, which may be a
     * subnormal or 0.0 when it underflows; it never increases down the list.
     */
    public List<WeightedValue> top(int k, long asOf) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, was " + k);
        }
        long[] exps = new long[size];
        double[] sigs = new double[size];
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            double p = atLatest(i);
            exps[i] = exponent(i, p);
            sigs[i] = significand(p);
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> {
            int c = compareKeys(exps[j], sigs[j], exps[i], sigs[i]);
            return c != 0 ? c : keyAt(i).compareTo(keyAt(j));
        });
        List<WeightedValue> out = new ArrayList<>(Math.min(k, size));
        for (int i = 0; i < Math.min(k, size); i++) {
            int slot = order[i];
            out.add(new WeightedValue(keyAt(slot), weightAt(exps[slot], sigs[slot], asOf)));
        }
        return out;
    }

    /**
     * The weight {@code sig · 2^exp} as of {@link #latest}, moved to {@code asOf} by the factor
     * {@code 2^(-(asOf - latest)/h)} common to all values and rounded once, so that a heavier rank never prints a
     * smaller weight. Counts are returned as they are.
     */
    private double weightAt(long exp, double sig, long asOf) {
        if (exp == Long.MIN_VALUE) {
            return 0.0;
        }
        if (halfLifeMs == 0) {
            return Math.scalb(sig, (int) exp);
        }
        long dt = asOf - latest; // both event times (years 1..9999): no overflow
        long part = Math.floorMod(dt, halfLifeMs);
        double f = part == 0 ? 1.0 : Math.exp(-LN2 * ((double) part / halfLifeMs));
        long e = exp - Math.floorDiv(dt, halfLifeMs);
        return Math.scalb(sig * f, (int) Math.max(-2 * UNDERFLOW_HALF_LIVES, Math.min(2 * UNDERFLOW_HALF_LIVES, e)));
    }

    /** Weight descending, then value ascending (String.compareTo compares UTF-16 code units). */
    public static final Comparator<WeightedValue> ORDER =
            Comparator.comparingDouble(WeightedValue::weight).reversed().thenComparing(WeightedValue::value);

    /** The sum over tracked values of their index entry's distance from its home slot; for tests. */
    long probeDisplacement() {
        if (index == null) {
            return 0;
        }
        int mask = index.length - 1;
        long d = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] != 0) {
                d += (i - HashMix.spread(hashOf(index[i] - 1))) & mask;
            }
        }
        return d;
    }

    /**
     * The slot of {@code value}, or -1. {@code code}: its code, or -1 (unknown: looked up), or
     * {@link StringDictionary#NOT_CODED}.
     */
    private int find(String value, int code) {
        int c = code >= 0 ? code : code == -1 && dict != null ? dict.find(value) : -1;
        if (c >= 0) {
            int slot = findCode(c);
            if (slot >= 0) {
                return slot;
            }
        }
        return local == null ? -1 : findLocal(value);
    }

    private int findCode(int c) {
        if (index == null) {
            for (int i = 0; i < size; i++) {
                if (keys[i] == c) {
                    return i;
                }
            }
            return -1;
        }
        int mask = index.length - 1;
        for (int i = HashMix.spread(c) & mask; index[i] != 0; i = (i + 1) & mask) {
            if (keys[index[i] - 1] == c) {
                return index[i] - 1;
            }
        }
        return -1;
    }

    private int findLocal(String value) {
        if (index == null) {
            for (int i = 0; i < size; i++) {
                if (keys[i] < 0 && local[i].equals(value)) {
                    return i;
                }
            }
            return -1;
        }
        int mask = index.length - 1;
        for (int i = HashMix.spread(KeyedHash.hash(value)) & mask; index[i] != 0; i = (i + 1) & mask) {
            int slot = index[i] - 1;
            if (keys[slot] < 0 && local[slot].equals(value)) {
                return slot;
            }
        }
        return -1;
    }

    private void insertIndex(int slot) {
        if (index == null) {
            return;
        }
        int mask = index.length - 1;
        int i = HashMix.spread(hashOf(slot)) & mask;
        while (index[i] != 0) {
            i = (i + 1) & mask;
        }
        index[i] = slot + 1;
    }

    /** Linear-probing deletion with backward shift (Knuth TAOCP vol. 3, Algorithm R). */
    private void removeIndex(int slot) {
        if (index == null) {
            return;
        }
        int mask = index.length - 1;
        int i = HashMix.spread(hashOf(slot)) & mask;
        while (index[i] - 1 != slot) {
            i = (i + 1) & mask;
        }
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (index[j] == 0) {
                break;
            }
            int home = HashMix.spread(hashOf(index[j] - 1)) & mask;
            // move j back to i unless its home lies cyclically in (i, j]
            if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
                index[i] = index[j];
                i = j;
            }
        }
        index[i] = 0;
    }

    /** A value and its weight. */
    public record WeightedValue(String value, double weight) {
    }

    /** Format marker of {@link #encode}: the first byte is this plus 1 when exact (0 and 1 were the old format). */
    private static final int PER_VALUE_TIMES = 2;

    /**
     * Writes the counter: a byte {@code 2 + exact}, then each tracked value with its weight and the time that
     * weight is as of, in slot order. ({@link #decode} also reads the older format, whose first byte is 0 or 1:
     * exactness, a landmark time and weights relative to it.)
     */
    public void encode(dev.profilekit.features.codec.ByteWriter w) {
        w.u8(PER_VALUE_TIMES + (exact ? 1 : 0));
        w.varInt(size);
        for (int i = 0; i < size; i++) {
            w.string(keyAt(i));
            w.f64(weight(i));
            w.zigZag(ref(i));
        }
    }

    /** The encoded counter, with the capacity and half-life of the feature it belongs to. */
    public static TopKCounter decode(dev.profilekit.features.codec.ByteReader r, int capacity, long halfLifeMs) {
        TopKCounter c = new TopKCounter(capacity, halfLifeMs);
        int head = r.u8();
        if (head > PER_VALUE_TIMES + 1) {
            throw r.error("top-k counter format byte " + head);
        }
        boolean perValue = head >= PER_VALUE_TIMES;
        c.exact = (head & 1) == 1;
        double landmark = perValue ? 0.0 : r.f64();
        int n = r.count(perValue ? 10 : 9);
        if (n > capacity) {
            throw r.error("top-k counter holds " + n + " values, above its capacity " + capacity);
        }
        if (n > c.keys.length) {
            c.allocate(n);
        }
        for (int i = 0; i < n; i++) {
            String key = r.string();
            double weight = r.f64();
            long ref = perValue ? r.zigZag() : landmark == landmark ? (long) landmark : 0L;
            if (c.find(key, -1) >= 0) {
                throw r.error("top-k counter holds " + key + " twice");
            }
            c.setKey(i, key, -1);
            c.setWeight(i, weight);
            c.setRef(i, ref);
            c.latest = Math.max(c.latest, ref);
            c.insertIndex(i);
            c.size = i + 1;
        }
        return c;
    }
}
