package dev.profilekit.features.streaming;

import dev.profilekit.features.hash.KeyedHash;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Heaviest strings of a stream, by count or by exponentially time-decayed count.
 *
 * <p>Weights use forward decay (Cormode, Shkapenyuk, Srivastava, Xu, "Forward Decay", ICDE 2009):
 * an event at time {@code t} adds {@code e^{rate·(t - L)}} for a landmark {@code L}, and reading at
 * {@code T} multiplies by {@code e^{-rate·(T - L)}}, giving {@code Σ 2^{-(T - t)/h}} exactly for events
 * in any order. When the exponent grows large the landmark moves forward and all weights are rescaled,
 * so nothing overflows. With {@code rate = 0} the weight is the plain count.
 *
 * <p>While at most {@code capacity} distinct values have been seen the weights are exact. Beyond
 * that the counter runs the Space-Saving algorithm (Metwally, Agrawal, El Abbadi, ICDT 2005) with
 * real weights: a new value replaces the lightest one and inherits its weight, so a reported weight
 * overestimates the true one by at most the lightest weight. Apache DataSketches' frequent-items
 * sketch was not used because it takes integer weights only, and decayed weights are real.
 *
 * <p>Updates are O(1) expected while exact, O(capacity) per new value afterwards. The arrays start with 8
 * slots and double up to {@code capacity} as distinct values arrive, so a user with few values costs
 * little; after that nothing is allocated. Not thread-safe; callers synchronise.
 */
public final class TopKCounter {

    /** Rescale when the forward-decay exponent exceeds this (e^600 is far from overflow). */
    private static final double MAX_EXPONENT = 600.0;

    private final int capacity;
    private final double rate;
    private String[] keys;
    private int[] keyHashes;
    private double[] weights;
    private int[] index; // open addressing: slot + 1, 0 = empty
    private int size;
    private boolean exact = true;
    private double landmark = Double.NaN;

    /**
     * @param capacity how many values are tracked (exact up to this many distinct values), >= 1
     * @param rate     decay rate per millisecond ({@code ln 2 / halfLifeMs}), or 0 for plain counts
     */
    public TopKCounter(int capacity, double rate) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate must be finite and >= 0, was " + rate);
        }
        this.capacity = capacity;
        this.rate = rate;
        allocate(Math.min(capacity, INITIAL_SLOTS));
    }

    /** Slots allocated at first; the arrays double up to {@code capacity} as distinct values arrive. */
    private static final int INITIAL_SLOTS = 8;

    /** Moves the values into arrays of {@code slots}; all are allocated before any is published. */
    private void allocate(int slots) {
        String[] newKeys = new String[slots];
        int[] newHashes = new int[slots];
        double[] newWeights = new double[slots];
        int[] newIndex = new int[Integer.highestOneBit(Math.max(4, slots * 2 - 1)) << 1];
        if (keys != null) {
            System.arraycopy(keys, 0, newKeys, 0, size);
            System.arraycopy(keyHashes, 0, newHashes, 0, size);
            System.arraycopy(weights, 0, newWeights, 0, size);
        }
        keys = newKeys;
        keyHashes = newHashes;
        weights = newWeights;
        index = newIndex;
        for (int i = 0; i < size; i++) {
            insertIndex(keyHashes[i], i);
        }
    }

    /**
     * Does the allocation the next {@code add(value, t)} would need (growing the arrays towards the
     * capacity), so that the add cannot fail. Changes no weight.
     */
    public void prepare(String value) {
        if (size == keys.length && size < capacity && find(value, KeyedHash.hash(value)) < 0) {
            allocate(Math.min(capacity, keys.length * 2));
        }
    }

    /** Records one occurrence of {@code value} at time {@code t} (epoch ms). */
    public void add(String value, long t) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null");
        }
        double w;
        if (rate == 0.0) {
            w = 1.0;
        } else {
            if (landmark != landmark) {
                landmark = t;
            } else if ((t - landmark) * rate > MAX_EXPONENT) {
                double f = Math.exp(-(t - landmark) * rate);
                for (int i = 0; i < size; i++) {
                    weights[i] *= f;
                }
                landmark = t;
            }
            w = Math.exp((t - landmark) * rate);
        }
        int h = KeyedHash.hash(value);
        int slot = find(value, h);
        if (slot >= 0) {
            weights[slot] += w;
            return;
        }
        if (size < capacity) {
            if (size == keys.length) {
                allocate(Math.min(capacity, keys.length * 2));
            }
            keys[size] = value;
            keyHashes[size] = h;
            weights[size] = w;
            insertIndex(h, size);
            size++;
            return;
        }
        // Space-Saving: the new value takes over the lightest counter and its weight
        exact = false;
        int min = 0;
        for (int i = 1; i < size; i++) {
            if (weights[i] < weights[min]) {
                min = i;
            }
        }
        removeIndex(min);
        keys[min] = value;
        keyHashes[min] = h;
        weights[min] += w;
        insertIndex(h, min);
    }

    /**
     * The heaviest value (ties: the smallest by UTF-16 code units), or null when empty. Decay scales every
     * weight by the same factor, so the leader does not depend on the evaluation time. O(capacity), no
     * allocation.
     */
    public String leading() {
        int best = -1;
        for (int i = 0; i < size; i++) {
            if (best < 0 || weights[i] > weights[best]
                    || (weights[i] == weights[best] && keys[i].compareTo(keys[best]) < 0)) {
                best = i;
            }
        }
        return best < 0 ? null : keys[best];
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
     * The {@code k} heaviest values as of {@code asOf} (which must not precede the latest event),
     * weight descending, then value ascending by UTF-16 code units.
     */
    public List<WeightedValue> top(int k, long asOf) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, was " + k);
        }
        double f = rate == 0.0 || size == 0 ? 1.0 : Math.exp(-(asOf - landmark) * rate);
        WeightedValue[] all = new WeightedValue[size];
        for (int i = 0; i < size; i++) {
            all[i] = new WeightedValue(keys[i], weights[i] * f);
        }
        Arrays.sort(all, ORDER);
        List<WeightedValue> out = new ArrayList<>(Math.min(k, size));
        for (int i = 0; i < Math.min(k, size); i++) {
            out.add(all[i]);
        }
        return out;
    }

    /** Weight descending, then value ascending (String.compareTo compares UTF-16 code units). */
    public static final Comparator<WeightedValue> ORDER =
            Comparator.comparingDouble(WeightedValue::weight).reversed().thenComparing(WeightedValue::value);

    /** The sum over tracked values of their index entry's distance from its home slot; for tests. */
    long probeDisplacement() {
        int mask = index.length - 1;
        long d = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] != 0) {
                d += (i - StringSet.spread(keyHashes[index[i] - 1])) & mask;
            }
        }
        return d;
    }

    private int find(String value, int h) {
        int mask = index.length - 1;
        for (int i = StringSet.spread(h) & mask; index[i] != 0; i = (i + 1) & mask) {
            int slot = index[i] - 1;
            if (keyHashes[slot] == h && keys[slot].equals(value)) {
                return slot;
            }
        }
        return -1;
    }

    private void insertIndex(int h, int slot) {
        int mask = index.length - 1;
        int i = StringSet.spread(h) & mask;
        while (index[i] != 0) {
            i = (i + 1) & mask;
        }
        index[i] = slot + 1;
    }

    /** Linear-probing deletion with backward shift (Knuth TAOCP vol. 3, Algorithm R). */
    private void removeIndex(int slot) {
        int mask = index.length - 1;
        int i = StringSet.spread(keyHashes[slot]) & mask;
        while (index[i] - 1 != slot) {
            i = (i + 1) & mask;
        }
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (index[j] == 0) {
                break;
            }
            int home = StringSet.spread(keyHashes[index[j] - 1]) & mask;
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

    /** Writes the counter: exactness, landmark, and each tracked value with its weight, in slot order. */
    public void encode(dev.profilekit.features.codec.ByteWriter w) {
        w.bool(exact);
        w.f64(landmark);
        w.varInt(size);
        for (int i = 0; i < size; i++) {
            w.string(keys[i]);
            w.f64(weights[i]);
        }
    }

    /** The encoded counter, with the capacity and rate of the feature it belongs to. */
    public static TopKCounter decode(dev.profilekit.features.codec.ByteReader r, int capacity, double rate) {
        TopKCounter c = new TopKCounter(capacity, rate);
        c.exact = r.bool();
        c.landmark = r.f64();
        int n = r.count(9);
        if (n > capacity) {
            throw r.error("top-k counter holds " + n + " values, above its capacity " + capacity);
        }
        if (n > c.keys.length) {
            c.allocate(n);
        }
        for (int i = 0; i < n; i++) {
            String key = r.string();
            double weight = r.f64();
            int h = KeyedHash.hash(key);
            if (c.find(key, h) >= 0) {
                throw r.error("top-k counter holds " + key + " twice");
            }
            c.keys[i] = key;
            c.keyHashes[i] = h;
            c.weights[i] = weight;
            c.insertIndex(h, i);
            c.size = i + 1;
        }
        return c;
    }
}
