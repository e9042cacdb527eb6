package dev.profilekit.core.engine;

import dev.profilekit.core.audience.AudienceChange;
import dev.profilekit.core.audience.AudienceListener;
import dev.profilekit.core.audience.AudienceRule;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The updater's audiences: each user's memberships, delivered up to a frontier, and one timer per user at the next
 * time-driven change, fired when the clock (the largest accepted event time, or {@link #advanceClock}) passes it.
 *
 * <p>Per user, in event-time order: before an event at t, the time-driven changes up to t - 1 (on the state without
 * the event); after it, the changes at t. An event at or before the frontier (late, or behind changes its timer
 * already delivered) changes delivered history: the history from t to the frontier is recomputed without and with
 * the event, and each audience whose history differs gets a REVISE. To recompute history before the user's latest
 * event, the user keeps its {@link Kept}: the encoded state as of an earlier event (a cut, taken before an event
 * is applied, that became the base once every event in it fell behind the lateness horizon, so no late event can come
 * before them) and the accepted events since (the journal); replaying the journal in time order on the base gives the
 * state as of any time the lateness still reaches. A cut is one encoding per lateness of the user's event time, not
 * a second application of every event. Without an allowed lateness (or with one of zero) no event can land before
 * the user's latest, and nothing is kept. Everything here runs under the user's lock.
 *
 * <p>With a TTL, a user is a member of nothing from the first millisecond its latest accepted event is more than the
 * TTL behind ({@link #expiresAt}): that time is one of its timer's candidates, so every membership ends with an EXIT
 * at exactly that millisecond, whether the timer fires first or the engine expires the state first ({@link #expire}).
 *
 * <p>Durability: a user's audience state (memberships, frontier, timer, base, cut and journal) is encoded with its
 * profile ({@link #encode}, {@link #decode}, under a hash of the definitions); a snapshot also holds the definitions
 * and the clock ({@link #encodeHead}). With a backing store, a user evicted with a pending timer leaves a small
 * stand-in in the timer heap, keyed by the user; when it is due the user is loaded and its timer fires.
 */
final class AudienceBook {

    static final int MAX_AUDIENCES = 64;
    private static final long NEVER = AudienceRule.NEVER;

    /** One audience, at a slot (its bit in the members word). */
    private record Def(String name, AudienceRule.Bound rule) {
    }

    /** One user's audience state. Guarded by the user's lock. */
    static final class UserAudiences {
        long members;
        /** Every change at or before this time has been delivered (MIN_VALUE: nothing yet). */
        long frontier = Long.MIN_VALUE;
        long timer = NEVER;
        /**
         * Whether the timer heap holds a live entry for this user, at or before {@link #timer} (a timer that moves
         * later keeps its entry, which then comes up early and is put back at the timer). Guarded by the heap's lock.
         */
        boolean queued;
        /** The generation of the user's live heap entry: its other entries are stale. Guarded by the heap's lock. */
        byte entry;
        /**
         * The user's state (for the timer heap), or for a stand-in of a user parked in the store, the user's key
         * alone: one field for either keeps the object at 48 bytes.
         */
        final Object owner;
        /** The history kept for late events and the rules' next changes, when either is kept; else null. */
        Kept kept;

        UserAudiences(Object owner) {
            this.owner = owner;
        }

        /** The user's state, or null for a parked stand-in. */
        ProfileState state() {
            return owner instanceof ProfileState s ? s : null;
        }

        /** The user's key. */
        String key() {
            return owner instanceof ProfileState s ? s.user : (String) owner;
        }
    }

    /**
     * What a user keeps beyond its memberships and timer, when needed. To recompute its history when a late event
     * arrives (only where one can): the base, a cut and the journal. The base and the cut are encoded states (the
     * codec without models or audiences), so keeping one is a copy and no events are applied twice. With two or more
     * time-driven rules: each one's next change, so that an event recomputes only those of the rules it can change.
     * Guarded by the user's lock.
     */
    static final class Kept {
        /**
         * The state over the accepted events that arrived before the journal's first, all of them behind the lateness
         * horizon (so earlier than any event still accepted); null when there are none.
         */
        byte[] base;
        /** A later cut: the state over the events before journal index {@link #cutAt}, all at or before {@link #cutMax}. */
        byte[] cut;
        long cutMax;
        int cutAt;
        /** The accepted, applied events since the base, in arrival order. */
        final ArrayList<Event> journal = new ArrayList<>(0);
        /**
         * Each time-driven rule's next change after the frontier, in slot order from index 1 (an event of a type that
         * cannot change a rule leaves its entry as it is), under definitions generation {@code next[0]}; or null.
         * Not encoded: a decoded user computes them afresh.
         */
        long[] next;

        /** Drops everything: the user's history starts again (its state was expired). */
        void clear() {
            base = null;
            cut = null;
            journal.clear();
            next = null;
        }
    }

    /** Membership over [from, to]: the members at {@code from}, then each change. */
    static final class Timeline {
        final long from;
        final long to;
        /** The user's largest applied time before the event that asked for this timeline. */
        long preMaxApplied;
        long start;
        long end;
        long[] times = new long[4];
        long[] bits = new long[4];
        int n;
        private boolean begun;

        Timeline(long from, long to) {
            this.from = from;
            this.to = to;
        }

        void record(long t, long members) {
            if (!begun) {
                start = members;
                end = members;
                begun = true;
                return;
            }
            if (members == end) {
                return;
            }
            if (n == times.length) {
                times = java.util.Arrays.copyOf(times, n * 2);
                bits = java.util.Arrays.copyOf(bits, n * 2);
            }
            times[n] = t;
            bits[n++] = members;
            end = members;
        }

        /** Whether audience {@code slot} has the same history here and in {@code o}. */
        boolean sameFor(Timeline o, int slot) {
            long m = 1L << slot;
            if ((start & m) != (o.start & m)) {
                return false;
            }
            int i = 0;
            int j = 0;
            long a = start & m;
            long b = o.start & m;
            while (true) {
                while (i < n && (bits[i] & m) == a) {
                    i++;
                }
                while (j < o.n && (o.bits[j] & m) == b) {
                    j++;
                }
                if (i == n || j == o.n) {
                    return i == n && j == o.n;
                }
                if (times[i] != o.times[j]) {
                    return false;
                }
                a = bits[i] & m;
                b = o.bits[j] & m;
            }
        }

        /** Audience {@code slot}'s intervals from {@code from} on (an open last one ends at NEVER). */
        List<long[]> intervals(int slot) {
            long m = 1L << slot;
            List<long[]> out = new ArrayList<>();
            long open = (start & m) != 0 ? from : Long.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                boolean in = (bits[i] & m) != 0;
                if (in && open == Long.MIN_VALUE) {
                    open = times[i];
                } else if (!in && open != Long.MIN_VALUE) {
                    out.add(new long[] {open, times[i]});
                    open = Long.MIN_VALUE;
                }
            }
            if (open != Long.MIN_VALUE) {
                out.add(new long[] {open, NEVER});
            }
            return out;
        }
    }

    /**
     * One timer per user: a 4-ary min-heap of (time, user, generation) entries. A user's live entry is the one of
     * its current generation, at or before its timer:
     * <ul>
     *   <li>a timer that moves later keeps its entry, a lower bound, which is put back at the timer when it comes up
     *       (most events move a user's timer later: they cost no heap operation then);</li>
     *   <li>a timer that moves earlier gets a new entry of the next generation, and the old one goes stale;</li>
     *   <li>a user is due when its live entry comes up at its timer, so users fire in the order of (timer, key) as
     *       with exact entries, however the heap was built.</li>
     * </ul>
     * Sifting touches only the heap's arrays, never the users (except on equal times), so popping a million timers
     * does not miss the cache on a million user objects at every level; four children share a cache line of times.
     * When stale entries outnumber the live ones the heap is rebuilt from the live ones alone. A generation is a
     * byte: a stale entry that wraps around to the current generation is taken for live, which costs a needless
     * put-back (or, at the timer itself, the due user's firing that its live entry would have brought).
     */
    private static final class TimerHeap {
        private long[] times = new long[64];
        private UserAudiences[] users = new UserAudiences[64];
        private byte[] entries = new byte[64];
        private int size;
        /** Users with a live entry. */
        private int live;
        /** The earliest entry's time (NEVER when none), readable without the lock: most events find nothing due. */
        private volatile long earliest = NEVER;
        /** Set when a host keeps the timers ({@link #hostTimers}): the heap stays empty. */
        private volatile boolean hosted;

        /**
         * Sets {@code u}'s timer to {@code time}, which is {@code u.timer}, with a new entry (its earlier timer is not
         * known here); or with NEVER takes {@code u} out.
         */
        void set(UserAudiences u, long time) {
            set(u, time, Long.MAX_VALUE);
        }

        /**
         * {@code u}'s timer moved from {@code previous} to {@code time}, which is {@code u.timer} (NEVER: none). A
         * user with a live entry whose timer moves later keeps that entry.
         */
        synchronized void set(UserAudiences u, long time, long previous) {
            if (hosted) {
                return;
            }
            if (time != NEVER && time != u.timer) {
                throw new IllegalStateException("a timer entry must be the user's timer");
            }
            if (u.queued) {
                if (time != NEVER && time >= previous) {
                    return; // its entry, at or before previous, stays a lower bound
                }
                u.queued = false; // its entry goes stale
                live--;
            }
            if (time != NEVER) {
                push(time, u);
                u.queued = true;
                live++;
                if (size > 2 * live + 64) {
                    compact();
                }
            }
            earliest = size == 0 ? NEVER : times[0];
        }

        private boolean isLive(int i) {
            UserAudiences u = users[i];
            return u.queued && u.entry == entries[i];
        }

        /** Adds a live entry of a new generation for {@code u} at {@code time}. */
        private void push(long time, UserAudiences u) {
            if (size == times.length) {
                times = java.util.Arrays.copyOf(times, size * 2);
                users = java.util.Arrays.copyOf(users, size * 2);
                entries = java.util.Arrays.copyOf(entries, size * 2);
            }
            int i = size++;
            times[i] = time;
            users[i] = u;
            entries[i] = ++u.entry;
            up(i);
        }

        /** Keeps the live entries only, and heapifies them. */
        private void compact() {
            int n = 0;
            for (int i = 0; i < size; i++) {
                if (isLive(i)) {
                    times[n] = times[i];
                    entries[n] = entries[i];
                    users[n++] = users[i];
                }
            }
            java.util.Arrays.fill(users, n, size, null);
            size = n;
            if (size > 1) {
                for (int i = (size - 2) >>> 2; i >= 0; i--) {
                    down(i);
                }
            }
        }

        /** The user with the earliest timer at or before {@code upTo}, taken out of the heap; or null. */
        UserAudiences pollDue(long upTo) {
            if (earliest > upTo) {
                return null;
            }
            synchronized (this) {
                try {
                    while (size > 0 && times[0] <= upTo) {
                        boolean current = isLive(0);
                        long at = times[0];
                        UserAudiences u = users[0];
                        removeTop();
                        if (!current) {
                            continue;
                        }
                        long timer = u.timer;
                        if (timer > at) { // a lower bound: the timer moved later since; back at the timer
                            if (timer == NEVER) {
                                u.queued = false;
                                live--;
                            } else {
                                push(timer, u);
                            }
                            continue;
                        }
                        u.queued = false;
                        live--;
                        return u;
                    }
                    return null;
                } finally {
                    earliest = size == 0 ? NEVER : times[0];
                }
            }
        }

        private void removeTop() {
            size--;
            times[0] = times[size];
            users[0] = users[size];
            entries[0] = entries[size];
            users[size] = null;
            if (size > 0) {
                down(0);
            }
        }

        /** Whether entry {@code i} comes before {@code j}: by time, then by key, so the firing order is the same however the heap was built. */
        private boolean before(int i, int j) {
            return times[i] < times[j] || (times[i] == times[j] && users[i].key().compareTo(users[j].key()) < 0);
        }

        private void up(int i) {
            while (i > 0) {
                int p = (i - 1) >>> 2;
                if (!before(i, p)) {
                    return;
                }
                swap(i, p);
                i = p;
            }
        }

        private void down(int i) {
            while (true) {
                int first = 4 * i + 1;
                if (first >= size) {
                    return;
                }
                int c = first;
                for (int k = first + 1, end = Math.min(first + 4, size); k < end; k++) {
                    if (before(k, c)) {
                        c = k;
                    }
                }
                if (!before(c, i)) {
                    return;
                }
                swap(i, c);
                i = c;
            }
        }

        private void swap(int a, int b) {
            long t = times[a];
            times[a] = times[b];
            times[b] = t;
            UserAudiences u = users[a];
            users[a] = users[b];
            users[b] = u;
            byte e = entries[a];
            entries[a] = entries[b];
            entries[b] = e;
        }
    }

    private final CompiledSchema compiled;
    private final StateCodec plain;
    private final long lateness;
    /** Whether an event can land before a user's latest (an allowed lateness above zero, or none and every id kept). */
    private final boolean history;
    private final AudienceListener listener;
    private final Def[] defs = new Def[MAX_AUDIENCES];
    /** A bit per defined slot, and per slot whose rule time can move (changed under the gate, as {@link #defs}). */
    private long defined;
    private long timeDriven;
    /** Per event type id: the defined slots whose rule an event of that type can change ({@link AudienceRule#changesWith}). */
    private long[] changedBy;
    /** Bumped whenever the definitions change: users' kept next changes of an older generation are found again. */
    private int generation;
    private final AtomicLongArray sizes = new AtomicLongArray(MAX_AUDIENCES);
    private final TimerHeap timers = new TimerHeap();
    private final AtomicLong clock = new AtomicLong(Long.MIN_VALUE);
    /** The TTL in ms, or -1 without one. */
    private final long ttlMs;
    /** Stand-ins of users evicted to the store with a pending timer, by key. */
    private final Map<String, UserAudiences> parked = new ConcurrentHashMap<>();
    /** Loads a user's state by key (from the store), or null; set with a backing store. */
    private java.util.function.Function<String, ProfileState> loader;
    /** Called before a timer changes a state outside an event (the snapshot cut, the store's dirty flag). */
    private java.util.function.Consumer<ProfileState> touch = s -> { };
    /** A hash of the definitions, stamped on every encoded user state. */
    private volatile long definitionsHash;

    AudienceBook(CompiledSchema compiled, long fingerprint, DedupRetention retention, List<AudienceRule> rules,
                 AudienceListener listener) {
        this(compiled, fingerprint, retention, rules, listener, -1);
    }

    AudienceBook(CompiledSchema compiled, long fingerprint, DedupRetention retention, List<AudienceRule> rules,
                 AudienceListener listener, long ttlMs) {
        this.compiled = compiled;
        this.ttlMs = ttlMs;
        this.plain = new StateCodec(compiled, null, fingerprint);
        this.lateness = compiled.latenessMs;
        // out-of-order events are accepted within a lateness, or at any age when every id is kept and none is set;
        // with a lateness of zero an event is never before the user's latest, so no history needs recomputing
        this.history = lateness > 0 || (lateness < 0 && retention == DedupRetention.ALL);
        this.listener = listener;
        this.changedBy = new long[compiled.typeIds()]; // no audience yet: no event type changes one
        if (rules.size() > MAX_AUDIENCES) {
            throw new IllegalArgumentException("at most " + MAX_AUDIENCES + " audiences, not " + rules.size());
        }
        for (AudienceRule r : rules) {
            define(r);
        }
    }

    /** The updater's hooks: {@code loader} loads a stored user (null without a store), {@code touch} runs before a timer changes a state. */
    void hooks(java.util.function.Function<String, ProfileState> loader, java.util.function.Consumer<ProfileState> touch) {
        this.loader = loader;
        this.touch = touch;
    }

    // ------------------------------------------------------------ definitions

    /** Adds an audience; returns its slot. Callers make sure no user's event is being applied (the gate). */
    synchronized int define(AudienceRule rule) {
        for (Def d : defs) {
            if (d != null && d.name.equals(rule.audience())) {
                throw new IllegalArgumentException("an audience named '" + rule.audience() + "' is already defined");
            }
        }
        for (int i = 0; i < defs.length; i++) {
            if (defs[i] == null) {
                defs[i] = new Def(rule.audience(), rule.bind(compiled));
                defined |= 1L << i;
                timeDriven |= rule.timeDependent() ? 1L << i : 0;
                definitionsChanged();
                sizes.set(i, 0);
                definitionsHash = hash(describe());
                return i;
            }
        }
        throw new IllegalArgumentException("at most " + MAX_AUDIENCES + " audiences can be defined at once");
    }

    private void definitionsChanged() {
        long[] m = new long[compiled.typeIds()];
        for (int id = 0; id < m.length; id++) {
            String type = compiled.typeName(id);
            for (long left = defined; left != 0; left &= left - 1) {
                int i = Long.numberOfTrailingZeros(left);
                if (defs[i].rule.rule().changesWith(type)) {
                    m[id] |= 1L << i;
                }
            }
        }
        changedBy = m;
        generation++;
    }

    /** The slot of audience {@code name}, or -1. */
    int slot(String name) {
        for (int i = 0; i < defs.length; i++) {
            if (defs[i] != null && defs[i].name.equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Drops audience {@code name}; false when there is none. Members are cleared lazily by {@link #clearSlot}. */
    synchronized boolean drop(String name) {
        int i = slot(name);
        if (i < 0) {
            return false;
        }
        defs[i] = null;
        defined &= ~(1L << i);
        timeDriven &= ~(1L << i);
        definitionsChanged();
        sizes.set(i, 0);
        definitionsHash = hash(describe());
        return true;
    }

    /** Clears a dropped slot's bit in a user's members (caller holds the user's lock). */
    void clearSlot(ProfileState s, int slot) {
        UserAudiences u = (UserAudiences) s.audiences;
        if (u != null) {
            touch.accept(s);
            u.members &= ~(1L << slot);
        }
    }

    /**
     * A new audience's members as of the clock, delivered as backfill ENTERs; the user's frontier moves to the
     * clock. Caller holds the user's lock.
     */
    void backfill(ProfileState s, int slot, long at) {
        UserAudiences u = (UserAudiences) s.audiences;
        if (u == null || s.maxApplied == Long.MIN_VALUE) {
            return;
        }
        long t = Math.max(at, Math.max(u.frontier, s.maxApplied));
        touch.accept(s);
        advance(s, u, t);
        u.frontier = t;
        if (t < expiresAt(s) && defs[slot].rule.holds(s, t)) {
            u.members |= 1L << slot;
            sizes.incrementAndGet(slot);
            listener(AudienceChange.enter(s.user, defs[slot].name, t, true));
        }
        schedule(s, u, t, members(s, t), -1L);
    }

    /** The audiences' names in slot order (null for a free slot). */
    String[] names() {
        String[] out = new String[defs.length];
        for (int i = 0; i < defs.length; i++) {
            out[i] = defs[i] == null ? null : defs[i].name;
        }
        return out;
    }

    // ------------------------------------------------------------ events

    private UserAudiences user(ProfileState s) {
        UserAudiences u = (UserAudiences) s.audiences;
        if (u == null) {
            u = new UserAudiences(s);
            if (history) {
                u.kept = new Kept();
            }
            s.audiences = u;
        }
        return u;
    }

    /**
     * Before an accepted event is applied: time-driven changes up to its time; or, when the event changes delivered
     * history, that history as it was (returned, for {@link #afterApply}); else null.
     */
    private Timeline beforeApply(ProfileState s, Event e) {
        UserAudiences u = user(s);
        long t = e.timestamp();
        if (history) {
            cut(s, u.kept);
        }
        if (u.frontier == Long.MIN_VALUE) {
            return null;
        }
        if (t > u.frontier) {
            advance(s, u, t - 1);
            return null;
        }
        Timeline before = timeline(s, u, t, u.frontier, t < s.maxApplied);
        before.preMaxApplied = s.maxApplied;
        return before;
    }

    /**
     * Runs {@code apply} (the accepted event's update of {@code s}) between {@link #beforeApply} and
     * {@link #afterApply}; {@code typeId} is the event type's id ({@link CompiledSchema#typeId}). If it fails, nothing
     * of the event is kept. Caller holds the lock.
     */
    void apply(ProfileState s, Event e, int typeId, Runnable apply) {
        Timeline before = beforeApply(s, e);
        apply.run();
        afterApply(s, e, typeId, before);
    }

    /** After an accepted event was applied: its own changes, or the REVISE of the delivered history {@code old}. */
    private void afterApply(ProfileState s, Event e, int typeId, Timeline old) {
        UserAudiences u = user(s);
        long t = e.timestamp();
        if (history) {
            u.kept.journal.add(e);
            promote(s, u.kept);
        }
        if (old == null) {
            long changed = changedBy[typeId];
            long now = members(s, t);
            deliver(s, u, now, t);
            u.frontier = t;
            schedule(s, u, t, now, changed);
            return;
        }
        Timeline neu = timeline(s, u, old.from, old.to, old.from < old.preMaxApplied);
        for (int i = 0; i < defs.length; i++) {
            Def d = defs[i];
            if (d != null && !neu.sameFor(old, i)) {
                listener(AudienceChange.revise(s.user, d.name, old.from, neu.intervals(i)));
            }
        }
        count(u.members, neu.end);
        u.members = neu.end;
        schedule(s, u, u.frontier, members(s, u.frontier), -1L);
    }

    /**
     * Takes a cut of {@code s} before an event is applied, when none is pending: with an allowed lateness, the cut
     * becomes the base once the lateness horizon passes its latest event ({@link #promote}).
     */
    private void cut(ProfileState s, Kept h) {
        if (lateness > 0 && h.cut == null && s.maxApplied != Long.MIN_VALUE) {
            h.cut = plain.encode(s);
            h.cutMax = s.maxApplied;
            h.cutAt = h.journal.size();
        }
    }

    /**
     * Makes the cut the base once every event in it is behind the lateness horizon (no event still accepted can come
     * before them), and drops the journal's events it holds.
     */
    private void promote(ProfileState s, Kept h) {
        if (h.cut != null && h.cutMax < s.maxAccepted - lateness) {
            h.base = h.cut;
            h.journal.subList(0, h.cutAt).clear();
            h.cut = null;
        }
    }

    private void applyRaw(ProfileState st, Event e) {
        long t = e.timestamp();
        st.maxAccepted = Math.max(st.maxAccepted, t);
        st.maxApplied = Math.max(st.maxApplied, t);
        compiled.apply(st, e, compiled.typeId(e.type()), st.maxApplied, null, compiled.scratch());
    }

    /**
     * Membership over [from, to]. From the live state alone when no event of the user is after {@code from}
     * ({@code rebuild} false); else replayed from the base state and the journal in time order (the live state
     * serves once every event is in).
     */
    private Timeline timeline(ProfileState live, UserAudiences u, long from, long to, boolean rebuild) {
        Timeline tl = new Timeline(from, to);
        if (!rebuild) {
            walk(live, tl, from, to);
            return tl;
        }
        Kept h = u.kept;
        ProfileState st = h.base == null ? compiled.newState(live.user) : plain.decode(h.base, "audience history");
        List<Event> events = new ArrayList<>(h.journal);
        events.sort(Comparator.comparingLong(Event::timestamp));
        int i = 0;
        long t = from;
        while (true) {
            while (i < events.size() && events.get(i).timestamp() <= t) {
                applyRaw(st, events.get(i++));
            }
            ProfileState view = i == events.size() ? live : st;
            long segmentEnd = i < events.size() ? Math.min(to, events.get(i).timestamp() - 1) : to;
            walk(view, tl, t, segmentEnd);
            if (i == events.size() || events.get(i).timestamp() > to) {
                return tl;
            }
            t = events.get(i).timestamp();
        }
    }

    /** Records the members at {@code from} and every time-driven change up to {@code to}, on one state. */
    private void walk(ProfileState s, Timeline tl, long from, long to) {
        long m = members(s, from);
        tl.record(from, m);
        long t = from;
        while (true) {
            long c = nextChange(s, t, m);
            if (c > to) {
                return;
            }
            m = members(s, c);
            tl.record(c, m);
            t = c;
        }
    }

    /** Delivers the time-driven changes up to {@code to} on the user's current state. */
    private void advance(ProfileState s, UserAudiences u, long to) {
        boolean moved = false;
        long previous = u.timer;
        while (u.timer <= to) {
            long t = u.timer;
            long m = members(s, t);
            deliver(s, u, m, t);
            u.frontier = t;
            u.timer = nextChangeKept(s, u, t, m, 0L); // no event since: only the rules due at t search again
            moved = true;
        }
        if (moved) {
            timers.set(u, u.timer, previous);
        }
    }

    /**
     * Sets the timer at the next change after {@code from}, where the members are {@code membersAtFrom}; the rules in
     * {@code changed} (the slots an event just applied can change; -1: all) search again ({@link #nextChangeKept}).
     */
    private void schedule(ProfileState s, UserAudiences u, long from, long membersAtFrom, long changed) {
        long next = nextChangeKept(s, u, from, membersAtFrom, changed);
        if (next != u.timer) {
            long previous = u.timer;
            u.timer = next;
            timers.set(u, next, previous);
        }
    }

    /** The audiences {@code s} is a member of as of {@code t}; none before the user's first event. */
    private long members(ProfileState s, long t) {
        long bits = 0;
        if (s.maxApplied == Long.MIN_VALUE || t >= expiresAt(s)) {
            return 0;
        }
        for (long left = defined; left != 0; left &= left - 1) {
            int i = Long.numberOfTrailingZeros(left);
            if (defs[i].rule.holds(s, t)) {
                bits |= 1L << i;
            }
        }
        return bits;
    }

    /**
     * The first time after {@code from} at which any rule (or the TTL) changes {@code s}'s memberships, or NEVER.
     *
     * @param membersAtFrom {@link #members}{@code (s, from)}, which gives each rule's value at {@code from}
     */
    private long nextChange(ProfileState s, long from, long membersAtFrom) {
        long expiry = expiresAt(s);
        if (from >= expiry) {
            return NEVER; // expired: a member of nothing until its next event
        }
        // before the user's first event members() is 0 whatever the rules say: ask them
        boolean known = s.maxApplied != Long.MIN_VALUE;
        long next = expiry;
        for (long left = timeDriven; left != 0; left &= left - 1) {
            int i = Long.numberOfTrailingZeros(left);
            AudienceRule.Bound rule = defs[i].rule;
            next = Math.min(next, known ? rule.nextChange(s, from, (membersAtFrom & (1L << i)) != 0)
                    : rule.nextChange(s, from));
        }
        return next;
    }

    /**
     * {@link #nextChange} for the user's own timer, with each time-driven rule's next change kept (with two rules or
     * more): a rule outside {@code changed} whose kept next change is after {@code from} keeps it, since nothing
     * applied since it was found can change the rule's value over time (no event of a type it reads; an event it can
     * read, a late event, a definition, a decode or an expiry makes it search again). The others search from
     * {@code from}.
     */
    private long nextChangeKept(ProfileState s, UserAudiences u, long from, long membersAtFrom, long changed) {
        int rules = Long.bitCount(timeDriven);
        long expiry = expiresAt(s);
        if (rules < 2 || from >= expiry || s.maxApplied == Long.MIN_VALUE) {
            if (u.kept != null) {
                u.kept.next = null;
            }
            return nextChange(s, from, membersAtFrom);
        }
        Kept k = u.kept;
        if (k == null) {
            k = u.kept = new Kept();
        }
        long[] next = k.next;
        if (next == null || next[0] != generation) {
            next = k.next = new long[rules + 1];
            next[0] = generation;
            changed = -1L;
        }
        long min = expiry;
        int j = 1;
        for (long left = timeDriven; left != 0; left &= left - 1, j++) {
            int i = Long.numberOfTrailingZeros(left);
            if ((changed & (1L << i)) != 0 || next[j] <= from) {
                next[j] = defs[i].rule.nextChange(s, from, (membersAtFrom & (1L << i)) != 0);
            }
            min = Math.min(min, next[j]);
        }
        return min;
    }

    /** The first millisecond at which {@code s} has expired (TTL), or NEVER. */
    private long expiresAt(ProfileState s) {
        return ttlMs < 0 || s.maxAccepted == Long.MIN_VALUE ? NEVER : s.maxAccepted + ttlMs + 1;
    }

    /**
     * The engine expires {@code s} (TTL): every change up to its expiry time is delivered (so each membership ends
     * with an EXIT at that millisecond, if its timer has not fired yet), and its history before it is dropped, as
     * the state's is. Caller holds the user's lock, before the state is cleared.
     */
    void expire(ProfileState s) {
        unpark(s.user);
        UserAudiences u = (UserAudiences) s.audiences;
        if (u == null) {
            return;
        }
        if (u.frontier != Long.MIN_VALUE) {
            advance(s, u, expiresAt(s));
        }
        count(u.members, 0);
        u.members = 0;
        u.timer = NEVER;
        timers.set(u, NEVER);
        if (u.kept != null) {
            u.kept.clear();
        }
    }

    private void deliver(ProfileState s, UserAudiences u, long now, long t) {
        long changed = u.members ^ now;
        for (int i = 0; changed != 0 && i < defs.length; i++, changed >>>= 1) {
            if ((changed & 1) != 0 && defs[i] != null && listener != null) {
                boolean in = (now & (1L << i)) != 0;
                listener(in ? AudienceChange.enter(s.user, defs[i].name, t, false) : AudienceChange.exit(s.user, defs[i].name, t));
            }
        }
        count(u.members, now);
        u.members = now;
    }

    private void count(long before, long after) {
        long changed = before ^ after;
        for (int i = 0; changed != 0 && i < defs.length; i++, changed >>>= 1) {
            if ((changed & 1) != 0 && defs[i] != null) {
                sizes.addAndGet(i, (after & (1L << i)) != 0 ? 1 : -1);
            }
        }
    }

    private void listener(AudienceChange c) {
        if (listener != null) {
            listener.onChange(c);
        }
    }

    // ------------------------------------------------------------ timers, clock, reads

    /**
     * A host keeps each user's timer itself ({@link ProfileKernel}: a stream processor's keyed timers): the book's
     * heap and clock stay unused, and the host reads a user's next change with {@link #timer} and fires it with
     * {@link #fire(ProfileState, long)}.
     */
    void hostTimers() {
        timers.hosted = true;
    }

    /** {@code s}'s next time-driven change, or NEVER. Caller holds the user's lock. */
    long timer(ProfileState s) {
        UserAudiences u = (UserAudiences) s.audiences;
        return u == null ? NEVER : u.timer;
    }

    /** Delivers {@code s}'s time-driven changes up to {@code upTo}, as the clock's passing does. Caller holds the lock. */
    void fire(ProfileState s, long upTo) {
        UserAudiences u = (UserAudiences) s.audiences;
        if (u != null && u.timer <= upTo) {
            advance(s, u, upTo);
        }
    }

    /** The clock: the largest accepted event time, or the latest {@link #advanceClock}. */
    long clock() {
        return clock.get();
    }

    /** Moves the clock to {@code t} if later and fires every timer at or before it. Call with no user lock held. */
    void advanceClock(long t) {
        long c = clock.get();
        while (t > c && !clock.compareAndSet(c, t)) {
            c = clock.get();
        }
        fire(clock.get());
    }

    private void fire(long upTo) {
        while (true) {
            UserAudiences due = timers.pollDue(upTo);
            if (due == null) {
                return;
            }
            ProfileState s = due.state();
            if (s == null) { // a stand-in: the user is in the store; loading it attaches its own timer
                s = loader == null ? null : loader.apply(due.key());
                if (s == null) {
                    continue; // forgotten or expired meanwhile
                }
            }
            synchronized (s) {
                UserAudiences u = (UserAudiences) s.audiences;
                if (s.evicted || u == null) {
                    continue; // forgotten or expired meanwhile, or evicted (then its stand-in holds the timer)
                }
                if (u.timer > upTo) {
                    timers.set(u, u.timer); // moved by the user's own event meanwhile
                    continue;
                }
                touch.accept(s);
                advance(s, u, upTo);
                timers.set(u, u.timer);
            }
        }
    }

    /** The audiences {@code s} is a member of as of {@code asOf} (sorted by name). Caller holds the lock. */
    List<String> audiencesOf(ProfileState s, long asOf) {
        List<String> out = new ArrayList<>();
        if (asOf >= expiresAt(s)) {
            return out;
        }
        for (Def d : defs) {
            if (d != null && d.rule.holds(s, asOf)) {
                out.add(d.name);
            }
        }
        out.sort(null);
        return out;
    }

    /** Each audience's size as of the clock (timers up to it fired), by name in slot order. */
    Map<String, Long> sizes() {
        fire(clock.get());
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < defs.length; i++) {
            if (defs[i] != null) {
                out.put(defs[i].name, sizes.get(i));
            }
        }
        return out;
    }

    /** A user leaves the table for good (forget): its memberships stop counting, its timer is dropped. */
    void forget(ProfileState s) {
        UserAudiences u = (UserAudiences) s.audiences;
        if (u != null) {
            count(u.members, 0);
            timers.set(u, NEVER);
            s.audiences = null;
        }
        unpark(s.user);
    }

    // ------------------------------------------------------------ the store: parked timers

    /**
     * A state decoded from the store or a snapshot joins the book: its timer is set (replacing its stand-in), and
     * with {@code count} its memberships are counted (a restore; a load from the store was counted before).
     */
    void attach(ProfileState s, boolean count) {
        unpark(s.user);
        UserAudiences u = (UserAudiences) s.audiences;
        if (u == null) {
            return;
        }
        if (count) {
            count(0, u.members);
        }
        timers.set(u, u.timer);
    }

    /**
     * A state leaves memory for the store (eviction, or a restore into a store): a pending timer stays in the heap
     * as a stand-in holding only the key, so the state itself can be collected. With {@code count} its memberships
     * are counted (a restore or a store opened again).
     */
    void park(ProfileState s, boolean count) {
        UserAudiences u = (UserAudiences) s.audiences;
        if (u == null) {
            return;
        }
        if (count) {
            count(0, u.members);
            clock.accumulateAndGet(u.frontier, Math::max); // a store opened again: its users' delivered time
        }
        timers.set(u, NEVER);
        if (u.timer != NEVER) {
            UserAudiences p = new UserAudiences(s.user);
            p.timer = u.timer;
            UserAudiences old = parked.put(s.user, p);
            if (old != null) {
                timers.set(old, NEVER);
            }
            timers.set(p, p.timer);
        }
    }

    private void unpark(String key) {
        if (!parked.isEmpty()) {
            UserAudiences p = parked.remove(key);
            if (p != null) {
                timers.set(p, NEVER);
            }
        }
    }

    /** Users evicted to the store with a pending timer (their stand-ins in the heap). */
    int parkedCount() {
        return parked.size();
    }

    // ------------------------------------------------------------ encoding

    /** The definitions in slot order, one line each: slot, name and rule. */
    private String describe() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < defs.length; i++) {
            if (defs[i] != null) {
                b.append(i).append(' ').append(defs[i].name).append(": ").append(defs[i].rule.rule().rule()).append('\n');
            }
        }
        return b.toString();
    }

    private static long hash(String text) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.nio.ByteBuffer.wrap(d).getLong();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * Appends {@code s}'s audience state to an encoded state (nothing when it has none):
     * <pre>
     * u8      2
     * fixed64 hash of the definitions it was computed under
     * varlong members (a bit per slot)
     * zigzag  frontier, timer
     * u8      0, or 1 and the base (length-prefixed, a state encoding without audiences or models)
     * u8      0, or 1 and the cut (likewise), zigzag its latest event time, varint its journal index
     * varint  journal events, each: string id, string type, zigzag time, varint attributes, each: string name,
     *         u8 kind (0 string, 1 number, 2 boolean) and the value
     * </pre>
     * (Tag 1, written before cuts, kept a state replayed a second time for the base; it is refused in one line.)
     * Caller holds the user's lock.
     */
    void encode(ProfileState s, ByteWriter w) {
        UserAudiences u = (UserAudiences) s.audiences;
        if (u == null) {
            return;
        }
        w.u8(2).fixedLong(definitionsHash).varLong(u.members).zigZag(u.frontier).zigZag(u.timer);
        Kept h = history ? u.kept : null;
        if (h == null || h.base == null) {
            w.u8(0);
        } else {
            w.u8(1).lengthPrefixed(h.base);
        }
        if (h == null || h.cut == null) {
            w.u8(0);
        } else {
            w.u8(1).lengthPrefixed(h.cut).zigZag(h.cutMax).varInt(h.cutAt);
        }
        List<Event> journal = h == null ? List.of() : h.journal;
        w.varInt(journal.size());
        for (Event e : journal) {
            w.string(e.id()).string(e.type()).zigZag(e.timestamp()).varInt(e.attrs().size());
            for (Map.Entry<String, Object> a : e.attrs().entrySet()) {
                w.string(a.getKey());
                Object v = a.getValue();
                if (v instanceof String str) {
                    w.u8(0).string(str);
                } else if (v instanceof Boolean b) {
                    w.u8(2).bool(b);
                } else {
                    w.u8(1).f64(((Number) v).doubleValue());
                }
            }
        }
    }

    /**
     * Reads what {@link #encode} appended to {@code s}'s encoding, if anything (the reader holds exactly one state).
     * The user joins the timer heap only on {@link #attach}.
     */
    void decode(ProfileState s, ByteReader r) {
        if (r.atEnd()) {
            return; // no audience state: the user had no event applied with audiences
        }
        int tag = r.u8();
        if (tag == 1) {
            throw r.error("the audience state of user '" + s.user + "' is in format 1, written by an older ProfileKit; "
                    + "this version reads format 2 (replay the events to rebuild it)");
        }
        if (tag != 2) {
            throw r.error("audience state tag " + tag + " of user '" + s.user + "'");
        }
        long hash = r.fixedLong();
        if (hash != definitionsHash) {
            throw r.error("the audience state of user '" + s.user + "' was kept under other audience definitions "
                    + "than this updater's (" + describe().strip().replace('\n', ';') + ")");
        }
        UserAudiences u = user(s);
        u.members = r.varLong();
        u.frontier = r.zigZag();
        u.timer = r.zigZag();
        Kept h = history ? u.kept : new Kept(); // read and dropped where no event can be late
        if (r.u8() == 1) {
            h.base = r.lengthPrefixed();
        }
        if (r.u8() == 1) {
            h.cut = r.lengthPrefixed();
            h.cutMax = r.zigZag();
            h.cutAt = r.varInt(Integer.MAX_VALUE);
        }
        int n = r.count(4);
        for (int i = 0; i < n; i++) {
            String id = r.string();
            String type = r.string();
            long ts = r.zigZag();
            int attrs = r.count(3);
            Map<String, Object> a = new LinkedHashMap<>();
            for (int j = 0; j < attrs; j++) {
                String name = r.string();
                int kind = r.u8();
                a.put(name, switch (kind) {
                    case 0 -> r.string();
                    case 1 -> r.f64();
                    case 2 -> r.bool();
                    default -> throw r.error("attribute kind " + kind + " in the audience journal of user '" + s.user + "'");
                });
            }
            h.journal.add(Event.of(id, s.user, type, ts, a));
        }
        if (h.cut != null && h.cutAt > h.journal.size()) {
            throw r.error("the audience cut of user '" + s.user + "' is at journal event " + h.cutAt + " of "
                    + h.journal.size());
        }
    }

    /** The definitions and the clock, for a snapshot's head: varint n, then slot, name, rule each; zigzag clock. */
    void encodeHead(ByteWriter w) {
        int n = 0;
        for (Def d : defs) {
            n += d == null ? 0 : 1;
        }
        w.varInt(n);
        for (int i = 0; i < defs.length; i++) {
            if (defs[i] != null) {
                w.varInt(i).string(defs[i].name).string(defs[i].rule.rule().rule());
            }
        }
        w.zigZag(clock.get());
    }

    /**
     * Checks a snapshot's head written by {@link #encodeHead}: null when its definitions are this book's (the clock
     * goes to {@code clock[0]}), else a one-line description of the difference, as a clause after "it".
     */
    String checkHead(ByteReader r, long[] clock) {
        int n = r.count(3);
        StringBuilder theirs = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int slot = r.varInt(MAX_AUDIENCES - 1);
            theirs.append(slot).append(' ').append(r.string()).append(": ").append(r.string()).append('\n');
        }
        clock[0] = r.zigZag();
        String ours = describe();
        if (!ours.equals(theirs.toString())) {
            return "keeps the audiences " + listed(theirs.toString()) + ", and this updater defines " + listed(ours);
        }
        return null;
    }

    /** Sets the clock of a restored snapshot (the updater has seen no event). */
    void restoreClock(long t) {
        clock.accumulateAndGet(t, Math::max);
    }

    private static String listed(String described) {
        if (described.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        for (String line : described.strip().split("\n")) {
            parts.add(line.substring(line.indexOf(' ') + 1).replaceFirst(": ", " = '") + "'");
        }
        return String.join(", ", parts);
    }
}
