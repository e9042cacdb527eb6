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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
