package dev.profilekit.core.store;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/** Stores shipped with the core: a heap map of encoded states, for tests and as a reference for implementors. */
public final class ProfileStores {

    private ProfileStores() {
    }

    /** A store in a {@link ConcurrentHashMap}: nothing survives the process; {@link ProfileStore#flush()} does nothing. */
    public static ProfileStore heap() {
        return new Heap();
    }

    private static final class Heap implements ProfileStore {
        private final ConcurrentHashMap<String, byte[]> map = new ConcurrentHashMap<>();

        @Override
        public byte[] get(String key) {
            if (key == null) {
                throw new IllegalArgumentException("key must not be null");
            }
            byte[] v = map.get(key);
            return v == null ? null : v.clone();
        }

        @Override
        public void write(List<Write> batch) {
            if (batch == null) {
                throw new IllegalArgumentException("batch must not be null");
            }
            for (Write w : batch) {
                if (w.value() == null) {
                    map.remove(w.key());
                } else {
                    map.put(w.key(), w.value().clone());
                }
            }
        }

        @Override
        public void scan(BiConsumer<String, byte[]> action) {
            if (action == null) {
                throw new IllegalArgumentException("action must not be null");
            }
            map.forEach((k, v) -> action.accept(k, v.clone()));
        }

        @Override
        public long size() {
            return map.size();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
