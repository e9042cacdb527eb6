package dev.profilekit.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.store.ProfileStore;
import dev.profilekit.core.store.ProfileStore.Write;
import dev.profilekit.store.rocksdb.RocksDbProfileStore.Compression;
import dev.profilekit.store.rocksdb.RocksDbProfileStore.Options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.junit.jupiter.api.io.TempDir;

class RocksDbProfileStoreTest {

    @TempDir
    Path tmp;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, byte[]> content(ProfileStore store) {
        Map<String, byte[]> m = new TreeMap<>();
        store.scan((k, v) -> assertThat(m.put(k, v)).as("key %s visited twice", k).isNull());
        return m;
    }

    private RocksDbProfileStore open() throws IOException {
        return RocksDbProfileStore.open(tmp.resolve("db"));
    }

    @Test
    void putGetOverwriteAndDelete() throws IOException {
        try (RocksDbProfileStore s = open()) {
            assertThat(s.get("u1")).isNull();
            s.write(List.of(Write.put("u1", b("one")), Write.put("u2", b("two"))));
            assertThat(s.get("u1")).isEqualTo(b("one"));
            assertThat(s.get("u2")).isEqualTo(b("two"));
            s.write(List.of(Write.put("u1", b("uno"))));
            assertThat(s.get("u1")).isEqualTo(b("uno"));
            s.write(List.of(Write.delete("u2"), Write.delete("never-written")));
            assertThat(s.get("u2")).isNull();
            assertThat(s.get("never-written")).isNull();
            assertThat(content(s)).containsOnlyKeys("u1");
        }
    }

    @Test
    void anEmptyValueIsStoredAndDistinctFromAbsence() throws IOException {
        try (RocksDbProfileStore s = open()) {
            s.write(List.of(Write.put("empty", new byte[0])));
            assertThat(s.get("empty")).isNotNull().isEmpty();
            assertThat(content(s)).containsOnlyKeys("empty");
        }
    }

    @Test
    void aBatchIsAppliedInOrder() throws IOException {
        try (RocksDbProfileStore s = open()) {
            s.write(List.of(Write.put("b", b("old"))));
            s.write(List.of(Write.put("a", b("1")), Write.put("a", b("2")), Write.delete("b"), Write.put("b", b("3")),
                    Write.put("c", b("x")), Write.delete("c")));
            assertThat(s.get("a")).isEqualTo(b("2"));
            assertThat(s.get("b")).isEqualTo(b("3"));
            assertThat(s.get("c")).isNull();
            s.write(List.of()); // an empty batch changes nothing
            assertThat(content(s)).containsOnlyKeys("a", "b");
        }
    }

    @Test
    void valuesAreCopiedInAndOut() throws IOException {
        try (RocksDbProfileStore s = open()) {
            byte[] v = b("value");
            s.write(List.of(Write.put("u", v)));
            v[0] = 'X';
            byte[] got = s.get("u");
            assertThat(got).isEqualTo(b("value"));
            got[0] = 'Y';
            assertThat(s.get("u")).isEqualTo(b("value"));
        }
    }

    @Test
    void unicodeAndEmptyKeysRoundTripThroughUtf8() throws IOException {
        List<String> keys = List.of("", "é", "日本語", "emoji 😀", "a\u0000b", "x".repeat(10_000));
        try (RocksDbProfileStore s = open()) {
            List<Write> batch = new ArrayList<>();
            for (String k : keys) {
                batch.add(Write.put(k, b("v:" + k.length())));
            }
            s.write(batch);
            for (String k : keys) {
                assertThat(s.get(k)).as(k).isEqualTo(b("v:" + k.length()));
            }
            assertThat(content(s).keySet()).containsExactlyInAnyOrderElementsOf(keys);
        }
    }

    @Test
    void aBatchWithABadElementIsRefusedWholeAndWritesNothing() throws IOException {
        try (RocksDbProfileStore s = open()) {
            List<Write> withNull = new ArrayList<>();
            withNull.add(Write.put("ok", b("1")));
            withNull.add(null);
            assertThatThrownBy(() -> s.write(withNull))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch element 1");
            List<Write> loneSurrogate = List.of(Write.put("ok", b("1")), Write.put("bad\uD800", b("2")));
            assertThatThrownBy(() -> s.write(loneSurrogate))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("batch element 1").hasMessageContaining("lone surrogate");
            assertThat(content(s)).isEmpty();
            assertThatThrownBy(() -> s.get("\uDC00x"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lone surrogate at index 0");
        }
    }

    @Test
    void everyPublicMethodChecksItsArguments() throws IOException {
        try (RocksDbProfileStore s = open()) {
            assertThatThrownBy(() -> s.get(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("key");
            assertThatThrownBy(() -> s.write(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("batch");
            assertThatThrownBy(() -> s.scan(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("action");
        }
        assertThatThrownBy(() -> RocksDbProfileStore.open(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dir");
        assertThatThrownBy(() -> RocksDbProfileStore.open(tmp.resolve("x"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("options");
        assertThatThrownBy(() -> Options.builder().blockCacheBytes(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blockCacheBytes");
        assertThatThrownBy(() -> Options.builder().writeBufferBytes(1024).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("writeBufferBytes");
        assertThatThrownBy(() -> Options.builder().compression(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("compression");
        assertThat(Files.exists(tmp.resolve("x"))).as("a refused open creates nothing").isFalse();
    }

    @Test
    void afterCloseEveryCallThrowsIllegalStateAndCloseIsIdempotent() throws IOException {
        RocksDbProfileStore s = open();
        s.write(List.of(Write.put("u", b("v"))));
        s.close();
        s.close();
        Map<String, ThrowingConsumer<RocksDbProfileStore>> calls = new TreeMap<>();
        calls.put("get", st -> st.get("u"));
        calls.put("write", st -> st.write(List.of(Write.put("u", b("w")))));
        calls.put("scan", st -> st.scan((k, v) -> { }));
        calls.put("size", RocksDbProfileStore::size);
        calls.put("countKeys", RocksDbProfileStore::countKeys);
        calls.put("flush", RocksDbProfileStore::flush);
        for (Map.Entry<String, ThrowingConsumer<RocksDbProfileStore>> c : calls.entrySet()) {
            assertThatThrownBy(() -> c.getValue().accept(s)).as(c.getKey())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(c.getKey() + "()")
                    .hasMessageContaining("after close()")
                    .hasMessageContaining(s.directory().toString());
        }
        assertThat(s).hasToString("RocksDbProfileStore[" + s.directory() + ", closed]");
        try (RocksDbProfileStore again = open()) { // close released the directory lock
            assertThat(again.get("u")).isEqualTo(b("v"));
        }
    }

    @Test
    @SuppressWarnings("try") // close() inside the try-with-resources is what is tested
    void scanReadsASnapshotAndCloseFromInsideAScanIsRefused() throws IOException {
        try (RocksDbProfileStore s = open()) {
            s.write(List.of(Write.put("a", b("1")), Write.put("b", b("2")), Write.put("c", b("3"))));
            List<String> seen = new ArrayList<>();
            s.scan((k, v) -> {
                seen.add(k + "=" + new String(v, StandardCharsets.UTF_8));
                s.write(List.of(Write.delete("c"), Write.put("d", b("4")), Write.put("a", b("changed"))));
            });
            // in the order of the hashed keys: ids are not database keys any more
            assertThat(seen).containsExactlyInAnyOrder("a=1", "b=2", "c=3");
            assertThat(content(s)).containsOnlyKeys("a", "b", "d");
            assertThat(s.get("a")).isEqualTo(b("changed"));
            assertThatThrownBy(() -> s.scan((k, v) -> s.close()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("inside");
            assertThat(s.get("b")).as("still open").isEqualTo(b("2"));
        }
    }

    @Test
    void sizeEstimatesDistinctInsertsAndCountKeysIsExact() throws IOException {
        try (RocksDbProfileStore s = open()) {
            List<Write> batch = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                batch.add(Write.put("user-" + i, b("v" + i)));
            }
            s.write(batch);
            assertThat(s.size()).isEqualTo(1000);
            assertThat(s.countKeys()).isEqualTo(1000);
            List<Write> deletes = new ArrayList<>();
            for (int i = 0; i < 1000; i += 2) {
                deletes.add(Write.delete("user-" + i));
            }
            s.write(deletes);
            assertThat(s.countKeys()).isEqualTo(500);
            assertThat(s.size()).as("an estimate, but not negative").isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void reopeningKeepsEveryWriteIncludingTableFilesAndTheLog() throws IOException {
        Path dir = tmp.resolve("db");
        Options small = Options.builder().writeBufferBytes(Options.MIN_WRITE_BUFFER_BYTES).blockCacheBytes(1 << 20)
                .build();
        Map<String, byte[]> expected = new HashMap<>();
        Random r = new Random(7);
        try (RocksDbProfileStore s = RocksDbProfileStore.open(dir, small)) {
            writeRandomRounds(s, r, expected, 50, 3000, 1000); // ~2.5 MB through 64 KiB memtables: many table files
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(f -> f.toString().endsWith(".sst")).count()).as("table files").isPositive();
        }
        try (RocksDbProfileStore s = RocksDbProfileStore.open(dir, small)) {
            assertThat(content(s)).containsOnlyKeys(expected.keySet().toArray(String[]::new));
            expected.forEach((k, v) -> assertThat(s.get(k)).as(k).isEqualTo(v));
            s.write(List.of(Write.put("after-reopen", b("x")))); // only in the log: not closed cleanly below
            s.flush();
            expected.put("after-reopen", b("x"));
        }
        try (RocksDbProfileStore s = RocksDbProfileStore.open(dir)) {
            assertThat(content(s)).hasSize(expected.size());
            expected.forEach((k, v) -> assertThat(s.get(k)).as(k).isEqualTo(v));
        }
    }

    @Test
    void autoCompressionIsLz4WhereLinkedAndNoneIsHonoured() throws IOException {
        try (RocksDbProfileStore s = RocksDbProfileStore.open(tmp.resolve("auto"))) {
            assertThat(s.compression()).isEqualTo(Compression.LZ4);
        }
        assertThat(optionsFile(tmp.resolve("auto"))).contains("compression=kLZ4Compression");
        try (RocksDbProfileStore s = RocksDbProfileStore.open(tmp.resolve("none"),
                Options.builder().compression(Compression.NONE).syncEveryWrite(true).build())) {
            assertThat(s.compression()).isEqualTo(Compression.NONE);
            assertThat(s.options().syncEveryWrite()).isTrue();
            s.write(List.of(Write.put("u", b("v"))));
            assertThat(s.get("u")).isEqualTo(b("v"));
        }
        assertThat(optionsFile(tmp.resolve("none"))).contains("compression=kNoCompression");
    }

    /**
     * Writes {@code rounds} batches, each of 100 puts of random values (up to {@code maxValue} bytes) to random
     * users among {@code users} and one delete, and keeps {@code expected} up to date.
     */
    static void writeRandomRounds(RocksDbProfileStore s, Random r, Map<String, byte[]> expected, int rounds,
                                  int users, int maxValue) {
        for (int round = 0; round < rounds; round++) {
            List<Write> batch = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String k = "user-" + r.nextInt(users);
                byte[] v = new byte[r.nextInt(maxValue)];
                r.nextBytes(v);
                batch.add(Write.put(k, v));
                expected.put(k, v);
            }
            String gone = "user-" + r.nextInt(users);
            batch.add(Write.delete(gone));
            expected.remove(gone);
            s.write(batch);
        }
    }

    static String optionsFile(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            Path newest = files.filter(f -> f.getFileName().toString().startsWith("OPTIONS-")).max(Path::compareTo)
                    .orElseThrow();
            return Files.readString(newest);
        }
    }

    @Test
    void aNonEmptyDirectoryWithoutADatabaseIsRefusedAndLeftAlone() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("documents"));
        Files.writeString(dir.resolve("notes.txt"), "not a database");
        assertThatThrownBy(() -> RocksDbProfileStore.open(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(dir.toAbsolutePath().toString())
                .hasMessageContaining("holds no RocksDB database");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("notes.txt");
        }
    }

    @Test
    void aDamagedDatabaseIsRefusedWithTheDirectoryAndTheCause() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("damaged"));
        Files.writeString(dir.resolve("CURRENT"), "MANIFEST-000001\n");
        byte[] garbage = new byte[4096];
        new Random(1).nextBytes(garbage);
        Files.write(dir.resolve("MANIFEST-000001"), garbage);
        assertThatThrownBy(() -> RocksDbProfileStore.open(dir))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("Cannot open the RocksDB profile store in " + dir.toAbsolutePath() + ": ")
                .hasMessageContaining("damaged or not a RocksDB database");

        Path truncated = tmp.resolve("truncated");
        try (RocksDbProfileStore s = RocksDbProfileStore.open(truncated)) {
            s.write(List.of(Write.put("u", b("v"))));
        }
        Files.write(truncated.resolve("CURRENT"), new byte[0]);
        assertThatThrownBy(() -> RocksDbProfileStore.open(truncated))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("Cannot open the RocksDB profile store in " + truncated.toAbsolutePath())
                .hasMessageContaining("damaged or not a RocksDB database");
    }

    @Test
    void aRegularFileIsNotADirectory() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> RocksDbProfileStore.open(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toAbsolutePath().toString())
                .hasMessageContaining("not a directory");
    }

    @Test
    void aDirectoryOpenInThisProcessIsRefusedAsLocked() throws IOException {
        try (RocksDbProfileStore s = open()) {
            assertThatThrownBy(this::open)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(s.directory().toString())
                    .hasMessageContaining("locked by another open store");
            s.write(List.of(Write.put("u", b("v"))));
            assertThat(s.get("u")).as("the first store is unaffected").isEqualTo(b("v"));
        }
    }

    @Test
    void concurrentWritersReadersAndScansSeeWholeBatches() throws Exception {
        int threads = 4;
        int batches = 300;
        try (RocksDbProfileStore s = open()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
            try {
                AtomicBoolean writing = new AtomicBoolean(true);
                List<Future<?>> writers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    writers.add(pool.submit(() -> {
                        for (int i = 0; i < batches; i++) {
                            byte[] v = b(id + ":" + i);
                            // each batch sets both keys of the thread to the same value
                            s.write(List.of(Write.put("t" + id + "-a", v), Write.put("t" + id + "-b", v)));
                            assertThat(s.get("t" + id + "-a")).isEqualTo(v);
                        }
                        return null;
                    }));
                }
                Future<Integer> scanner = pool.submit(() -> {
                    int scans = 0;
                    while (writing.get() || scans == 0) {
                        Map<String, byte[]> snap = content(s);
                        for (int t = 0; t < threads; t++) {
                            assertThat(snap.get("t" + t + "-a")).as("a scan sees whole batches")
                                    .isEqualTo(snap.get("t" + t + "-b"));
                        }
                        scans++;
                    }
                    return scans;
                });
                for (Future<?> w : writers) {
                    w.get(5, TimeUnit.MINUTES);
                }
                writing.set(false);
                assertThat(scanner.get(5, TimeUnit.MINUTES)).isPositive();
            } finally {
                pool.shutdownNow();
            }
            for (int t = 0; t < threads; t++) {
                assertThat(s.get("t" + t + "-a")).isEqualTo(b(t + ":" + (batches - 1)));
                assertThat(s.get("t" + t + "-b")).isEqualTo(b(t + ":" + (batches - 1)));
            }
        }
    }

    @Test
    void closeWhileOtherThreadsWriteKeepsEveryReturnedWrite() throws Exception {
        Path dir = tmp.resolve("db");
        int threads = 3;
        Map<String, byte[]> returned = new ConcurrentHashMap<>();
        Map<Integer, Throwable> endings = new ConcurrentHashMap<>();
        RocksDbProfileStore s = RocksDbProfileStore.open(dir);
        CountDownLatch started = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                started.countDown();
                try {
                    for (int i = 0; ; i++) {
                        String k = "t" + id + "-" + i;
                        s.write(List.of(Write.put(k, b("v" + i))));
                        returned.put(k, b("v" + i));
                        s.get(k);
                        if (i % 50 == 0) {
                            s.scan((key, v) -> { });
                        }
                    }
                } catch (Throwable e) {
                    endings.put(id, e);
                }
            });
            w.start();
            workers.add(w);
        }
        started.await();
        while (returned.size() < 200) {
            Thread.onSpinWait();
        }
        s.close();
        for (Thread w : workers) {
            w.join(TimeUnit.MINUTES.toMillis(5));
            assertThat(w.isAlive()).isFalse();
        }
        assertThat(endings).hasSize(threads);
        endings.values().forEach(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after close()"));
        try (RocksDbProfileStore again = RocksDbProfileStore.open(dir)) {
            Map<String, byte[]> all = content(again);
            assertThat(all.keySet()).containsAll(returned.keySet());
            returned.forEach((k, v) -> assertThat(all.get(k)).as(k).isEqualTo(v));
        }
    }
}
