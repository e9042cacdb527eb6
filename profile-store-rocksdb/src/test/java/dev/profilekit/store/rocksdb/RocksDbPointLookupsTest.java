package dev.profilekit.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.store.rocksdb.RocksDbProfileStore.Options;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Options#pointLookups()}: what it sets in the database, and that it changes nothing of what is stored. */
class RocksDbPointLookupsTest {

    @TempDir
    Path tmp;

    @Test
    void onByDefaultAndSetInTheDatabaseOnlyWhenOn() throws IOException {
        assertThat(Options.defaults().pointLookups()).isTrue();
        assertThat(new Options(false, 0, Options.MIN_WRITE_BUFFER_BYTES, RocksDbProfileStore.Compression.NONE, null)
                .pointLookups()).as("the constructor of before the option").isTrue();
        try (RocksDbProfileStore s = RocksDbProfileStore.open(tmp.resolve("on"))) {
            assertThat(s.options().pointLookups()).isTrue();
        }
        String on = RocksDbProfileStoreTest.optionsFile(tmp.resolve("on"));
        assertThat(on).contains("data_block_index_type=kDataBlockBinaryAndHash")
                .contains("memtable_whole_key_filtering=true").contains("memtable_prefix_bloom_size_ratio=0.02");
        try (RocksDbProfileStore s = RocksDbProfileStore.open(tmp.resolve("off"), tuned(false))) {
            assertThat(s.options().pointLookups()).isFalse();
        }
        String off = RocksDbProfileStoreTest.optionsFile(tmp.resolve("off"));
        assertThat(off).contains("data_block_index_type=kDataBlockBinarySearch")
                .contains("memtable_whole_key_filtering=false").contains("memtable_prefix_bloom_size_ratio=0");
        assertThat(tuned(true)).isNotEqualTo(tuned(false));
        assertThat(tuned(false).toString()).contains("pointLookups=false");
    }

    /**
     * A store written without the tuning (as every store before it) reads back whole with it, table files, log
     * and deletes included; and one written with it reads back without it.
     */
    @Test
    void eachSettingReadsBackWhatTheOtherWrote() throws IOException {
        Path dir = tmp.resolve("db");
        Map<String, byte[]> expected = new TreeMap<>();
        Random r = new Random(11);
        try (RocksDbProfileStore s = RocksDbProfileStore.open(dir, tuned(false))) {
            RocksDbProfileStoreTest.writeRandomRounds(s, r, expected, 40, 2000, 600); // many table files
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(f -> f.toString().endsWith(".sst")).count()).as("table files").isPositive();
        }
        try (RocksDbProfileStore s = RocksDbProfileStore.open(dir, tuned(true))) {
            assertReadsBack(s, expected);
            RocksDbProfileStoreTest.writeRandomRounds(s, r, expected, 40, 2000, 600); // many table files
            assertReadsBack(s, expected);
        }
        try (RocksDbProfileStore s = RocksDbProfileStore.open(dir, tuned(false))) {
            assertReadsBack(s, expected);
        }
    }

    private static Options tuned(boolean pointLookups) {
        return Options.builder().writeBufferBytes(Options.MIN_WRITE_BUFFER_BYTES).blockCacheBytes(1 << 20)
                .pointLookups(pointLookups).build();
    }

    private static void assertReadsBack(RocksDbProfileStore s, Map<String, byte[]> expected) {
        Map<String, byte[]> scanned = new TreeMap<>();
        s.scan(scanned::put);
        assertThat(scanned).containsOnlyKeys(expected.keySet().toArray(String[]::new));
        expected.forEach((k, v) -> {
            assertThat(s.get(k)).as(k).isEqualTo(v);
            assertThat(scanned.get(k)).as(k).isEqualTo(v);
        });
        for (int i = 0; i < 2000; i++) { // absent users stay absent (the filters skip, never hide)
            String k = "user-" + i;
            if (!expected.containsKey(k)) {
                assertThat(s.get(k)).as(k).isNull();
            }
        }
    }
}
