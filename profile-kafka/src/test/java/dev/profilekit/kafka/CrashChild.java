package dev.profilekit.kafka;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The runner as a child JVM for {@link KafkaRunnerCrashTest}: reads the topic to its end (slowed down a little so
 * that a kill can land anywhere), printing its record count every few milliseconds, then writes every profile as
 * of the given time and the counts to a result file. It keeps the example's audiences and sends their changes to
 * an audience topic. Arguments: bootstrap servers, topic, snapshot directory, output topic, as-of time (epoch ms),
 * result file, audience topic.
 */
public final class CrashChild {

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        int[] accepted = {0};
        var updaters = TestEvents.withAudiences(TestEvents.updaters()).listener(u -> {
            if (++accepted[0] % 40 == 0) {
                sleep(1);
            }
        });
        try (KafkaProfileRunner r = KafkaProfileRunner.builder(updaters).bootstrapServers(args[0]).topic(args[1])
                .snapshotDirectory(Path.of(args[2])).outputTopic(args[3]).audienceTopic(args[6]).snapshotEvery(1_500)
                .consumerProperty("max.poll.records", 300).pollTimeout(Duration.ofMillis(100)).build()) {
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            Thread monitor = new Thread(() -> {
                while (true) {
                    out.println("records " + r.stats().records());
                    sleep(5);
                }
            });
            monitor.setDaemon(true);
            monitor.start();
            r.runToEnd();
            StringBuilder result = new StringBuilder();
            for (Map.Entry<String, String> e : TestEvents.profiles(r.updater(), Long.parseLong(args[4])).entrySet()) {
                result.append(e.getValue()).append('\n');
            }
            var c = r.updater().counts();
            result.append("counts ").append(c.accepted()).append(' ').append(c.duplicate()).append(' ')
                    .append(c.late()).append(" records ").append(r.stats().records()).append('\n');
            Path tmp = Path.of(args[5] + ".tmp");
            Files.writeString(tmp, result);
            Files.move(tmp, Path.of(args[5]));
            out.println("done");
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
