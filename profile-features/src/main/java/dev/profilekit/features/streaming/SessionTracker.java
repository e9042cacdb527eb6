package dev.profilekit.features.streaming;

/**
 * Sessions of a stream of event times: the times sorted and split wherever two consecutive times
 * differ by more than {@code gap} ms. Events may arrive in any order; a late event can extend a
 * session or bridge two into one.
 *
 * <p>Open sessions are kept sorted by start in one primitive array of (start, end) pairs (they are disjoint and
 * separated by more than {@code gap}, so their ends are sorted too), room for two at first: most users have one or
 * two open sessions within the allowed lateness. Sessions that no future event can touch are
 * folded into a running count and total duration by {@link #closeBefore(long)}: with an allowed
 * lateness {@code L} and largest accepted time {@code M}, every future event has {@code t >= M - L},
 * so sessions ending before {@code M - L - gap} are final. Without a lateness bound nothing is
 * final and memory grows with the number of sessions.
 *
 * <p>{@link #add(long)} is O(log s + moved entries); no allocation except when the arrays grow.
 * Not thread-safe; callers synchronise.
 */
public final class SessionTracker {

    private final long gap;
    /** Open sessions {@code head <= i < tail}: start at {@code open[2 * i]}, end at {@code open[2 * i + 1]}. */
    private long[] open = new long[4];
    private int head;
    private int tail;
    private long closedCount;
    private long closedDurationMs;
    /**
     * Open sessions by start (start -> end) once there are more than {@link #TREE_THRESHOLD} of them: a storm of
     * events that each open a session, in any order within the allowed lateness, then costs O(log s) per event
     * instead of the O(s) of shifting the arrays. Null while the arrays hold the sessions.
     */
    private java.util.TreeMap<Long, Long> tree;
    static final int TREE_THRESHOLD = 256;
    /** Entries shifted inside the arrays so far (merges, inserts, compactions): the cost the tree bounds. */
    private long shifted;

    /** @param gapMs the largest difference between consecutive times of one session, >= 0 */
    public SessionTracker(long gapMs) {
        if (gapMs < 0) {
            throw new IllegalArgumentException("gapMs must be >= 0, was " + gapMs);
        }
        this.gap = gapMs;
    }

    /** The longs the open sessions' array holds (2 per session of room). For tests. */
    int retainedLongs() {
        return open.length;
    }

    /** Entries moved inside the arrays so far; at most {@link #TREE_THRESHOLD} per added event. For tests. */
    long shiftedEntries() {
        return shifted;
    }

    /** Adds an event at time {@code t} (epoch ms). */
    public void add(long t) {
        if (tree != null) {
            addToTree(t);
            return;
        }
        // first open session whose end + gap >= t
        int lo = head;
        int hi = tail;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (open[2 * mid + 1] + gap < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo < tail && open[2 * lo] - gap <= t) {
            if (t < open[2 * lo]) {
                open[2 * lo] = t; // the previous session ends before t - gap: no merge backwards
            }
            if (t > open[2 * lo + 1]) {
                open[2 * lo + 1] = t;
                if (lo + 1 < tail && open[2 * lo + 2] - t <= gap) {
                    open[2 * lo + 1] = open[2 * lo + 3];
                    shifted += tail - lo - 2;
                    System.arraycopy(open, 2 * lo + 4, open, 2 * lo + 2, 2 * (tail - lo - 2));
                    tail--;
                }
            }
            return;
        }
        insertAt(lo, t);
    }

    /** Grows the arrays (or moves to the tree) now if the next {@link #add} could need it. */
    public void prepare() {
        if (tree != null) {
            return;
        }
        if (tail - head + 1 > TREE_THRESHOLD) {
            toTree();
        } else if (2 * tail == open.length && head == 0) {
            grow();
        }
    }

    private void toTree() {
        java.util.TreeMap<Long, Long> t = new java.util.TreeMap<>();
        for (int i = head; i < tail; i++) {
            t.put(open[2 * i], open[2 * i + 1]);
        }
        tree = t;
        open = NONE;
        head = 0;
        tail = 0;
    }

    /** {@link #add} on the tree: the same rule as on the arrays, in O(log s). */
    private void addToTree(long t) {
        // the first open session whose end + gap >= t: the one starting at or before t, else the next one
        java.util.Map.Entry<Long, Long> f = tree.floorEntry(t);
        java.util.Map.Entry<Long, Long> s = f != null && f.getValue() + gap >= t ? f : tree.higherEntry(t);
        if (s == null || s.getKey() - gap > t) {
            tree.put(t, t);
            return;
        }
        long start = s.getKey();
        long end = s.getValue();
        if (t < start) { // the previous session ends before t - gap: no merge backwards
            tree.remove(start);
            start = t;
        }
        if (t > end) {
            end = t;
            java.util.Map.Entry<Long, Long> next = tree.higherEntry(start);
            if (next != null && next.getKey() - t <= gap) {
                end = next.getValue();
                tree.remove(next.getKey());
            }
        }
        tree.put(start, end);
    }

    private static final long[] NONE = new long[0];

    private void grow() {
        open = java.util.Arrays.copyOf(open, Math.max(4, open.length * 2));
    }

    private void insertAt(int pos, long t) {
        if (tail - head + 1 > TREE_THRESHOLD) {
            toTree();
            addToTree(t);
            return;
        }
        if (2 * tail == open.length && head > 0) {
            pos -= head; // compact() moves the open sessions down by head slots
            compact();
        }
        if (2 * tail == open.length) {
            grow();
        }
        shifted += tail - pos;
        System.arraycopy(open, 2 * pos, open, 2 * pos + 2, 2 * (tail - pos));
        open[2 * pos] = t;
        open[2 * pos + 1] = t;
        tail++;
    }

    private void compact() {
        int n = tail - head;
        shifted += n;
        System.arraycopy(open, 2 * head, open, 0, 2 * n);
        head = 0;
        tail = n;
    }

    /** Folds every open session that ends before {@code bound} into the closed totals. */
    public void closeBefore(long bound) {
        if (tree != null) {
            java.util.Map.Entry<Long, Long> first;
            while ((first = tree.firstEntry()) != null && first.getValue() < bound) {
                closedCount++;
                closedDurationMs += first.getValue() - first.getKey();
                tree.pollFirstEntry();
            }
            return;
        }
        while (head < tail && open[2 * head + 1] < bound) {
            closedCount++;
            closedDurationMs += open[2 * head + 1] - open[2 * head];
            head++;
        }
        if (head == tail) {
            head = 0;
            tail = 0;
        }
    }

    /** Number of sessions. */
    public long count() {
        return closedCount + openSessions();
    }

    /** Total duration of all sessions (last time - first time, summed), in ms. */
    public long totalDurationMs() {
        long total = closedDurationMs;
        if (tree != null) {
            for (java.util.Map.Entry<Long, Long> e : tree.entrySet()) {
                total += e.getValue() - e.getKey();
            }
            return total;
        }
        for (int i = head; i < tail; i++) {
            total += open[2 * i + 1] - open[2 * i];
        }
        return total;
    }

    /** Number of sessions still open (kept in memory). */
    public int openSessions() {
        return tree != null ? tree.size() : tail - head;
    }

    /** Writes the tracker: closed totals, whether it uses the tree, and the open sessions in order. */
    public void encode(dev.profilekit.features.codec.ByteWriter w) {
        w.varLong(closedCount);
        w.zigZag(closedDurationMs);
        w.bool(tree != null);
        w.varInt(openSessions());
        if (tree != null) {
            for (java.util.Map.Entry<Long, Long> e : tree.entrySet()) {
                w.zigZag(e.getKey());
                w.zigZag(e.getValue());
            }
        } else {
            for (int i = 2 * head; i < 2 * tail; i++) {
                w.zigZag(open[i]);
            }
        }
    }

    /** The encoded tracker, with the gap of the feature it belongs to. */
    public static SessionTracker decode(dev.profilekit.features.codec.ByteReader r, long gapMs) {
        SessionTracker s = new SessionTracker(gapMs);
        s.closedCount = r.varLong();
        s.closedDurationMs = r.zigZag();
        boolean useTree = r.bool();
        int n = r.count(2);
        long[] o = new long[2 * Math.max(2, n)];
        for (int i = 0; i < n; i++) {
            o[2 * i] = r.zigZag();
            o[2 * i + 1] = r.zigZag();
            if (o[2 * i + 1] < o[2 * i] || (i > 0 && o[2 * i] - o[2 * i - 1] <= gapMs)) {
                throw r.error("open sessions out of order or overlapping at session " + i);
            }
        }
        if (s.closedCount < 0) {
            throw r.error("negative session count");
        }
        if (useTree) {
            s.tree = new java.util.TreeMap<>();
            for (int i = 0; i < n; i++) {
                s.tree.put(o[2 * i], o[2 * i + 1]);
            }
            s.open = NONE;
        } else {
            s.open = o;
            s.tail = n;
        }
        return s;
    }
}
