package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.testkit.SpecAssertions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay --models --summary}: a run killed after a snapshot and resumed with {@code --resume} writes the
 * summary file, diagnostics included, of an uninterrupted run. Three replays, one in a child JVM.
 */
@Tag("slow")
class ReplaySummaryResumeTest {

    @TempDir
    Path tmp;

    private static List<String> args(List<String> common, Path out, String... more) {
        List<String> a = new ArrayList<>(common);
        a.addAll(List.of("--out", out.resolve("profiles.jsonl").toString(), "--summary",
                out.resolve("summary.json").toString()));
        a.addAll(List.of(more));
        return a;
    }

    private static boolean hasSnapshot(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(f -> f.getFileName().toString().endsWith(".pks"));
        }
    }

    @Test
    void aReplayWithModelsKilledAfterASnapshotAndResumedWritesTheUninterruptedSummary() throws Exception {
        Path events = tmp.resolve("events.jsonl");
        ReplayCommandTest.Run sim = ReplayCommandTest.run("simulate", "--users", "300", "--days", "14", "--seed", "7",
                "--out", events.toString());
        assertThat(sim.exit()).as(sim.err()).isZero();
        long lines;
        try (Stream<String> s = Files.lines(events)) {
            lines = s.count();
        }
        String every = Long.toString(lines / 3);
        List<String> common = List.of("replay", "--schema", Files.writeString(tmp.resolve("schema.json"),
                SpecAssertions.text("/live-schema.json")).toString(),
                "--events", events.toString(), "--models",
                Files.writeString(tmp.resolve("models.json"), SpecAssertions.text("/live-models.json")).toString(),
                "--now", "2027-01-01T00:00:00Z", "--quiet");

        Path ref = tmp.resolve("ref");
        Files.createDirectories(ref);
        ReplayCommandTest.Run whole = ReplayCommandTest.run(args(common, ref).toArray(String[]::new));
        assertThat(whole.exit()).as(whole.err()).isZero();

        // a child JVM, killed (SIGKILL) as soon as its first snapshot is on disk: a third of the stream is left
        Path run = tmp.resolve("run");
        Path state = run.resolve("state");
        Process p = ReplayResumeTest.startCli(run, args(common, run, "--snapshot-dir", state.toString(),
                "--snapshot-every", every));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (p.isAlive() && !hasSnapshot(state) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        boolean killedMidRun = p.isAlive();
        p.destroyForcibly();
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(killedMidRun).as("the child was still running after its first snapshot").isTrue();
        assertThat(run.resolve("summary.json")).doesNotExist();

        ReplayCommandTest.Run resumed = ReplayCommandTest.run(args(common, run, "--resume", state.toString(),
                "--snapshot-every", every).toArray(String[]::new));
        assertThat(resumed.exit()).as(resumed.err()).isZero();

        String expected = Files.readString(ref.resolve("summary.json"));
        JsonNode diagnostics = SpecAssertions.MAPPER.readTree(expected).get("diagnostics");
        // the stream gives the models enough labels for the diagnostics to say something
        assertThat(diagnostics.get("labelled").asLong()).isGreaterThan(1_000);
        assertThat(diagnostics.get("auc_series").size()).isGreaterThan(10);
        String actual = Files.readString(run.resolve("summary.json"));
        assertThat(SpecAssertions.MAPPER.readTree(actual).path("diagnostics").path("labelled").asLong())
                .as("diagnostics.labelled after the resume").isEqualTo(diagnostics.get("labelled").asLong());
        assertThat(actual).isEqualTo(expected);
        assertThat(Files.readAllBytes(run.resolve("profiles.jsonl")))
                .isEqualTo(Files.readAllBytes(ref.resolve("profiles.jsonl")));
    }
}
