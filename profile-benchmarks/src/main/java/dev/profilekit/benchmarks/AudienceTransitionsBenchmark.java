package dev.profilekit.benchmarks;

import dev.profilekit.core.audience.AudienceRule;
import dev.profilekit.core.engine.DedupRetention;
import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.schema.ProfileSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time-driven audience transitions: {@link #USERS} users with one event each (one millisecond apart) under
 * {@code since_seen > P30D} (no allowed lateness, ids kept within it: no history for late events is kept), then one {@code advanceClock} past every lapse, which fires every user's timer and
 * delivers one ENTER each (to a listener that counts them). One operation is one transition, so the score is the
 * time per transition; the target is at least 1M transitions per second (at most 1 µs each). The updater is
 * filled again before each measured call (not timed).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class AudienceTransitionsBenchmark {

    static final long T0 = 1_767_225_600_000L; // 2026-01-01
    static final long DAY = 86_400_000L;
    static final ProfileSchema SCHEMA = ProfileSchema.fromJson(
            "{\"allowed_lateness\":\"PT0S\",\"features\":[{\"name\":\"since_seen\",\"kind\":\"recency\"}]}");

    /** Users, each lapsing once: the transitions of one measured call. */
    static final int USERS = 1_000_000;

    private ProfileUpdater updater;
    private long delivered;

    /** An updater whose {@code n} users each had one event; each will lapse once the clock passes T0 + 30 days + n. */
    static ProfileUpdater lapsing(int n, dev.profilekit.core.audience.AudienceListener listener) {
        ProfileUpdater.Builder b = ProfileUpdater.builder(SCHEMA).expectedUsers(n)
                .dedupRetention(DedupRetention.WITHIN_LATENESS)
                .audiences(List.of(AudienceRule.compile("lapsed", "since_seen > P30D", SCHEMA)));
        if (listener != null) {
            b.audienceListener(listener);
        }
        ProfileUpdater u = b.build();
        for (int i = 0; i < n; i++) {
            u.onEvent(Event.of("e" + i, "u" + i, "view", T0 + i, Map.of()));
        }
        return u;
    }

    @Setup(Level.Invocation)
    public void fill() {
        delivered = 0;
        updater = lapsing(USERS, c -> delivered++);
    }

    @Benchmark
    @OperationsPerInvocation(USERS)
    public long fireEveryLapse() {
        updater.advanceClock(T0 + 31 * DAY + USERS);
        if (delivered != USERS) {
            throw new IllegalStateException(delivered + " transitions delivered, not " + USERS);
        }
        return delivered;
    }

    /**
     * The same call timed by the calling thread's CPU time as well as the wall clock, {@code rounds} times (default 5),
     * for a machine shared with other work: prints one JSON line per round. Usage:
     * {@code java -cp benchmarks.jar -Xmx2g dev.profilekit.benchmarks.AudienceTransitionsBenchmark [rounds]}.
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int r = 0; r < rounds + 1; r++) {
            AudienceTransitionsBenchmark b = new AudienceTransitionsBenchmark();
            b.fill();
            long cpu = mx.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            b.fireEveryLapse();
            double cpuNs = (double) (mx.getCurrentThreadCpuTime() - cpu) / USERS;
            double wallNs = (double) (System.nanoTime() - wall) / USERS;
            if (r > 0) { // the first round warms the JIT up
                System.out.printf(java.util.Locale.ROOT, "{\"round\":%d,\"transitions\":%d,\"cpu_ns_each\":%.0f,"
                        + "\"wall_ns_each\":%.0f,\"per_second_by_cpu\":%.0f}%n", r, USERS, cpuNs, wallNs, 1e9 / cpuNs);
            }
        }
    }
}
