package dev.profilekit.benchmarks;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
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
 * Time to write a snapshot of {@code users} profiles (default 1,000,000 of the fixture schema, 5 events each, ids
 * remembered within the lateness) with {@link ProfileUpdater#snapshot}, which is also the pause of ingestion, and
 * to restore it into a new updater with {@link ProfileUpdater#restore}. Single-shot: each iteration is one full
 * snapshot or restore. The file size is printed.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms8g", "-Xmx8g"})
public class SnapshotBenchmark {

    @State(Scope.Benchmark)
    public static class Profiles {

        @Param({"1000000"})
        public int users;

        @Param({"false", "true"})
        public boolean encrypted;

        ProfileUpdater updater;
        Path dir;
        Path file;
        byte[] key;

        ProfileUpdater.Builder builder() {
            ProfileUpdater.Builder b = ProfileUpdater.builder(Fixtures.schema("fixture")).expectedUsers(users);
            return encrypted ? b.encryptionKey(key) : b;
        }

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            key = new byte[32];
            new SplittableRandom(1).nextBytes(key);
            dir = Files.createTempDirectory("profilekit-snapshot-bench");
            file = dir.resolve("profiles.pks");
            updater = builder().build();
            String[] ids = Fixtures.userIds(users);
            SplittableRandom r = new SplittableRandom(3);
            long t = Fixtures.STREAM_START;
            for (int k = 0; k < 5; k++) {
                for (String u : ids) {
                    t += 1;
                    updater.onEvent(Event.of("e" + k, u, k == 4 ? "purchase" : "view", t,
                            Map.of("category", "c" + r.nextInt(8), "product", "p" + r.nextInt(300), "amount", 9.5)));
                }
            }
            updater.snapshot(file, Map.of());
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            System.out.printf("%n[snapshot] users=%d encrypted=%s: file %,d bytes (%.0f bytes per profile)%n", users,
                    encrypted, Files.size(file), Files.size(file) / (double) users);
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    @Benchmark
    public Object snapshot(Profiles p) {
        return p.updater.snapshot(p.file, Map.of());
    }

    @Benchmark
    public Object restore(Profiles p) {
        return p.builder().build().restore(p.file);
    }
}
