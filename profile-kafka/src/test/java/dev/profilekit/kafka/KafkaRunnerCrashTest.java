package dev.profilekit.kafka;

import dev.profilekit.kafka.testkit.AudienceFold;
import dev.profilekit.kafka.testkit.EmbeddedKafka;
import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.engine.ProfileUpdater;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner in a child JVM, killed with SIGKILL at 5 random points and started again each time on the same
 * snapshot directory: its final profiles, counts and output topic equal those of an uninterrupted run. The events'
 * ids are unique, so a record applied twice would show as a duplicate: the test requires none, so duplicate
 * detection cannot be what keeps the result right.
 */
@Tag("slow")
class KafkaRunnerCrashTest {

    private static final int EVENTS = 20_000;

    @TempDir
    Path tmp;

    @Test
    void killedFiveTimesAtRandomPointsEndsAsAnUninterruptedRun() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        TestEvents.Stream s = TestEvents.generate(seed, EVENTS, 400, 0);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(tmp.resolve("broker"))) {
            kafka.createTopic("events", 3, false);
            kafka.createTopic("profiles", 3, true);
            kafka.createTopic("profiles-ref", 3, true);
            kafka.createTopic("changes", 3, false);
            kafka.createTopic("changes-ref", 3, false);
            kafka.produce("events", s.keys(), s.lines());

            // the uninterrupted run, in this JVM, and the plain engine's audience changes
            List<String> plainChanges = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            ProfileUpdater.Counts counts;
            try (KafkaProfileRunner r = KafkaProfileRunner.builder(TestEvents.withAudiences(TestEvents.updaters()))
                    .bootstrapServers(kafka.bootstrapServers()).topic("events").outputTopic("profiles-ref")
                    .audienceTopic("changes-ref")
                    .snapshotDirectory(tmp.resolve("ref-state")).build();
                 ProfileUpdater plain = TestEvents.reference(s, TestEvents.withAudiences(TestEvents.updaters())
                         .audienceListener(c -> plainChanges.add(c.toJson())))) {
                r.runToEnd();
                expected.addAll(TestEvents.profiles(r.updater(), s.maxTs()).values());
                counts = r.updater().counts();
                assertThat(counts).isEqualTo(plain.counts());
                assertThat(TestEvents.profiles(plain, s.maxTs()).values()).containsExactlyElementsOf(expected);
            }

            Path state = tmp.resolve("state");
            Path result = tmp.resolve("result.txt");
            long[] killAt = random.longs(5, 1_000, EVENTS - 1_000).sorted().toArray();
            List<Long> killedAt = new ArrayList<>();
            for (long target : killAt) {
                Process p = start(kafka, state, s.maxTs(), result);
                long reached = waitFor(p, target);
                Thread.sleep(random.nextInt(40)); // anywhere: mid-poll, mid-snapshot, mid-send
                p.destroyForcibly(); // SIGKILL
                assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
                assertThat(reached).as("seed " + seed + ": the run was killed before it ended").isLessThan(EVENTS);
                killedAt.add(reached);
            }
            Process last = start(kafka, state, s.maxTs(), result);
            waitFor(last, Long.MAX_VALUE);
            assertThat(last.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(last.exitValue()).as("seed " + seed + ", " + Files.readString(tmp.resolve("stderr.txt")))
                    .isZero();

            List<String> lines = Files.readAllLines(result);
            String summary = lines.remove(lines.size() - 1);
            assertThat(killedAt).hasSize(5);
            assertThat(lines).as("seed %d, killed at %s", seed, killedAt).containsExactlyElementsOf(expected);
            assertThat(summary).as("seed %d, killed at %s: nothing lost, nothing counted twice", seed, killedAt)
                    .isEqualTo("counts " + counts.accepted() + " 0 " + counts.late() + " records " + EVENTS);
            assertThat(counts.accepted() + counts.late()).isEqualTo(EVENTS);
            assertThat(kafka.lastValues("profiles")).as("seed %d: the compacted output", seed)
                    .isEqualTo(kafka.lastValues("profiles-ref")).hasSize(400);
            // the audience topic: at least once, so folded "from t on" it is the plain engine's history
            List<String> changes = kafka.readAll("changes").stream().map(Map.Entry::getValue).toList();
            List<String> reference = kafka.readAll("changes-ref").stream().map(Map.Entry::getValue).toList();
            assertThat(plainChanges).anyMatch(c -> c.contains("\"change\":\"exit\""));
            var history = AudienceFold.fromTimeOn(plainChanges);
            assertThat(AudienceFold.fromTimeOn(reference)).as("seed %d: the uninterrupted run's audience topic", seed)
                    .isEqualTo(history);
            assertThat(AudienceFold.fromTimeOn(changes)).as("seed %d, killed at %s: the audience topic folded", seed,
                    killedAt).isEqualTo(history);
        }
    }

    private Process start(EmbeddedKafka kafka, Path state, long asOf, Path result) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), kafka.bootstrapServers(), "events", state.toString(), "profiles",
                Long.toString(asOf), result.toString(), "changes")
                .redirectError(tmp.resolve("stderr.txt").toFile()).start();
    }

    /** Reads the child's progress until it reports {@code target} records or ends; returns the last count read. */
    private static long waitFor(Process p, long target) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long last = -1;
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith("records ")) {
                last = Long.parseLong(line.substring(8));
                if (last >= target) {
                    return last;
                }
            }
        }
        return last;
    }
}
