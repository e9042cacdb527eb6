package dev.profilekit.core.live.recommend;

import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import dev.profilekit.features.hash.HashMix;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The item-item state shared by all users of a {@link LiveRecommender}: time-decayed weighted co-occurrence,
 * item norms and popularity, kept so that the cosine similarity of two items can be read at any time.
 *
 * <p>Definition (Sarwar et al., "Item-based collaborative filtering recommendation algorithms", WWW 2001, with
 * exponentially decayed implicit feedback). A user's affinity to an item at time T is
 * {@code r_ui(T) = Σ w(e) 2^(-(T - t_e)/h)} over the user's accepted events e on the item, {@code w} the weight
 * of the event's type and {@code h} the half-life. Then {@code C_ij(T) = Σ_u r_ui(T) r_uj(T)},
 * {@code N_i(T) = Σ_u r_ui(T)^2} and {@code sim(i, j) = C_ij / sqrt(N_i N_j)}. Every term of C and N carries the
 * factor {@code 2^(-2T/h)}, so the similarity does not depend on T: it depends only on which events are in.
 *
 * <p>Values are stored as of one reference time {@code anchor} (so decay costs nothing per event), and rescaled
 * when the event time runs more than {@link #REBASE_HALF_LIVES} half-lives past it (one pass over all items,
 * once per that many half-lives). An event of user u on item i with {@code δ = w 2^((t - anchor)/h)} adds
 * {@code δ r_uj} to C_ij and C_ji for every other item j the user holds, and {@code 2 δ r_ui + δ²} to N_i: the
 * sums are bilinear, so the result does not depend on the order in which events arrive (late events are exact).
 *
 * <p>Bounds: each item keeps at most {@code maxNeighbours} entries in an open-addressing table (linear probing,
 * load ≤ 1/2); a new neighbour of a full item replaces the weakest entry if its weight is larger, otherwise it
 * is dropped. Entries only grow between rescalings (which keep their order), so the weakest entry is cached and
 * rescanned (O(N)) only after it changed. Popularity keeps the exact top {@code popularSize} items, sorted.
 *
 * <p>Not thread-safe: the owning {@link LiveRecommender} guards it with one lock.
 */
final class ItemCooccurrence {

    /** Rescale once the event time is this many half-lives past the anchor: 2^(2·64) stays far from overflow. */
    static final double REBASE_HALF_LIVES = 64;

    final double invHalfLife;
    final int maxNeighbours;
    /** Entry capacity at which a table stops growing: the power of two at or above maxNeighbours. */
    private final int maxCap;
    long anchor = Long.MIN_VALUE;
    private final Map<String, Integer> ids = new HashMap<>();
    String[] names = new String[16];
    int count;
    /** N_i as of the anchor. */
    double[] norm = new double[16];
    /** Σ δ as of the anchor: the item's decayed weighted popularity. */
    double[] pop = new double[16];
    /**
     * Per item, one array: {@code [SIZE]} the number of neighbours, {@code [WEAKEST]} the entry index of the
     * weakest one (-1: unknown), then an open-addressing index of {@code 2 cap} int slots packed two per long
     * (entry index + 1, 0: empty; load ≤ 1/2), then {@code cap} entries packed at the front (neighbour id + 1 and
     * the raw bits of C_ij as of the anchor), so that a list scans only the kept entries.
     */
    long[][] tables = new long[16][];
    static final int SIZE = 0;
    static final int WEAKEST = 1;
    static final int BASE = 2;
    /** Items sorted by decreasing popularity, the exact top {@code top.length}; topPos[i] = position + 1. */
    final int[] top;
    int topSize;
    private int[] topPos = new int[16];

    ItemCooccurrence(double halfLifeMs, int maxNeighbours, int popularSize) {
        this.invHalfLife = 1.0 / halfLifeMs;
        this.maxNeighbours = maxNeighbours;
        this.maxCap = maxNeighbours == 1 ? 1 : Integer.highestOneBit(maxNeighbours - 1) << 1;
        this.top = new int[popularSize];
    }

    /** The item's id, or -1 when it was never seen. */
    int id(String item) {
        Integer id = ids.get(item);
        return id == null ? -1 : id;
    }

    /** The item's id, added when new (allocates only then). */
    int intern(String item) {
        Integer id = ids.get(item);
        if (id != null) {
            return id;
        }
        if (count == names.length) {
            int n = count * 2;
            names = Arrays.copyOf(names, n);
            norm = Arrays.copyOf(norm, n);
            pop = Arrays.copyOf(pop, n);
            tables = Arrays.copyOf(tables, n);
            topPos = Arrays.copyOf(topPos, n);
        }
        int i = count++;
        names[i] = item;
        tables[i] = newTable(Math.min(4, maxCap));
        ids.put(item, i);
        return i;
    }

    /** A table with room for {@code cap} entries (a power of two). */
    private static long[] newTable(int cap) {
        long[] t = new long[BASE + 3 * cap];
        t[WEAKEST] = -1;
        return t;
    }

    /** Entry capacity of a table. */
    static int cap(long[] t) {
        return (t.length - BASE) / 3;
    }

    /** Index of the first entry's key: entry e has its key at {@code entries(t) + 2e}, its value after it. */
    static int entries(long[] t) {
        return BASE + cap(t);
    }

    private static int slot(long[] t, int s) {
        return (int) (t[BASE + (s >> 1)] >>> ((s & 1) << 5));
    }

    private static void setSlot(long[] t, int s, int v) {
        int at = BASE + (s >> 1);
        int shift = (s & 1) << 5;
        t[at] = (t[at] & ~(0xFFFFFFFFL << shift)) | ((v & 0xFFFFFFFFL) << shift);
    }

    /** The index slot holding {@code key}, or {@code -(free slot) - 1}. */
    private static int find(long[] t, long key) {
        int mask = 2 * cap(t) - 1;
        int e0 = entries(t);
        int s = HashMix.spread((int) key) & mask;
        int v;
        while ((v = slot(t, s)) != 0) {
            if (t[e0 + 2 * (v - 1)] == key) {
                return s;
            }
            s = (s + 1) & mask;
        }
        return -s - 1;
    }

    /** Number of kept neighbours of item i. */
    int size(int i) {
        return (int) tables[i][SIZE];
    }

    /**
     * Moves the anchor so that time {@code t} is at most {@link #REBASE_HALF_LIVES} half-lives after it; the first
     * call sets it. Returns the anchor.
     */
    long advance(long t) {
        if (anchor == Long.MIN_VALUE) {
            anchor = t;
        } else if ((t - anchor) * invHalfLife > REBASE_HALF_LIVES) {
            double f = Math.pow(2, -(t - anchor) * invHalfLife);
            double f2 = f * f;
            for (int i = 0; i < count; i++) {
                pop[i] *= f;
                norm[i] *= f2;
                long[] tb = tables[i];
                for (int e = entries(tb) + 1, end = e + 2 * (int) tb[SIZE]; e < end; e += 2) {
                    tb[e] = Double.doubleToRawLongBits(Double.longBitsToDouble(tb[e]) * f2);
                }
            }
            anchor = t;
        }
        return anchor;
    }

    /** The factor that takes a value as of {@code from} (affinity, decaying at 1/h) to one as of the anchor. */
    double toAnchor(long from) {
        return from == anchor ? 1.0 : Math.pow(2, -(anchor - from) * invHalfLife);
    }

    /** Adds {@code inc} (> 0) to C_ij, inserting or pruning as the bound requires. */
    void addPair(int i, int j, double inc) {
        long[] t = tables[i];
        long key = j + 1;
        int s = find(t, key);
        if (s >= 0) {
            int e = slot(t, s) - 1;
            int at = entries(t) + 2 * e + 1;
            t[at] = Double.doubleToRawLongBits(Double.longBitsToDouble(t[at]) + inc);
            if (t[WEAKEST] == e) {
                t[WEAKEST] = -1;
            }
            return;
        }
        int size = (int) t[SIZE];
        if (size < maxNeighbours) {
            if (size == cap(t)) {
                t = grow(i);
            }
            append(t, key, inc);
            return;
        }
        int w = weakest(t);
        if (Double.longBitsToDouble(t[entries(t) + 2 * w + 1]) < inc) {
            remove(t, w);
            append(t, key, inc);
        }
    }

    /** The entry index of the weakest entry of a non-empty table, cached until it changes. */
    private static int weakest(long[] t) {
        int w = (int) t[WEAKEST];
        if (w >= 0) {
            return w;
        }
        double min = Double.POSITIVE_INFINITY;
        int e0 = entries(t);
        for (int e = 0, n = (int) t[SIZE]; e < n; e++) {
            double v = Double.longBitsToDouble(t[e0 + 2 * e + 1]);
            if (v < min) {
                min = v;
                w = e;
            }
        }
        t[WEAKEST] = w;
        return w;
    }

    /** Adds an absent key as the last entry; the table has room. */
    private static void append(long[] t, long key, double value) {
        int e = (int) t[SIZE];
        int e0 = entries(t);
        t[e0 + 2 * e] = key;
        t[e0 + 2 * e + 1] = Double.doubleToRawLongBits(value);
        setSlot(t, -find(t, key) - 1, e + 1);
        t[SIZE] = e + 1;
        t[WEAKEST] = -1;
    }

    /** Removes entry e: backward-shift deletion of its index slot, then the last entry moves into its place. */
    private static void remove(long[] t, int e) {
        int e0 = entries(t);
        int mask = 2 * cap(t) - 1;
        int hole = find(t, t[e0 + 2 * e]);
        int s = (hole + 1) & mask;
        int v;
        while ((v = slot(t, s)) != 0) {
            int home = HashMix.spread((int) t[e0 + 2 * (v - 1)]) & mask;
            if (((s - home) & mask) >= ((s - hole) & mask)) {
                setSlot(t, hole, v);
                hole = s;
            }
            s = (s + 1) & mask;
        }
        setSlot(t, hole, 0);
        int last = (int) t[SIZE] - 1;
        if (e != last) {
            long key = t[e0 + 2 * last];
            t[e0 + 2 * e] = key;
            t[e0 + 2 * e + 1] = t[e0 + 2 * last + 1];
            setSlot(t, find(t, key), e + 1);
        }
        t[e0 + 2 * last] = 0;
        t[e0 + 2 * last + 1] = 0;
        t[SIZE] = last;
        t[WEAKEST] = -1;
    }

    private long[] grow(int i) {
        long[] old = tables[i];
        long[] t = newTable(2 * cap(old));
        int e0 = entries(old);
        for (int e = 0, n = (int) old[SIZE]; e < n; e++) {
            append(t, old[e0 + 2 * e], Double.longBitsToDouble(old[e0 + 2 * e + 1]));
        }
        tables[i] = t;
        return t;
    }

    /** C_ij as of the anchor, 0 when j is not a kept neighbour of i. */
    double pair(int i, int j) {
        long[] t = tables[i];
        int s = find(t, j + 1);
        return s < 0 ? 0 : Double.longBitsToDouble(t[entries(t) + 2 * (slot(t, s) - 1) + 1]);
    }

    /** The cosine similarity of items i and j (0 when they are not neighbours). */
    double similarity(int i, int j) {
        double c = pair(i, j);
        return c == 0 ? 0 : c / Math.sqrt(norm[i] * norm[j]);
    }

    /** Adds {@code delta} to the item's popularity, keeping the top list exact and sorted. */
    void addPopularity(int i, double delta) {
        pop[i] += delta;
        int p = topPos[i] - 1;
        if (p < 0) {
            if (topSize < top.length) {
                p = topSize++;
            } else if (pop[top[topSize - 1]] < pop[i]) {
                p = topSize - 1;
                topPos[top[p]] = 0;
            } else {
                return;
            }
            top[p] = i;
            topPos[i] = p + 1;
        }
        while (p > 0 && pop[top[p - 1]] < pop[i]) {
            int other = top[p - 1];
            top[p] = other;
            topPos[other] = p + 1;
            top[--p] = i;
            topPos[i] = p + 1;
        }
    }

    // ---- snapshots ----

    static void writeLongs(ByteWriter out, long[] a) {
        out.varInt(a.length);
        for (long v : a) {
            out.fixedLong(v);
        }
    }

    static long[] readLongs(ByteReader in) {
        long[] a = new long[in.count(8)];
        for (int i = 0; i < a.length; i++) {
            a[i] = in.fixedLong();
        }
        return a;
    }

    /** Writes the dictionary, the decayed sums and the neighbour tables verbatim (ids are hashed without a key). */
    void writeState(ByteWriter out) {
        out.zigZag(anchor).varInt(count);
        for (int i = 0; i < count; i++) {
            out.string(names[i]).f64(norm[i]).f64(pop[i]).varInt(topPos[i]);
            writeLongs(out, tables[i]);
        }
        out.varInt(topSize);
        for (int i = 0; i < topSize; i++) {
            out.varInt(top[i]);
        }
    }

    /** Replaces the state with what {@link #writeState} wrote on an instance of the same configuration. */
    void readState(ByteReader in) {
        long a = in.zigZag();
        int n = in.count(12);
        int cap = Math.max(16, n);
        String[] nm = new String[cap];
        double[] no = new double[cap];
        double[] po = new double[cap];
        int[] tp = new int[cap];
        long[][] tb = new long[cap][];
        Map<String, Integer> map = new HashMap<>();
        for (int i = 0; i < n; i++) {
            nm[i] = in.string();
            no[i] = in.f64();
            po[i] = in.f64();
            tp[i] = in.varInt(top.length);
            tb[i] = readLongs(in);
            if (tb[i].length < BASE || map.put(nm[i], i) != null) {
                throw in.error("item table " + i + " ('" + nm[i] + "') is malformed or repeated");
            }
        }
        int ts = in.varInt(top.length);
        int[] t = new int[ts];
        for (int i = 0; i < ts; i++) {
            t[i] = in.varInt(Math.max(0, n - 1));
        }
        anchor = a;
        ids.clear();
        ids.putAll(map);
        names = nm;
        norm = no;
        pop = po;
        topPos = tp;
        tables = tb;
        count = n;
        System.arraycopy(t, 0, top, 0, ts);
        topSize = ts;
    }
}
