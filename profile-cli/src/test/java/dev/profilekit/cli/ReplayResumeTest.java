package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.testkit.SpecAssertions;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash recovery from the CLI: a replay killed with SIGKILL at random moments and resumed with {@code --resume}
 * writes byte for byte the profiles, rejects and summary of an uninterrupted run. Each run is the real command in
 * a child JVM.
 */
@Tag("slow")
class ReplayResumeTest {

    private static final long T0 = 1_767_225_600_000L; // 2026-01-01

    @TempDir
    Path tmp;

    /** 150,000 lines of 2,000 users with duplicates, late events and broken lines. */
    static Path stream(Path file) throws IOException {
        SplittableRandom r = new SplittableRandom(42);
        String[] types = {"view", "view", "view", "cart", "purchase"};
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < 150_000; i++) {
                if (i % 997 == 13) {
                    w.write("{\"id\":\"broken-" + i + "\",\"user\":");
                } else {
                    boolean dup = i > 100 && r.nextInt(50) == 0;
                    int idNo = dup ? i - 1 - r.nextInt(100) : i;
                    long ts = T0 + idNo * 1000L + (r.nextInt(100) == 0 ? -10 * 3_600_000L : r.nextLong(300_000));
                    String type = types[r.nextInt(types.length)];
                    w.write("{\"id\":\"e" + idNo + "\",\"user\":\"u" + (idNo * 7919 % 2000) + "\",\"type\":\"" + type
                            + "\",\"ts\":" + ts + ",\"attrs\":{\"category\":\"c" + r.nextInt(12) + "\",\"product\":\"p"
                            + r.nextInt(500) + "\",\"amount\":" + r.nextInt(10_000) / 100.0 + "}}");
                }
                w.newLine();
            }
        }
        return file;
    }

    private Path schema = null;
    private Path events = null;

    private Process start(Path out, List<String> extra) throws IOException {
        if (schema == null) {
            schema = tmp.resolve("schema.json");
            events = tmp.resolve("events.jsonl");
        }
        List<String> args = new ArrayList<>(List.of("replay", "--schema", schema.toString(),
                "--events", events.toString(), "--out", out.resolve("profiles.jsonl").toString(),
                "--rejects", out.resolve("rejects.jsonl").toString(), "--now", "2027-01-01T00:00:00Z"));
        args.addAll(extra);
        return startCli(out, args);
    }

    /** Starts the CLI with {@code args} in a child JVM, its stdout and stderr to stdout.txt and stderr.txt in out. */
    static Process startCli(Path out, List<String> args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                ProfileKitCli.class.getName()));
        cmd.addAll(args);
        Files.createDirectories(out);
        return new ProcessBuilder(cmd).redirectError(out.resolve("stderr.txt").toFile())
                .redirectOutput(out.resolve("stdout.txt").toFile()).start();
    }

    /** Waits for a child started by {@link #startCli} and checks that it exited with 0 (else shows its stderr). */
    static void finish(Process p, Path out) throws InterruptedException, IOException {
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(out.resolve("stderr.txt"))).isZero();
    }

    /** The last stdout line of a run whose output went to {@code out} (its summary). */
    static String summary(Path out) throws IOException {
        List<String> lines = Files.readAllLines(out.resolve("stdout.txt"));
        return lines.get(lines.size() - 1);
    }

    @Test
    void aReplayKilledAtRandomMomentsAndResumedGivesTheUninterruptedResult() throws Exception {
        Files.writeString(tmp.resolve("schema.json"), SpecAssertions.text("/profile-stream-small/schema.json"));
        stream(tmp.resolve("events.jsonl"));
        String refSummary = killAndResume(List.of(), "15000", 7);
        assertThat(refSummary).contains("\"rejected\":151");
    }

    @Test
    void aReplayWithLiveModelsKilledAndResumedGivesTheUninterruptedResult() throws Exception {
        schema = tmp.resolve("live-schema.json");
        events = tmp.resolve("sim.jsonl");
        Files.writeString(schema, SpecAssertions.text("/live-schema.json"));
        Path models = tmp.resolve("models.json");
        Files.writeString(models, SpecAssertions.text("/live-models.json"));
        ReplayCommandTest.Run sim = ReplayCommandTest.run("simulate", "--users", "1500", "--days", "21", "--seed", "5",
                "--out", events.toString());
        assertThat(sim.exit()).as(sim.err()).isZero();
        String refSummary = killAndResume(List.of("--models", models.toString()), "10000", 9);
        assertThat(refSummary).contains("\"model_version\"").contains("\"prequential\"");
    }

    /** Runs once uninterrupted, then kills and resumes until five kills hit a running replay; returns the summary. */
    private String killAndResume(List<String> flags, String every, long seed) throws Exception {
        Path ref = tmp.resolve("ref");
        long t0 = System.nanoTime();
        finish(start(ref, flags), ref);
        long runMs = (System.nanoTime() - t0) / 1_000_000;
        String refSummary = summary(ref);
        byte[] refProfiles = Files.readAllBytes(ref.resolve("profiles.jsonl"));
        byte[] refRejects = Files.readAllBytes(ref.resolve("rejects.jsonl"));

        SplittableRandom r = new SplittableRandom(seed);
        int killedMidRun = 0;
        // until five kills have hit a running replay (a kill after the child ended tests nothing, but is checked too)
        for (int k = 0; k < 12 && killedMidRun < 5; k++) {
            Path run = tmp.resolve("run" + k);
            Path state = run.resolve("state");
            List<String> snap = new ArrayList<>(flags);
            snap.addAll(List.of("--snapshot-dir", state.toString(), "--snapshot-every", every));
            Process p = start(run, snap);
            Thread.sleep(100 + r.nextLong(Math.max(1, runMs * 7 / 10)));
            boolean wasAlive = p.isAlive();
            p.destroyForcibly(); // SIGKILL
            p.waitFor(1, TimeUnit.MINUTES);
            if (wasAlive) {
                killedMidRun++;
            }
            if (wasAlive && killedMidRun == 3 && Files.isDirectory(state)) {
                // the newest snapshot is damaged: resume falls back to the older one
                List<Path> snaps;
                try (Stream<Path> s = Files.list(state)) {
                    snaps = s.filter(f -> f.getFileName().toString().endsWith(".pks")).sorted().toList();
                }
                if (!snaps.isEmpty()) {
                    Path newest = snaps.get(snaps.size() - 1);
                    byte[] b = Files.readAllBytes(newest);
                    b[b.length / 2] ^= 0x55;
                    Files.write(newest, b);
                }
            }
            List<String> resume = new ArrayList<>(flags);
            // --resume-or-start: a kill may land before the first snapshot (or before the directory exists)
            resume.addAll(List.of("--resume-or-start", state.toString(), "--snapshot-every", every));
            finish(start(run, resume), run);
            assertThat(summary(run)).as("run %d", k).isEqualTo(refSummary);
            assertThat(Files.readAllBytes(run.resolve("profiles.jsonl"))).as("run %d profiles", k).isEqualTo(refProfiles);
            assertThat(Files.readAllBytes(run.resolve("rejects.jsonl"))).as("run %d rejects", k).isEqualTo(refRejects);
            try (Stream<Path> s = Files.list(state)) {
                assertThat(s.filter(f -> f.getFileName().toString().endsWith(".pks")).count()).isLessThanOrEqualTo(2);
            }
        }
        assertThat(killedMidRun).as("kills that hit a running replay").isEqualTo(5);
        return refSummary;
    }
}
