package dev.profilekit.benchmarks;

import static dev.profilekit.features.hash.HashMix.spread;

import dev.profilekit.core.engine.Event;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The practical floor for {@link OnEventBenchmark} with {@code schema=fixture}: every updating feature of
 * {@code fixture-schema.json} written by hand for speed, on the same pre-built events
 * ({@link Fixtures#slices}, seed 42, one thread), the same users.
 *
 * <p><b>User lookup.</b> The engine is handed a user id string, so the floor is too: a hand-written
 * open-addressing table (power-of-two size, load &lt;= 0.5, linear probing, hash and index side by side in one
 * {@code int[]}) maps the id to a dense user index once per event, using the string's cached hash and one
 * {@code equals} on a hash match against the id kept in the user's line of references. A pre-resolved int
 * per event would skip the one lookup the engine cannot skip, and a {@code HashMap<String, Integer>} adds a
 * node hop a careful engineer would not write; this table is the honest floor. Every user is created before
 * measuring (as in {@link OnEventBenchmark}), so a miss cannot happen and is an error.
 *
 * <p><b>State.</b> All scalar state of user {@code u} is one run of {@value #STRIDE} doubles in one shared
 * {@code double[]} at {@code u * STRIDE} (counts, times and table sizes are exact in a double), so the
 * scalar work touches a few adjacent cache lines. The non-scalar features keep per-user arrays (allocated on
 * first use, grown by doubling, never shrunk), as the engine must; the user's references to them (and its
 * {@code last_category} string) sit side by side in one shared {@code Object[]} at {@code u * REFS}, so
 * reaching them costs one cache line, not one per kind. Hashes and weights/times sit in primitive arrays, so
 * probes read a string only on a hash match.
 *
 * <p><b>Per event it does exactly</b>: the user lookup; the lateness check ({@code ts < M - 6 h} is late,
 * M the user's largest accepted time) and, with {@code dedup=within_lateness}, the specification's duplicate
 * check with the engine's {@code WITHIN_LATENESS} retention: one probe of the user's compact id table
 * (open addressing over the event's own id strings, hash and time side by side in a {@code long[]}), which
 * rejects an id seen at or after {@code M - 6 h} and otherwise inserts (or refreshes) it; ids older than the
 * new horizon are dropped in place when the table would grow (through a scratch buffer, so nothing is
 * allocated). Then a {@code switch} on the type string, each attribute the type needs read once
 * ({@code category} for view/cart/purchase, {@code product} for views, {@code amount} for purchases) and:
 * <ul>
 *   <li>{@code events}, {@code views}, {@code carts}, {@code purchases} (counts), {@code spend} (sum);</li>
 *   <li>{@code views_decay_1d}, {@code spend_decay_7d}: value and reference time, one {@code Math.exp}
 *       per update, with the out-of-order branch;</li>
 *   <li>{@code views_6h}, {@code spend_3d}: epoch-aligned rings of 6 and 3 buckets (bucket number and sum
 *       side by side);</li>
 *   <li>{@code order_value}: Welford count/mean/M2, min, max; {@code since_purchase}: latest purchase time;
 *       {@code first_seen}: earliest time;</li>
 *   <li>{@code last_category} ({@code last_value} on views): the latest view's category string and its time
 *       (ties: the event accepted last);</li>
 *   <li>{@code products_viewed} ({@code distinct_count}): an exact open-addressing set of the product
 *       strings per user;</li>
 *   <li>{@code fav_categories} ({@code top_k}, k = 3, half-life 2 days, capacity 64 as the schema default):
 *       forward-decayed weights {@code e^(rate (t - landmark))} per category (Cormode et al., ICDE 2009),
 *       one {@code Math.exp} per update, landmark moved and weights rescaled when the exponent passes 600,
 *       values found by a scan of the user's hash array (at most 64 entries), Space-Saving replacement of
 *       the lightest value beyond capacity, exactly as {@code TopKCounter};</li>
 *   <li>{@code sessions} (gap 30 min): the user's open sessions as sorted (start, end) pairs, an in-order
 *       fast path (extend or append the last session) and the general insert/extend/merge path for events
 *       out of order, then sessions that end before {@code M - 6 h - 30 min} are folded into a closed count
 *       and total duration, as {@code SessionTracker.closeBefore}.</li>
 * </ul>
 * {@code cart_to_purchase} (a ratio) and every decay to the evaluation time are computed on read, by both.
 *
 * <p><b>It does not do</b>: locking (one thread), outcome counters shared between threads, listeners, live
 * models, event validation (events are pre-built and valid), creating users on the fly, the HyperLogLog
 * switch of {@code distinct_count} above 10,000 values per user (it fails instead; the fixture streams have
 * at most 300 products), or duplicate detection with {@code dedup=none}. Those are the costs the engine may
 * add on top of this floor. {@link #values} reads a profile the slow, allocating way, for the equivalence
 * test only.
 *
 * <p><b>Laps.</b> The slice is replayed in laps so iterations can be as long as wanted: lap {@code k} adds
 * {@code k} times the slice's span plus the allowed lateness (plus 1 ms) to every timestamp, so time keeps
 * moving forward, and with {@code dedup=within_lateness} odd laps use a second pre-built pool of id
 * strings ({@code f<n>} instead of {@code e<n>}, same length): an id comes back only two laps later, by
 * when every user's horizon has moved past it, so every measured event is ACCEPTED, as in
 * {@link OnEventBenchmark} (checked after each trial).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms8g", "-Xmx8g"})
public class FixtureInlinedBaselineBenchmark {

    static final long LATENESS = 6 * 3_600_000L;
    static final long SESSION_GAP = 30 * 60_000L;
    static final double RATE_VIEWS = Math.log(2.0) / 86_400_000L;        // half-life 1 day
    static final double RATE_SPEND = Math.log(2.0) / (7 * 86_400_000L);  // half-life 7 days
    static final double RATE_TOPK = Math.log(2.0) / (2 * 86_400_000L);   // half-life 2 days
    static final long VIEW_BUCKET = 3_600_000L;   // 6 h / 6 buckets
    static final long SPEND_BUCKET = 86_400_000L; // 3 d / 3 buckets
    static final int TOP_K = 3;
    static final int TOP_K_CAPACITY = 64;         // FeatureSpec.DEFAULT_TOP_K_CAPACITY
    static final int DISTINCT_EXACT_LIMIT = 10_000;
    private static final double MAX_EXPONENT = 600.0;
    /** Marks a used slot of an id table's hash words (the hash is the low 32 bits). */
    private static final long OCCUPIED = 1L << 32;

    /** Outcomes of {@link #apply}, as the engine's ACCEPTED, DUPLICATE, LATE. */
    static final int ACCEPTED = 0;
    static final int DUPLICATE = 1;
    static final int LATE = 2;

    // layout of a user's run of doubles: what every event touches first, then views, then purchases
    private static final int MAX_T = 0;
    private static final int EVENTS = 1;
    private static final int FIRST_SEEN = 2;
    private static final int IDS_N = 3;
    private static final int OPEN_SESSIONS = 4;
    private static final int CLOSED_SESSIONS = 5;
    private static final int CLOSED_SESSION_MS = 6;
    private static final int TOPK_N = 7;
    private static final int TOPK_LANDMARK = 8;
    private static final int VIEWS = 9;
    private static final int VIEWS_DECAY = 10;  // value, reference time
    private static final int LAST_CATEGORY_T = 12;
    private static final int DISTINCT_N = 13;
    private static final int CARTS = 14;
    private static final int PURCHASES = 15;
    private static final int VIEWS_6H = 16;     // 6 x (bucket, sum)
    private static final int SPEND = 28;
    private static final int SPEND_DECAY = 29;  // value, reference time
    private static final int LAST_PURCHASE = 31;
    private static final int SPEND_3D = 32;     // 3 x (bucket, sum)
    private static final int STATS = 38;        // n, mean, M2, min, max
    /** Doubles per user (43 used, padded to whole 64-byte lines). */
    static final int STRIDE = 48;

    // layout of a user's run of references
    private static final int LAST_CATEGORY = 0; // String
    private static final int DISTINCT = 1;      // String[]: open-addressing set
    private static final int TOP_KEYS = 2;      // String[]: values in slot order
    private static final int TOP_WEIGHTS = 3;   // double[]: hash (exact as a double), weight of slot i at 2i, 2i + 1
    private static final int SESSIONS = 4;      // long[]: start0, end0, start1, end1, ... (open sessions, sorted)
    private static final int IDS = 5;           // String[]: open-addressing table of event ids
    private static final int ID_META = 6;       // long[]: hash, time of IDS[i] at 2i, 2i + 1
    private static final int USER = 7;          // String: the user id
    /** References per user (8 compressed references are half a cache line). */
    static final int REFS = 8;

    /** Number of users, all created before measuring. */
    @Param({"100000", "2000000"})
    public int users;

    /** Pre-built events (replayed in laps). */
    @Param({"16777216"})
    public int events;

    /** {@code none}: lateness check only; {@code within_lateness}: also the duplicate check (the engine's work). */
    @Param({"none", "within_lateness"})
    public String dedup;

    /** User index: open addressing, slot i holds the id's hash at 2i and its dense index + 1 at 2i + 1 (0: empty). */
    private int[] userTable;
    private int userMask;

    private double[] state;
    /** User {@code u}'s references at {@code u * REFS}: one cache line instead of one array per kind. */
    private Object[] refs;
    private String[] scratchIds = new String[16];
    private long[] scratchTimes = new long[16];
    private boolean dedupIds;

    private Event[] slice;
    private String[] altIds;
    private long lapShift;
    private int mask;
    private int lapShiftBits;
    private long next;
    private long rejected;

    /** Builds the same events as {@link OnEventBenchmark} (one thread) and one profile per user. */
    @Setup(Level.Trial)
    public void setUp() {
        if (Integer.bitCount(events) != 1) {
            throw new IllegalArgumentException("events must be a power of two, was " + events);
        }
        String[] userIds = Fixtures.userIds(users);
        init(userIds, dedup);
        slice = Fixtures.slices(userIds, 1, events, 42)[0];
        lapShift = Fixtures.span(slice) + LATENESS + 1;
        mask = events - 1;
        lapShiftBits = Integer.numberOfTrailingZeros(events);
        if (dedupIds) {
            altIds = new String[events];
            Map<String, String> alt = new java.util.HashMap<>();
            for (int i = 0; i < events; i++) {
                String id = slice[i].id();
                altIds[i] = alt.computeIfAbsent(id, s -> "f" + s.substring(1));
            }
        }
        warm(userIds);
        next = 0;
        rejected = 0;
    }

    /** Empty state for {@code userIds}; {@code dedup} as the parameter. */
    void init(String[] userIds, String dedupMode) {
        dedupIds = switch (dedupMode) {
            case "none" -> false;
            case "within_lateness" -> true;
            default -> throw new IllegalArgumentException("dedup must be 'none' or 'within_lateness', was '"
                    + dedupMode + "'");
        };
        int n = userIds.length;
        int cap = Integer.highestOneBit(Math.max(2, n) * 2 - 1) << 1;
        userTable = new int[2 * cap];
        userMask = cap - 1;
        state = new double[n * STRIDE];
        refs = new Object[n * REFS];
        for (int u = 0; u < n; u++) {
            String user = userIds[u];
            int h = user.hashCode();
            int i = spread(h) & userMask;
            while (userTable[2 * i + 1] != 0) {
                if (userTable[2 * i] == h && refs[(userTable[2 * i + 1] - 1) * REFS + USER].equals(user)) {
                    throw new IllegalArgumentException("duplicate user id '" + user + "'");
                }
                i = (i + 1) & userMask;
            }
            userTable[2 * i] = h;
            userTable[2 * i + 1] = u + 1;
            refs[u * REFS + USER] = user;
            int p = u * STRIDE;
            state[p + MAX_T] = Double.NEGATIVE_INFINITY;
            state[p + VIEWS_DECAY + 1] = Double.NEGATIVE_INFINITY;
            state[p + SPEND_DECAY + 1] = Double.NEGATIVE_INFINITY;
            for (int b = 0; b < 6; b++) {
                state[p + VIEWS_6H + 2 * b] = Double.NEGATIVE_INFINITY;
            }
            for (int b = 0; b < 3; b++) {
                state[p + SPEND_3D + 2 * b] = Double.NEGATIVE_INFINITY;
            }
            state[p + STATS + 3] = Double.POSITIVE_INFINITY;
            state[p + STATS + 4] = Double.NEGATIVE_INFINITY;
            state[p + LAST_PURCHASE] = Double.NEGATIVE_INFINITY;
            state[p + FIRST_SEEN] = Double.POSITIVE_INFINITY;
            state[p + LAST_CATEGORY_T] = Double.NEGATIVE_INFINITY;
            state[p + TOPK_LANDMARK] = Double.NaN;
        }
    }

    /** The one warm-up event per user of {@link Fixtures#warmUsers}. */
    void warm(String[] userIds) {
        Map<String, Object> attrs = Map.of("category", "books", "product", "p0");
        for (String u : userIds) {
            apply("warm", u, "view", Fixtures.WARM_TIME, attrs);
        }
    }

    /** One event; returns its outcome (always ACCEPTED here) so the work cannot be eliminated. */
    @Benchmark
    public int onEvent() {
        long i = next++;
        int at = (int) i & mask;
        Event e = slice[at];
        long lap = i >>> lapShiftBits;
        String id = (lap & 1) == 0 || !dedupIds ? e.id() : altIds[at];
        int outcome = apply(id, e.user(), e.type(), e.timestamp() + lap * lapShift, e.attrs());
        rejected += outcome; // ACCEPTED is 0
        return outcome;
    }

    /** Checks that every measured event was accepted. */
    @TearDown(Level.Trial)
    public void check() {
        if (rejected != 0) {
            throw new IllegalStateException("every measured event must be accepted; " + rejected
                    + " (sum of outcome codes) were not");
        }
    }

    /** Applies one event: ACCEPTED, DUPLICATE or LATE (then nothing changed). */
    int apply(String id, String user, String type, long t, Map<String, Object> attrs) {
        int u = user(user);
        double[] s = state;
        int p = u * STRIDE;
        double maxT = s[p + MAX_T];
        if (t < maxT - LATENESS) {
            return LATE;
        }
        if (dedupIds && !admitId(u, p, id, t, maxT)) {
            return DUPLICATE;
        }
        if (t > maxT) {
            s[p + MAX_T] = t;
            maxT = t;
        }
        s[p + EVENTS]++;
        if (t < s[p + FIRST_SEEN]) {
            s[p + FIRST_SEEN] = t;
        }
        switch (type) {
            case "view" -> {
                s[p + VIEWS]++;
                decay(s, p + VIEWS_DECAY, t, 1.0, RATE_VIEWS);
                ring(s, p + VIEWS_6H, 6, Math.floorDiv(t, VIEW_BUCKET), 1.0);
                if (attrs.get("category") instanceof String category) {
                    if (t >= s[p + LAST_CATEGORY_T]) {
                        s[p + LAST_CATEGORY_T] = t;
                        refs[u * REFS + LAST_CATEGORY] = category;
                    }
                    topK(u, p, category, t);
                }
                if (attrs.get("product") instanceof String product) {
                    distinct(u, p, product);
                }
            }
            case "cart" -> {
                s[p + CARTS]++;
                if (attrs.get("category") instanceof String category) {
                    topK(u, p, category, t);
                }
            }
            case "purchase" -> {
                s[p + PURCHASES]++;
                if (t > s[p + LAST_PURCHASE]) {
                    s[p + LAST_PURCHASE] = t;
                }
                if (attrs.get("amount") instanceof Double d) {
                    double amount = d;
                    s[p + SPEND] += amount;
                    decay(s, p + SPEND_DECAY, t, amount, RATE_SPEND);
                    ring(s, p + SPEND_3D, 3, Math.floorDiv(t, SPEND_BUCKET), amount);
                    int m = p + STATS;
                    double n = s[m] + 1.0;
                    double delta = amount - s[m + 1];
                    double mean = s[m + 1] + delta / n;
                    s[m] = n;
                    s[m + 1] = mean;
                    s[m + 2] += delta * (amount - mean);
                    if (amount < s[m + 3]) {
                        s[m + 3] = amount;
                    }
                    if (amount > s[m + 4]) {
                        s[m + 4] = amount;
                    }
                }
                if (attrs.get("category") instanceof String category) {
                    topK(u, p, category, t);
                }
            }
            default -> {
            }
        }
        session(u, p, t, (long) maxT);
        return ACCEPTED;
    }

    /** The dense index of {@code user}. */
    private int user(String user) {
        int h = user.hashCode();
        int m = userMask;
        int[] table = userTable;
        for (int i = spread(h) & m; ; i = (i + 1) & m) {
            int u = table[2 * i + 1] - 1;
            if (u < 0) {
                throw new IllegalStateException("unknown user '" + user + "' (users are created before measuring)");
            }
            // the id string sits in the user's line of references, which the event reads next anyway
            if (table[2 * i] == h && user.equals(refs[u * REFS + USER])) {
                return u;
            }
        }
    }

    private static void decay(double[] s, int at, long t, double x, double rate) {
        double ref = s[at + 1];
        if (t >= ref) {
            double v = s[at];
            s[at] = (v == 0.0 ? 0.0 : v * Math.exp(-(t - ref) * rate)) + x;
            s[at + 1] = t;
        } else {
            s[at] += x * Math.exp(-(ref - t) * rate);
        }
    }

    private static void ring(double[] s, int at, int n, long bucket, double x) {
        int slot = at + 2 * (int) Math.floorMod(bucket, (long) n);
        double held = s[slot];
        double b = bucket;
        if (held == b) {
            s[slot + 1] += x;
        } else if (held < b) {
            s[slot] = b;
            s[slot + 1] = x;
        }
    }

    // ---------------------------------------------------------------- duplicate check

    /**
     * The duplicate check with WITHIN_LATENESS retention, in one probe: false if {@code id} was accepted at or
     * after the horizon {@code maxT - LATENESS}; else records it at {@code t} and returns true.
     */
    private boolean admitId(int u, int p, String id, long t, double maxT) {
        long horizon = maxT == Double.NEGATIVE_INFINITY ? Long.MIN_VALUE : (long) maxT - LATENESS;
        Object[] r = refs;
        int q = u * REFS;
        long[] meta = (long[]) r[q + ID_META];
        if (meta == null) {
            meta = new long[16];
            r[q + ID_META] = meta;
            r[q + IDS] = new String[8];
        }
        String[] table = null; // read only on a hash match or an insert
        int len = meta.length >> 1;
        int h = id.hashCode();
        int m = len - 1;
        int i = spread(h) & m;
        // the probe reads the hashes only: a used slot has OCCUPIED set, so the id strings stay untouched
        for (; meta[2 * i] != 0; i = (i + 1) & m) {
            if ((int) meta[2 * i] == h) {
                if (table == null) {
                    table = (String[]) r[q + IDS];
                }
                if (table[i].equals(id)) {
                    if (meta[2 * i + 1] >= horizon) {
                        return false;
                    }
                    meta[2 * i + 1] = t; // an expired id, reused by a newer event
                    return true;
                }
            }
        }
        if (table == null) {
            table = (String[]) r[q + IDS];
        }
        table[i] = id;
        meta[2 * i] = (h & 0xFFFF_FFFFL) | OCCUPIED;
        meta[2 * i + 1] = t;
        double n = ++state[p + IDS_N];
        if (n > len * 0.6) {
            compactIds(u, p, Math.max(horizon, t - LATENESS));
        }
        return true;
    }

    /** Drops ids older than {@code forgetBefore}; doubles the table if it is still more than half full. */
    private void compactIds(int u, int p, long forgetBefore) {
        int q = u * REFS;
        String[] table = (String[]) refs[q + IDS];
        long[] meta = (long[]) refs[q + ID_META];
        if (scratchIds.length < table.length) {
            scratchIds = new String[table.length * 2];
            scratchTimes = new long[table.length * 2];
        }
        int kept = 0;
        for (int i = 0; i < table.length; i++) {
            if (table[i] != null && meta[2 * i + 1] >= forgetBefore) {
                scratchIds[kept] = table[i];
                scratchTimes[kept++] = meta[2 * i + 1];
            }
        }
        if (kept > table.length * 0.5) {
            table = new String[table.length * 2];
            meta = new long[table.length * 2];
            refs[q + IDS] = table;
            refs[q + ID_META] = meta;
        } else {
            Arrays.fill(table, null);
            Arrays.fill(meta, 0L);
        }
        int m = table.length - 1;
        for (int j = 0; j < kept; j++) {
            String id = scratchIds[j];
            scratchIds[j] = null;
            int h = id.hashCode();
            int i = spread(h) & m;
            while (table[i] != null) {
                i = (i + 1) & m;
            }
            table[i] = id;
            meta[2 * i] = (h & 0xFFFF_FFFFL) | OCCUPIED;
            meta[2 * i + 1] = scratchTimes[j];
        }
        state[p + IDS_N] = kept;
    }

    // ---------------------------------------------------------------- distinct_count

    private void distinct(int u, int p, String value) {
        String[] set = (String[]) refs[u * REFS + DISTINCT];
        if (set == null) {
            set = new String[8];
            refs[u * REFS + DISTINCT] = set;
        }
        int h = value.hashCode();
        int m = set.length - 1;
        int i = spread(h) & m;
        for (String k; (k = set[i]) != null; i = (i + 1) & m) {
            if (k.equals(value)) {
                return;
            }
        }
        set[i] = value;
        double n = ++state[p + DISTINCT_N];
        if (n > DISTINCT_EXACT_LIMIT) {
            throw new IllegalStateException("more than " + DISTINCT_EXACT_LIMIT + " distinct values for one user: "
                    + "the baseline has no HyperLogLog switch");
        }
        if (n > set.length * 0.5) {
            String[] grown = new String[set.length * 2];
            int gm = grown.length - 1;
            for (String k : set) {
                if (k != null) {
                    int j = spread(k.hashCode()) & gm;
                    while (grown[j] != null) {
                        j = (j + 1) & gm;
                    }
                    grown[j] = k;
                }
            }
            refs[u * REFS + DISTINCT] = grown;
        }
    }

    // ---------------------------------------------------------------- top_k

    private void topK(int u, int p, String value, long t) {
        double[] s = state;
        Object[] r = refs;
        int q = u * REFS;
        double landmark = s[p + TOPK_LANDMARK];
        // slot i: hash at 2i (an int, exact as a double), weight at 2i + 1; the strings are read on a hash match
        double[] hw = (double[]) r[q + TOP_WEIGHTS];
        int size = (int) s[p + TOPK_N];
        if (landmark != landmark) {
            landmark = t;
            s[p + TOPK_LANDMARK] = landmark;
        } else if ((t - landmark) * RATE_TOPK > MAX_EXPONENT) {
            double f = Math.exp(-(t - landmark) * RATE_TOPK);
            for (int i = 0; i < size; i++) {
                hw[2 * i + 1] *= f;
            }
            landmark = t;
            s[p + TOPK_LANDMARK] = landmark;
        }
        double w = Math.exp((t - landmark) * RATE_TOPK);
        if (hw == null) {
            hw = new double[16];
            r[q + TOP_WEIGHTS] = hw;
            r[q + TOP_KEYS] = new String[8];
        }
        int h = value.hashCode();
        double hd = h;
        for (int i = 0; i < size; i++) {
            if (hw[2 * i] == hd && ((String[]) r[q + TOP_KEYS])[i].equals(value)) {
                hw[2 * i + 1] += w;
                return;
            }
        }
        String[] keys = (String[]) r[q + TOP_KEYS];
        if (size < TOP_K_CAPACITY) {
            if (size == keys.length) {
                int n = Math.min(TOP_K_CAPACITY, size * 2);
                keys = Arrays.copyOf(keys, n);
                hw = Arrays.copyOf(hw, 2 * n);
                r[q + TOP_KEYS] = keys;
                r[q + TOP_WEIGHTS] = hw;
            }
            keys[size] = value;
            hw[2 * size] = hd;
            hw[2 * size + 1] = w;
            s[p + TOPK_N] = size + 1;
            return;
        }
        // Space-Saving: the new value takes over the lightest counter and its weight
        int min = 0;
        for (int i = 1; i < size; i++) {
            if (hw[2 * i + 1] < hw[2 * min + 1]) {
                min = i;
            }
        }
        keys[min] = value;
        hw[2 * min] = hd;
        hw[2 * min + 1] += w;
    }

    // ---------------------------------------------------------------- sessions

    private void session(int u, int p, long t, long maxT) {
        double[] s = state;
        long[] se = (long[]) refs[u * REFS + SESSIONS];
        if (se == null) {
            se = new long[8];
            refs[u * REFS + SESSIONS] = se;
        }
        int n = (int) s[p + OPEN_SESSIONS];
        long gap = SESSION_GAP;
        if (n > 0 && t >= se[2 * n - 1]) {
            // in order: extend the last session or start a new one after it
            if (t - se[2 * n - 1] <= gap) {
                se[2 * n - 1] = t;
            } else {
                se = insertSession(u, se, n, n, t);
                n++;
            }
        } else {
            // first open session whose end + gap >= t
            int lo = 0;
            while (lo < n && se[2 * lo + 1] + gap < t) {
                lo++;
            }
            if (lo < n && se[2 * lo] - gap <= t) {
                if (t < se[2 * lo]) {
                    se[2 * lo] = t;
                }
                if (t > se[2 * lo + 1]) {
                    se[2 * lo + 1] = t;
                    if (lo + 1 < n && se[2 * lo + 2] - t <= gap) {
                        se[2 * lo + 1] = se[2 * lo + 3];
                        System.arraycopy(se, 2 * lo + 4, se, 2 * lo + 2, 2 * (n - lo - 2));
                        n--;
                    }
                }
            } else {
                se = insertSession(u, se, n, lo, t);
                n++;
            }
        }
        // sessions no future accepted event (t >= maxT - lateness) can reach are final
        long bound = maxT - LATENESS - gap;
        int closed = 0;
        while (closed < n && se[2 * closed + 1] < bound) {
            s[p + CLOSED_SESSIONS]++;
            s[p + CLOSED_SESSION_MS] += se[2 * closed + 1] - se[2 * closed];
            closed++;
        }
        if (closed > 0) {
            System.arraycopy(se, 2 * closed, se, 0, 2 * (n - closed));
            n -= closed;
        }
        s[p + OPEN_SESSIONS] = n;
    }

    private long[] insertSession(int u, long[] se, int n, int at, long t) {
        if (2 * n + 2 > se.length) {
            se = Arrays.copyOf(se, se.length * 2);
            refs[u * REFS + SESSIONS] = se;
        }
        System.arraycopy(se, 2 * at, se, 2 * at + 2, 2 * (n - at));
        se[2 * at] = t;
        se[2 * at + 1] = t;
        return se;
    }

    // ---------------------------------------------------------------- reading (tests only)

    /**
     * The profile of {@code user} as of {@code asOf} (at or after its latest event), with the engine's value
     * types: {@code Long} counts, {@code Double} sums, null for missing values; {@code order_value} as
     * {@code [count, mean, std, min, max]} ({@code null} when empty), {@code fav_categories} as a list of
     * {@code [value, weight]} and {@code sessions} as {@code [count, mean_duration_s]}. Allocates; not for the
     * measured path.
     */
    Map<String, Object> values(String user, long asOf) {
        int u = user(user);
        double[] s = state;
        int p = u * STRIDE;
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("views", (long) s[p + VIEWS]);
        v.put("carts", (long) s[p + CARTS]);
        v.put("purchases", (long) s[p + PURCHASES]);
        v.put("events", (long) s[p + EVENTS]);
        v.put("spend", s[p + SPEND]);
        v.put("views_decay_1d", decayedAt(s, p + VIEWS_DECAY, asOf, RATE_VIEWS));
        v.put("spend_decay_7d", decayedAt(s, p + SPEND_DECAY, asOf, RATE_SPEND));
        v.put("views_6h", Math.round(ringSum(s, p + VIEWS_6H, 6, Math.floorDiv(asOf, VIEW_BUCKET))));
        v.put("spend_3d", ringSum(s, p + SPEND_3D, 3, Math.floorDiv(asOf, SPEND_BUCKET)));
        int m = p + STATS;
        v.put("order_value", s[m] == 0 ? null : List.of((long) s[m], s[m + 1], Math.sqrt(Math.max(0.0, s[m + 2] / s[m])),
                s[m + 3], s[m + 4]));
        double lp = s[p + LAST_PURCHASE];
        v.put("since_purchase", lp == Double.NEGATIVE_INFINITY ? null : (asOf - (long) lp) / 1000.0);
        double fs = s[p + FIRST_SEEN];
        v.put("first_seen", fs == Double.POSITIVE_INFINITY ? null : (long) fs);
        v.put("last_category", (String) refs[u * REFS + LAST_CATEGORY]);
        v.put("products_viewed", (long) s[p + DISTINCT_N]);
        v.put("fav_categories", top(u, p, asOf));
        double carts = s[p + CARTS];
        v.put("cart_to_purchase", carts == 0 ? null : s[p + PURCHASES] / carts);
        int open = (int) s[p + OPEN_SESSIONS];
        long count = (long) s[p + CLOSED_SESSIONS] + open;
        double total = s[p + CLOSED_SESSION_MS];
        long[] se = (long[]) refs[u * REFS + SESSIONS];
        for (int i = 0; i < open; i++) {
            total += se[2 * i + 1] - se[2 * i];
        }
        List<Object> sess = new ArrayList<>();
        sess.add(count);
        sess.add(count == 0 ? null : total / 1000.0 / count);
        v.put("sessions", sess);
        return v;
    }

    private static double decayedAt(double[] s, int at, long asOf, double rate) {
        double v = s[at];
        return v == 0.0 ? 0.0 : v * Math.exp(-(asOf - s[at + 1]) * rate);
    }

    private static double ringSum(double[] s, int at, int n, long last) {
        double total = 0.0;
        for (int i = 0; i < n; i++) {
            double b = s[at + 2 * i];
            if (b <= last && b > last - n) {
                total += s[at + 2 * i + 1];
            }
        }
        return total;
    }

    private List<List<Object>> top(int u, int p, long asOf) {
        int size = (int) state[p + TOPK_N];
        double f = size == 0 ? 1.0 : Math.exp(-(asOf - state[p + TOPK_LANDMARK]) * RATE_TOPK);
        List<List<Object>> all = new ArrayList<>();
        String[] keys = (String[]) refs[u * REFS + TOP_KEYS];
        double[] hw = (double[]) refs[u * REFS + TOP_WEIGHTS];
        for (int i = 0; i < size; i++) {
            all.add(List.of(keys[i], hw[2 * i + 1] * f));
        }
        all.sort(Comparator.comparing((List<Object> e) -> (Double) e.get(1)).reversed()
                .thenComparing(e -> (String) e.get(0)));
        return all.subList(0, Math.min(TOP_K, all.size()));
    }
}
