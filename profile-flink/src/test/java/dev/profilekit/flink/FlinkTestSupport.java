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
