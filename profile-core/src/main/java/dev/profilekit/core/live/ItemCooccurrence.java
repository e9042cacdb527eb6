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
    /** Per item: neighbour id + 1 (0: empty slot), and C_ij as of the anchor. */
    int[][] keys = new int[16][];
    double[][] vals = new double[16][];
    int[] size = new int[16];
    private int[] weakest = new int[16];
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
            keys = Arrays.copyOf(keys, n);
            vals = Arrays.copyOf(vals, n);
            size = Arrays.copyOf(size, n);
            weakest = Arrays.copyOf(weakest, n);
            topPos = Arrays.copyOf(topPos, n);
        }
        int i = count++;
        names[i] = item;
        keys[i] = new int[Math.min(8, tableCap)];
        vals[i] = new double[keys[i].length];
        weakest[i] = -1;
        ids.put(item, i);
        return i;
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
                double[] v = vals[i];
                for (int s = 0; s < v.length; s++) {
                    v[s] *= f2;
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
        int[] k = keys[i];
        int mask = k.length - 1;
        int key = j + 1;
        int slot = mix(key) & mask;
        while (k[slot] != 0) {
            if (k[slot] == key) {
                vals[i][slot] += inc;
                if (weakest[i] == slot) {
                    weakest[i] = -1;
                }
                return;
            }
            slot = (slot + 1) & mask;
        }
        if (size[i] < maxNeighbours) {
            if (2 * (size[i] + 1) > k.length && k.length < tableCap) {
                grow(i);
                insert(i, key, inc);
            } else {
                k[slot] = key;
                vals[i][slot] = inc;
                size[i]++;
            }
            weakest[i] = -1;
            return;
        }
        int w = weakest(i);
        if (vals[i][w] < inc) {
            remove(i, w);
            insert(i, key, inc);
        }
    }

    /** The slot of the weakest entry of a non-empty table, cached until it changes. */
    private int weakest(int i) {
        int w = weakest[i];
        if (w >= 0) {
            return w;
        }
        int[] k = keys[i];
        double[] v = vals[i];
        double min = Double.POSITIVE_INFINITY;
        for (int s = 0; s < k.length; s++) {
            if (k[s] != 0 && v[s] < min) {
                min = v[s];
                w = s;
            }
        }
        weakest[i] = w;
        return w;
    }

    private void insert(int i, int key, double value) {
        int[] k = keys[i];
        int mask = k.length - 1;
        int slot = mix(key) & mask;
        while (k[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        k[slot] = key;
        vals[i][slot] = value;
        size[i]++;
        weakest[i] = -1;
    }

    /** Linear-probing deletion with backward shift (no tombstones). */
    private void remove(int i, int slot) {
        int[] k = keys[i];
        double[] v = vals[i];
        int mask = k.length - 1;
        int hole = slot;
        int s = (slot + 1) & mask;
        while (k[s] != 0) {
            int home = mix(k[s]) & mask;
            // move k[s] into the hole if its home is not cyclically in (hole, s]
            if (((s - home) & mask) >= ((s - hole) & mask)) {
                k[hole] = k[s];
                v[hole] = v[s];
                hole = s;
            }
            s = (s + 1) & mask;
        }
        k[hole] = 0;
        v[hole] = 0;
        size[i]--;
        weakest[i] = -1;
    }

    private void grow(int i) {
        int[] oldK = keys[i];
        double[] oldV = vals[i];
        keys[i] = new int[oldK.length * 2];
        vals[i] = new double[oldK.length * 2];
        size[i] = 0;
        for (int s = 0; s < oldK.length; s++) {
            if (oldK[s] != 0) {
                insert(i, oldK[s], oldV[s]);
            }
        }
    }

    /** C_ij as of the anchor, 0 when j is not a kept neighbour of i. */
    double pair(int i, int j) {
        int[] k = keys[i];
        int mask = k.length - 1;
        int key = j + 1;
        int slot = mix(key) & mask;
        while (k[slot] != 0) {
            if (k[slot] == key) {
                return vals[i][slot];
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

    private static int mix(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
