package dev.profilekit.benchmarks;

import dev.profilekit.core.audience.AudienceRule;
import dev.profilekit.core.engine.DedupRetention;
import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.Outcome;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.schema.ProfileSchema;
import java.util.ArrayList;
import java.util.List;
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
 * {@code onEvent} with 20 audiences over the worked example's schema (rules over every kind, a third of them
 * time-driven: recency, decayed and window thresholds) against the same events with none, one thread, every
 * measured event accepted on an existing user. Each user's timer fires as the clock (the largest event time) passes
 * it, inside the measured calls.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class AudiencesBenchmark {

    /** Twenty rules over the fixture schema. */
    static final String[] RULES = {
        "carts >= 1 and since_purchase is missing",
        "since_purchase > P2D",
        "since_purchase <= PT6H",
        "spend > 500",
        "spend_decay_7d > 100",
        "views_decay_1d >= 3",
        "views_6h >= 2",
        "spend_3d > 50",
        "order_value.mean > 40",
        "order_value.count >= 3",
        "fav_categories in ('toys', 'books')",
        "last_category = 'garden'",
        "products_viewed >= 10",
        "cart_to_purchase < 0.5",
        "sessions.count >= 5",
        "events > 20 and purchases = 0",
        "not views_6h > 0 and views_decay_1d < 0.5",
        "first_seen is not missing and purchases >= 2",
        "views >= 10 or carts >= 3",
        "since_purchase > P1D and spend > 100",
    };

    @Param({"100000"})
    int users;

    @Param({"20", "0"})
    int audiences;

    @Param({"8388608"})
    int events;

    private Event[] stream;
    private ProfileUpdater updater;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        ProfileSchema schema = Fixtures.fixtureSchema();
        String[] ids = Fixtures.userIds(users);
        stream = Fixtures.slices(ids, 1, events, 42)[0];
        List<AudienceRule> rules = new ArrayList<>();
        for (int i = 0; i < audiences; i++) {
            rules.add(AudienceRule.compile("a" + i, RULES[i % RULES.length], schema));
        }
        ProfileUpdater.Builder b = ProfileUpdater.builder(schema).expectedUsers(users)
                .dedupRetention(DedupRetention.WITHIN_LATENESS);
        if (audiences > 0) {
            b.audiences(rules);
        }
        updater = b.build();
        Fixtures.warmUsers(updater, ids);
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

    @Benchmark
    public Outcome onEvent() {
        return updater.onEvent(stream[next++]);
    }

    /**
     * The same calls timed by the calling thread's CPU time, for a machine shared with other work: an updater with 20
     * audiences and one with none are built as the benchmark builds them, then take turns, 1M events at a time,
     * {@code rounds} times (default 4, after one round of warm-up); prints one JSON line per round with both rates
     * and their ratio. Usage: {@code java -cp benchmarks.jar -Xms4g -Xmx4g dev.profilekit.benchmarks.AudiencesBenchmark [rounds]}.
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int batch = 1_000_000;
        AudiencesBenchmark with = new AudiencesBenchmark();
        AudiencesBenchmark without = new AudiencesBenchmark();
        for (AudiencesBenchmark b : new AudiencesBenchmark[] {with, without}) {
            b.users = 100_000;
            b.events = 2 * (rounds + 2) * batch; // a quarter warms the users up, the rest is enough for every round
            b.audiences = b == with ? 20 : 0;
            b.setUp();
        }
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int r = 0; r <= rounds; r++) {
            double[] rate = new double[2];
            AudiencesBenchmark[] both = {with, without};
            for (int k = 0; k < 2; k++) {
                long cpu = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < batch; i++) {
                    both[k].onEvent();
                }
                rate[k] = batch * 1e9 / (mx.getCurrentThreadCpuTime() - cpu);
            }
            if (r > 0) { // the first round warms the JIT up
                System.out.printf(java.util.Locale.ROOT, "{\"round\":%d,\"with_20_per_cpu_second\":%.0f,"
                        + "\"without_per_cpu_second\":%.0f,\"ratio\":%.3f}%n", r, rate[0], rate[1], rate[0] / rate[1]);
            }
        }
    }
}
