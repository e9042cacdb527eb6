package dev.profilekit.flink;

import dev.profilekit.cli.ReplayRunner;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;

/**
 * Throughput of the Flink file job excluding the cluster's start, against {@code replay} on the same file in the
 * same JVM: starts one MiniCluster (one task manager with as many slots as the parallelism), then alternates, round
 * after round, the job's main path ({@link ProfileFlinkJob#run}: submit, read, key, apply, collect the final states,
 * write the profile file) and replay's ({@code profilekit replay --quiet} through the CLI's entry point), each timed
 * from its call to its return. The first round warms the JIT up. Each round checks that both profile files are
 * byte-identical. Arguments: schema, events file, [parallelism (default 2)], [rounds (default 3)], [state backend:
 * {@code hashmap} (default) or {@code rocksdb}]. With {@code -Dbench.marks=true} each timed run's start and end are
 * printed ({@code MARK start|end} and the epoch seconds), to match per-thread CPU read from outside the JVM (for
 * example {@code /proc/<pid>/task/<tid>/stat}) to the runs.
 *
 * <pre>
 * mvn -B -q -pl profile-flink -am test-compile
 * mvn -B -q -pl profile-flink dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/cp.txt
 * java -jar profile-cli/target/profilekit.jar simulate --users 10000 --days 15 --seed 42 --out events.jsonl
 * java -Xmx3g -cp profile-flink/target/test-classes:profile-flink/target/classes:$(cat profile-flink/target/cp.txt) \
 *     dev.profilekit.flink.FlinkJobBenchmark examples/ecommerce/schema.json events.jsonl 2 3
 * </pre>
 */
public final class FlinkJobBenchmark {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private FlinkJobBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: FlinkJobBenchmark SCHEMA EVENTS [PARALLELISM] [ROUNDS] [hashmap|rocksdb]");
        }
        String schema = args[0];
        Path events = Path.of(args[1]);
        int parallelism = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        String backend = args.length > 4 ? args[4] : "hashmap";
        long lines;
        try (var s = Files.lines(events)) {
            lines = s.count();
        }
        Path dir = Files.createTempDirectory("profilekit-flink-bench");
        Path flinkOut = dir.resolve("flink.jsonl");
        Path replayOut = dir.resolve("replay.jsonl");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(parallelism).build());
        cluster.start();
        TestStreamEnvironment.setAsContext(cluster, parallelism);
        try {
            for (int round = 1; round <= rounds; round++) {
                double[] flink = timed(() -> FlinkTestSupport.runJob("--schema", schema, "--events",
                        events.toString(), "--out", flinkOut.toString(), "--parallelism",
                        Integer.toString(parallelism), "--state-backend", backend));
                double[] replay = timed(() -> ReplayRunner.run("replay", "--schema", schema, "--events",
                        events.toString(), "--out", replayOut.toString(), "--quiet"));
                boolean same = Arrays.equals(Files.readAllBytes(flinkOut), Files.readAllBytes(replayOut));
                System.out.printf(Locale.ROOT, "round %d, %d lines: Flink job at parallelism %d %.2f s, %.0f "
                                + "lines/s (%.2f CPU-s); replay %.2f s, %.0f lines/s (%.2f CPU-s); ratio %.2f; "
                                + "profiles identical: %s; load average %.1f on %d cores%n", round, lines,
                        parallelism, flink[0], lines / flink[0], flink[1], replay[0], lines / replay[0], replay[1],
                        replay[0] / flink[0], same, OS.getSystemLoadAverage(), OS.getAvailableProcessors());
                if (!same) {
                    throw new AssertionError("the Flink job's profiles differ from replay's");
                }
            }
        } finally {
            TestStreamEnvironment.unsetAsContext();
            cluster.close();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** {wall seconds, process CPU seconds} of one run. */
    private static double[] timed(Runnable run) {
        System.gc();
        if (Boolean.getBoolean("bench.marks")) {
            System.out.printf("MARK start %.3f%n", System.currentTimeMillis() / 1e3);
        }
        long cpu0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        run.run();
        if (Boolean.getBoolean("bench.marks")) {
            System.out.printf("MARK end %.3f%n", System.currentTimeMillis() / 1e3);
        }
        return new double[] {(System.nanoTime() - t0) / 1e9, (OS.getProcessCpuTime() - cpu0) / 1e9};
    }
}
