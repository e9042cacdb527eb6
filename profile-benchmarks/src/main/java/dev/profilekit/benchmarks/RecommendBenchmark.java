package dev.profilekit.benchmarks;

import dev.profilekit.core.engine.DedupRetention;
import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.Outcome;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.live.recommend.RecommendConfig;
import dev.profilekit.core.live.recommend.Recommendation;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.schema.ProfileSchema;
import java.time.Duration;
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
 * The live recommender at 100k items and 100k users (parameters {@code items}, {@code users}), one thread: {@code onEvent} with a recommend section
 * ({@code recommend=true}: the O(M) co-occurrence update on every view, cart and purchase) against the same
 * schema and events without models ({@code recommend=false}), and {@code recommend(user, 10)} for random users
 * once every item has its neighbours (average time per list).
 *
 * <p>The stream: {@code items / 100} taste groups of 100 items (every item in exactly one), each user with two tastes; an event's
 * item comes from the user's tastes with probability 0.8 (skewed towards the group's first items), else from a
 * Zipf(1) law over all items. The first quarter of the pre-built stream (4M events) is replayed before measuring, so measured
 * events land on existing users and items whose neighbour tables are full.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms8g", "-Xmx8g"})
public class RecommendBenchmark {

    /** Items per taste group. */
    static final int GROUP = 100;
    private static final String[] TYPES = {"view", "view", "view", "view", "cart", "purchase"};

    static ModelsConfig recommendConfig(int neighbours, int recent) {
        return ModelsConfig.builder().recommend(RecommendConfig.builder("product").k(10)
                .weights(Map.of("view", 1.0, "cart", 3.0, "purchase", 5.0)).halfLife(Duration.ofDays(30))
                .exclude(List.of("purchase")).maxNeighbours(neighbours).maxRecentItems(recent).build()).build();
    }

    /** The pre-built stream. */
    static Event[] stream(int events, int users, int items) {
        int groups = items / GROUP;
        SplittableRandom r = new SplittableRandom(42);
        String[] userIds = Fixtures.userIds(users);
        int[] perm = new int[items];
        for (int i = 0; i < items; i++) {
            perm[i] = i;
        }
        for (int i = items - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object>[] attrs = new Map[items];
        for (int i = 0; i < items; i++) {
            attrs[i] = Map.of("product", "p" + i);
        }
        double[] zipf = new double[items];
        double sum = 0;
        for (int i = 0; i < items; i++) {
            sum += 1.0 / (i + 1);
            zipf[i] = sum;
        }
        int[][] tastes = new int[users][2];
        for (int[] t : tastes) {
            t[0] = r.nextInt(groups);
            t[1] = r.nextInt(groups);
        }
        int[] perUser = new int[users];
        Event[] out = new Event[events];
        long t = 1_767_225_600_000L;
        for (int e = 0; e < events; e++) {
            t += 1 + r.nextInt(200);
            int u = r.nextInt(users);
            int item;
            if (r.nextDouble() < 0.8) {
                int g = tastes[u][r.nextDouble() < 0.7 ? 0 : 1];
                int rank = (int) Math.min(GROUP - 1, Math.floor(Math.pow(r.nextDouble(), 2) * GROUP));
                item = perm[g * GROUP + rank];
            } else {
                double x = r.nextDouble() * sum;
                int lo = 0;
                int hi = items - 1;
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (zipf[mid] < x) {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                item = perm[lo];
            }
            out[e] = Event.of("e" + perUser[u]++, userIds[u], TYPES[r.nextInt(TYPES.length)], t, attrs[item]);
        }
        return out;
    }

    /** onEvent with and without the recommender. */
    @State(Scope.Thread)
    public static class Ingest {
        @Param({"16777216"})
        int events;

        @Param({"100000"})
        int users;

        @Param({"100000"})
        int items;

        @Param({"true", "false"})
        boolean recommend;

        /** max_neighbours (N). */
        @Param({"50"})
        int neighbours;

        /** max_recent_items (M). */
        @Param({"20"})
        int recent;

        Event[] stream;
        ProfileUpdater updater;
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            stream = stream(events, users, items);
            ProfileSchema schema = ProfileSchema.fromJson(OnEventModelsBenchmark.resource("/live-schema.json"));
            ProfileUpdater.Builder b = ProfileUpdater.builder(schema).expectedUsers(users)
                    .dedupRetention(DedupRetention.WITHIN_LATENESS);
            if (recommend) {
                b.models(recommendConfig(neighbours, recent));
            }
            updater = b.build();
            int warm = events / 4;
            for (int i = 0; i < warm; i++) {
                updater.onEvent(stream[i]);
            }
            next = warm;
        }

        @TearDown(Level.Iteration)
        public void check() {
            if (next >= events) {
                throw new IllegalStateException("ran out of pre-built events (" + events + ")");
            }
        }
    }

    /** A recommender that has seen the whole stream; lists for random users. */
    @State(Scope.Thread)
    public static class Lists {
        @Param({"4000000"})
        int events;

        /** max_neighbours (N). */
        @Param({"50"})
        int neighbours;

        /** max_recent_items (M). */
        @Param({"20"})
        int recent;

        @Param({"100000"})
        int users;

        @Param({"100000"})
        int items;

        ProfileUpdater updater;
        String[] sample;
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            Event[] stream = stream(events, users, items);
            ProfileSchema schema = ProfileSchema.fromJson(OnEventModelsBenchmark.resource("/live-schema.json"));
            updater = ProfileUpdater.builder(schema).expectedUsers(users)
                    .dedupRetention(DedupRetention.WITHIN_LATENESS).models(recommendConfig(neighbours, recent)).build();
            for (Event e : stream) {
                updater.onEvent(e);
            }
            SplittableRandom r = new SplittableRandom(7);
            String[] ids = Fixtures.userIds(users);
            sample = new String[1 << 16];
            for (int i = 0; i < sample.length; i++) {
                sample[i] = ids[r.nextInt(users)];
            }
            if (updater.recommend(sample[0], 10).size() != 10) {
                throw new IllegalStateException("a list of fewer than 10 items after the replay");
            }
        }
    }

    @Benchmark
    public Outcome onEvent(Ingest s) {
        return s.updater.onEvent(s.stream[s.next++]);
    }

    @Benchmark
    public List<Recommendation> recommend(Lists s) {
        return s.updater.recommend(s.sample[s.next++ & (s.sample.length - 1)], 10);
    }
}
