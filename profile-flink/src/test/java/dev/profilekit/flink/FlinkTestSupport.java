package dev.profilekit.flink;

import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.kafka.testkit.EmbeddedKafka;
import dev.profilekit.sim.EcommerceSimulator;
import dev.profilekit.sim.SimulationJson;
import dev.profilekit.sim.SimulationOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** Shared pieces of the Flink tests: the MiniCluster, fixtures, the job's entry point. */
final class FlinkTestSupport {

    private FlinkTestSupport() {
    }

    /** A MiniCluster with 2 slots (parallelism up to 2). */
    static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());
    }

    /** Copies a test resource into {@code dir}. */
    static Path resource(String name, Path dir) throws IOException {
        Path target = dir.resolve(name.substring(name.lastIndexOf('/') + 1));
        try (InputStream in = FlinkTestSupport.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /** The simulator's stream of {@code users} users over {@code days} days, as JSON Lines. */
    static Path simulated(Path dir, int users, int days, long seed) throws IOException {
        Path file = dir.resolve("sim-" + users + "x" + days + ".jsonl");
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            SimulationJson.writeEventLines(EcommerceSimulator.run(SimulationOptions.of(users, days, seed)).iterator(), w);
        }
        return file;
    }

    /**
     * The simulator's stream of {@code users} users over {@code days} days with out-of-order jitter (up to an hour),
     * and every 41st line moved 250 lines on: some of those arrive within the schema's lateness (PT6H) behind their
     * user's latest event and revise delivered audience history, others arrive after it and are late.
     */
    static Path outOfOrder(Path dir, int users, int days, long seed) throws IOException {
        java.io.StringWriter w = new java.io.StringWriter();
        SimulationJson.writeEventLines(EcommerceSimulator.run(SimulationOptions.of(users, days, seed)
                .jitterMs(3_600_000L)).iterator(), w);
        List<String> lines = w.toString().lines().toList();
        List<String> out = new ArrayList<>(lines.size());
        java.util.TreeMap<Integer, List<String>> delayed = new java.util.TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            if (i % 41 == 7) {
                delayed.computeIfAbsent(i + 250, k -> new ArrayList<>()).add(lines.get(i));
            } else {
                out.add(lines.get(i));
            }
            List<String> due = delayed.remove(i);
            if (due != null) {
                out.addAll(due);
            }
        }
        delayed.values().forEach(out::addAll);
        Path file = dir.resolve("events-" + users + "x" + days + "-" + seed + ".jsonl");
        Files.write(file, out, StandardCharsets.UTF_8);
        return file;
    }

    /**
     * Creates {@code topic} with {@code partitions} partitions and writes {@code lines} to it in order, each keyed
     * by its event's user (a line that is no event has no key: the job rejects it, from any partition).
     */
    static void produceByUser(EmbeddedKafka kafka, String topic, int partitions, List<String> lines) throws Exception {
        List<String> keys = new ArrayList<>();
        for (String line : lines) {
            try {
                keys.add(EventJson.parse(line).user());
            } catch (InvalidEventException notAnEvent) {
                keys.add(null);
            }
        }
        kafka.createTopic(topic, partitions, false);
        kafka.produce(topic, keys, lines);
    }

    /** Runs the Flink job's main path; returns its stdout (the summary line). Fails on a non-zero exit code. */
    static String runJob(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ProfileFlinkJob.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        if (code != 0) {
            throw new AssertionError("job exited with " + code + ": " + err.toString(StandardCharsets.UTF_8));
        }
        return out.toString(StandardCharsets.UTF_8).strip();
    }
}
