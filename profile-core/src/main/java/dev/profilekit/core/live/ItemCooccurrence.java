package dev.profilekit.core.live;

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
    private final int tableCap;
    long anchor = Long.MIN_VALUE;
    private final Map<String, Integer> ids = new HashMap<>();
    String[] names = new String[16];
    int count;
    /** N_i as of the anchor. */
    double[] norm = new double[16];
    /** Σ δ as of the anchor: the item's decayed weighted popularity. */
    double[] pop = new double[16];
    /**
     * Per item, one array so that a lookup touches few cache lines: {@code [SIZE]} the number of neighbours,
     * {@code [WEAKEST]} the slot of the weakest one (-1: unknown), then per slot s {@code [BASE + 2s]} the
     * neighbour id + 1 (0: empty) and {@code [BASE + 2s + 1]} the raw bits of C_ij as of the anchor.
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
        this.tableCap = Integer.highestOneBit(Math.max(2, 2 * maxNeighbours - 1)) << 1;
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
        tables[i] = newTable(Math.min(8, tableCap));
        ids.put(item, i);
        return i;
    }

    private static long[] newTable(int slots) {
        long[] t = new long[BASE + 2 * slots];
        t[WEAKEST] = -1;
        return t;
    }

    /** Number of slots of a table (a power of two). */
    static int slots(long[] t) {
        return (t.length - BASE) >>> 1;
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
                for (int s = BASE + 1; s < tb.length; s += 2) {
                    tb[s] = Double.doubleToRawLongBits(Double.longBitsToDouble(tb[s]) * f2);
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
        int mask = slots(t) - 1;
        long key = j + 1;
        int slot = mix(j + 1) & mask;
        long k;
        while ((k = t[BASE + 2 * slot]) != 0) {
            if (k == key) {
                int at = BASE + 2 * slot + 1;
                t[at] = Double.doubleToRawLongBits(Double.longBitsToDouble(t[at]) + inc);
                if (t[WEAKEST] == slot) {
                    t[WEAKEST] = -1;
                }
                return;
            }
            slot = (slot + 1) & mask;
        }
        int size = (int) t[SIZE];
        if (size < maxNeighbours) {
            if (2 * (size + 1) > slots(t) && slots(t) < tableCap) {
                t = grow(i);
                insert(t, key, inc);
            } else {
                t[BASE + 2 * slot] = key;
                t[BASE + 2 * slot + 1] = Double.doubleToRawLongBits(inc);
                t[SIZE] = size + 1;
                t[WEAKEST] = -1;
            }
            return;
        }
        int w = weakest(t);
        if (Double.longBitsToDouble(t[BASE + 2 * w + 1]) < inc) {
            remove(t, w);
            insert(t, key, inc);
        }
    }

    /** The slot of the weakest entry of a non-empty table, cached until it changes. */
    private static int weakest(long[] t) {
        int w = (int) t[WEAKEST];
        if (w >= 0) {
            return w;
        }
        double min = Double.POSITIVE_INFINITY;
        for (int s = 0, n = slots(t); s < n; s++) {
            if (t[BASE + 2 * s] != 0) {
                double v = Double.longBitsToDouble(t[BASE + 2 * s + 1]);
                if (v < min) {
                    min = v;
                    w = s;
                }
            }
        }
        t[WEAKEST] = w;
        return w;
    }

    private static void insert(long[] t, long key, double value) {
        int mask = slots(t) - 1;
        int slot = mix((int) key) & mask;
        while (t[BASE + 2 * slot] != 0) {
            slot = (slot + 1) & mask;
        }
        t[BASE + 2 * slot] = key;
        t[BASE + 2 * slot + 1] = Double.doubleToRawLongBits(value);
        t[SIZE]++;
        t[WEAKEST] = -1;
    }

    /** Linear-probing deletion with backward shift (no tombstones). */
    private static void remove(long[] t, int slot) {
        int mask = slots(t) - 1;
        int hole = slot;
        int s = (slot + 1) & mask;
        long k;
        while ((k = t[BASE + 2 * s]) != 0) {
            int home = mix((int) k) & mask;
            // move slot s into the hole unless its home is cyclically in (hole, s]
            if (((s - home) & mask) >= ((s - hole) & mask)) {
                t[BASE + 2 * hole] = k;
                t[BASE + 2 * hole + 1] = t[BASE + 2 * s + 1];
                hole = s;
            }
            s = (s + 1) & mask;
        }
        t[BASE + 2 * hole] = 0;
        t[BASE + 2 * hole + 1] = 0;
        t[SIZE]--;
        t[WEAKEST] = -1;
    }

    private long[] grow(int i) {
        long[] old = tables[i];
        long[] t = newTable(2 * slots(old));
        for (int s = 0, n = slots(old); s < n; s++) {
            if (old[BASE + 2 * s] != 0) {
                insert(t, old[BASE + 2 * s], Double.longBitsToDouble(old[BASE + 2 * s + 1]));
            }
        }
        tables[i] = t;
        return t;
    }

    /** C_ij as of the anchor, 0 when j is not a kept neighbour of i. */
    double pair(int i, int j) {
        long[] t = tables[i];
        int mask = slots(t) - 1;
        int slot = mix(j + 1) & mask;
        long k;
        while ((k = t[BASE + 2 * slot]) != 0) {
            if (k == j + 1) {
                return Double.longBitsToDouble(t[BASE + 2 * slot + 1]);
            }
            slot = (slot + 1) & mask;
        }
        return 0;
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

    static int mix(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
