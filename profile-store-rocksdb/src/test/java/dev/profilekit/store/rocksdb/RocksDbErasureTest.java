package dev.profilekit.store.rocksdb;

import static dev.profilekit.store.rocksdb.FileBytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.store.ProfileStore.Write;
import dev.profilekit.store.rocksdb.RocksDbProfileStore.Compression;
import dev.profilekit.store.rocksdb.RocksDbProfileStore.Options;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/** A delete followed by flush leaves no copy of the user's id, value or hashed key in any file of the store. */
class RocksDbErasureTest {

    private static final String VICTIM = "victim-q7Zx";
    private static final String SECRET_VALUE = "PAYLOAD-Kw93-zebra";

    @TempDir
    Path tmp;

    private static Options noCompression() {
        return Options.builder().compression(Compression.NONE).writeBufferBytes(Options.MIN_WRITE_BUFFER_BYTES).build();
    }

    private static byte[] value(String user, int version) {
        return utf8("{" + user + "|v" + version + "|" + (user.equals(VICTIM) ? SECRET_VALUE : "ordinary") + "}");
    }

    @Test
    void aDeleteThenFlushLeavesNoCopyInAnyFile() throws IOException {
        Path dir = tmp.resolve("db");
        Map<String, byte[]> needles = new LinkedHashMap<>();
        try (RocksDbProfileStore s = RocksDbProfileStore.open(dir, noCompression())) {
            needles.put("id", utf8(VICTIM));
            needles.put("value", utf8(SECRET_VALUE));
            needles.putAll(FileBytes.withHex("hashed key", s.hashedKey(VICTIM)));
            for (int version = 0; version < 3; version++) { // older versions in several table files and logs
                List<Write> batch = new ArrayList<>();
                for (int u = 0; u < 2000; u++) {
                    String user = u == 1000 ? VICTIM : "user-" + u;
                    batch.add(Write.put(user, value(user, version)));
                }
                s.write(batch);
                s.flush();
            }
        }
        try (RocksDbProfileStore s = RocksDbProfileStore.open(dir, noCompression())) {
            assertThat(FileBytes.find(dir, needles)).as("before the delete").containsKeys("id", "value");
            s.write(List.of(Write.put(VICTIM, value(VICTIM, 9)))); // the newest version only in the log
            s.write(List.of(Write.delete(VICTIM)));
            s.flush();
            assertThat(FileBytes.find(dir, needles)).as("after delete + flush").isEmpty();
            assertThat(s.get("user-7")).isEqualTo(value("user-7", 2));
        }
        assertThat(FileBytes.find(dir, needles)).as("after close").isEmpty();
        try (RocksDbProfileStore s = RocksDbProfileStore.open(dir, noCompression())) {
            assertThat(FileBytes.find(dir, needles)).as("after reopening").isEmpty();
            assertThat(s.get(VICTIM)).isNull();
            assertThat(s.countKeys()).isEqualTo(1999);
            assertThat(s.get("user-1999")).isEqualTo(value("user-1999", 2));
        }
    }

    /** Writes a database as the previous version of the store did: raw ids as keys in the default family. */
    private static void writeRawKeyStore(Path dir, int users) throws RocksDBException {
        try (org.rocksdb.Options o = new org.rocksdb.Options().setCreateIfMissing(true)
                .setCompressionType(CompressionType.NO_COMPRESSION);
             RocksDB db = RocksDB.open(o, dir.toString());
             FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
            for (int version = 0; version < 2; version++) {
                for (int u = 0; u < users; u++) {
                    String user = u == users / 2 ? VICTIM : "user-" + u;
                    db.put(utf8(user), value(user, version));
                }
                if (version == 0) {
                    db.flush(fo); // version 0 in a table file, version 1 only in the log
                }
            }
        }
    }

    @Test
    void aStoreWithRawIdKeysIsMigratedOnOpenAndNoFileKeepsARawKey() throws Exception {
        Path plain = tmp.resolve("plain");
        writeRawKeyStore(plain, 300);
        try (RocksDbProfileStore s = RocksDbProfileStore.open(plain, noCompression())) {
            Map<String, byte[]> all = new java.util.TreeMap<>();
            s.scan(all::put);
            assertThat(all).hasSize(300);
            all.forEach((k, v) -> assertThat(v).as(k).isEqualTo(value(k, 1)));
            assertThat(s.get(VICTIM)).isEqualTo(value(VICTIM, 1));
            s.write(List.of(Write.delete(VICTIM)));
            s.flush();
            assertThat(FileBytes.find(plain, Map.of("id", utf8(VICTIM), "value", utf8(SECRET_VALUE))))
                    .as("files after the migration and delete + flush").isEmpty();
        }
        // with an encryption key every id and value goes into sealed records: none is left in the clear
        Path encrypted = tmp.resolve("encrypted");
        writeRawKeyStore(encrypted, 300);
        Options enc = Options.builder().compression(Compression.NONE)
                .encryptionKey("master key, 32 bytes, for tests!".getBytes(StandardCharsets.US_ASCII)).build();
        try (RocksDbProfileStore s = RocksDbProfileStore.open(encrypted, enc)) {
            assertThat(s.countKeys()).isEqualTo(300);
            assertThat(s.get("user-3")).isEqualTo(value("user-3", 1));
        }
        assertThat(FileBytes.find(encrypted, Map.of("an id", utf8("user-3"), "the victim's id", utf8(VICTIM),
                "a value", utf8("ordinary")))).as("files of the migrated encrypted store").isEmpty();
        try (RocksDbProfileStore s = RocksDbProfileStore.open(encrypted, enc)) {
            assertThat(s.countKeys()).as("reopened").isEqualTo(300);
            assertThat(s.get(VICTIM)).isEqualTo(value(VICTIM, 1));
        }
    }
}
