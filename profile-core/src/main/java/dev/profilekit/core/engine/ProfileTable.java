package dev.profilekit.core.engine;

import static dev.profilekit.features.hash.HashMix.spread;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The updater's table of live profile states, one per user: the whole population without a backing store,
 * the cache of hot profiles with one.
 *
 * <p>Users are spread over 64 segments, each an open-addressing table of the states themselves with their
 * users' keyed hashes in a parallel {@code int[]} (tag {@code hash | 1}; 0 marks an empty slot), so a probe
 * compares hashes without touching a state, and reads a state (and compares its user id) only where the hashes
 * match: finding an existing user reads its hash slot, its state slot and the state, with no lock. A slot is
 * published by a release store of its hash after its state, and read with acquire loads (hash, then state);
 * the two arrays of a segment are published together as one {@link Slots}. Inserting, removing and growing take
 * the segment's lock. Removal shifts later entries back (Knuth's Algorithm R), which can make a lock-free reader
 * miss a user that is present (or see a hash beside another slot's state, which its id comparison rejects);
 * {@link #get} therefore retries a miss under the lock once the segment has ever removed anything.
 *
 * <p>Before a segment grows it offers its states to a sweeper (expiry); with a capacity, inserting into a full
 * segment first evicts a state chosen by the CLOCK policy (a state read or written since the hand last passed
 * gets a second chance).
 */
final class ProfileTable {

    private static final int SEGMENT_BITS = 6;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(ProfileState[].class);
    private static final VarHandle HASH = MethodHandles.arrayElementVarHandle(int[].class);

    /** Called under the segment's lock for a state about to leave the table; returns false to keep it. */
    interface Remover {
        boolean remove(ProfileState s);
    }

    private final Segment[] segments = new Segment[1 << SEGMENT_BITS];
    private final int maxPerSegment;

    /**
     * @param expectedUsers users to size for
     * @param maxUsers      users held at most (Integer.MAX_VALUE: unbounded)
     */
    ProfileTable(int expectedUsers, int maxUsers) {
        int perSegment = Math.max(8, Integer.highestOneBit(Math.max(1, expectedUsers >> (SEGMENT_BITS - 1)) * 2));
        for (int i = 0; i < segments.length; i++) {
            segments[i] = new Segment(perSegment);
        }
        this.maxPerSegment = maxUsers == Integer.MAX_VALUE ? Integer.MAX_VALUE
                : Math.max(1, (int) Math.ceil(maxUsers / (double) segments.length));
    }

    private Segment segment(int spread) {
        return segments[spread >>> (32 - SEGMENT_BITS)];
    }

    /** The tag of hash {@code h} in a segment's hash array: never 0, which marks an empty slot. */
    private static int tag(int h) {
        return h | 1;
    }

    private static ProfileState find(Slots t, String user, int h, int spread) {
        int[] hashes = t.hashes;
        int mask = hashes.length - 1;
        int tag = tag(h);
        for (int i = spread & mask; ; i = (i + 1) & mask) {
            int x = (int) HASH.getAcquire(hashes, i);
            if (x == 0) {
                return null;
            }
            if (x == tag) {
                ProfileState s = (ProfileState) SLOT.getAcquire(t.states, i);
                if (s != null && s.user.equals(user)) {
                    return s;
                }
            }
        }
    }

    /** The state of {@code user} (whose keyed hash is {@code h}) held here, or null. */
    ProfileState get(String user, int h) {
        int sp = spread(h);
        Segment seg = segment(sp);
        ProfileState s = find(seg.table, user, h, sp);
        if (s == null && seg.removals != 0) {
            synchronized (seg) {
                s = find(seg.table, user, h, sp);
            }
        }
        return s;
    }

    /**
     * The state of {@code user}, made by {@code loader} when absent (under the segment's lock, so at most once
     * per user at a time). With a capacity, a full segment first offers a victim to {@code evictor}; when
     * it would grow, it first offers every state to {@code sweeper} (either may be null).
     */
    ProfileState getOrCreate(String user, int h, Function<String, ProfileState> loader, Remover evictor,
                             Remover sweeper) {
        int sp = spread(h);
        Segment seg = segment(sp);
        ProfileState s = find(seg.table, user, h, sp);
        if (s != null) {
            return s;
        }
        synchronized (seg) {
            s = find(seg.table, user, h, sp); // a racing insert may have won
            if (s == null) {
                s = loader.apply(user);
                if (s == null || !s.user.equals(user)) {
                    throw new IllegalStateException("no state made for user " + user);
                }
                seg.insert(s, sp, maxPerSegment, evictor, sweeper);
            }
            return s;
        }
    }

    /** Removes {@code s} if it is held here; {@code remover} (may be null) runs first and may veto. */
    boolean remove(ProfileState s, Remover remover) {
        int sp = spread(s.userHash);
        Segment seg = segment(sp);
        synchronized (seg) {
            int i = seg.indexOf(s, sp);
            if (i < 0 || (remover != null && !remover.remove(s))) {
                return false;
            }
            seg.delete(i);
            return true;
        }
    }

    /** Removes every state {@code remover} accepts (it runs under each segment's lock in turn). */
    int removeIf(Remover remover) {
        int n = 0;
        for (Segment seg : segments) {
            synchronized (seg) {
                n += seg.sweep(remover);
            }
        }
        return n;
    }

    /**
     * Calls {@code action} for each user and state: every state held throughout the call is listed once, states
     * inserted or removed meanwhile may or may not be. Each segment's slots are copied under its lock and
     * {@code action} runs outside it: a lock-free scan could miss a state that a concurrent removal shifts back
     * past the scan's position.
     */
    void forEach(BiConsumer<String, ProfileState> action) {
        for (Segment seg : segments) {
            ProfileState[] t;
            synchronized (seg) {
                if (seg.size == 0) {
                    continue;
                }
                t = seg.table.states.clone();
            }
            for (ProfileState s : t) {
                if (s != null) {
                    action.accept(s.user, s);
                }
            }
        }
    }

    /**
     * The states held now: a copy of each segment's slot array (empty slots are null), each taken under its
     * segment's lock. A copy of references only, for a snapshot's cut.
     */
    ProfileState[][] cut() {
        ProfileState[][] out = new ProfileState[segments.length][];
        for (int i = 0; i < segments.length; i++) {
            synchronized (segments[i]) {
                out[i] = segments[i].table.states.clone();
            }
        }
        return out;
    }

    /** Number of states held. */
    int size() {
        int n = 0;
        for (Segment seg : segments) {
            n += seg.size;
        }
        return n;
    }

    /** Drops every state (no remover runs). */
    void clear() {
        for (Segment seg : segments) {
            synchronized (seg) {
                seg.table = new Slots(8);
                seg.size = 0;
                seg.removals++;
            }
        }
    }

    /** The sum over held users of their distance from their home slot (probe cost); for tests. */
    long probeDisplacement() {
        long d = 0;
        for (Segment seg : segments) {
            ProfileState[] t = seg.table.states;
            int mask = t.length - 1;
            for (int i = 0; i < t.length; i++) {
                if (t[i] != null) {
                    d += (i - spread(t[i].userHash)) & mask;
                }
            }
        }
        return d;
    }

    /** A segment's slots: states and their hash tags, index by index, published together. */
    private static final class Slots {
        final ProfileState[] states;
        final int[] hashes;

        Slots(int capacity) {
            states = new ProfileState[capacity];
            hashes = new int[capacity];
        }
    }

    private static final class Segment {
        volatile Slots table;
        volatile int size;
        /** Removals so far (written under the lock); readers retry misses under the lock once it is non-zero. */
        volatile int removals;
        /** The CLOCK hand: next slot to consider for eviction. */
        int hand;

        Segment(int capacity) {
            table = new Slots(capacity);
        }

        int indexOf(ProfileState s, int sp) {
            ProfileState[] t = table.states;
            int mask = t.length - 1;
            for (int i = sp & mask; t[i] != null; i = (i + 1) & mask) {
                if (t[i] == s) {
                    return i;
                }
            }
            return -1;
        }

        /** Caller holds this segment's lock. */
        void insert(ProfileState s, int sp, int max, Remover evictor, Remover sweeper) {
            if (size >= max && evictor != null) {
                evictOne(evictor);
            }
            Slots t = table;
            if ((size + 1) * 2 > t.states.length) {
                if (sweeper != null) {
                    sweep(sweeper);
                }
                // grow unless the sweep freed enough (hysteresis: keep at most 3/8 load after a sweep)
                if ((size + 1) * 8 > t.states.length * 3) {
                    grow(table);
                }
                t = table;
            }
            int mask = t.states.length - 1;
            int i = sp & mask;
            while (t.states[i] != null) {
                i = (i + 1) & mask;
            }
            SLOT.setRelease(t.states, i, s);
            HASH.setRelease(t.hashes, i, tag(s.userHash)); // publishes the fully built state to lock-free readers
            size = size + 1;
        }

        /** CLOCK: the first state from the hand not referenced since the last pass; clears bits as it goes. */
        private void evictOne(Remover evictor) {
            ProfileState[] t = table.states;
            int mask = t.length - 1;
            for (int step = 0; step < 3 * t.length && size > 0; step++) {
                int i = hand;
                hand = (hand + 1) & mask;
                ProfileState s = t[i];
                if (s == null) {
                    continue;
                }
                if (s.referenced) {
                    s.referenced = false;
                    continue;
                }
                if (evictor.remove(s)) {
                    delete(i);
                    return;
                }
            }
        }

        int sweep(Remover remover) {
            int n = 0;
            ProfileState[] t = table.states;
            for (int i = 0; i < t.length; ) {
                ProfileState s = t[i];
                if (s != null && remover.remove(s)) {
                    delete(i); // an entry may have moved into slot i: look at it again
                    n++;
                } else {
                    i++;
                }
            }
            return n;
        }

        /** Backward-shift deletion (Knuth TAOCP vol. 3, 6.4, Algorithm R). Caller holds the lock. */
        void delete(int i) {
            ProfileState[] t = table.states;
            int[] hashes = table.hashes;
            int mask = t.length - 1;
            removals = removals + 1; // before any slot moves: a reader that then misses retries under the lock
            int j = i;
            while (true) {
                j = (j + 1) & mask;
                ProfileState e = t[j];
                if (e == null) {
                    break;
                }
                int home = spread(e.userHash) & mask;
                boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
                if (!stays) {
                    SLOT.setRelease(t, i, e);
                    HASH.setRelease(hashes, i, hashes[j]);
                    i = j;
                }
            }
            HASH.setRelease(hashes, i, 0);
            SLOT.setRelease(t, i, null);
            size = size - 1;
        }

        private void grow(Slots old) {
            Slots t = new Slots(old.states.length * 2);
            int mask = t.states.length - 1;
            for (int j = 0; j < old.states.length; j++) {
                ProfileState s = old.states[j];
                if (s != null) {
                    int i = spread(s.userHash) & mask;
                    while (t.states[i] != null) {
                        i = (i + 1) & mask;
                    }
                    t.states[i] = s;
                    t.hashes[i] = old.hashes[j];
                }
            }
            table = t; // volatile write: readers of the new table see every copied slot
        }
    }
}
