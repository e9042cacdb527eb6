package dev.profilekit.benchmarks;

import dev.profilekit.core.DedupRetention;
import dev.profilekit.core.Event;
import dev.profilekit.core.FeatureKind;
import dev.profilekit.core.FeatureSpec;
import dev.profilekit.core.Outcome;
import dev.profilekit.core.ProfileSchema;
import dev.profilekit.core.ProfileStores;
import dev.profilekit.core.ProfileUpdater;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
 * Throughput of {@link ProfileUpdater#onEvent(Event)} on existing users, one thread.
 *
 * <p>Events (2^24) are generated once per trial, before measuring, so the benchmark allocates nothing of
 * its own: globally increasing times, random users, ids unique per user, attributes from small pools.
 * All users have one event before measuring starts, so every measured event is ACCEPTED on an existing
 * user; a trial that runs out of pre-built events fails (ArrayIndexOutOfBounds) rather than measuring
 * duplicates, which is why warm-up and measurement are short. Run with {@code -prof gc} for
 * {@code gc.alloc.rate.norm} (B/op).
 *
 * <p>{@code schema=fixture} is the 17-feature schema of the worked example; {@code schema=scalar}
 * keeps only its scalar kinds (no distinct_count, top_k, sessions), the ones that must allocate nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms8g", "-Xmx8g"})
public class OnEventBenchmark {

    private static final int EVENTS = 1 << 24;
    private static final String[] TYPES = {"view", "view", "view", "view", "cart", "purchase", "search"};
    private static final String[] CATEGORIES = {"books", "games", "garden", "music", "toys", "tools", "food", "sport"};

    @Param({"100000"})
    int users;

    @Param({"fixture", "scalar"})
    String schema;

    @Param({"WITHIN_LATENESS", "ALL"})
    DedupRetention dedup;

    private Event[] events;
    private String[] userIds;
    private ProfileUpdater updater;
    private int next;

    static ProfileSchema fixtureSchema() {
        try (InputStream in = OnEventBenchmark.class.getResourceAsStream("/fixture-schema.json")) {
            return ProfileSchema.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ProfileSchema scalarSchema() {
        ProfileSchema full = fixtureSchema();
        ProfileSchema.Builder b = ProfileSchema.builder().allowedLateness(full.allowedLateness().orElse(null));
        for (FeatureSpec f : full.features()) {
            if (f.kind() != FeatureKind.DISTINCT_COUNT && f.kind() != FeatureKind.TOP_K
                    && f.kind() != FeatureKind.SESSIONS) {
                b.feature(f);
            }
        }
        return b.build();
    }

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom r = new SplittableRandom(42);
        userIds = new String[users];
        for (int i = 0; i < users; i++) {
            userIds[i] = "user-" + i;
        }
        // Attribute maps are shared between events (Event.of keeps immutable maps as they are), and ids
        // are unique per user (the k-th event of every user has id "e<k>"): the pre-built stream then
        // costs ~40 bytes an event, so enough of it fits in memory for every iteration of a trial.
        List<Map<String, Object>> views = new ArrayList<>();
        List<Map<String, Object>> purchases = new ArrayList<>();
        for (int i = 0; i < 4096; i++) {
            String category = CATEGORIES[r.nextInt(CATEGORIES.length)];
            String product = "p" + r.nextInt(300);
            views.add(Map.of("category", category, "product", product));
            purchases.add(Map.of("category", category, "product", product, "amount", r.nextInt(10_000) / 100.0));
        }
        int[] perUser = new int[users];
        String[] idPool = new String[1 << 12];
        for (int i = 0; i < idPool.length; i++) {
            idPool[i] = "e" + i;
        }
        events = new Event[EVENTS];
        long t = 1_767_225_600_000L + 86_400_000L;
        for (int i = 0; i < EVENTS; i++) {
            t += 1 + r.nextInt(100); // ~50 ms apart: ~80 min between two events of one user
            int u = r.nextInt(users);
            String type = TYPES[r.nextInt(TYPES.length)];
            Map<String, Object> attrs = (type.equals("purchase") ? purchases : views).get(r.nextInt(4096));
            if (perUser[u] == idPool.length) {
                idPool = java.util.Arrays.copyOf(idPool, idPool.length * 2);
                for (int k = idPool.length / 2; k < idPool.length; k++) {
                    idPool[k] = "e" + k;
                }
            }
            events[i] = Event.of(idPool[perUser[u]++], userIds[u], type, t, attrs);
        }
        updater = ProfileUpdater.builder(schema.equals("scalar") ? scalarSchema() : fixtureSchema())
                .store(ProfileStores.inMemory(users))
                .dedupRetention(dedup)
                .build();
        long t0 = 1_767_225_600_000L;
        for (String u : userIds) {
            updater.onEvent(Event.of("warm", u, "view", t0, Map.of("category", "books", "product", "p0")));
        }
        next = 0;
    }

    @TearDown(Level.Iteration)
    public void check() {
        if (next >= EVENTS) {
            throw new IllegalStateException("ran out of pre-built events (" + EVENTS + "); raise EVENTS");
        }
    }

    @Benchmark
    public Outcome onEvent() {
        return updater.onEvent(events[next++]);
    }
}
