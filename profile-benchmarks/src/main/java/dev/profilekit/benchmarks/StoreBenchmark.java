package dev.profilekit.benchmarks;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.store.rocksdb.RocksDbProfileStore;
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
 * {@link ProfileUpdater#onEvent(Event)} with the profiles in RocksDB ({@code profile-store-rocksdb}) behind the
 * updater's cache: {@code users} profiles (default 1,000,000, the fixture schema) of which {@code cache}
 * (default 100,000) stay in memory. {@code access=uniform} picks the user of each event uniformly (the cache
 * holds a tenth of them: the hit rate is about 10%), {@code access=hot} sends 90% of events to a tenth of the
 * users (about the cache's size). The cache hit rate of the measured events is printed at the end of each trial
 * ({@link ProfileUpdater#cacheMisses()}). Every user gets one event before measuring, and the store is flushed.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class StoreBenchmark {

    @State(Scope.Benchmark)
    public static class Engine {

        @Param({"1000000"})
        public int users;

        @Param({"100000"})
        public int cache;

        @Param({"uniform", "hot"})
        public String access;

        /** Pre-built events; a trial fails if it consumes more. */
        @Param({"8388608"})
        public int events;

        Path dir;
        RocksDbProfileStore store;
        ProfileUpdater updater;
        Event[] stream;
        int next;
        long missesBefore;
        int measuredFrom;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("profilekit-store-bench");
            // -Dbench.blockCache=BYTES sizes RocksDB's block cache, -Dbench.pointLookups=false turns the store's
            // point-lookup tuning off (default: the store's own defaults)
            RocksDbProfileStore.Options defaults = RocksDbProfileStore.Options.defaults();
            store = RocksDbProfileStore.open(dir, RocksDbProfileStore.Options.builder()
                    .blockCacheBytes(Long.getLong("bench.blockCache", defaults.blockCacheBytes()))
                    .pointLookups(Boolean.parseBoolean(System.getProperty("bench.pointLookups",
                            String.valueOf(defaults.pointLookups()))))
                    .build());
            updater = ProfileUpdater.builder(Fixtures.schema("fixture")).store(store).cacheSize(cache)
                    .expectedUsers(cache).build();
            String[] ids = Fixtures.userIds(users);
            Fixtures.warmUsers(updater, ids);
            updater.flush();
            SplittableRandom r = new SplittableRandom(42);
            Map<String, Object> view = Map.of("category", "books", "product", "p1");
            Map<String, Object> buy = Map.of("category", "toys", "product", "p2", "amount", 12.5);
            stream = new Event[events];
            long t = Fixtures.STREAM_START;
            int hot = Math.max(1, users / 10);
            for (int i = 0; i < events; i++) {
                t += 1 + r.nextInt(100);
                int u = access.equals("hot") && r.nextInt(10) != 0 ? r.nextInt(hot) : r.nextInt(users);
                stream[i] = Event.of("m" + i, ids[u], r.nextInt(10) == 0 ? "purchase" : "view", t,
                        r.nextInt(10) == 0 ? buy : view);
            }
            missesBefore = updater.cacheMisses();
            next = 0;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            long misses = updater.cacheMisses() - missesBefore;
            System.out.printf("%n[store] users=%d cache=%d access=%s: %,d events, cache hit rate %.1f%%, store keys ~%,d%n",
                    users, cache, access, next, 100.0 * (1 - (double) misses / Math.max(1, next)), store.size());
            updater.close();
            store.close();
            Fixtures.deleteTree(dir);
        }

        /** Ingests the next pre-built event. */
        Object onEventOnce() {
            if (next == stream.length) {
                throw new IllegalStateException("ran out of pre-built events: raise -p events");
            }
            return updater.onEvent(stream[next++]);
        }
    }

    @Benchmark
    public Object onEvent(Engine e) {
        return e.onEventOnce();
    }
}
