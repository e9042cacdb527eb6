package dev.profilekit.benchmarks;

import dev.profilekit.core.engine.DedupRetention;
import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.Outcome;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.live.propensity.PropensityModel;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.schema.ProfileSchema;
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
 * Throughput of {@code onEvent} with live models, one thread: the {@code examples/live} schema and models
 * (propensity scoring and segment assignment on every accepted event, point-in-time sampling, label
 * resolution and online learning; retrains and refits on the background thread).
 *
 * <p>The models are fitted before measuring, by replaying the first quarter of the pre-built stream with
 * inline retrains; measurement continues on the rest of the stream, so every measured event is ACCEPTED on
 * an existing user and is scored by a fitted model. {@code models=false} runs the same schema and events
 * without models, for the cost of scoring.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms8g", "-Xmx8g"})
public class OnEventModelsBenchmark {

    private static final String[] TYPES = {"view", "view", "view", "view", "cart", "purchase", "search"};
    private static final String[] CATEGORIES = {"books", "electronics", "fashion", "home", "sports", "beauty", "toys",
        "grocery"};

    @Param({"100000"})
    int users;

    @Param({"16777216"})
    int events;

    @Param({"true", "false"})
    boolean models;

    private Event[] stream;
    private ProfileUpdater updater;
    private int next;

    static String resource(String name) {
        try (InputStream in = OnEventModelsBenchmark.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        SplittableRandom r = new SplittableRandom(42);
        String[] userIds = Fixtures.userIds(users);
        // each user has a favourite category and a purchase propensity, so the models have something to learn
        int[] favourite = new int[users];
        double[] buyer = new double[users];
        for (int i = 0; i < users; i++) {
            favourite[i] = r.nextInt(CATEGORIES.length);
            buyer[i] = Math.exp(r.nextGaussian());
        }
        List<Map<String, Object>> views = new ArrayList<>();
        List<Map<String, Object>> purchases = new ArrayList<>();
        for (int i = 0; i < 4096; i++) {
            String category = CATEGORIES[i % CATEGORIES.length];
            String product = "p" + r.nextInt(300);
            views.add(Map.of("category", category, "product", product));
            purchases.add(Map.of("category", category, "product", product, "amount", r.nextInt(10_000) / 100.0));
        }
        int[] perUser = new int[users];
        stream = new Event[events];
        long t = 1_767_225_600_000L;
        // at least 20 days of event time whatever the size, so labels (1 day horizon) resolve in the warm-up
        int step = (int) Math.max(100, 2 * 20 * 86_400_000L / events);
        for (int i = 0; i < events; i++) {
            t += 1 + r.nextInt(step);
            int u = r.nextInt(users);
            String type = TYPES[r.nextInt(TYPES.length)];
            if (type.equals("purchase") && r.nextDouble() > buyer[u] / 3) {
                type = "view";
            }
            int cat = r.nextDouble() < 0.7 ? favourite[u] : r.nextInt(CATEGORIES.length);
            int pick = (r.nextInt(512) * CATEGORIES.length + cat) % 4096;
            Map<String, Object> attrs = (type.equals("purchase") ? purchases : views).get(pick);
            stream[i] = Event.of("e" + perUser[u]++, userIds[u], type, t, attrs);
        }
        ProfileSchema schema = ProfileSchema.fromJson(resource("/live-schema.json"));
        // ids are remembered within the allowed lateness only, so the benchmark measures the models' cost rather
        // than the growth of 100k exact id sets (see OnEventBenchmark for both retentions)
        ProfileUpdater.Builder b = ProfileUpdater.builder(schema).expectedUsers(users)
                .dedupRetention(DedupRetention.WITHIN_LATENESS);
        if (models) {
            b.models(ModelsConfig.fromJson(resource("/live-models.json")));
        }
        updater = b.build();
        int warm = events / 4;
        for (int i = 0; i < warm; i++) {
            updater.onEvent(stream[i]);
        }
        updater.awaitModels();
        if (models && updater.model(PropensityModel.class).isEmpty()) {
            throw new IllegalStateException("no propensity model after the warm-up replay");
        }
        next = warm;
    }

    @TearDown(Level.Iteration)
    public void check() {
        if (next >= events) {
            throw new IllegalStateException("ran out of pre-built events (" + events + ")");
        }
    }

    @Benchmark
    public Outcome onEvent() {
        return updater.onEvent(stream[next++]);
    }
}
