package dev.profilekit.cli;

import static dev.profilekit.cli.ReplayResumeTest.finish;
import static dev.profilekit.cli.ReplayResumeTest.startCli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.testkit.SpecAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audiences across crashes: a replay with {@code --audiences}, {@code --audience-log} and {@code --ttl}, killed
 * with SIGKILL at random moments and resumed, writes byte for byte the audience log, profiles and summary of an
 * uninterrupted run. Each run is the real command in a child JVM.
 */
@Tag("slow")
class ReplayAudiencesResumeTest {

    @TempDir
    Path tmp;

    private static final String AUDIENCES = """
            {"audiences":[{"name":"idle_buyers","rule":"since_purchase > PT6H"},
             {"name":"warm","rule":"views_decay_1d > 3"},
             {"name":"busy","rule":"views_6h >= 4"},
             {"name":"spenders","rule":"spend_3d > 100"},
             {"name":"fans","rule":"fav_categories in ('c1', 'c2') and not purchases = 0"}]}""";

    private List<String> args(Path out, List<String> extra) {
        List<String> a = new ArrayList<>(List.of("replay", "--schema", tmp.resolve("schema.json").toString(),
                "--events", tmp.resolve("events.jsonl").toString(), "--out", out.resolve("profiles.jsonl").toString(),
                "--now", "2027-01-01T00:00:00Z", "--ttl", "PT3H", "--audiences", tmp.resolve("audiences.json").toString(),
                "--audience-log", out.resolve("changes.jsonl").toString()));
        a.addAll(extra);
        return a;
    }

    @Test
    void aReplayWithAudiencesKilledAndResumedWritesTheUninterruptedLog() throws Exception {
        Files.writeString(tmp.resolve("schema.json"), SpecAssertions.text("/profile-stream-small/schema.json"));
        Files.writeString(tmp.resolve("audiences.json"), AUDIENCES);
        ReplayResumeTest.stream(tmp.resolve("events.jsonl"));
        Path ref = tmp.resolve("ref");
        long t0 = System.nanoTime();
        finish(startCli(ref, args(ref, List.of())), ref);
        long runMs = (System.nanoTime() - t0) / 1_000_000;
        byte[] refLog = Files.readAllBytes(ref.resolve("changes.jsonl"));
        byte[] refProfiles = Files.readAllBytes(ref.resolve("profiles.jsonl"));
        assertThat(Files.readAllLines(ref.resolve("changes.jsonl"))).hasSizeGreaterThan(10_000)
                .anyMatch(l -> l.contains("\"change\":\"revise\"")).anyMatch(l -> l.contains("\"change\":\"exit\""));
        assertThat(ReplayResumeTest.summary(ref)).contains("\"audiences\":{\"idle_buyers\":");

        SplittableRandom r = new SplittableRandom(3);
        int killedMidRun = 0;
        for (int k = 0; k < 8 && killedMidRun < 3; k++) {
            Path run = tmp.resolve("run" + k);
            Path state = run.resolve("state");
            Process p = startCli(run, args(run, List.of("--snapshot-dir", state.toString(), "--snapshot-every",
                    "20000")));
            Thread.sleep(100 + r.nextLong(Math.max(1, runMs * 7 / 10)));
            boolean wasAlive = p.isAlive();
            p.destroyForcibly(); // SIGKILL
            p.waitFor(1, TimeUnit.MINUTES);
            if (wasAlive) {
                killedMidRun++;
            }
            finish(startCli(run, args(run, List.of("--resume-or-start", state.toString(), "--snapshot-every",
                    "20000"))), run);
            assertThat(ReplayResumeTest.summary(run)).as("run %d", k).isEqualTo(ReplayResumeTest.summary(ref));
            assertThat(Files.readAllBytes(run.resolve("changes.jsonl"))).as("run %d audience log", k)
                    .isEqualTo(refLog);
            assertThat(Files.readAllBytes(run.resolve("profiles.jsonl"))).as("run %d profiles", k)
                    .isEqualTo(refProfiles);
        }
        assertThat(killedMidRun).as("kills that hit a running replay").isEqualTo(3);
    }
}
