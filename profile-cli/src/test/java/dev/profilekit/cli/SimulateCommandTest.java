package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.profilekit.core.engine.Event;
import dev.profilekit.core.io.EventJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulate command, run in-process as {@code java -jar profilekit.jar simulate} runs it. */
class SimulateCommandTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final double PROBABILITY_TOLERANCE = 1e-12;

    @TempDir
    Path tmp;

    private static ReplayCommandTest.Run run(String... args) {
        return ReplayCommandTest.run(args);
    }

    @Test
    void writesEventsAndTruthThatReplayAcceptsWhole() throws IOException {
        Path events = tmp.resolve("events.jsonl");
        ReplayCommandTest.Run r = run("simulate", "--users", "120", "--days", "5", "--seed", "42", "--drift-day", "3",
                "--jitter-ms", "60000", "--out", events.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        Path truth = tmp.resolve("events.truth.jsonl");
        assertThat(truth).exists();

        List<String> lines = Files.readAllLines(events);
        JsonNode summary = MAPPER.readTree(r.lastLine());
        assertThat(summary.get("events").asLong()).isEqualTo(lines.size()).isGreaterThan(500);
        Set<String> users = new HashSet<>();
        for (String line : lines) {
            assertThat(line).startsWith("{").endsWith("}");
            Event e = EventJson.parse(line);
            users.add(e.user());
            assertThat(MAPPER.readTree(line).get("ts").isIntegralNumber()).isTrue();
        }

        List<String> truthLines = Files.readAllLines(truth);
        assertThat(truthLines).hasSize(120);
        for (String line : truthLines) {
            assertThat(line).startsWith("{\"user\":").endsWith("}");
            JsonNode t = MAPPER.readTree(line);
            assertThat(t.get("segment").asInt()).isBetween(0, 3);
            double rate = t.get("purchase_rate_per_day").asDouble();
            assertThat(t.get("p_purchase_next_day").asDouble())
                    .isCloseTo(1 - Math.exp(-rate), org.assertj.core.data.Offset.offset(PROBABILITY_TOLERANCE));
            assertThat(t.get("user").asText()).matches("u\\d{3}");
        }
        assertThat(users).isSubsetOf(truthLines.stream().map(l -> readUser(l)).toList());

        Path schema = tmp.resolve("schema.json");
        Files.writeString(schema, """
                {"allowed_lateness":"PT1H","features":[
                 {"name":"events","kind":"count"},
                 {"name":"spend","kind":"sum","types":["purchase"],"field":"amount"},
                 {"name":"fav","kind":"top_k","field":"category","k":3},
                 {"name":"sessions","kind":"sessions","gap":"PT30M"}]}""");
        Path profiles = tmp.resolve("profiles.jsonl");
        ReplayCommandTest.Run replay = run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", profiles.toString());
        assertThat(replay.exit()).as(replay.err()).isZero();
        JsonNode counts = MAPPER.readTree(replay.lastLine());
        assertThat(counts.get("accepted").asLong()).isEqualTo(lines.size());
        assertThat(counts.get("duplicate").asLong()).isZero();
        assertThat(counts.get("late").asLong()).isZero();
        assertThat(counts.get("rejected").asLong()).isZero();
    }

    private static String readUser(String line) {
        try {
            return MAPPER.readTree(line).get("user").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theSameFlagsGiveByteIdenticalFilesAndAnotherSeedOthers() throws IOException {
        String[] common = {"--users", "80", "--days", "4", "--drift-day", "2", "--segments", "3"};
        Path[] out = new Path[3];
        Path[] truth = new Path[3];
        String[] seeds = {"7", "7", "8"};
        for (int i = 0; i < 3; i++) {
            out[i] = tmp.resolve("e" + i + ".jsonl");
            truth[i] = tmp.resolve("t" + i + ".jsonl");
            String[] args = new String[common.length + 7];
            args[0] = "simulate";
            System.arraycopy(common, 0, args, 1, common.length);
            int k = common.length + 1;
            args[k++] = "--seed";
            args[k++] = seeds[i];
            args[k++] = "--out";
            args[k++] = out[i].toString();
            args[k++] = "--truth";
            args[k] = truth[i].toString();
            ReplayCommandTest.Run r = run(args);
            assertThat(r.exit()).as(r.err()).isZero();
        }
        assertThat(Files.readAllBytes(out[1])).isEqualTo(Files.readAllBytes(out[0]));
        assertThat(Files.readAllBytes(truth[1])).isEqualTo(Files.readAllBytes(truth[0]));
        assertThat(Files.readAllBytes(out[2])).isNotEqualTo(Files.readAllBytes(out[0]));
        assertThat(Files.readAllLines(truth[0])).allSatisfy(l -> assertThat(MAPPER.readTree(l).get("segment").asInt())
                .isBetween(0, 2));
        assertThat(tmp.resolve("e0.truth.jsonl")).doesNotExist();
    }

    @Test
    void badFlagsGiveOneLineErrorsAndExitCode2() {
        String out = tmp.resolve("e.jsonl").toString();
        assertBad(run("simulate", "--users", "0", "--days", "5", "--seed", "1", "--out", out),
                "--users must be in [1, 10000000], was 0");
        assertBad(run("simulate", "--users", "10", "--days", "5", "--seed", "1", "--out", out, "--drift-day", "5"),
                "--drift-day must be -1 (none) or in [1, 4]");
        assertBad(run("simulate", "--users", "10", "--days", "5", "--seed", "1", "--out", out, "--segments", "9"),
                "--segments must be in [1, 8], was 9");
        assertBad(run("simulate", "--users", "10", "--days", "0", "--seed", "1", "--out", out), "--days");
        assertBad(run("simulate", "--users", "ten", "--days", "5", "--seed", "1", "--out", out), "--users");
        assertBad(run("simulate", "--users", "10", "--days", "5", "--seed", "1"), "--out");
        assertBad(run("simulate", "--users", "10", "--days", "5", "--out", out), "--seed");
        assertBad(run("simulate", "--users", "10", "--days", "5", "--seed", "1", "--out", out, "--start", "yesterday"),
                "--start");
        assertBad(run("simulate", "--users", "10", "--days", "5", "--seed", "1", "--out", out, "--jitter-ms", "-1"),
                "--jitter-ms");
        assertBad(run("simulate", "--users", "10", "--days", "5", "--seed", "1", "--out", out, "--truth", out),
                "--truth must differ from --out");
        assertBad(run("simulate", "--users", "10", "--days", "5", "--seed", "1", "--out",
                tmp.resolve("missing/dir/e.jsonl").toString()), "--out directory does not exist");
        assertBad(run("simulate", "--users", "10", "--days", "5", "--seed", "1", "--out", out, "--bogus"), "--bogus");
        assertThat(tmp.resolve("e.jsonl")).doesNotExist();
    }

    private static void assertBad(ReplayCommandTest.Run r, String message) {
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("profilekit: ").contains(message);
    }

    @Test
    void helpExplainsEveryFlagWithAnExample() {
        ReplayCommandTest.Run r = run("simulate", "--help");
        assertThat(r.exit()).isZero();
        for (String flag : List.of("--users", "--days", "--seed", "--out", "--drift-day", "--segments", "--truth",
                "--start", "--jitter-ms")) {
            assertThat(r.out()).contains(flag);
        }
        assertThat(r.out()).contains("Example: --drift-day 20").contains("simulate --users 10000 --days 60");
        assertThat(run("--help").out()).contains("simulate");
    }

    @Test
    void defaultTruthPathSitsBesideTheEvents() {
        assertThat(SimulateCommand.defaultTruthPath(Path.of("/a/b/events.jsonl"))).isEqualTo(Path.of("/a/b/events.truth.jsonl"));
        assertThat(SimulateCommand.defaultTruthPath(Path.of("out.json"))).isEqualTo(Path.of("out.json.truth.jsonl"));
    }
}
