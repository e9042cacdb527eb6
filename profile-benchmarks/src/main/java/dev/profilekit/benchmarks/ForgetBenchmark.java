package dev.profilekit.benchmarks;

import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.store.rocksdb.RocksDbProfileStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of erasure in the RocksDB store: {@code forgets} calls of {@link ProfileUpdater#forget} followed by
 * one {@link ProfileUpdater#flush()}, which flushes the memtables, compacts the forgotten users' key ranges (or,
 * past {@code RocksDbProfileStore.PER_KEY_COMPACTIONS} users, the whole key space) to the bottommost level,
 * rolls the MANIFEST and deletes obsolete files. The store holds {@code users} profiles of the fixture schema
 * (default 100,000); {@code encrypted} adds the updater's and the store's encryption (data key per user). Each
 * measured operation forgets users not forgotten before; single shots, since each one changes the store.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 15)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ForgetBenchmark {

    private static final byte[] KEY = "benchmark master key of 32 bytes".getBytes(StandardCharsets.US_ASCII);

    @State(Scope.Benchmark)
    public static class Store {

        @Param({"100000"})
        public int users;

        /** Users forgotten before the one flush. */
        @Param({"1", "8", "100", "1000"})
        public int forgets;

        @Param({"false", "true"})
        public boolean encrypted;

        Path dir;
        RocksDbProfileStore store;
        ProfileUpdater updater;
        String[] ids;
        int next;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("profilekit-forget-bench");
            RocksDbProfileStore.Options.Builder o = RocksDbProfileStore.Options.builder();
            store = RocksDbProfileStore.open(dir, (encrypted ? o.encryptionKey(KEY) : o).build());
            ProfileUpdater.Builder b = ProfileUpdater.builder(Fixtures.schema("fixture")).store(store)
                    .cacheSize(10_000);
            updater = (encrypted ? b.encryptionKey(KEY) : b).build();
            ids = Fixtures.userIds(users);
            Fixtures.warmUsers(updater, ids);
            updater.flush();
            next = 0;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            System.out.printf("%n[forget] users=%d forgets=%d encrypted=%b: %,d users forgotten, %,d left%n",
                    users, forgets, encrypted, next, store.countKeys());
            updater.close();
            store.close();
            Fixtures.deleteTree(dir);
        }
    }

    @Benchmark
    public void forgetThenFlush(Store s) {
        if (s.next + s.forgets > s.ids.length) {
            throw new IllegalStateException("every user was forgotten: raise -p users or lower the iterations");
        }
        for (int i = 0; i < s.forgets; i++) {
            s.updater.forget(s.ids[s.next++]);
        }
        s.updater.flush();
    }
}
