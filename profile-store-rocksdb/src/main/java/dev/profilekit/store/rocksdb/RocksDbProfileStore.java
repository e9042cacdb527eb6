package dev.profilekit.store.rocksdb;

import dev.profilekit.core.store.ProfileStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.DataBlockIndexType;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.LogFile;
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
 * <p>Keys and records: a user id (a key of the {@link ProfileStore} API; it must be valid Unicode, a lone
 * surrogate is refused) is never a database key. The database key is {@code HMAC-SHA-256} of the id's UTF-8
 * under the store's own random secret (see {@code StoreSecret}: a file in the directory, sealed under the
 * encryption key when there is one); the record under it holds the id and the value written, so that
 * {@link #scan} can give the ids back. With {@link Options#encryptionKey()} each record is sealed under its own
 * random data key, kept in a separate column family (the key table) sealed under the master key. Values are
 * returned as written ({@link #get} returns a fresh array).
 *
 * <p>Erasure: a delete ({@link ProfileStore.Write#delete}) is complete once {@link #flush()} (or
 * {@link #close()}) has returned: the flush writes the memtables out, so the write-ahead log that held the
 * user's writes becomes obsolete and is deleted (logs are neither archived nor recycled), then compacts the
 * deleted keys' ranges down to the bottommost level, so that no older version survives in a table file, and
 * deletes the obsolete files. From then on no file in the directory (table files, log, MANIFEST, OPTIONS, info
 * log) holds the user's id, record or hashed key; with encryption the user's data key is gone too. The cost is
 * a memtable flush and a compaction per {@code flush()} that follows deletes (one pass for all the deletes since
 * the previous flush: forget many users, then flush once). What stays outside this guarantee: copies of the
 * directory taken before the flush, and the blocks of deleted files on the device until the file system
 * reuses them (with encryption their records need the destroyed data key).
 *
 * <p>A directory written before hashed keys existed (raw ids as keys) is migrated when it is opened: every
 * record is moved under its hashed key and the raw keys are deleted and compacted away, before the store is
 * returned.
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
 * locked by another process, corrupted, missing or wrong encryption key, native library missing); a RocksDB failure during an operation
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
     * @param encryptionKey    master key (16, 24 or 32 bytes) of the store's encryption at rest, or null: with
     *                         one, every record (the user id and the value) is sealed under its own random data
     *                         key, kept in the key table sealed under this key, and {@code delete} destroys
     *                         the data key (crypto-shredding); a store created with a key opens only with it
     * @param pointLookups     tune the database for reading single users (on by default): a hash index in each
     *                         data block of the table files, so that a read finds its key in the block without a
     *                         binary search (about one byte per key more in the files), and a Bloom filter over
     *                         each memtable's keys (2% of {@code writeBufferBytes}), so that a read of a user not
     *                         in a memtable skips searching it. What is stored does not change: a store written
     *                         with either setting opens and reads back under the other
     */
    public record Options(boolean syncEveryWrite, long blockCacheBytes, long writeBufferBytes,
                          Compression compression, byte[] encryptionKey, boolean pointLookups) {

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
            if (encryptionKey != null) {
                if (encryptionKey.length != 16 && encryptionKey.length != 24 && encryptionKey.length != 32) {
                    throw new IllegalArgumentException(
                            "encryptionKey must have 16, 24 or 32 bytes (an AES key), got " + encryptionKey.length);
                }
                encryptionKey = encryptionKey.clone();
            }
        }

        /** The options with {@link #pointLookups()} on (its default), as before that option existed. */
        public Options(boolean syncEveryWrite, long blockCacheBytes, long writeBufferBytes, Compression compression,
                       byte[] encryptionKey) {
            this(syncEveryWrite, blockCacheBytes, writeBufferBytes, compression, encryptionKey, true);
        }

        /** A copy of the master key, or null without encryption. */
        @Override
        public byte[] encryptionKey() {
            return encryptionKey == null ? null : encryptionKey.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Options other && syncEveryWrite == other.syncEveryWrite
                    && blockCacheBytes == other.blockCacheBytes && writeBufferBytes == other.writeBufferBytes
                    && compression == other.compression && pointLookups == other.pointLookups
                    && Arrays.equals(encryptionKey, other.encryptionKey);
        }

        @Override
        public int hashCode() {
            return Objects.hash(syncEveryWrite, blockCacheBytes, writeBufferBytes, compression,
                    Arrays.hashCode(encryptionKey), pointLookups);
        }

        /** The options without the key's bytes. */
        @Override
        public String toString() {
            return "Options[syncEveryWrite=" + syncEveryWrite + ", blockCacheBytes=" + blockCacheBytes
                    + ", writeBufferBytes=" + writeBufferBytes + ", compression=" + compression
                    + ", encrypted=" + (encryptionKey != null) + ", pointLookups=" + pointLookups + "]";
        }

        /**
         * Sync on {@link #flush()} only, 64 MiB block cache, 64 MiB write buffer, {@link Compression#AUTO}, no
         * encryption, {@link #pointLookups()} on.
         */
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
            private byte[] encryptionKey;
            private boolean pointLookups = true;

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

            /** Encrypts records under per-user data keys sealed under {@code key}; null: no encryption. */
            public Builder encryptionKey(byte[] key) {
                this.encryptionKey = key;
                return this;
            }

            /** Tunes the database for reading single users (default true); see {@link Options#pointLookups()}. */
            public Builder pointLookups(boolean pointLookups) {
                this.pointLookups = pointLookups;
                return this;
            }

            /** @throws IllegalArgumentException if a value is out of range */
            public Options build() {
                return new Options(syncEveryWrite, blockCacheBytes, writeBufferBytes, compression, encryptionKey,
                        pointLookups);
            }
        }
    }

    private static final String CURRENT = "CURRENT";
    private static final String ESTIMATE_NUM_KEYS = "rocksdb.estimate-num-keys";
    /** Column family of the records, under hashed keys. */
    static final byte[] PROFILES = "profiles".getBytes(StandardCharsets.UTF_8);
    /** Column family of the data keys (the key table), under the same hashed keys; empty without encryption. */
    static final byte[] DATA_KEYS = "data-keys".getBytes(StandardCharsets.UTF_8);
    /** A column family created and dropped at once to roll the MANIFEST over (see {@link #rollManifest}). */
    private static final byte[] ROLL = "manifest-roll".getBytes(StandardCharsets.UTF_8);
    /** Records moved per batch when a store with raw-id keys is migrated. */
    private static final int MIGRATION_BATCH = 1000;
    /**
     * Up to this many deleted keys, a flush compacts each key's range on its own; past it, one compaction of
     * the whole key space is cheaper (hashed keys are spread over all of it).
     */
    static final int PER_KEY_COMPACTIONS = 8;
    /** Size of a memtable's Bloom filter ({@link Options#pointLookups()}) relative to the write buffer. */
    private static final double MEMTABLE_BLOOM_RATIO = 0.02;
    /** How long an erasure waits for a background job to finish deleting obsolete files. */
    private static final long OBSOLETE_FILES_WAIT_MS = 10_000;

    private final Path dir;
    private final Options options;
    private final Compression compression; // LZ4 or NONE: what AUTO resolved to
    private final RocksDB db;
    private final Handles cf;
    private final StoreSecret secret;
    private final Records records;
    private final WriteOptions writeOptions;
    private final NativeConfig config;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Hashed keys deleted since the last {@link #flush()}: their ranges are compacted by the next one. */
    private final Set<ByteBuffer> pendingErasures = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private RocksDbProfileStore(Path dir, Options options, Compression compression, RocksDB db, Handles cf,
                                StoreSecret secret, WriteOptions writeOptions, NativeConfig config) {
        this.dir = dir;
        this.options = options;
        this.compression = compression;
        this.db = db;
        this.cf = cf;
        this.secret = secret;
        this.records = new Records(options.encryptionKey());
        this.writeOptions = writeOptions;
        this.config = config;
    }

    /** {@link #open(Path, Options)} with {@link Options#defaults()}. */
    public static RocksDbProfileStore open(Path dir) throws IOException {
        return open(dir, Options.defaults());
    }

    /**
     * Opens the store in {@code dir}: creates the directory and a new database when {@code dir} does not exist
     * or is empty, opens the database (replaying its write-ahead log) when {@code dir} holds one. A database
     * with raw ids as keys (written by an older version) is migrated to hashed keys first (see the class
     * comment).
     *
     * @throws IOException if {@code dir} is not a directory, is a non-empty directory without a RocksDB
     *                     database, is locked by another open store (in this or another process), holds a
     *                     damaged database, is encrypted and no or another key was given (or the reverse), or
     *                     the native library cannot be loaded; the message names {@code dir} and the cause
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
        // the key is checked before the database is opened, which rewrites files
        StoreSecret secret = StoreSecret.exists(abs) ? StoreSecret.read(abs, options.encryptionKey()) : null;
        if (options.compression() == Compression.AUTO) {
            try {
                return open(abs, options, Compression.LZ4, create, secret);
            } catch (IOException e) {
                if (!(e.getCause() instanceof RocksDBException re) || !isCompressionNotLinked(re)) {
                    throw e;
                }
                return open(abs, options, Compression.NONE, create, secret);
            }
        }
        return open(abs, options, options.compression(), create, secret);
    }

    /** Whether the database in {@code dir} still holds the short-lived column family of a MANIFEST roll. */
    private static boolean holdsRollFamily(Path dir) throws RocksDBException {
        try (org.rocksdb.Options o = new org.rocksdb.Options()) {
            for (byte[] name : RocksDB.listColumnFamilies(o, dir.toString())) {
                if (java.util.Arrays.equals(name, ROLL)) {
                    return true;
                }
            }
        }
        return false;
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

    private static RocksDbProfileStore open(Path dir, Options options, Compression compression, boolean create,
                                            StoreSecret knownSecret) throws IOException {
        boolean uncleanShutdown = !create && hasLoggedWrites(dir);
        NativeConfig config = new NativeConfig(options, compression, create);
        WriteOptions writeOptions = null;
        RocksDB db = null;
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>(config.descriptors());
            boolean leftRoll = !create && holdsRollFamily(dir);
            if (leftRoll) {
                descriptors.add(new ColumnFamilyDescriptor(ROLL, config.cfOptions));
            }
            db = RocksDB.open(config.dbOptions, dir.toString(), descriptors, handles);
            if (leftRoll) { // killed between creating and dropping the column family that rolls the MANIFEST
                ColumnFamilyHandle roll = handles.remove(handles.size() - 1);
                db.dropColumnFamily(roll);
                roll.close();
            }
            writeOptions = new WriteOptions().setSync(options.syncEveryWrite());
            // a database without a secret is new (created just now, or a crash came before its secret was
            // written) or was written with raw-id keys: either way its default column family is migrated
            StoreSecret secret = knownSecret != null ? knownSecret : StoreSecret.create(dir, options.encryptionKey());
            RocksDbProfileStore store = new RocksDbProfileStore(dir, options, compression, db, new Handles(handles),
                    secret, writeOptions, config);
            store.migrateRawKeys();
            if (uncleanShutdown) { // deletes before the crash whose flush never ran or did not end
                store.erase(List.of(), true);
            }
            return store;
        } catch (RocksDBException e) {
            closeAll(writeOptions, handles, db, config);
            throw new IOException(openFailure(dir, e), e);
        } catch (IOException | RuntimeException | Error e) {
            closeAll(writeOptions, handles, db, config);
            throw e;
        }
    }

    private static void closeAll(WriteOptions writeOptions, List<ColumnFamilyHandle> handles, RocksDB db,
                                 NativeConfig config) {
        if (writeOptions != null) {
            writeOptions.close();
        }
        handles.forEach(ColumnFamilyHandle::close);
        if (db != null) {
            db.close();
        }
        config.close();
    }

    /**
     * Moves every record of the default column family (where older versions kept raw-id keys) under its hashed
     * key, then erases the raw keys from every file. Resumes after a crash: each batch moves its records
     * atomically. Does nothing (but one seek) when there is nothing to move.
     */
    private void migrateRawKeys() throws RocksDBException {
        long moved = 0;
        try (RocksIterator it = db.newIterator(cf.legacy); WriteBatch wb = new WriteBatch()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] id = it.key();
                put(wb, secret.hash(id), id, it.value());
                wb.delete(cf.legacy, id);
                if (++moved % MIGRATION_BATCH == 0) {
                    db.write(writeOptions, wb);
                    wb.clear();
                }
            }
            it.status();
            db.write(writeOptions, wb);
        }
        if (moved > 0) {
            erase(List.of(), true);
        }
    }

    /**
     * True when {@code dir} holds a write-ahead log with writes in it: the last store on it was not closed (a
     * crash or a kill), so deletes that returned may not have been erased; {@link #open} then erases everything.
     */
    private static boolean hasLoggedWrites(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
                if (Files.size(f) > 0) {
                    return true;
                }
            }
        }
        return false;
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

    /** The database key of user id {@code key}: its keyed hash (32 bytes). For tests that look for it in files. */
    byte[] hashedKey(String key) {
        return secret.hash(encodeKey(key, "key"));
    }

    @Override
    public byte[] get(String key) {
        byte[] k = hashedKey(key);
        lock.readLock().lock();
        try {
            ensureOpen("get");
            if (!records.encrypted()) {
                byte[] r = db.get(cf.profiles, k);
                return r == null ? null : open("get", k, r, null).value();
            }
            List<byte[]> both = db.multiGetAsList(List.of(cf.profiles, cf.dataKeys), List.of(k, k)); // one view
            return both.get(0) == null ? null : open("get", k, both.get(0), both.get(1)).value();
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
        byte[][] ids = new byte[n][];
        byte[][] keys = new byte[n][];
        for (int i = 0; i < n; i++) { // check everything before anything is written
            Write w = batch.get(i);
            if (w == null) {
                throw new IllegalArgumentException("batch element " + i + " must not be null");
            }
            ids[i] = encodeKey(w.key(), "key of batch element " + i);
            keys[i] = secret.hash(ids[i]);
        }
        lock.readLock().lock();
        try {
            ensureOpen("write");
            if (n == 0) {
                return;
            }
            try (WriteBatch wb = new WriteBatch()) {
                for (int i = 0; i < n; i++) {
                    byte[] value = batch.get(i).value();
                    if (value == null) {
                        pendingErasures.add(ByteBuffer.wrap(keys[i]));
                        wb.delete(cf.profiles, keys[i]);
                        if (records.encrypted()) {
                            wb.delete(cf.dataKeys, keys[i]);
                        }
                    } else {
                        put(wb, keys[i], ids[i], value);
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

    /** Adds the record of {@code id} (and with encryption its new data key) under {@code key} to {@code wb}. */
    private void put(WriteBatch wb, byte[] key, byte[] id, byte[] value) throws RocksDBException {
        Records.Sealed s = records.seal(key, id, value);
        wb.put(cf.profiles, key, s.record());
        if (s.sealedDataKey() != null) {
            wb.put(cf.dataKeys, key, s.sealedDataKey());
        }
    }

    private Records.Entry open(String method, byte[] key, byte[] record, byte[] sealedDataKey) {
        try {
            return records.open(key, record, sealedDataKey);
        } catch (Records.BadRecordException e) {
            throw new UncheckedIOException(new IOException(method + "() on the RocksDB profile store in " + dir
                    + " failed: the record under hashed key " + HexFormat.of().formatHex(key, 0, 8) + "… is "
                    + e.getMessage(), e));
        }
    }

    /**
     * Calls {@code action} for every user id and value of a consistent snapshot taken when the scan starts, in
     * the order of the hashed keys (no order of the ids). Writes made meanwhile (also by {@code action}) are not
     * seen. {@link #close()} waits for the scan to end; calling it from {@code action} throws.
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
             RocksIterator it = db.newIterator(cf.profiles, ro)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] k = it.key();
                byte[] dataKey = records.encrypted() ? db.get(cf.dataKeys, ro, k) : null;
                Records.Entry e = open("scan", k, it.value(), dataKey);
                action.accept(e.id(), e.value());
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
            return db.getLongProperty(cf.profiles, ESTIMATE_NUM_KEYS);
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
                 RocksIterator it = db.newIterator(cf.profiles, ro)) {
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
     * of the process or of the machine. After deletes, also completes their erasure (see the class comment):
     * it then waits for running calls to end and blocks the others while it flushes and compacts.
     *
     * @throws IllegalStateException if erasures are due and this is called from inside {@link #scan}'s action
     */
    @Override
    public void flush() {
        if (pendingErasures.isEmpty()) {
            lock.readLock().lock();
            try {
                ensureOpen("flush");
                db.flushWal(true);
            } catch (RocksDBException e) {
                throw failure("flush", e);
            } finally {
                lock.readLock().unlock();
            }
            return;
        }
        if (lock.getReadHoldCount() > 0) {
            throw new IllegalStateException("flush() of the RocksDB profile store in " + dir
                    + " after deletes was called from inside a scan or another call of this store");
        }
        lock.writeLock().lock(); // no scan holds a snapshot that would keep the old versions alive
        try {
            ensureOpen("flush");
            eraseDeleted();
        } catch (RocksDBException e) {
            throw failure("flush", e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Erases the keys deleted since the last erasure. Under the write lock; on failure they stay due. */
    private void eraseDeleted() throws RocksDBException {
        List<byte[]> keys = new ArrayList<>(pendingErasures.size());
        for (ByteBuffer k : pendingErasures) {
            keys.add(k.array());
        }
        erase(keys, false);
        keys.forEach(k -> pendingErasures.remove(ByteBuffer.wrap(k)));
    }

    /**
     * Makes deleted keys leave every file: syncs the log, writes every memtable out (the logs holding the
     * writes and deletes become obsolete and are deleted), compacts the keys' ranges (or, for many keys, every
     * range; with {@code everything} every column family whole) down to and including the bottommost
     * level, where deletes and the versions they cover are dropped, then rolls the MANIFEST over twice, so that
     * the one left describes only the files that remain.
     */
    private void erase(List<byte[]> keys, boolean everything) throws RocksDBException {
        try (FlushOptions fo = new FlushOptions().setWaitForFlush(true);
             CompactRangeOptions co = new CompactRangeOptions()
                     .setBottommostLevelCompaction(CompactRangeOptions.BottommostLevelCompaction.kForce)
                     .setExclusiveManualCompaction(true)) {
            db.flushWal(true);
            db.flush(fo, cf.all);
            List<ColumnFamilyHandle> families = everything ? cf.all
                    : records.encrypted() ? List.of(cf.profiles, cf.dataKeys) : List.of(cf.profiles);
            for (ColumnFamilyHandle family : families) {
                if (everything || keys.size() > PER_KEY_COMPACTIONS) {
                    db.compactRange(family, null, null, co);
                } else {
                    for (byte[] k : keys) {
                        db.compactRange(family, k, k, co);
                    }
                }
            }
            rollManifest();
            db.flushWal(true);
            deleteObsoleteFiles();
        }
    }

    /**
     * Deletes the files the flush and compactions made obsolete before returning, and checks it: enabling file
     * deletions scans the directory and deletes every obsolete file on the calling thread; a file a background
     * job is deleting at that moment is waited for (up to {@link #OBSOLETE_FILES_WAIT_MS}).
     *
     * @throws RocksDBException if an obsolete table file, log or MANIFEST is still there after the wait
     */
    private void deleteObsoleteFiles() throws RocksDBException {
        db.disableFileDeletions();
        db.enableFileDeletions();
        long deadline = System.nanoTime() + OBSOLETE_FILES_WAIT_MS * 1_000_000L;
        for (List<String> stale = obsoleteFiles(); !stale.isEmpty(); stale = obsoleteFiles()) {
            if (System.nanoTime() > deadline) {
                throw new RocksDBException("erasure incomplete: obsolete files still in the directory: " + stale);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RocksDBException("erasure interrupted while obsolete files were being deleted: " + stale);
            }
        }
    }

    /**
     * Table files, logs and MANIFESTs in the directory that the database no longer uses. The newest log is the
     * one being written (RocksDB lists it among the live logs only once it holds a write).
     */
    private List<String> obsoleteFiles() throws RocksDBException {
        Set<String> live = new HashSet<>();
        for (String f : db.getLiveFiles(false).files) {
            live.add(Path.of(f).getFileName().toString());
        }
        for (LogFile f : db.getSortedWalFiles()) {
            live.add(Path.of(f.pathName()).getFileName().toString());
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
            List<String> logs = names.stream().filter(n -> n.endsWith(".log")).toList(); // numbered, zero-padded: sorted
            if (!logs.isEmpty()) {
                live.add(logs.get(logs.size() - 1));
            }
            return names.stream()
                    .filter(n -> n.endsWith(".sst") || n.endsWith(".log") || n.endsWith(".blob")
                            || n.startsWith("MANIFEST-"))
                    .filter(n -> !live.contains(n))
                    .toList();
        } catch (IOException e) {
            throw new RocksDBException("cannot list the directory to check the erasure: " + e);
        }
    }

    /**
     * Makes RocksDB start a new MANIFEST holding only the live files: the old one is a log of every file ever
     * added, with each file's smallest and largest key. Under this store's options every change of the file
     * set starts a new MANIFEST from the state before that change; creating and dropping an empty
     * column family are two such changes, so the second one starts from the state after the compactions
     * (see {@code NativeConfig.manifestRolling}).
     */
    private void rollManifest() throws RocksDBException {
        try (ColumnFamilyOptions o = new ColumnFamilyOptions()) {
            ColumnFamilyHandle h = db.createColumnFamily(new ColumnFamilyDescriptor(ROLL, o));
            try {
                db.dropColumnFamily(h);
            } finally {
                h.close();
            }
        }
    }

    /**
     * Completes due erasures, syncs the log, writes the memtables out to table files (so the next open replays
     * no log) and releases the database, its lock on the directory and its native memory. Waits for running
     * calls to finish. Does nothing when already closed.
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
                if (!pendingErasures.isEmpty()) {
                    eraseDeleted();
                }
                db.flushWal(true);
                db.flush(fo, cf.all);
            } catch (RocksDBException e) {
                failure = e;
            }
            cf.close();
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

    /** The column families of one open database, in {@link NativeConfig#descriptors()} order. */
    private static final class Handles {
        /** The default column family: raw-id keys of older versions, empty once migrated. */
        final ColumnFamilyHandle legacy;
        final ColumnFamilyHandle profiles;
        final ColumnFamilyHandle dataKeys;
        final List<ColumnFamilyHandle> all;

        Handles(List<ColumnFamilyHandle> handles) {
            this.legacy = handles.get(0);
            this.profiles = handles.get(1);
            this.dataKeys = handles.get(2);
            this.all = List.copyOf(handles);
        }

        void close() {
            all.forEach(ColumnFamilyHandle::close);
        }
    }

    /** The native option objects of one open database, closed with it. */
    private static final class NativeConfig implements AutoCloseable {
        final DBOptions dbOptions;
        final ColumnFamilyOptions cfOptions;
        final LRUCache cache;
        final BloomFilter filter;

        NativeConfig(Options options, Compression compression, boolean create) {
            cache = options.blockCacheBytes() > 0 ? new LRUCache(options.blockCacheBytes()) : null;
            filter = new BloomFilter(10); // point reads of absent users (cache misses of new users) skip most files
            BlockBasedTableConfig table = new BlockBasedTableConfig().setFilterPolicy(filter);
            if (options.pointLookups()) {
                // a hash table after each data block (written by new files, read by any setting): a point read
                // finds its key without the block's binary search; 0.75 is RocksDB's own choice for point lookups
                table.setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash)
                        .setDataBlockHashTableUtilRatio(0.75);
            }
            if (cache != null) {
                table.setBlockCache(cache);
            } else {
                table.setNoBlockCache(true);
            }
            cfOptions = new ColumnFamilyOptions()
                    .setWriteBufferSize(options.writeBufferBytes())
                    .setCompressionType(compression == Compression.LZ4
                            ? CompressionType.LZ4_COMPRESSION : CompressionType.NO_COMPRESSION)
                    .setTableFormatConfig(table);
            if (options.pointLookups()) {
                // a read of a user that is not in a memtable (most reads, with keys spread by the hash) skips
                // the memtable's skip list, a chain of cache misses; memory only, nothing in the files
                cfOptions.setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO).setMemtableWholeKeyFiltering(true);
            }
            dbOptions = manifestRolling()
                    .setCreateIfMissing(create)
                    .setCreateMissingColumnFamilies(true)
                    .setParanoidChecks(true)
                    // erasure: obsolete logs are deleted at once, never archived (TTL and size limit 0) nor
                    // reused with their old bytes (no recycling)
                    .setWalTtlSeconds(0)
                    .setWalSizeLimitMB(0)
                    .setRecycleLogFileNum(0)
                    // the info log records no keys below warnings (and keys are hashed anyway)
                    .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                    .setKeepLogFileNum(3)
                    .setMaxLogFileSize(4L << 20);
        }

        /**
         * Options under which every change of the file set starts a new MANIFEST holding only the live files
         * (and the old one is deleted), so that the smallest and largest keys of compacted-away files do not stay
         * in it (see {@code rollManifest}). Besides the size limit, RocksDB lets a MANIFEST grow to a multiple of
         * its compacted size ({@code max_manifest_space_amp_pct}, not in the Java API): both are set to 0.
         */
        private static DBOptions manifestRolling() {
            Properties p = new Properties();
            p.setProperty("max_manifest_file_size", "0");
            p.setProperty("max_manifest_space_amp_pct", "0");
            DBOptions o = DBOptions.getDBOptionsFromProps(p);
            if (o == null) {
                throw new IllegalStateException("the RocksDB native library does not accept " + p);
            }
            return o;
        }

        List<ColumnFamilyDescriptor> descriptors() {
            return List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
                    new ColumnFamilyDescriptor(PROFILES, cfOptions),
                    new ColumnFamilyDescriptor(DATA_KEYS, cfOptions));
        }

        @Override
        public void close() {
            dbOptions.close();
            cfOptions.close();
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
