package dev.profilekit.core.store;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * Where profiles persist: a key-value store of encoded user states, the SPI a host implements to keep profiles
 * in its own database. Keys are user ids (already pseudonymised when the updater pseudonymises); values are
 * the engine's versioned binary state encoding (already encrypted when the updater encrypts), opaque to the
 * store. The updater keeps hot profiles in its own cache and talks to the store in batches: it reads a user on a
 * cache miss, writes dirty profiles back in batches on eviction and on {@link #flush()}-driven checkpoints, and
 * deletes forgotten or expired users.
 *
 * <p>Contract: {@link #get} returns the last value written for the key (or null); {@link #write} applies its
 * batch in order, atomically where the store can (RocksDB's WriteBatch does), and a batch that returned is
 * visible to later reads; {@link #flush()} makes every write that returned durable (survives a process
 * kill); {@link #scan} visits every key once with its value, in no particular order, and may run while
 * nothing writes. Implementations must be safe for concurrent calls from several threads.
 *
 * @see ProfileStores
 */
public interface ProfileStore extends AutoCloseable {

    /** One put ({@code value} non-null) or delete ({@code value} null) of a batch. */
    record Write(String key, byte[] value) {
        public Write {
            if (key == null) {
                throw new IllegalArgumentException("key must not be null");
            }
        }

        public static Write put(String key, byte[] value) {
            if (value == null) {
                throw new IllegalArgumentException("value of " + key + " must not be null");
            }
            return new Write(key, value);
        }

        public static Write delete(String key) {
            return new Write(key, null);
        }
    }

    /** The value stored for {@code key}, or null. */
    byte[] get(String key);

    /** Applies {@code batch} in order. */
    void write(List<Write> batch);

    /** Calls {@code action} for every key and value. */
    void scan(BiConsumer<String, byte[]> action);

    /** Number of keys (may be an estimate for stores that cannot count cheaply; say so). */
    long size();

    /**
     * Makes every write that returned durable. A store that erases deleted keys from its files (the RocksDB
     * store does) completes the erasure of every delete that returned before this call here, so that
     * {@code forget} followed by the updater's {@code flush()} leaves no copy in the store.
     */
    void flush();

    /** Flushes and releases the store. */
    @Override
    void close();
}
