package dev.profilekit.core;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** Factory for the built-in {@link ProfileStore}s. */
public final class ProfileStores {

    private ProfileStores() {
    }

    /** A heap store backed by a {@link ConcurrentHashMap}. */
    public static ProfileStore inMemory() {
        return new InMemory(1024);
    }

    /** A heap store presized for {@code expectedUsers} users. */
    public static ProfileStore inMemory(int expectedUsers) {
        if (expectedUsers < 0) {
            throw new IllegalArgumentException("expectedUsers must be >= 0, was " + expectedUsers);
        }
        return new InMemory(expectedUsers);
    }

    private static final class InMemory implements ProfileStore {
        private final ConcurrentHashMap<String, ProfileState> map;

        InMemory(int expected) {
            map = new ConcurrentHashMap<>(Math.max(16, (int) (expected / 0.75f) + 1));
        }

        @Override
        public ProfileState get(String user) {
            return map.get(user);
        }

        @Override
        public ProfileState getOrCreate(String user, Function<String, ProfileState> factory) {
            ProfileState s = map.get(user); // lock-free fast path for existing users
            return s != null ? s : map.computeIfAbsent(user, factory);
        }

        @Override
        public void forEach(BiConsumer<String, ProfileState> action) {
            map.forEach(action);
        }

        @Override
        public int size() {
            return map.size();
        }
    }
}
