package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.launch.Relaunch;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When {@code java -jar profilekit.jar} runs a bulk command in a second JVM, and with which settings. */
class RelaunchTest {

    private static final long GIB = 1L << 30;
    private static final String JAR = "profile-cli/target/profilekit.jar replay --schema s.json";

    @Test
    void bulkCommandsWithoutJvmOptionsGetTheParallelCollectorAndTheSameMaximumHeap() {
        List<String> opts = Relaunch.options(ProfileKitCli.bulk(new String[] {"replay", "--schema", "s.json"}),
                List.of(), JAR, null, 6 * GIB);
        assertThat(opts).containsExactly("-XX:+UseParallelGC", "-Xmx6144m", "-Xms1024m", "-Xmn512m",
                "-Dprofilekit.relaunched=true");
        // a smaller default heap: young generation a quarter of it, initial heap half of it
        assertThat(Relaunch.options(ProfileKitCli.bulk(new String[] {"demo"}), List.of(), "profilekit.jar demo", null,
                3 * GIB / 2))
                .containsExactly("-XX:+UseParallelGC", "-Xmx1536m", "-Xms768m", "-Xmn384m",
                        "-Dprofilekit.relaunched=true");
        assertThat(Relaunch.options(ProfileKitCli.bulk(new String[] {"dataset"}), List.of(), "x.jar dataset", "1",
                2 * GIB)).isNotEmpty();
    }

    @Test
    void neverWhenTheUserChoseOrTheCommandIsSmallOrTheHeapTooSmall() {
        boolean replay = ProfileKitCli.bulk(new String[] {"replay"});
        assertThat(Relaunch.options(replay, List.of("-Xmx512m"), JAR, null, 6 * GIB)).isEmpty();
        assertThat(Relaunch.options(replay, List.of(), "dev.profilekit.cli.ProfileKitCli replay", null, 6 * GIB))
                .as("started with -cp, as the tests start it").isEmpty();
        assertThat(Relaunch.options(replay, List.of(), JAR, "0", 6 * GIB)).as("PROFILEKIT_RELAUNCH=0").isEmpty();
        assertThat(Relaunch.options(replay, List.of(), JAR, null, 512L << 20)).isEmpty();
        assertThat(ProfileKitCli.bulk(new String[] {"query"})).isFalse();
        assertThat(ProfileKitCli.bulk(new String[0])).isFalse();
        assertThat(Relaunch.options(false, List.of(), JAR, null, 6 * GIB)).isEmpty();
        assertThat(Relaunch.options(replay, List.of(), null, null, 6 * GIB)).isEmpty();
    }

    @TempDir
    Path tmp;

    /** The first JVM as {@code java -jar} runs it, on the test class path: relaunches its arguments. */
    public static final class Launcher {
        public static void main(String[] args) {
            System.exit(Relaunch.launch(List.of("-D" + Relaunch.MARK + "=true"), System.getProperty("java.class.path"),
                    ProfileKitCli.class.getName(), args));
        }
    }

    private record Started(Process launcher, ProcessHandle child, Path out) {
        /** Kills what is left (a test that failed may leave the second JVM running). */
        void cleanUp() {
            child.destroyForcibly();
            launcher.destroyForcibly();
        }
    }

    /** The launcher on a replay of the fixture ({@code --events -}: from the launcher's standard input). */
    private Started start(boolean fromStdin) throws IOException, InterruptedException {
        Path schema = ReplayCommandTest.copyFixture(tmp, "schema.json");
        Path events = ReplayCommandTest.copyFixture(tmp, "events.jsonl");
        Path out = tmp.resolve("profiles.jsonl");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Launcher.class.getName(), "replay", "--schema",
                schema.toString(), "--events", fromStdin ? "-" : events.toString(), "--out", out.toString(),
                "--now", "2027-01-01T00:00:00Z"));
        Process launcher = new ProcessBuilder(cmd).redirectError(tmp.resolve("stderr.txt").toFile())
                .redirectOutput(tmp.resolve("stdout.txt").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            java.util.Optional<ProcessHandle> child = launcher.children().findFirst();
            if (child.isPresent()) {
                return new Started(launcher, child.get(), out);
            }
            assertThat(launcher.isAlive()).as("the launcher ended before starting the second JVM").isTrue();
            Thread.sleep(1);
        }
        launcher.destroyForcibly();
        throw new AssertionError("the launcher started no second JVM within 60 s");
    }

    /** Waits up to 5 s for the process to end; whether it has. */
    private static boolean endsWithin5s(ProcessHandle p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return !p.isAlive();
    }

    /** The replay wrote no profile (it may have opened its output, empty, before it was stopped). */
    private static void assertNoProfiles(Path out) throws IOException {
        if (Files.exists(out)) {
            assertThat(Files.readString(out)).as("profiles written after the launcher was stopped").isEmpty();
        }
    }

    @Test
    @Tag("slow")
    void killingTheLauncherKillsTheSecondJvmBeforeItWritesAnything() throws Exception {
        for (boolean fromStdin : new boolean[] {false, true}) {
            Started s = start(fromStdin);
            try {
                // at once, while the second JVM is still starting: it must notice a launcher that is already gone
                s.launcher().destroyForcibly(); // SIGKILL
                assertThat(s.launcher().waitFor(10, TimeUnit.SECONDS)).isTrue();
                if (fromStdin) { // the second JVM inherited the pipe: give it the whole input, then its end
                    try (OutputStream in = s.launcher().getOutputStream()) {
                        in.write(Files.readAllBytes(tmp.resolve("events.jsonl")));
                    } catch (IOException gone) {
                        // nobody reads the pipe any more: as it should be
                    }
                }
                assertThat(endsWithin5s(s.child())).as("second JVM alive 5 s after the launcher was killed (stdin %s)",
                        fromStdin).isTrue();
                assertNoProfiles(s.out());
            } finally {
                s.cleanUp();
            }
            Files.deleteIfExists(s.out());
        }
    }

    @Test
    @Tag("slow")
    void killingTheLauncherDuringTheRunKillsTheSecondJvm() throws Exception {
        Started s = start(true);
        try (OutputStream in = s.launcher().getOutputStream()) {
            // half the input, and the pipe stays open: the replay is running, waiting for more
            List<String> lines = Files.readAllLines(tmp.resolve("events.jsonl"));
            in.write((String.join("\n", lines.subList(0, lines.size() / 2)) + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            Thread.sleep(1_500);
            assertThat(s.child().isAlive()).as(Files.readString(tmp.resolve("stderr.txt"))).isTrue();
            s.launcher().destroyForcibly();
            assertThat(endsWithin5s(s.child())).as("second JVM alive 5 s after the launcher was killed").isTrue();
            try {
                in.write((String.join("\n", lines.subList(lines.size() / 2, lines.size())) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            } catch (IOException gone) {
                // nobody reads the pipe any more
            }
        } catch (IOException closed) {
            // the pipe closed with the second JVM
        } finally {
            s.cleanUp();
        }
        assertNoProfiles(s.out());
    }

    @Test
    @Tag("slow")
    void stoppingTheLauncherStopsTheSecondJvmFirstAndExitsWithItsStatus() throws Exception {
        stopTheLauncher(false);
    }

    @Test
    @Tag("slow")
    void stoppingTheLauncherKillsASecondJvmThatDoesNotStopWithinTheGrace() throws Exception {
        stopTheLauncher(true);
    }

    /** SIGTERM to the launcher only, as a service manager sends it; the second JVM stopped (SIGSTOP) if asked. */
    private void stopTheLauncher(boolean unresponsive) throws Exception {
        Started s = start(true);
        try (OutputStream in = s.launcher().getOutputStream()) {
            in.write("{\"id\":\"e\",\"user\":\"u\",\"type\":\"view\",\"ts\":1767225600000}\n"
                    .getBytes(StandardCharsets.UTF_8));
            in.flush();
            Thread.sleep(1_500); // both JVMs running, the second waiting for input
            assertThat(s.child().isAlive()).as(Files.readString(tmp.resolve("stderr.txt"))).isTrue();
            if (unresponsive) { // a second JVM that does not react to SIGTERM (hung, or stopped as here)
                Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(s.child().pid())).start();
                assertThat(stop.waitFor()).isZero();
            }
            s.launcher().destroy();
            assertThat(s.launcher().waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(s.child().isAlive()).as("the launcher ended before the second JVM").isFalse();
            assertThat(s.launcher().exitValue()).isNotZero();
        } finally {
            s.cleanUp();
        }
        assertNoProfiles(s.out());
    }
}
