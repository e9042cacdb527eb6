package dev.profilekit.core.engine;

import dev.profilekit.features.hash.KeyedHash;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** Factory for the built-in {@link ProfileStore}s. */
public final class ProfileStores {

    private ProfileStores() {
    }

    /** A heap store (see {@link #inMemory(int)}). */
    public static ProfileStore inMemory() {
        return new InMemory(1024);
    }

    /**
     * A heap store presized for {@code expectedUsers} users.
     *
     * <p>Users are spread over 64 segments, each an open-addressing table of the states themselves
     * (a state carries its user's hash), so finding an existing user reads one table slot and the state
     * it points to, with no lock: slots are published with release stores and read with acquire loads.
     * Inserting a new user, and growing a segment, take that segment's lock. States are never removed.
     */
    public static ProfileStore inMemory(int expectedUsers) {
        if (expectedUsers < 0) {
            throw new IllegalArgumentException("expectedUsers must be >= 0, was " + expectedUsers);
        }
        return new InMemory(expectedUsers);
    }

    /** {@link InMemory}'s probe cost (see there); for tests. */
    static long probeDisplacement(ProfileStore inMemory) {
        return ((InMemory) inMemory).probeDisplacement();
    }

    private static final class InMemory implements ProfileStore {
        private static final int SEGMENT_BITS = 6;
        private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(ProfileState[].class);
        private final Segment[] segments = new Segment[1 << SEGMENT_BITS];

        InMemory(int expected) {
            int perSegment = Math.max(8, Integer.highestOneBit(Math.max(1, expected >> (SEGMENT_BITS - 1)) * 2));
            for (int i = 0; i < segments.length; i++) {
                segments[i] = new Segment(perSegment);
            }
        }

        private static int spread(int h) {
            return (h ^ (h >>> 16)) * 0x9E3779B1;
        }

        private Segment segment(int spread) {
            return segments[spread >>> (32 - SEGMENT_BITS)];
        }

        private static ProfileState find(ProfileState[] t, String user, int h, int spread) {
            int mask = t.length - 1;
            for (int i = spread & mask; ; i = (i + 1) & mask) {
                ProfileState s = (ProfileState) SLOT.getAcquire(t, i);
                if (s == null) {
                    return null;
                }
                if (s.userHash == h && s.user.equals(user)) {
                    return s;
                }
            }
        }

        @Override
        public ProfileState get(String user) {
            int h = KeyedHash.hash(user);
            int sp = spread(h);
            return find(segment(sp).table, user, h, sp);
        }

        @Override
        public ProfileState getOrCreate(String user, Function<String, ProfileState> factory) {
            return getOrCreate(user, KeyedHash.hash(user), factory);
        }

        @Override
        public ProfileState getOrCreate(String user, int h, Function<String, ProfileState> factory) {
            int sp = spread(h);
            Segment seg = segment(sp);
            ProfileState s = find(seg.table, user, h, sp);
            if (s != null) {
                return s;
            }
            synchronized (seg) {
                s = find(seg.table, user, h, sp); // a racing insert may have won
                if (s == null) {
                    s = factory.apply(user);
                    if (s == null || !s.user.equals(user)) {
                        throw new IllegalStateException("factory returned no state for user " + user);
                    }
                    seg.insert(s, sp);
                }
                return s;
            }
        }

        @Override
        public void forEach(BiConsumer<String, ProfileState> action) {
            for (Segment seg : segments) {
                ProfileState[] t = seg.table;
                for (int i = 0; i < t.length; i++) {
                    ProfileState s = (ProfileState) SLOT.getAcquire(t, i);
                    if (s != null) {
                        action.accept(s.user, s);
                    }
                }
            }
        }

        /** The sum over stored users of their distance from their home slot (probe cost); for tests. */
        long probeDisplacement() {
            long d = 0;
            for (Segment seg : segments) {
                ProfileState[] t = seg.table;
                int mask = t.length - 1;
                for (int i = 0; i < t.length; i++) {
                    if (t[i] != null) {
                        d += (i - spread(t[i].userHash)) & mask;
                    }
                }
            }
            return d;
        }

        @Override
        public int size() {
            int n = 0;
            for (Segment seg : segments) {
                n += seg.size;
            }
            return n;
        }

        private static final class Segment {
            volatile ProfileState[] table;
            volatile int size;

            Segment(int capacity) {
                table = new ProfileState[capacity];
            }

            /** Caller holds this segment's lock. */
            void insert(ProfileState s, int sp) {
                ProfileState[] t = table;
                if ((size + 1) * 2 > t.length) {
                    t = grow(t);
                }
                int mask = t.length - 1;
                int i = sp & mask;
                while (t[i] != null) {
                    i = (i + 1) & mask;
                }
                SLOT.setRelease(t, i, s); // publishes the fully built state to lock-free readers
                size = size + 1;
            }

            private ProfileState[] grow(ProfileState[] old) {
                ProfileState[] t = new ProfileState[old.length * 2];
                int mask = t.length - 1;
                for (ProfileState s : old) {
                    if (s != null) {
                        int i = spread(s.userHash) & mask;
                        while (t[i] != null) {
                            i = (i + 1) & mask;
                        }
                        t[i] = s;
                    }
                }
                table = t; // volatile write: readers of the new table see every copied slot
                return t;
            }
        }
    }
}
