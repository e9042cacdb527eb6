package dev.profilekit.kafka;

import dev.profilekit.kafka.testkit.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Throughput of {@link KafkaProfileRunner} from a local broker: starts the in-process KRaft broker, writes N events
 * (the tests' shop stream: 10,000 users, JSON values keyed by user) to a topic of 4 partitions, then times one
 * runner reading the topic to its end with its default settings (a snapshot every 100,000 records, and the last
 * one). Producing is not timed. Arguments: [events (default 1000000)] [output topic: "out" to publish profiles too].
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

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        boolean output = args.length > 1 && "out".equals(args[1]);
        Path dir = Files.createTempDirectory("profilekit-kafka-bench");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("broker"))) {
            TestEvents.Stream s = TestEvents.generate(42, events, 10_000, 0);
            kafka.createTopic("events", 4, false);
            if (output) {
                kafka.createTopic("profiles", 4, true);
            }
            long p0 = System.nanoTime();
            kafka.produce("events", s.keys(), s.lines());
            System.out.printf(Locale.ROOT, "produced %d events in %.1f s%n", events, (System.nanoTime() - p0) / 1e9);
            for (int round = 1; round <= 2; round++) { // the first round warms the JIT up
                KafkaProfileRunner.Builder b = KafkaProfileRunner.builder(TestEvents.updaters())
                        .bootstrapServers(kafka.bootstrapServers()).topic("events")
                        .snapshotDirectory(dir.resolve("state-" + round));
                if (output) {
                    b.outputTopic("profiles");
                }
                try (KafkaProfileRunner r = b.build()) {
                    long t0 = System.nanoTime();
                    long thread0 = THREADS.getCurrentThreadCpuTime();
                    long process0 = OS.getProcessCpuTime();
                    r.runToEnd();
                    double secs = (System.nanoTime() - t0) / 1e9;
                    double thread = (THREADS.getCurrentThreadCpuTime() - thread0) / 1e9;
                    double process = (OS.getProcessCpuTime() - process0) / 1e9;
                    long n = r.stats().records();
                    System.out.printf(Locale.ROOT, "round %d: %d records, %d accepted, %d snapshots in %.2f s: "
                                    + "%.0f events/s%s; CPU: runner thread %.2f s (%.0f events per CPU-second), "
                                    + "whole process with the broker %.2f s (%.0f events per CPU-second), load "
                                    + "average %.1f on %d cores%n", round, n, r.updater().counts().accepted(),
                            r.stats().snapshots(), secs, n / secs, output ? " (publishing changed profiles)" : "",
                            thread, n / thread, process, n / process, OS.getSystemLoadAverage(),
                            OS.getAvailableProcessors());
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
