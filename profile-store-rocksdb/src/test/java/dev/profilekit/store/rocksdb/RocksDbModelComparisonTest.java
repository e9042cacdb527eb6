package dev.profilekit.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.store.ProfileStore;
import dev.profilekit.core.store.ProfileStore.Write;
import dev.profilekit.core.store.ProfileStores;
import dev.profilekit.store.rocksdb.RocksDbProfileStore.Options;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random sequences of batches, reads, scans, flushes and reopens on the RocksDB store and on
 * {@link ProfileStores#heap()}, the reference: after every step both must hold the same keys and values.
 * Keys come from a small space (so puts overwrite and deletes hit) with non-ASCII, supplementary and empty
 * keys; values include empty arrays.
 */
class RocksDbModelComparisonTest {

    private static final String[] KEY_PARTS = {"", "u", "é", "日", "😀", "a b", "0"};

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 42, 2026})
    void behavesLikeTheHeapStore(long seed) throws IOException {
        Random r = new Random(seed);
        Path dir = tmp.resolve("db");
        Options options = Options.builder().writeBufferBytes(Options.MIN_WRITE_BUFFER_BYTES)
                .blockCacheBytes(r.nextBoolean() ? 0 : 1 << 20).build();
        ProfileStore model = ProfileStores.heap();
        RocksDbProfileStore store = RocksDbProfileStore.open(dir, options);
        try {
            for (int step = 0; step < 400; step++) {
                String at = "seed " + seed + ", step " + step;
                int op = r.nextInt(100);
                if (op < 55) {
                    List<Write> batch = randomBatch(r);
                    model.write(batch);
                    store.write(batch);
                } else if (op < 80) {
                    String k = randomKey(r);
                    assertThat(store.get(k)).as("get(%s), %s", k, at).isEqualTo(model.get(k));
                } else if (op < 90) {
                    assertContentEqual(model, store, at);
                } else if (op < 95) {
                    store.flush();
                } else {
                    store.close();
                    store = RocksDbProfileStore.open(dir, options);
                    assertContentEqual(model, store, at + " after reopen");
                }
            }
            assertContentEqual(model, store, "seed " + seed + ", end");
        } finally {
            store.close();
        }
    }

    private static void assertContentEqual(ProfileStore model, RocksDbProfileStore store, String at) {
        Map<String, byte[]> expected = content(model);
        Map<String, byte[]> actual = content(store);
        assertThat(actual.keySet()).as("keys, %s", at).containsExactlyElementsOf(expected.keySet());
        expected.forEach((k, v) -> assertThat(actual.get(k)).as("value of %s, %s", k, at).isEqualTo(v));
        assertThat(store.countKeys()).as("countKeys, %s", at).isEqualTo(model.size());
    }

    private static Map<String, byte[]> content(ProfileStore store) {
        Map<String, byte[]> m = new TreeMap<>();
        store.scan((k, v) -> assertThat(m.put(k, v)).as("key %s visited twice", k).isNull());
        return m;
    }

    private static List<Write> randomBatch(Random r) {
        int n = r.nextInt(12); // empty batches too
        List<Write> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String k = randomKey(r);
            if (r.nextInt(4) == 0) {
                batch.add(Write.delete(k));
            } else {
                byte[] v = new byte[r.nextInt(4) == 0 ? 0 : r.nextInt(2000)];
                r.nextBytes(v);
                batch.add(Write.put(k, v));
            }
        }
        return batch;
    }

    private static String randomKey(Random r) {
        int parts = r.nextInt(3);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts; i++) {
            sb.append(KEY_PARTS[r.nextInt(KEY_PARTS.length)]);
        }
        return sb.append(r.nextInt(20)).toString();
    }
}
