package dev.profilekit.benchmarks;

import dev.profilekit.core.engine.DedupRetention;
import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * {@link OnEventBenchmark}'s {@code onEvent} (one thread, users created before measuring, every event accepted)
 * timed by the measuring thread's CPU time instead of the wall clock, for a machine shared with other work, where
 * JMH's wall-clock throughput measures the scheduler. Prints one JSON line per round (the first round is a warm-up).
 * <pre>
 * java -cp benchmarks.jar -Xms4g -Xmx4g dev.profilekit.benchmarks.OnEventCpu fixture WITHIN_LATENESS 100000 5
 * </pre>
 */
public final class OnEventCpu {

    private OnEventCpu() {
    }

    /**
     * @param args schema ({@code fixture} or {@code scalar}), dedup retention, users, rounds of 2,000,000 events
     */
    public static void main(String[] args) {
        String schema = args.length > 0 ? args[0] : "fixture";
        DedupRetention dedup = DedupRetention.valueOf(args.length > 1 ? args[1] : "WITHIN_LATENESS");
        int users = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        int batch = 2_000_000;
        String[] userIds = Fixtures.userIds(users);
        Event[] events = Fixtures.slices(userIds, 1, (rounds + 1) * batch, 42)[0];
        ProfileUpdater updater = ProfileUpdater.builder(Fixtures.schema(schema))
                .expectedUsers(users).dedupRetention(dedup).build();
        Fixtures.warmUsers(updater, userIds);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int next = 0;
        for (int r = 0; r <= rounds; r++) {
            long cpu = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < batch; i++) {
                updater.onEvent(events[next++]);
            }
            double rate = batch * 1e9 / (mx.getCurrentThreadCpuTime() - cpu);
            if (r > 0) {
                System.out.printf(Locale.ROOT, "{\"schema\":\"%s\",\"dedup\":\"%s\",\"round\":%d,"
                        + "\"events_per_cpu_second\":%.0f}%n", schema, dedup, r, rate);
            }
        }
        ProfileUpdater.Counts c = updater.counts();
        if (c.duplicate() != 0 || c.late() != 0) {
            throw new IllegalStateException("every measured event must be accepted, got " + c);
        }
    }
}
