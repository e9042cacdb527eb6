package dev.profilekit.core.live.recommend;

import dev.profilekit.core.live.internal.TrackingExecutor;
import dev.profilekit.core.spi.FeatureAccess;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.core.spi.ModelOutputs;
import dev.profilekit.core.spi.ModelStatus;
import dev.profilekit.core.spi.UserView;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import dev.profilekit.features.hash.HashMix;
import dev.profilekit.models.recommend.ImplicitAls;
import dev.profilekit.models.recommend.ImplicitAlsModel;
import dev.profilekit.models.recommend.ImplicitAlsOptions;
import dev.profilekit.models.recommend.Interactions;
import dev.profilekit.models.recommend.ScoredItem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live recommendations, as their own {@link LiveModel}: item-item collaborative filtering learned incrementally
 * from every accepted event that names an item ({@link ItemCooccurrence} defines the similarity), and per user
 * the {@code max_recent_items} items of largest decayed affinity. A user's list scores each candidate item j by
 * {@code Σ_i r_ui sim(i, j) / Σ_i r_ui} over the user's kept items i (with {@code sim(i, i) = 1}), the candidates
 * being the kept items and their kept neighbours; items the user has an event of an {@code exclude} type for are
 * never in it. A list with fewer than k candidates is filled from the ALS fallback (if configured and fitted),
 * then by decayed popularity, with score 0.
 *
 * <p>Event-time rules: the engine hands this model only accepted events (duplicates never arrive; late events
 * within the allowed lateness arrive and count like any other, exactly, since the sums are order-independent; with
 * {@code applyUpTo(T)} only events at or before T arrive). A list as of a time T is answered only when T is at or
 * after every event the model has observed ({@link #recommend} throws otherwise), so it never uses a later
 * event; since the similarity and the normalised scores do not depend on T (see {@link ItemCooccurrence}), the
 * list as of any such T is the same.
 *
 * <p>Cost: an event does O(M) table operations on the shared state (M = {@code max_recent_items}); a list reads
 * at most M (N + 1) entries (N = {@code max_neighbours}) and does not scan the items (except the ALS fallback,
 * which scores every item of the fitted model). Memory: per item at most N neighbours (≈ 24 bytes each at load
 * 1/2); per user M items (12 bytes each) plus an id set of the items with an excluded or target event, which
 * grows with the user's distinct such items.
 *
 * <p>Locks: the shared state is guarded by one lock, taken per event after the user's lock and never the other
 * way round; so are lists. Events of different users therefore serialise on it for the O(M) update.
 */
public final class LiveRecommender implements LiveModel<ImplicitAlsModel> {

    private static final Logger LOG = LoggerFactory.getLogger(LiveRecommender.class);
    private static final byte EXCLUDED = 1;
    private static final byte TARGET = 2;
    private static final int MAX_K = 10_000;

    /**
     * Per-user state, guarded by the user's lock: the user's kept items with their affinities as of
     * {@code anchor}, and the set of items the user has an excluded-type or target-type event for. Item ids index
     * the recommender's item dictionary. Arrays are allocated at the user's first item.
     */
    static final class UserState {
        /** Reference time of {@code weights} (epoch ms); {@link Long#MIN_VALUE} before the first item. */
        long anchor;
        /** Number of kept items. */
        int size;
        /** Kept item ids, {@code [0, size)}; capacity {@code max_recent_items}. */
        int[] items;
        /** Affinity r_ui as of {@code anchor}, parallel to {@code items}. */
        double[] weights;
        /** Open-addressing set of item id + 1 (0: empty), capacity a power of two. */
        int[] marked;
        /** Per slot of {@code marked}: bit 1 excluded, bit 2 had a target event. */
        byte[] flags;
        /** Number of ids in {@code marked}. */
        int markedCount;
        /** Whether this user was evaluated at least once. */
        boolean evaluated;

        UserState(long anchor, int size, int[] items, double[] weights, int[] marked, byte[] flags, int markedCount,
                  boolean evaluated) {
            this.anchor = anchor;
            this.size = size;
            this.items = items;
            this.weights = weights;
            this.marked = marked;
            this.flags = flags;
            this.markedCount = markedCount;
            this.evaluated = evaluated;
        }

        int indexOf(int id) {
            for (int x = 0; x < size; x++) {
                if (items[x] == id) {
                    return x;
                }
            }
            return -1;
        }

        byte flags(int id) {
            if (marked == null) {
                return 0;
            }
            int mask = marked.length - 1;
            int slot = HashMix.spread(id + 1) & mask;
            while (marked[slot] != 0) {
                if (marked[slot] == id + 1) {
                    return flags[slot];
                }
                slot = (slot + 1) & mask;
            }
            return 0;
        }

        void mark(int id, byte flag) {
            if (marked == null) {
                marked = new int[8];
                flags = new byte[8];
            } else if (2 * (markedCount + 1) > marked.length) {
                int[] oldK = marked;
                byte[] oldF = flags;
                marked = new int[oldK.length * 2];
                flags = new byte[oldK.length * 2];
                markedCount = 0;
                for (int s = 0; s < oldK.length; s++) {
                    if (oldK[s] != 0) {
                        put(oldK[s], oldF[s]);
                    }
                }
            }
            put(id + 1, flag);
        }

        private void put(int key, byte flag) {
            int mask = marked.length - 1;
            int slot = HashMix.spread(key) & mask;
            while (marked[slot] != 0) {
                if (marked[slot] == key) {
                    flags[slot] |= flag;
                    return;
                }
                slot = (slot + 1) & mask;
            }
            marked[slot] = key;
            flags[slot] = flag;
            markedCount++;
        }
    }

    final RecommendConfig config;
    final Function<UserView, UserState> stateOf;
    private final String itemField;
    private final double[] weightOf;
    private final boolean[] excludeOf;
    private final int targetTypeId;
    private final int maxRecent;
    private final Object lock = new Object();
    final ItemCooccurrence items;
    private long maxTime = Long.MIN_VALUE;
    // scratch of a list, guarded by lock: an accumulator of at most M (N + 1) candidates at load <= 1/2
    private final int[] accKeys;
    private final double[] accVals;
    private final int[] touched;
    private int[] heapIds = new int[16];
    private double[] heapScores = new double[16];
    private final int[] evalIds;
    private final double[] evalScores;
    // prequential evaluation, guarded by lock
    private long evalEvents;
    private long evalUsers;
    private long hits;
    private double ndcg;
    private long popHits;
    private double popNdcg;
    // ALS fallback
    private final RecommendConfig.Fallback fallback;
    private final TrackingExecutor executor;
    private volatile ImplicitAlsModel als;
    private final AtomicBoolean retraining = new AtomicBoolean();
    private final String[] ringUser;
    private final int[] ringItem;
    private final float[] ringWeight;
    private final long[] ringTime;
    private final boolean[] ringTarget;
    private int ringNext;
    private int ringCount;
    private long sinceRetrain;
    private long retrains;
    private long rejectedRetrains;

    /**
     * @param stateOf this model's per-user state in a view
     * @throws IllegalArgumentException if a weighted or excluded type has no id in {@code schema}
     */
    LiveRecommender(RecommendConfig config, FeatureAccess schema, Executor executor,
                    Function<UserView, UserState> stateOf) {
        this.config = config;
        this.stateOf = stateOf;
        this.itemField = config.itemField();
        this.maxRecent = config.maxRecentItems();
        int maxId = 0;
        Map<String, Integer> typeIds = new HashMap<>();
        Set<String> types = new HashSet<>(config.weights().keySet());
        types.addAll(config.exclude());
        for (String type : types) {
            int id = schema.typeId(type);
            if (id <= 0) {
                throw new IllegalArgumentException("recommend: event type '" + type + "' has no id in the schema");
            }
            typeIds.put(type, id);
            maxId = Math.max(maxId, id);
        }
        this.weightOf = new double[maxId + 1];
        this.excludeOf = new boolean[maxId + 1];
        config.weights().forEach((type, w) -> weightOf[typeIds.get(type)] = w);
        config.exclude().forEach(type -> excludeOf[typeIds.get(type)] = true);
        this.targetTypeId = typeIds.get(config.target());
        this.items = new ItemCooccurrence(config.halfLife().toMillis(), config.maxNeighbours(),
                Math.max(64, 4 * config.k()));
        int candidates = maxRecent * (config.maxNeighbours() + 1);
        this.touched = new int[candidates];
        this.accKeys = new int[Integer.highestOneBit(2 * candidates - 1) << 1];
        this.accVals = new double[accKeys.length];
        this.evalIds = new int[config.k()];
        this.evalScores = new double[config.k()];
        this.fallback = config.fallback().orElse(null);
        this.executor = new TrackingExecutor(executor);
        int ring = fallback == null ? 0 : fallback.trainingWindow();
        this.ringUser = new String[ring];
        this.ringItem = new int[ring];
        this.ringWeight = new float[ring];
        this.ringTime = new long[ring];
        this.ringTarget = new boolean[ring];
    }

    @Override
    public Object newUserState() {
        return new UserState(Long.MIN_VALUE, 0, null, null, null, null, 0, false);
    }

    /** Needs the event's item: the engine calls {@link #observe(UserView, int, long, Map)}. */
    @Override
    public void observe(UserView user, int typeId, long time) {
    }

    @Override
    public void observe(UserView s, int typeId, long t, Map<String, Object> attrs) {
        if (typeId <= 0 || typeId >= weightOf.length) {
            return;
        }
        double w = weightOf[typeId];
        boolean excluded = excludeOf[typeId];
        boolean target = typeId == targetTypeId;
        if (w == 0 && !excluded) {
            return;
        }
        if (!(attrs.get(itemField) instanceof String item)) {
            return;
        }
        UserState u = stateOf.apply(s);
        boolean retrain = false;
        synchronized (lock) {
            maxTime = Math.max(maxTime, t);
            int id = items.intern(item);
            byte f = u.flags(id);
            if (target && (f & TARGET) == 0) {
                if (t == s.latestTime()) {
                    evaluate(u, id);
                }
                u.mark(id, TARGET);
            }
            if (excluded && (f & EXCLUDED) == 0) {
                u.mark(id, EXCLUDED);
            }
            if (w > 0) {
                update(u, id, w, t);
                if (fallback != null) {
                    retrain = record(s.user(), id, w, t, target);
                }
            }
        }
        if (retrain) {
            requestRetrain();
        }
    }

    /** Caller holds lock: the O(M) update of the shared and the user's state. */
    private void update(UserState u, int id, double w, long t) {
        long anchor = items.advance(t);
        if (u.items == null) {
            u.items = new int[maxRecent];
            u.weights = new double[maxRecent];
        } else if (u.anchor != anchor) {
            double g = items.toAnchor(u.anchor);
            for (int x = 0; x < u.size; x++) {
                u.weights[x] *= g;
            }
        }
        u.anchor = anchor;
        double delta = w * Math.pow(2, (t - anchor) * items.invHalfLife);
        int at = u.indexOf(id);
        double old = at >= 0 ? u.weights[at] : 0;
        for (int y = 0; y < u.size; y++) {
            double c = delta * u.weights[y];
            if (y != at && c > 0) {
                items.addPair(id, u.items[y], c);
                items.addPair(u.items[y], id, c);
            }
        }
        items.norm[id] += 2 * delta * old + delta * delta;
        items.addPopularity(id, delta);
        if (at >= 0) {
            u.weights[at] += delta;
        } else {
            if (u.size < maxRecent) {
                at = u.size++;
            } else {
                at = 0;
                for (int y = 1; y < u.size; y++) {
                    if (u.weights[y] < u.weights[at]) {
                        at = y;
                    }
                }
            }
            u.items[at] = id;
            u.weights[at] = delta;
        }
    }

    /** Caller holds lock: scores the list served just before a target event on {@code item}. */
    private void evaluate(UserState u, int item) {
        int k = evalIds.length;
        int n = topK(u, null, k, evalIds, evalScores);
        for (int r = 0; r < n; r++) {
            if (evalIds[r] == item) {
                hits++;
                ndcg += 1 / log2(r + 2);
                break;
            }
        }
        int rank = 0;
        for (int p = 0; p < items.topSize && rank < k; p++) {
            int j = items.top[p];
            if ((u.flags(j) & EXCLUDED) != 0) {
                continue;
            }
            if (j == item) {
                popHits++;
                popNdcg += 1 / log2(rank + 2);
                break;
            }
            rank++;
        }
        evalEvents++;
        if (!u.evaluated) {
            u.evaluated = true;
            evalUsers++;
        }
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /**
     * Caller holds lock: the user's best {@code k} items into {@code outIds}/{@code outScores}, scores
     * non-increasing (ties: smaller item id first); returns how many. Allocates nothing unless the ALS
     * fallback is used.
     */
    private int topK(UserState u, String user, int k, int[] outIds, double[] outScores) {
        int n = 0;
        if (u.size > 0) {
            if (heapIds.length < k) {
                heapIds = new int[k];
                heapScores = new double[k];
            }
            double total = 0;
            for (int x = 0; x < u.size; x++) {
                total += u.weights[x];
            }
            int nt = 0;
            if (total > 0) {
                // accumulates Σ_i r_i C_ij / sqrt(N_i) per candidate j (self: r_i sqrt(N_i)); 1/sqrt(N_j) comes once
                for (int x = 0; x < u.size; x++) {
                    double r = u.weights[x] / total;
                    int i = u.items[x];
                    double sqrtNi = Math.sqrt(items.norm[i]);
                    if (!(r > 0) || !(sqrtNi > 0)) {
                        continue;
                    }
                    nt = accumulate(i, r * sqrtNi, nt);
                    double f = r / sqrtNi;
                    long[] t = items.tables[i];
                    for (int e = ItemCooccurrence.entries(t), end = e + 2 * (int) t[ItemCooccurrence.SIZE]; e < end;
                         e += 2) {
                        nt = accumulate((int) t[e] - 1, f * Double.longBitsToDouble(t[e + 1]), nt);
                    }
                }
            }
            // min-heap of the best k, root = worst kept
            for (int q = 0; q < nt; q++) {
                int slot = touched[q];
                int j = accKeys[slot] - 1;
                double s = accVals[slot] / Math.sqrt(items.norm[j]);
                accKeys[slot] = 0;
                accVals[slot] = 0;
                if (!(s > 0) || (u.flags(j) & EXCLUDED) != 0) {
                    continue;
                }
                if (n < k) {
                    heapIds[n] = j;
                    heapScores[n] = s;
                    siftUp(n++);
                } else if (better(s, j, heapScores[0], heapIds[0])) {
                    heapIds[0] = j;
                    heapScores[0] = s;
                    siftDown(0, n);
                }
            }
            for (int m = n; m > 0; m--) { // pop the worst into the last place
                outIds[m - 1] = heapIds[0];
                outScores[m - 1] = heapScores[0];
                heapIds[0] = heapIds[m - 1];
                heapScores[0] = heapScores[m - 1];
                siftDown(0, m - 1);
            }
        }
        if (n < k) {
            n = fill(u, user, k, n, outIds, outScores);
        }
        return n;
    }

    /** Adds v to candidate j in the list's small open-addressing accumulator; returns the new touched count. */
    private int accumulate(int j, double v, int nt) {
        int mask = accKeys.length - 1;
        int slot = HashMix.spread(j + 1) & mask;
        int key;
        while ((key = accKeys[slot]) != 0) {
            if (key == j + 1) {
                accVals[slot] += v;
                return nt;
            }
            slot = (slot + 1) & mask;
        }
        accKeys[slot] = j + 1;
        accVals[slot] = v;
        touched[nt] = slot;
        return nt + 1;
    }

    private static boolean better(double s, int id, double s2, int id2) {
        return s > s2 || (s == s2 && id < id2);
    }

    private void siftUp(int c) {
        while (c > 0) {
            int p = (c - 1) >>> 1;
            if (!better(heapScores[p], heapIds[p], heapScores[c], heapIds[c])) {
                break;
            }
            swap(p, c);
            c = p;
        }
    }

    private void siftDown(int p, int n) {
        while (true) {
            int l = 2 * p + 1;
            if (l >= n) {
                return;
            }
            int c = l + 1 < n && better(heapScores[l], heapIds[l], heapScores[l + 1], heapIds[l + 1]) ? l + 1 : l;
            if (!better(heapScores[p], heapIds[p], heapScores[c], heapIds[c])) {
                return;
            }
            swap(p, c);
            p = c;
        }
    }

    private void swap(int a, int b) {
        int i = heapIds[a];
        heapIds[a] = heapIds[b];
        heapIds[b] = i;
        double s = heapScores[a];
        heapScores[a] = heapScores[b];
        heapScores[b] = s;
    }

    /** Appends fallback items (ALS for a user it knows, then popularity) with score 0 until k. */
    private int fill(UserState u, String user, int k, int n, int[] outIds, double[] outScores) {
        ImplicitAlsModel m = als;
        if (m != null && user != null && m.hasUser(user)) {
            for (ScoredItem si : m.recommend(user, k + n + u.markedCount)) {
                if (n >= k) {
                    break;
                }
                int j = items.id(si.item());
                if (j >= 0 && (u.flags(j) & EXCLUDED) == 0 && !contains(outIds, n, j)) {
                    outIds[n] = j;
                    outScores[n++] = 0;
                }
            }
        }
        for (int p = 0; p < items.topSize && n < k; p++) {
            int j = items.top[p];
            if ((u.flags(j) & EXCLUDED) == 0 && !contains(outIds, n, j)) {
                outIds[n] = j;
                outScores[n++] = 0;
            }
        }
        return n;
    }

    private static boolean contains(int[] ids, int n, int id) {
        for (int q = 0; q < n; q++) {
            if (ids[q] == id) {
                return true;
            }
        }
        return false;
    }

    /**
     * The user's best {@code k} items as of {@code asOf}. Caller holds the user's lock.
     *
     * @throws IllegalArgumentException if k is not in [1, 10000], or {@code asOf} is before an event this model
     *                                  has observed (the list would use events after {@code asOf})
     */
    public List<Recommendation> recommend(UserView s, int k, long asOf) {
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("k must be between 1 and " + MAX_K + ", was " + k);
        }
        UserState u = stateOf.apply(s);
        int[] ids = new int[k];
        double[] scores = new double[k];
        List<Recommendation> out;
        synchronized (lock) {
            if (asOf < maxTime) {
                throw new IllegalArgumentException("asOf " + asOf + " is before the latest event the recommender has "
                        + "observed (" + maxTime + "); lists can be evaluated only at or after it");
            }
            int n = topK(u, s.user(), k, ids, scores);
            out = new ArrayList<>(n);
            for (int q = 0; q < n; q++) {
                out.add(new Recommendation(items.names[ids[q]], scores[q]));
            }
        }
        return out;
    }

    /** The latest event time observed ({@link Long#MIN_VALUE}: none). */
    long latestTime() {
        synchronized (lock) {
            return maxTime;
        }
    }

    /** The cosine similarity of two items as the model holds it now (0 when not neighbours or unknown). */
    double similarity(String a, String b) {
        synchronized (lock) {
            int i = items.id(a);
            int j = items.id(b);
            return i < 0 || j < 0 ? 0 : i == j ? 1 : items.similarity(i, j);
        }
    }

    /** Number of kept neighbours of an item (0 when unknown). */
    int neighbours(String item) {
        synchronized (lock) {
            int i = items.id(item);
            return i < 0 ? 0 : items.size(i);
        }
    }

    public RecommendStats stats() {
        synchronized (lock) {
            double n = evalEvents;
            return new RecommendStats(evalIds.length, evalEvents, evalUsers, evalEvents == 0 ? Double.NaN : hits / n,
                    evalEvents == 0 ? Double.NaN : ndcg / n, evalEvents == 0 ? Double.NaN : popHits / n,
                    evalEvents == 0 ? Double.NaN : popNdcg / n);
        }
    }

    // ---- ALS fallback ----

    /** Caller holds lock: keeps the event for refits; true when a refit is due. */
    private boolean record(String user, int id, double w, long t, boolean target) {
        ringUser[ringNext] = user;
        ringItem[ringNext] = id;
        ringWeight[ringNext] = (float) w;
        ringTime[ringNext] = t;
        ringTarget[ringNext] = target;
        ringNext = (ringNext + 1) % ringUser.length;
        ringCount = Math.min(ringCount + 1, ringUser.length);
        return ++sinceRetrain >= fallback.retrainEvery();
    }

    private void requestRetrain() {
        if (!retraining.compareAndSet(false, true)) {
            return;
        }
        String[] users;
        String[] names;
        double[] weights;
        long[] times;
        boolean[] targets;
        synchronized (lock) {
            sinceRetrain = 0;
            int n = ringCount;
            users = new String[n];
            names = new String[n];
            weights = new double[n];
            times = new long[n];
            targets = new boolean[n];
            int start = Math.floorMod(ringNext - n, ringUser.length);
            for (int q = 0; q < n; q++) {
                int at = (start + q) % ringUser.length;
                users[q] = ringUser[at];
                names[q] = items.names[ringItem[at]];
                weights[q] = ringWeight[at];
                times[q] = ringTime[at];
                targets[q] = ringTarget[at];
            }
        }
        ImplicitAlsModel current = als;
        try {
            executor.execute(() -> retrain(users, names, weights, times, targets, current));
        } catch (RuntimeException e) {
            retraining.set(false);
            LOG.warn("recommender refit could not be scheduled", e);
        }
    }

    /**
     * Fits a candidate on the oldest 80% of the kept events and compares its recall@k with the live version's on
     * the target events of the newest 20% whose item the user had not engaged with in the older part; if it is
     * no worse by more than {@code swap_margin} (or there is no live version), fits on all and publishes.
     */
    private void retrain(String[] users, String[] names, double[] weights, long[] times, boolean[] targets,
                         ImplicitAlsModel current) {
        try {
            int n = users.length;
            int train = (int) Math.round(n * 0.8);
            ImplicitAlsOptions options = ImplicitAlsOptions.factors(fallback.factors()).alpha(fallback.alpha())
                    .l2(fallback.l2()).iterations(fallback.iterations()).seed(fallback.seed());
            boolean accept = true;
            if (current != null && train > 0 && train < n) {
                ImplicitAlsModel candidate = ImplicitAls.fit(interactions(users, names, weights, times, 0, train),
                        options);
                double c = holdoutRecall(candidate, users, names, targets, train, n);
                double l = holdoutRecall(current, users, names, targets, train, n);
                accept = !(c < l - fallback.swapMargin());
                LOG.debug("recommender refit: holdout recall@{} {} vs live {}", config.k(), c, l);
            }
            synchronized (lock) {
                if (!accept) {
                    rejectedRetrains++;
                    return;
                }
            }
            ImplicitAlsModel fitted = ImplicitAls.fit(interactions(users, names, weights, times, 0, n), options);
            synchronized (lock) {
                als = fitted;
                retrains++;
            }
        } catch (RuntimeException e) {
            LOG.warn("recommender refit failed", e);
        } finally {
            retraining.set(false);
        }
    }

    /** Decayed user-item weights as of the last event of the range. */
    private Interactions interactions(String[] users, String[] names, double[] weights, long[] times, int from,
                                      int to) {
        long end = Long.MIN_VALUE;
        for (int q = from; q < to; q++) {
            end = Math.max(end, times[q]);
        }
        Interactions.Builder b = Interactions.builder();
        for (int q = from; q < to; q++) {
            b.add(users[q], names[q], weights[q] * Math.pow(2, -(end - times[q]) * items.invHalfLife));
        }
        return b.build();
    }

    private double holdoutRecall(ImplicitAlsModel m, String[] users, String[] names, boolean[] targets, int from,
                                 int to) {
        Map<String, Set<String>> seen = new HashMap<>();
        for (int q = 0; q < from; q++) {
            seen.computeIfAbsent(users[q], x -> new HashSet<>()).add(names[q]);
        }
        long tried = 0;
        long hit = 0;
        for (int q = from; q < to; q++) {
            Set<String> before = seen.get(users[q]);
            if (!targets[q] || before == null || before.contains(names[q]) || !m.hasUser(users[q])) {
                continue;
            }
            tried++;
            List<ScoredItem> list = m.recommend(users[q], config.k() + before.size());
            int rank = 0;
            for (ScoredItem si : list) {
                if (before.contains(si.item())) {
                    continue;
                }
                if (rank++ >= config.k()) {
                    break;
                }
                if (si.item().equals(names[q])) {
                    hit++;
                    break;
                }
            }
        }
        return tried == 0 ? 0 : (double) hit / tried;
    }

    long retrains() {
        synchronized (lock) {
            return retrains;
        }
    }

    long rejectedRetrains() {
        synchronized (lock) {
            return rejectedRetrains;
        }
    }

    // ---- LiveModel ----

    @Override
    public void afterEvent(long time) {
    }

    /** Lists are read with {@link #recommend}; this model adds nothing to {@link ModelOutputs}. */
    @Override
    public ModelOutputs score(UserView user, long asOf) {
        return ModelOutputs.NONE;
    }

    @Override
    public ModelOutputs lastScores(UserView user) {
        return ModelOutputs.NONE;
    }

    /** The live ALS fallback, or null (none configured or not fitted yet). */
    @Override
    public ImplicitAlsModel snapshot() {
        return als;
    }

    /** Makes {@code version} the ALS fallback; later refits may replace it (through the evaluation gate). */
    @Override
    public void swap(ImplicitAlsModel version) {
        if (version == null) {
            throw new IllegalArgumentException("version must not be null");
        }
        als = version;
    }

    @Override
    public ModelStatus status() {
        return new ModelStatus(null, 0, 0, retrains(), rejectedRetrains(), 0, 0, 0);
    }

    @Override
    public void finish(long endTime) throws InterruptedException {
        awaitIdle();
    }

    @Override
    public void awaitIdle() throws InterruptedException {
        executor.awaitIdle();
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "LiveRecommender[" + config + ", items=" + items.count + "]";
        }
    }

    // ---- snapshots and forgetting ----

    private static void writeInts(ByteWriter out, int[] a) {
        out.bool(a != null);
        if (a != null) {
            out.varInt(a.length);
            for (int v : a) {
                out.zigZag(v);
            }
        }
    }

    private static int[] readInts(ByteReader in) {
        if (!in.bool()) {
            return null;
        }
        int[] a = new int[in.count(1)];
        for (int i = 0; i < a.length; i++) {
            a[i] = (int) in.zigZag();
        }
        return a;
    }

    @Override
    public void encodeUserState(Object state, ByteWriter out) {
        UserState u = (UserState) state;
        out.zigZag(u.anchor).varInt(u.size).varInt(u.markedCount).bool(u.evaluated);
        writeInts(out, u.items);
        out.bool(u.weights != null);
        if (u.weights != null) {
            out.varInt(u.weights.length);
            for (double w : u.weights) {
                out.f64(w);
            }
        }
        writeInts(out, u.marked);
        out.bool(u.flags != null);
        if (u.flags != null) {
            out.varInt(u.flags.length);
            out.bytes(u.flags, 0, u.flags.length);
        }
    }

    @Override
    public Object decodeUserState(ByteReader in, UserView owner) {
        long anchor = in.zigZag();
        int size = in.varInt(maxRecent);
        int markedCount = in.varInt(Integer.MAX_VALUE);
        boolean evaluated = in.bool();
        int[] its = readInts(in);
        double[] ws = null;
        if (in.bool()) {
            ws = new double[in.count(8)];
            for (int i = 0; i < ws.length; i++) {
                ws[i] = in.f64();
            }
        }
        int[] marked = readInts(in);
        byte[] flags = in.bool() ? in.bytes(in.count(1)) : null;
        if ((its == null) != (ws == null) || (its != null && (its.length != ws.length || size > its.length))
                || (marked == null) != (flags == null) || (marked != null && marked.length != flags.length)) {
            throw in.error("recommender state of user '" + owner.user() + "' is inconsistent");
        }
        return new UserState(anchor, size, its, ws, marked, flags, markedCount, evaluated);
    }

    @Override
    public void encodeState(ByteWriter out) {
        synchronized (lock) {
            items.writeState(out);
            out.zigZag(maxTime).varLong(evalEvents).varLong(evalUsers).varLong(hits).f64(ndcg).varLong(popHits)
                    .f64(popNdcg);
            ImplicitAlsModel m = als;
            out.nullableString(m == null ? null : m.toJson());
            out.varInt(ringCount);
            int start = ringUser.length == 0 ? 0 : (ringNext - ringCount + ringUser.length) % ringUser.length;
            for (int q = 0; q < ringCount; q++) {
                int at = (start + q) % ringUser.length;
                out.string(ringUser[at]).varInt(ringItem[at]).f64(ringWeight[at]).zigZag(ringTime[at])
                        .bool(ringTarget[at]);
            }
            out.varLong(sinceRetrain).varLong(retrains).varLong(rejectedRetrains);
        }
    }

    @Override
    public void restoreState(ByteReader in, Function<String, UserView> users) {
        synchronized (lock) {
            items.readState(in);
            maxTime = in.zigZag();
            evalEvents = in.varLong();
            evalUsers = in.varLong();
            hits = in.varLong();
            ndcg = in.f64();
            popHits = in.varLong();
            popNdcg = in.f64();
            String json = in.nullableString();
            try {
                als = json == null ? null : ImplicitAlsModel.fromJson(json);
            } catch (RuntimeException e) {
                throw in.error("unreadable ALS model (" + e.getMessage() + ")");
            }
            int n = in.varInt(ringUser.length);
            for (int q = 0; q < n; q++) {
                ringUser[q] = in.string();
                ringItem[q] = in.varInt(Integer.MAX_VALUE);
                ringWeight[q] = (float) in.f64();
                ringTime[q] = in.zigZag();
                ringTarget[q] = in.bool();
            }
            ringCount = n;
            ringNext = ringUser.length == 0 ? 0 : n % ringUser.length;
            sinceRetrain = in.varLong();
            retrains = in.varLong();
            rejectedRetrains = in.varLong();
        }
    }

    /**
     * Drops the user's events kept for ALS refits. The user's recent items and marks live in the user's own
     * state, which the engine drops; the item-item similarities are aggregates over all users and stay.
     */
    @Override
    public int forget(UserView user) {
        synchronized (lock) {
            if (ringCount == 0) {
                return 0;
            }
            int start = (ringNext - ringCount + ringUser.length) % ringUser.length;
            int kept = 0;
            int removed = 0;
            String[] u = new String[ringCount];
            int[] it = new int[ringCount];
            float[] w = new float[ringCount];
            long[] t = new long[ringCount];
            boolean[] g = new boolean[ringCount];
            for (int q = 0; q < ringCount; q++) {
                int at = (start + q) % ringUser.length;
                if (user.user().equals(ringUser[at])) {
                    removed++;
                    continue;
                }
                u[kept] = ringUser[at];
                it[kept] = ringItem[at];
                w[kept] = ringWeight[at];
                t[kept] = ringTime[at];
                g[kept] = ringTarget[at];
                kept++;
            }
            if (removed > 0) {
                java.util.Arrays.fill(ringUser, null);
                System.arraycopy(u, 0, ringUser, 0, kept);
                System.arraycopy(it, 0, ringItem, 0, kept);
                System.arraycopy(w, 0, ringWeight, 0, kept);
                System.arraycopy(t, 0, ringTime, 0, kept);
                System.arraycopy(g, 0, ringTarget, 0, kept);
                ringCount = kept;
                ringNext = kept % ringUser.length;
            }
            return removed;
        }
    }
}
