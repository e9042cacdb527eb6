package dev.profilekit.kafka;

import dev.profilekit.kafka.testkit.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Throughput of {@link KafkaProfileRunner} from a local broker: starts the in-process KRaft broker, writes N events
 * (the tests' shop stream: 10,000 users, JSON values keyed by user) to a topic of 4 partitions, then times one
 * runner reading the topic to its end with its default settings (a snapshot every 100,000 records, and the last
 * one). Producing is not timed. Arguments: [events (default 1000000)] [output topic: "out" to publish profiles too,
 * "-" not] [apply threads (default: the runner's default)]. Beside the wall time it reports the CPU time of the
 * runner's thread, of its other threads (named profilekit-kafka-...), of the rest of the JVM's threads (the broker,
 * the clients' network threads) and of the whole process (also GC and JIT).
 *
 * <pre>
 * mvn -B -q -pl profile-kafka -am test-compile
 * mvn -B -q -pl profile-kafka dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/cp.txt
 * cd profile-kafka &amp;&amp; java -Xmx2g -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *     dev.profilekit.kafka.KafkaRunnerBenchmark 1000000
 * </pre>
 */
public final class KafkaRunnerBenchmark {

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private KafkaRunnerBenchmark() {
    }

    /**
     * Writes the events to the topic; the generated lines are garbage once it returns, so the timed rounds' heap
     * holds no copy of the topic (a live copy of a million lines makes G1 mark and copy it again and again).
     */
    private static void produce(EmbeddedKafka kafka, int events) throws Exception {
        TestEvents.Stream s = TestEvents.generate(42, events, 10_000, 0);
        long p0 = System.nanoTime();
        kafka.produce("events", s.keys(), s.lines());
        System.out.printf(Locale.ROOT, "produced %d events in %.1f s%n", events, (System.nanoTime() - p0) / 1e9);
    }

    /** The CPU time of every live thread of the JVM, by thread id. */
    private static Map<Long, Long> threadCpu() {
        Map<Long, Long> out = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long t = THREADS.getThreadCpuTime(id);
            if (t >= 0) {
                out.put(id, t);
            }
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        boolean output = args.length > 1 && "out".equals(args[1]);
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        Path dir = Files.createTempDirectory("profilekit-kafka-bench");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("broker"))) {
            kafka.createTopic("events", 4, false);
            if (output) {
                kafka.createTopic("profiles", 4, true);
            }
            produce(kafka, events);
            for (int round = 1; round <= 2; round++) { // the first round warms the JIT up
                KafkaProfileRunner.Builder b = KafkaProfileRunner.builder(TestEvents.updaters())
                        .bootstrapServers(kafka.bootstrapServers()).topic("events")
                        .snapshotDirectory(dir.resolve("state-" + round));
                if (output) {
                    b.outputTopic("profiles");
                }
                if (threads > 0) {
                    b.applyThreads(threads);
                }
                try (KafkaProfileRunner r = b.build()) {
                    Map<Long, Long> threads0 = threadCpu();
                    long t0 = System.nanoTime();
                    long thread0 = THREADS.getCurrentThreadCpuTime();
                    long process0 = OS.getProcessCpuTime();
                    r.runToEnd();
                    double secs = (System.nanoTime() - t0) / 1e9;
                    double thread = (THREADS.getCurrentThreadCpuTime() - thread0) / 1e9;
                    double process = (OS.getProcessCpuTime() - process0) / 1e9;
                    Map<String, Double> runnerThreads = new java.util.TreeMap<>(); // by name without its number
                    double others = 0;
                    long self = Thread.currentThread().getId();
                    for (Map.Entry<Long, Long> e : threadCpu().entrySet()) {
                        java.lang.management.ThreadInfo info = THREADS.getThreadInfo(e.getKey());
                        double d = (e.getValue() - threads0.getOrDefault(e.getKey(), 0L)) / 1e9;
                        if (info != null && info.getThreadName().startsWith("profilekit-kafka-")) {
                            runnerThreads.merge(info.getThreadName().replaceAll("-\\d+$", ""), d, Double::sum);
                        } else if (e.getKey() != self) {
                            others += d;
                        }
                    }
                    double helpers = runnerThreads.values().stream().mapToDouble(Double::doubleValue).sum();
                    StringBuilder perName = new StringBuilder();
                    runnerThreads.forEach((name, cpu) -> perName.append(String.format(Locale.ROOT, ", %s %.2f s",
                            name, cpu)));
                    long n = r.stats().records();
                    System.out.printf(Locale.ROOT, "round %d: %d records, %d accepted, %d snapshots in %.2f s: "
                                    + "%.0f events/s%s; CPU: runner thread %.2f s%s (%d apply threads; the runner's "
                                    + "threads: %.0f events per CPU-second), other JVM threads (broker, clients) "
                                    + "%.2f s, whole process %.2f s (%.0f events per CPU-second); load average %.1f on "
                                    + "%d cores%n", round, n, r.updater().counts().accepted(), r.stats().snapshots(),
                            secs, n / secs, output ? " (publishing changed profiles)" : "", thread, perName,
                            r.applyThreads(), n / (thread + helpers), others, process, n / process,
                            OS.getSystemLoadAverage(), OS.getAvailableProcessors());
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
