package dev.profilekit.store.rocksdb;

import dev.profilekit.core.store.ProfileStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * A {@link ProfileStore} in an embedded RocksDB database: an LSM tree on local disk, so a store can hold
 * more users than fit in the heap, with a write-ahead log and atomic write batches.
 *
 * <p>Keys are the user ids encoded as UTF-8 (a key must be valid Unicode: a lone surrogate is refused, since
 * it would not survive the encoding); values are stored as given (RocksDB copies them; {@link #get} returns a
 * fresh array).
 *
 * <p>Durability: every {@link #write} goes through the write-ahead log before it returns, so it survives a
 * crash of this process once it returned; {@link #flush()} syncs the log to disk
 * ({@code fsync}), so every write that returned before it also survives a crash of the machine.
 * With {@link Options#syncEveryWrite()} every write is synced on its own (slower). A batch is applied
 * atomically: after any crash it is present completely or not at all. {@link #close()} flushes, writes the
 * memtables out to table files and releases the database and its native memory; it is idempotent.
 *
 * <p>All methods are safe for concurrent use. {@link #scan} reads a consistent snapshot: writes made while it
 * runs are not seen by it. {@link #close()} waits for running calls to finish; every call after it throws
 * {@link IllegalStateException}. One directory can be open in one store at a time (RocksDB locks it, across
 * processes too).
 *
 * <p>Errors: opening throws {@link IOException} naming the directory and the cause (not a RocksDB directory,
 * locked by another process, corrupted, native library missing); a RocksDB failure during an operation
 * throws {@link UncheckedIOException}; bad arguments throw {@link IllegalArgumentException}.
 */
public final class RocksDbProfileStore implements ProfileStore {

    /** Compression of the table files. */
    public enum Compression {
        /** LZ4 if the native library has it linked (the packaged {@code rocksdbjni} builds do), else none. */
        AUTO,
        /** LZ4; opening fails when the native library lacks it. */
        LZ4,
        /** No compression. */
        NONE
    }

    /**
     * How a store is opened.
     *
     * @param syncEveryWrite   sync the write-ahead log on every {@link #write} (every returned write then
     *                         survives a machine crash) instead of only on {@link #flush()}
     * @param blockCacheBytes  size of the LRU cache of uncompressed table blocks (0: no block cache)
     * @param writeBufferBytes size of one memtable before it is written out to a table file (at least 64 KiB)
     * @param compression      compression of table files
     */
    public record Options(boolean syncEveryWrite, long blockCacheBytes, long writeBufferBytes,
                          Compression compression) {

        /** Smallest accepted {@link #writeBufferBytes()}. */
        public static final long MIN_WRITE_BUFFER_BYTES = 64L << 10;

        public Options {
            if (blockCacheBytes < 0) {
                throw new IllegalArgumentException("blockCacheBytes must be >= 0, got " + blockCacheBytes);
            }
            if (writeBufferBytes < MIN_WRITE_BUFFER_BYTES) {
                throw new IllegalArgumentException(
                        "writeBufferBytes must be >= " + MIN_WRITE_BUFFER_BYTES + ", got " + writeBufferBytes);
            }
            if (compression == null) {
                throw new IllegalArgumentException("compression must not be null");
            }
        }

        /** Sync on {@link #flush()} only, 64 MiB block cache, 64 MiB write buffer, {@link Compression#AUTO}. */
        public static Options defaults() {
            return builder().build();
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Builder of {@link Options}, starting from the {@link #defaults()}. */
        public static final class Builder {
            private boolean syncEveryWrite;
            private long blockCacheBytes = 64L << 20;
            private long writeBufferBytes = 64L << 20;
            private Compression compression = Compression.AUTO;

            private Builder() {
            }

            public Builder syncEveryWrite(boolean syncEveryWrite) {
                this.syncEveryWrite = syncEveryWrite;
                return this;
            }

            public Builder blockCacheBytes(long blockCacheBytes) {
                this.blockCacheBytes = blockCacheBytes;
                return this;
            }

            public Builder writeBufferBytes(long writeBufferBytes) {
                this.writeBufferBytes = writeBufferBytes;
                return this;
            }

            public Builder compression(Compression compression) {
                this.compression = compression;
                return this;
            }

            /** @throws IllegalArgumentException if a value is out of range */
            public Options build() {
                return new Options(syncEveryWrite, blockCacheBytes, writeBufferBytes, compression);
            }
        }
    }

    private static final String CURRENT = "CURRENT";
    private static final String ESTIMATE_NUM_KEYS = "rocksdb.estimate-num-keys";

    private final Path dir;
    private final Options options;
    private final Compression compression; // LZ4 or NONE: what AUTO resolved to
    private final RocksDB db;
    private final WriteOptions writeOptions;
    private final NativeConfig config;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private RocksDbProfileStore(Path dir, Options options, Compression compression, RocksDB db,
                                WriteOptions writeOptions, NativeConfig config) {
        this.dir = dir;
        this.options = options;
        this.compression = compression;
        this.db = db;
        this.writeOptions = writeOptions;
        this.config = config;
    }

    /** {@link #open(Path, Options)} with {@link Options#defaults()}. */
    public static RocksDbProfileStore open(Path dir) throws IOException {
        return open(dir, Options.defaults());
    }

    /**
     * Opens the store in {@code dir}: creates the directory and a new database when {@code dir} does not exist
     * or is empty, opens the database (replaying its write-ahead log) when {@code dir} holds one.
     *
     * @throws IOException if {@code dir} is not a directory, is a non-empty directory without a RocksDB
     *                     database, is locked by another open store (in this or another process), holds a
     *                     damaged database, or the native library cannot be loaded; the message names
     *                     {@code dir} and the cause
     */
    public static RocksDbProfileStore open(Path dir, Options options) throws IOException {
        if (dir == null) {
            throw new IllegalArgumentException("dir must not be null");
        }
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        Path abs = dir.toAbsolutePath().normalize();
        NativeLibrary.load(abs);
        boolean create = prepareDirectory(abs);
        if (options.compression() == Compression.AUTO) {
            try {
                return open(abs, options, Compression.LZ4, create);
            } catch (IOException e) {
                if (!(e.getCause() instanceof RocksDBException re) || !isCompressionNotLinked(re)) {
                    throw e;
                }
                return open(abs, options, Compression.NONE, create);
            }
        }
        return open(abs, options, options.compression(), create);
    }

    /** True when {@code dir} must be created as a new database, false when it holds one. */
    private static boolean prepareDirectory(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException("Cannot open the RocksDB profile store in " + dir + ": it is not a directory");
        }
        if (!Files.exists(dir)) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new IOException("Cannot create the RocksDB profile store directory " + dir + ": " + e, e);
            }
            return true;
        }
        if (Files.exists(dir.resolve(CURRENT))) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) {
                return true;
            }
        }
        throw new IOException("Cannot open the RocksDB profile store in " + dir
                + ": the directory is not empty and holds no RocksDB database (no " + CURRENT
                + " file); give an empty or new directory to create a store");
    }

    private static RocksDbProfileStore open(Path dir, Options options, Compression compression, boolean create)
            throws IOException {
        NativeConfig config = new NativeConfig(options, compression, create);
        WriteOptions writeOptions = null;
        RocksDB db = null;
        try {
            db = RocksDB.open(config.dbOptions, dir.toString());
            writeOptions = new WriteOptions().setSync(options.syncEveryWrite());
            return new RocksDbProfileStore(dir, options, compression, db, writeOptions, config);
        } catch (RocksDBException e) {
            config.close();
            throw new IOException(openFailure(dir, e), e);
        } catch (RuntimeException | Error e) {
            if (writeOptions != null) {
                writeOptions.close();
            }
            if (db != null) {
                db.close();
            }
            config.close();
            throw e;
        }
    }

    private static String openFailure(Path dir, RocksDBException e) {
        String what = describe(e);
        String prefix = "Cannot open the RocksDB profile store in " + dir + ": ";
        String lower = what.toLowerCase(Locale.ROOT);
        if (lower.contains("lock")) {
            return prefix + "the directory is locked by another open store (in another process or this one); "
                    + "close that store first (" + what + ")";
        }
        Status.Code code = e.getStatus() == null ? null : e.getStatus().getCode();
        if (code == Status.Code.Corruption) {
            return prefix + "the database is damaged or not a RocksDB database (" + what + ")";
        }
        if (isCompressionNotLinked(e)) {
            return prefix + "the RocksDB native library lacks the requested compression (" + what + ")";
        }
        return prefix + what;
    }

    private static boolean isCompressionNotLinked(RocksDBException e) {
        String m = describe(e).toLowerCase(Locale.ROOT);
        return m.contains("compression") && m.contains("not linked");
    }

    private static String describe(RocksDBException e) {
        String m = e.getMessage();
        if (m == null || m.isEmpty()) {
            Status s = e.getStatus();
            m = s == null ? e.toString() : s.getCodeString() + " " + s.getState();
        }
        return m;
    }

    /** The database directory (absolute). */
    public Path directory() {
        return dir;
    }

    /** The options this store was opened with. */
    public Options options() {
        return options;
    }

    /** The compression in use: {@link Compression#LZ4} or {@link Compression#NONE} ({@code AUTO} resolved). */
    public Compression compression() {
        return compression;
    }

    @Override
    public byte[] get(String key) {
        byte[] k = encodeKey(key, "key");
        lock.readLock().lock();
        try {
            ensureOpen("get");
            return db.get(k);
        } catch (RocksDBException e) {
            throw failure("get", e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Applies {@code batch} in order, atomically: after a crash it is present completely or not at all. */
    @Override
    public void write(List<Write> batch) {
        if (batch == null) {
            throw new IllegalArgumentException("batch must not be null");
        }
        int n = batch.size();
        byte[][] keys = new byte[n][];
        byte[][] values = new byte[n][];
        for (int i = 0; i < n; i++) { // check everything before anything is written
            Write w = batch.get(i);
            if (w == null) {
                throw new IllegalArgumentException("batch element " + i + " must not be null");
            }
            keys[i] = encodeKey(w.key(), "key of batch element " + i);
            values[i] = w.value();
        }
        lock.readLock().lock();
        try {
            ensureOpen("write");
            if (n == 0) {
                return;
            }
            try (WriteBatch wb = new WriteBatch()) {
                for (int i = 0; i < n; i++) {
                    if (values[i] == null) {
                        wb.delete(keys[i]);
                    } else {
                        wb.put(keys[i], values[i]);
                    }
                }
                db.write(writeOptions, wb);
            }
        } catch (RocksDBException e) {
            throw failure("write", e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Calls {@code action} for every key and value of a consistent snapshot taken when the scan starts, in
     * ascending order of the keys' UTF-8 bytes. Writes made meanwhile (also by {@code action}) are not seen.
     * {@link #close()} waits for the scan to end; calling it from {@code action} throws.
     */
    @Override
    public void scan(BiConsumer<String, byte[]> action) {
        if (action == null) {
            throw new IllegalArgumentException("action must not be null");
        }
        lock.readLock().lock();
        try {
            ensureOpen("scan");
            iterate(action);
        } catch (RocksDBException e) {
            throw failure("scan", e);
        } finally {
            lock.readLock().unlock();
        }
    }

    private void iterate(BiConsumer<String, byte[]> action) throws RocksDBException {
        Snapshot snapshot = db.getSnapshot();
        try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot).setFillCache(false);
             RocksIterator it = db.newIterator(ro)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                action.accept(new String(it.key(), StandardCharsets.UTF_8), it.value());
            }
            it.status();
        } finally {
            db.releaseSnapshot(snapshot);
        }
    }

    /**
     * An <em>estimate</em> of the number of keys (RocksDB's {@code rocksdb.estimate-num-keys}): exact after
     * inserts of distinct keys only, but overwrites and deletes not yet compacted away can make it too high
     * (or too low). {@link #countKeys()} counts exactly by reading every key.
     */
    @Override
    public long size() {
        lock.readLock().lock();
        try {
            ensureOpen("size");
            return db.getLongProperty(ESTIMATE_NUM_KEYS);
        } catch (RocksDBException e) {
            throw failure("size", e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The exact number of keys, counted by iterating over a snapshot (reads the whole store). */
    public long countKeys() {
        lock.readLock().lock();
        try {
            ensureOpen("countKeys");
            Snapshot snapshot = db.getSnapshot();
            long n = 0;
            try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot).setFillCache(false);
                 RocksIterator it = db.newIterator(ro)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    n++;
                }
                it.status();
            } finally {
                db.releaseSnapshot(snapshot);
            }
            return n;
        } catch (RocksDBException e) {
            throw failure("countKeys", e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Syncs the write-ahead log to disk: every {@link #write} that returned before this call survives a crash
     * of the process or of the machine.
     */
    @Override
    public void flush() {
        lock.readLock().lock();
        try {
            ensureOpen("flush");
            db.flushWal(true);
        } catch (RocksDBException e) {
            throw failure("flush", e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Syncs the log, writes the memtables out to table files (so the next open replays no log) and releases the
     * database, its lock on the directory and its native memory. Waits for running calls to finish. Does
     * nothing when already closed.
     *
     * @throws IllegalStateException if called from inside {@link #scan}'s action
     * @throws UncheckedIOException  if flushing failed (the store is closed all the same)
     */
    @Override
    public void close() {
        if (lock.getReadHoldCount() > 0) {
            throw new IllegalStateException("close() of the RocksDB profile store in " + dir
                    + " was called from inside a scan or another call of this store");
        }
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            RocksDBException failure = null;
            try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
                db.flushWal(true);
                db.flush(fo);
            } catch (RocksDBException e) {
                failure = e;
            }
            try {
                db.closeE();
            } catch (RocksDBException e) {
                if (failure == null) {
                    failure = e;
                }
            } finally {
                writeOptions.close();
                config.close();
            }
            if (failure != null) {
                throw new UncheckedIOException(new IOException(
                        "Closing the RocksDB profile store in " + dir + " failed: " + describe(failure), failure));
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "RocksDbProfileStore[" + dir + (closed ? ", closed]" : "]");
    }

    private void ensureOpen(String method) {
        if (closed) {
            throw new IllegalStateException(
                    method + "() called on the RocksDB profile store in " + dir + " after close()");
        }
    }

    private UncheckedIOException failure(String method, RocksDBException e) {
        return new UncheckedIOException(new IOException(
                method + "() on the RocksDB profile store in " + dir + " failed: " + describe(e), e));
    }

    /** UTF-8 of {@code key}, refusing what UTF-8 cannot carry (a lone surrogate) instead of replacing it. */
    static byte[] encodeKey(String key, String what) {
        if (key == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        for (int i = 0, n = key.length(); i < n; i++) {
            char c = key.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(key.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new IllegalArgumentException(what + " is not valid Unicode: lone surrogate at index " + i);
            }
            if (Character.isLowSurrogate(c)) {
                throw new IllegalArgumentException(what + " is not valid Unicode: lone surrogate at index " + i);
            }
        }
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /** The native option objects of one open database, closed with it. */
    private static final class NativeConfig implements AutoCloseable {
        final org.rocksdb.Options dbOptions;
        final LRUCache cache;
        final BloomFilter filter;

        NativeConfig(Options options, Compression compression, boolean create) {
            cache = options.blockCacheBytes() > 0 ? new LRUCache(options.blockCacheBytes()) : null;
            filter = new BloomFilter(10); // point reads of absent users (cache misses of new users) skip most files
            BlockBasedTableConfig table = new BlockBasedTableConfig().setFilterPolicy(filter);
            if (cache != null) {
                table.setBlockCache(cache);
            } else {
                table.setNoBlockCache(true);
            }
            dbOptions = new org.rocksdb.Options()
                    .setCreateIfMissing(create)
                    .setParanoidChecks(true)
                    .setWriteBufferSize(options.writeBufferBytes())
                    .setCompressionType(compression == Compression.LZ4
                            ? CompressionType.LZ4_COMPRESSION : CompressionType.NO_COMPRESSION)
                    .setTableFormatConfig(table)
                    .setKeepLogFileNum(3)
                    .setMaxLogFileSize(4L << 20);
        }

        @Override
        public void close() {
            dbOptions.close();
            if (cache != null) {
                cache.close();
            }
            filter.close();
        }
    }

    /** Loads RocksDB's native library once per class loader. */
    private static final class NativeLibrary {
        private static volatile Throwable failure;
        private static volatile boolean loaded;

        static void load(Path dir) throws IOException {
            if (loaded) {
                return;
            }
            synchronized (NativeLibrary.class) {
                if (!loaded && failure == null) {
                    try {
                        RocksDB.loadLibrary();
                        loaded = true;
                    } catch (RuntimeException | LinkageError e) {
                        failure = e;
                    }
                }
            }
            if (!loaded) {
                throw new IOException("Cannot open the RocksDB profile store in " + dir
                        + ": the RocksDB native library could not be loaded on " + System.getProperty("os.name")
                        + "/" + System.getProperty("os.arch") + ": " + failure, failure);
            }
        }
    }
}
