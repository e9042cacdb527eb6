package dev.profilekit.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * {@link StoreBenchmark}'s {@code onEvent} (the same set-up: {@link StoreBenchmark.Engine}) timed by CPU time as
 * well as the wall clock, for a machine shared with other work: per round, events per second of the measuring
 * thread's CPU time, of the whole process's CPU time (RocksDB's flush and compaction threads and the collector
 * included) and of the wall clock. Prints one JSON line per round (the first round is a warm-up). The store's
 * options come from the same {@code -Dbench.*} properties as the benchmark's.
 * <pre>
 * java -cp benchmarks.jar -Xms4g -Xmx4g dev.profilekit.benchmarks.StoreCpu uniform 6 200000
 * </pre>
 */
public final class StoreCpu {

    private StoreCpu() {
    }

    /** @param args access ({@code uniform} or {@code hot}), rounds, events per round */
    public static void main(String[] args) throws IOException {
        StoreBenchmark.Engine e = new StoreBenchmark.Engine();
        e.users = 1_000_000;
        e.cache = 100_000;
        e.access = args.length > 0 ? args[0] : "uniform";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        e.events = (rounds + 1) * batch;
        e.setUp();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try {
            for (int r = 0; r <= rounds; r++) {
                long misses = e.updater.cacheMisses();
                long cpu = mx.getCurrentThreadCpuTime();
                long proc = os.getProcessCpuTime();
                long wall = System.nanoTime();
                for (int i = 0; i < batch; i++) {
                    e.onEventOnce();
                }
                long wallNs = System.nanoTime() - wall;
                long cpuNs = mx.getCurrentThreadCpuTime() - cpu;
                long procNs = os.getProcessCpuTime() - proc;
                if (r > 0) {
                    System.out.printf(Locale.ROOT, "{\"access\":\"%s\",\"round\":%d,\"hit_rate\":%.3f,"
                                    + "\"events_per_thread_cpu_s\":%.0f,\"events_per_process_cpu_s\":%.0f,"
                                    + "\"events_per_wall_s\":%.0f}%n", e.access, r,
                            1 - (double) (e.updater.cacheMisses() - misses) / batch, batch * 1e9 / cpuNs,
                            batch * 1e9 / procNs, batch * 1e9 / wallNs);
                }
            }
        } finally {
            e.tearDown();
        }
    }
}
