package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.testkit.SpecAssertions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay command, run in-process exactly as {@code java -jar profilekit.jar} runs it. */
class ReplayCommandTest {

    private static final String DIR = "/profile-stream-small/";

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
        String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = ProfileKitCli.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private Path resource(String name) throws IOException {
        return copyFixture(tmp, name);
    }

    /** The worked example's file {@code name}, copied into {@code dir}. */
    static Path copyFixture(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, SpecAssertions.text(DIR + name) + "\n");
        return p;
    }

    static List<JsonNode> readLines(Path p) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(p)) {
            if (!l.isBlank()) {
                out.add(SpecAssertions.MAPPER.readTree(l));
            }
        }
        return out;
    }

    @Test
    void replaysTheFixtureToTheExpectedProfilesRejectsAndSummary() throws IOException {
        Path out = tmp.resolve("profiles.jsonl");
        Path rejects = tmp.resolve("rejects.jsonl");
        // the fixture's counts are those of the specification's unbounded duplicate rule
        Run r = run("replay", "--schema", resource("schema.json").toString(), "--events",
                resource("events.jsonl").toString(), "--out", out.toString(), "--rejects", rejects.toString(),
                "--dedup-retention", "ALL");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode summary = SpecAssertions.MAPPER.readTree(r.lastLine());
        assertThat(summary).isEqualTo(SpecAssertions.MAPPER.readTree(SpecAssertions.text(DIR + "expected-summary.json")));
        SpecAssertions.assertProfilesMatch(SpecAssertions.jsonLines(DIR + "expected-profiles.jsonl"), readLines(out));

        List<JsonNode> rej = readLines(rejects);
        assertThat(rej).hasSize(summary.get("rejected").asInt());
        List<String> lines = SpecAssertions.lines(DIR + "events.jsonl");
        for (JsonNode j : rej) {
            int line = j.get("line").asInt();
            assertThat(j.get("text").asText()).isEqualTo(lines.get(line - 1));
            assertThat(j.get("reason").asText()).isNotBlank();
            assertThat(j.get("message").asText()).isNotBlank();
        }
        assertThat(rej).extracting(j -> j.get("line").asInt()).contains(20, 810, 1648, 2485);
    }

    @Test
    void asOfEvaluatesEarlierProfiles() throws IOException {
        Path out = tmp.resolve("profiles.jsonl");
        long asOf = 1_767_700_000_000L;
        Run r = run("replay", "--schema", resource("schema.json").toString(), "--events",
                resource("events.jsonl").toString(), "--out", out.toString(), "--as-of", String.valueOf(asOf),
                "--dedup-retention", "ALL");
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonNode> profiles = readLines(out);
        assertThat(profiles).hasSize(50).allSatisfy(p -> assertThat(p.get("as_of").asLong()).isEqualTo(asOf));
        // only events up to asOf count: every first_seen and recency lies at or before it
        for (JsonNode p : profiles) {
            JsonNode first = p.get("features").get("first_seen");
            if (!first.isNull()) {
                assertThat(first.asLong()).isLessThanOrEqualTo(asOf);
            }
            JsonNode since = p.get("features").get("since_purchase");
            if (!since.isNull()) {
                assertThat(since.asDouble()).isGreaterThanOrEqualTo(0.0);
            }
        }
        // the acceptance counts do not depend on --as-of
        assertThat(SpecAssertions.MAPPER.readTree(r.lastLine()))
                .isEqualTo(SpecAssertions.MAPPER.readTree(SpecAssertions.text(DIR + "expected-summary.json")));
    }

    @Test
    void badInputGivesOneLineErrorsAndExitCode2() throws IOException {
        Path out = tmp.resolve("p.jsonl");
        Path events = resource("events.jsonl");
        Run missing = run("replay", "--schema", tmp.resolve("nope.json").toString(), "--events", events.toString(),
                "--out", out.toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err().strip()).doesNotContain("\n").contains("schema file not found").contains("nope.json");
        assertThat(missing.err()).doesNotContain("Exception").doesNotContain("\tat ");

        Path badSchema = tmp.resolve("bad.json");
        Files.writeString(badSchema, "{\"features\":[{\"name\":\"x\",\"kind\":\"median\"}]}");
        Run unreadable = run("replay", "--schema", badSchema.toString(), "--events", events.toString(), "--out",
                out.toString());
        assertThat(unreadable.exit()).isEqualTo(2);
        assertThat(unreadable.err().strip()).doesNotContain("\n").contains("feature 'x': unknown kind 'median'");

        Run badFlag = run("replay", "--schema", badSchema.toString(), "--events", events.toString(), "--out",
                out.toString(), "--bogus");
        assertThat(badFlag.exit()).isEqualTo(2);
        assertThat(badFlag.err().strip()).doesNotContain("\n").contains("--bogus");

        Run badAsOf = run("replay", "--schema", badSchema.toString(), "--events", events.toString(), "--out",
                out.toString(), "--as-of", "yesterday");
        assertThat(badAsOf.exit()).isEqualTo(2);

        Run noCommand = run();
        assertThat(noCommand.exit()).isEqualTo(2);
    }

    @Test
    void helpExplainsEveryFlagWithAnExample() {
        Run r = run("replay", "--help");
        assertThat(r.exit()).isZero();
        for (String flag : List.of("--schema", "--events", "--out", "--as-of", "--rejects", "--dedup-retention")) {
            assertThat(r.out()).contains(flag);
        }
        assertThat(r.out()).contains("Example");
    }
}
