package dev.profilekit.store.rocksdb;

import static dev.profilekit.store.rocksdb.FileBytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.store.ProfileStore.Write;
import dev.profilekit.store.rocksdb.RocksDbProfileStore.Compression;
import dev.profilekit.store.rocksdb.RocksDbProfileStore.Options;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * Encryption at rest with a data key per user: ids are not readable in any file, a delete destroys the
 * user's data key (crypto-shredding), and a store opens only with the key it was created with.
 */
class RocksDbEncryptionTest {

    private static final byte[] MASTER = "master key, 32 bytes, for tests!".getBytes(StandardCharsets.US_ASCII);
    private static final String VICTIM = "victim-q7Zx";

    @TempDir
    Path tmp;

    private static Options encrypted(byte[] key) {
        return Options.builder().compression(Compression.NONE).encryptionKey(key).build();
    }

    private static byte[] value(String user) {
        return utf8("value of " + user + " PAYLOAD-Kw93");
    }

    private static void fill(Path dir, Options options) throws IOException {
        try (RocksDbProfileStore s = RocksDbProfileStore.open(dir, options)) {
            List<Write> batch = new ArrayList<>();
            for (int u = 0; u < 200; u++) {
                String user = u == 100 ? VICTIM : "user-" + u;
                batch.add(Write.put(user, value(user)));
            }
            s.write(batch);
        }
    }

    @Test
    void noFileHoldsAnIdOrAValueInTheClear() throws IOException {
        Path dir = tmp.resolve("db");
        fill(dir, encrypted(MASTER));
        Map<String, byte[]> needles = new LinkedHashMap<>();
        needles.put("an id", utf8("user-1"));
        needles.put("the victim's id", utf8(VICTIM));
        needles.put("a value", utf8("PAYLOAD-Kw93"));
        assertThat(FileBytes.find(dir, needles)).isEmpty();
        try (RocksDbProfileStore s = RocksDbProfileStore.open(dir, encrypted(MASTER))) {
            Map<String, byte[]> all = new TreeMap<>();
            s.scan(all::put);
            assertThat(all).hasSize(200).containsKey(VICTIM);
            all.forEach((k, v) -> assertThat(v).as(k).isEqualTo(value(k)));
            assertThat(s.get(VICTIM)).isEqualTo(value(VICTIM));
        }
    }

    /**
     * What crypto-shredding proves: after the delete and flush, the data key of the user is in no file of the
     * store, and a copy of the user's old record (taken before, as a backup or a stray table file holds it)
     * does not open with the master key. What it does not: a copy of the whole directory taken before the
     * delete also holds the key table of that time, which the master key opens; such copies the host deletes.
     */
    @Test
    void deleteDestroysTheDataKeySoACopyOfTheOldRecordNoLongerOpensWithTheMasterKey() throws Exception {
        Path dir = tmp.resolve("db");
        Path backup = tmp.resolve("backup");
        fill(dir, encrypted(MASTER));
        copy(dir, backup);
        byte[] hk;
        try (RocksDbProfileStore s = RocksDbProfileStore.open(dir, encrypted(MASTER))) {
            hk = s.hashedKey(VICTIM);
            s.write(List.of(Write.delete(VICTIM)));
            s.flush();
        }
        byte[][] old = raw(backup, hk);
        assertThat(old[0]).as("the record in the copy").isNotNull();
        assertThat(old[1]).as("the sealed data key in the copy").isNotNull();
        byte[][] now = raw(dir, hk);
        assertThat(now[0]).as("the record in the store").isNull();
        assertThat(now[1]).as("the data key in the store").isNull();
        Map<String, byte[]> needles = new LinkedHashMap<>();
        needles.put("sealed data key", old[1]);
        needles.put("record", old[0]);
        needles.putAll(FileBytes.withHex("hashed key", hk));
        assertThat(FileBytes.find(dir, needles)).as("files of the store after delete + flush").isEmpty();

        byte[] sealedRecord = Arrays.copyOfRange(old[0], 1, old[0].length);
        assertThatThrownBy(() -> Aead.open(MASTER, sealedRecord, Aead.aad(Records.RECORD, hk)))
                .as("the old record under the master key").isInstanceOf(Aead.BadTagException.class);
        Records records = new Records(MASTER);
        assertThatThrownBy(() -> records.open(hk, old[0], now[1]))
                .as("the old record with what the store has left").isInstanceOf(Records.BadRecordException.class)
                .hasMessageContaining("without its data key");
        // the limit: with the key table of the copy, the copy's record opens
        assertThat(records.open(hk, old[0], old[1]).value()).isEqualTo(value(VICTIM));
        try (RocksDbProfileStore s = RocksDbProfileStore.open(dir, encrypted(MASTER))) {
            assertThat(s.get(VICTIM)).isNull();
            assertThat(s.countKeys()).isEqualTo(199);
            assertThat(s.get("user-7")).isEqualTo(value("user-7"));
        }
    }

    @Test
    void aStoreOpensOnlyWithTheKeyItWasCreatedWithAndARefusalChangesNoFile() throws IOException {
        Path enc = tmp.resolve("enc");
        Path plain = tmp.resolve("plain");
        fill(enc, encrypted(MASTER));
        fill(plain, Options.defaults());
        Map<String, String> encBefore = digest(enc);
        Map<String, String> plainBefore = digest(plain);
        byte[] wrong = MASTER.clone();
        wrong[0] ^= 1;
        assertThatThrownBy(() -> RocksDbProfileStore.open(enc))
                .isInstanceOf(IOException.class).hasMessageContaining(enc.toAbsolutePath().toString())
                .hasMessageContaining("the store is encrypted; open it with its encryption key");
        assertThatThrownBy(() -> RocksDbProfileStore.open(enc, encrypted(wrong)))
                .isInstanceOf(IOException.class).hasMessageContaining(enc.toAbsolutePath().toString())
                .hasMessageContaining("wrong encryption key");
        assertThatThrownBy(() -> RocksDbProfileStore.open(plain, encrypted(MASTER)))
                .isInstanceOf(IOException.class).hasMessageContaining(plain.toAbsolutePath().toString())
                .hasMessageContaining("created without an encryption key");
        assertThat(digest(enc)).as("files of the encrypted store").isEqualTo(encBefore);
        assertThat(digest(plain)).as("files of the plain store").isEqualTo(plainBefore);
        assertThatThrownBy(() -> Options.builder().encryptionKey(new byte[20]).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16, 24 or 32 bytes");
    }

    @Test
    void aRecordMovedToAnotherKeyIsRefusedNotReturned() throws Exception {
        Path dir = tmp.resolve("db");
        fill(dir, encrypted(MASTER));
        byte[] victimKey;
        byte[] otherKey;
        try (RocksDbProfileStore s = RocksDbProfileStore.open(dir, encrypted(MASTER))) {
            victimKey = s.hashedKey(VICTIM);
            otherKey = s.hashedKey("user-1");
        }
        byte[][] victim = raw(dir, victimKey);
        try (DBOptions o = new DBOptions(); Family f = new Family(dir, o, false)) { // the victim's record as user-1's
            f.db.put(f.handles.get(1), otherKey, victim[0]);
            f.db.put(f.handles.get(2), otherKey, victim[1]);
        }
        try (RocksDbProfileStore s = RocksDbProfileStore.open(dir, encrypted(MASTER))) {
            assertThatThrownBy(() -> s.get("user-1")).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("does not decrypt");
        }
    }

    /** The record and sealed data key under hashed key {@code hk}, read from the files of {@code dir}. */
    static byte[][] raw(Path dir, byte[] hk) throws RocksDBException {
        try (DBOptions o = new DBOptions(); Family f = new Family(dir, o, true)) {
            return new byte[][] {f.db.get(f.handles.get(1), hk), f.db.get(f.handles.get(2), hk)};
        }
    }

    /** The store's database opened with RocksDB itself: default, records and data-key column families. */
    private static final class Family implements AutoCloseable {
        final RocksDB db;
        final List<ColumnFamilyHandle> handles = new ArrayList<>();

        Family(Path dir, DBOptions o, boolean readOnly) throws RocksDBException {
            List<ColumnFamilyDescriptor> d = List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                    new ColumnFamilyDescriptor(RocksDbProfileStore.PROFILES),
                    new ColumnFamilyDescriptor(RocksDbProfileStore.DATA_KEYS));
            db = readOnly ? RocksDB.openReadOnly(o, dir.toString(), d, handles)
                    : RocksDB.open(o, dir.toString(), d, handles);
        }

        @Override
        public void close() {
            handles.forEach(ColumnFamilyHandle::close);
            db.close();
        }
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    /** Every file's name and content hash: a refused open must change none. */
    static Map<String, String> digest(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(f).toString(), Integer.toHexString(Arrays.hashCode(Files.readAllBytes(f))));
            }
        }
        return m;
    }
}
