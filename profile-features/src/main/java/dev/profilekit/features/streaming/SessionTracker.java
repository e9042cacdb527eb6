package dev.profilekit.features.streaming;

/**
 * Sessions of a stream of event times: the times sorted and split wherever two consecutive times
 * differ by more than {@code gap} ms. Events may arrive in any order; a late event can extend a
 * session or bridge two into one.
 *
 * <p>Open sessions are kept sorted by start in primitive arrays (they are disjoint and separated by
 * more than {@code gap}, so their ends are sorted too). Sessions that no future event can touch are
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
    private long[] starts = new long[4];
    private long[] ends = new long[4];
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
            if (ends[mid] + gap < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo < tail && starts[lo] - gap <= t) {
            if (t < starts[lo]) {
                starts[lo] = t; // the previous session ends before t - gap: no merge backwards
            }
            if (t > ends[lo]) {
                ends[lo] = t;
                if (lo + 1 < tail && starts[lo + 1] - t <= gap) {
                    ends[lo] = ends[lo + 1];
                    shifted += tail - lo - 2;
                    System.arraycopy(starts, lo + 2, starts, lo + 1, tail - lo - 2);
                    System.arraycopy(ends, lo + 2, ends, lo + 1, tail - lo - 2);
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
        } else if (tail == starts.length && head == 0) {
            grow();
        }
    }

    private void toTree() {
        java.util.TreeMap<Long, Long> t = new java.util.TreeMap<>();
        for (int i = head; i < tail; i++) {
            t.put(starts[i], ends[i]);
        }
        tree = t;
        starts = new long[0];
        ends = new long[0];
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

    private void grow() {
        long[] newStarts = java.util.Arrays.copyOf(starts, starts.length * 2);
        long[] newEnds = java.util.Arrays.copyOf(ends, ends.length * 2);
        starts = newStarts;
        ends = newEnds;
    }

    private void insertAt(int pos, long t) {
        if (tail - head + 1 > TREE_THRESHOLD) {
            toTree();
            addToTree(t);
            return;
        }
        if (tail == starts.length && head > 0) {
            pos -= head; // compact() moves the open sessions down by head slots
            compact();
        }
        if (tail == starts.length) {
            grow();
        }
        shifted += tail - pos;
        System.arraycopy(starts, pos, starts, pos + 1, tail - pos);
        System.arraycopy(ends, pos, ends, pos + 1, tail - pos);
        starts[pos] = t;
        ends[pos] = t;
        tail++;
    }

    private void compact() {
        int n = tail - head;
        shifted += n;
        System.arraycopy(starts, head, starts, 0, n);
        System.arraycopy(ends, head, ends, 0, n);
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
        while (head < tail && ends[head] < bound) {
            closedCount++;
            closedDurationMs += ends[head] - starts[head];
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
            total += ends[i] - starts[i];
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
            for (int i = head; i < tail; i++) {
                w.zigZag(starts[i]);
                w.zigZag(ends[i]);
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
        long[] st = new long[Math.max(4, n)];
        long[] en = new long[st.length];
        for (int i = 0; i < n; i++) {
            st[i] = r.zigZag();
            en[i] = r.zigZag();
            if (en[i] < st[i] || (i > 0 && st[i] - en[i - 1] <= gapMs)) {
                throw r.error("open sessions out of order or overlapping at session " + i);
            }
        }
        if (s.closedCount < 0) {
            throw r.error("negative session count");
        }
        if (useTree) {
            s.tree = new java.util.TreeMap<>();
            for (int i = 0; i < n; i++) {
                s.tree.put(st[i], en[i]);
            }
            s.starts = new long[0];
            s.ends = new long[0];
        } else {
            s.starts = st;
            s.ends = en;
            s.tail = n;
        }
        return s;
    }
}
