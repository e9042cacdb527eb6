package dev.profilekit.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.cli.ReplayRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * Parity: the Flink job writes byte for byte the profile file {@code profilekit replay} writes, and the same
 * summary, at parallelism 1 and 2, on the fixture stream and on a simulated one.
 */
class FlinkParityTest {

    @RegisterExtension
    static final MiniClusterExtension MINI = FlinkTestSupport.miniCluster();

    @TempDir
    Path dir;

    private void assertParity(Path schema, Path events, String... extra) throws Exception {
        Path replayOut = dir.resolve("replay.jsonl");
        List<String> replayArgs = new java.util.ArrayList<>(List.of("replay", "--schema", schema.toString(),
                "--events", events.toString(), "--out", replayOut.toString()));
        replayArgs.addAll(List.of(extra));
        String replaySummary = ReplayRunner.run(replayArgs.toArray(new String[0])).strip();
        byte[] expected = Files.readAllBytes(replayOut);
        assertThat(Files.readAllLines(replayOut)).hasSizeGreaterThan(10); // a real comparison, not of two empty files
        for (int p : new int[] {1, 2}) {
            Path out = dir.resolve("flink-p" + p + ".jsonl");
            List<String> args = new java.util.ArrayList<>(List.of("--schema", schema.toString(), "--events",
                    events.toString(), "--out", out.toString(), "--parallelism", Integer.toString(p)));
            args.addAll(List.of(extra));
            String summary = FlinkTestSupport.runJob(args.toArray(new String[0]));
            assertThat(summary).as("summary at parallelism %d", p).isEqualTo(replaySummary);
            assertThat(Files.readAllBytes(out)).as("profiles at parallelism %d", p).isEqualTo(expected);
        }
    }

    @Test
    void fixtureStreamGivesReplaysProfilesAndCounts() throws Exception {
        Path schema = FlinkTestSupport.resource("ecommerce/schema.json", dir);
        Path events = FlinkTestSupport.resource("ecommerce/events.jsonl", dir);
        assertParity(schema, events);
        // the counts the README promises for this fixture (independent of both implementations)
        assertThat(FlinkTestSupport.runJob("--schema", schema.toString(), "--events", events.toString(), "--out",
                dir.resolve("again.jsonl").toString()))
                .isEqualTo("{\"accepted\":2948,\"duplicate\":22,\"late\":162,\"rejected\":16}");
    }

    @Test
    void fixtureStreamAsOfAnEarlierTime() throws Exception {
        Path schema = FlinkTestSupport.resource("ecommerce/schema.json", dir);
        Path events = FlinkTestSupport.resource("ecommerce/events.jsonl", dir);
        // a time inside the fixture's range: later events count for dedup and lateness only
        long t = java.time.Instant.parse("2026-01-04T00:00:00Z").toEpochMilli();
        assertParity(schema, events, "--as-of", Long.toString(t));
    }

    @Test
    void simulatedStreamGivesReplaysProfiles() throws Exception {
        Path schema = FlinkTestSupport.resource("ecommerce/schema.json", dir);
        Path events = FlinkTestSupport.simulated(dir, 300, 30, 7L);
        assertThat(Files.lines(events).count()).isGreaterThan(10_000);
        assertParity(schema, events);
    }

    @Test
    void ttlExpiresAndStartsUsersAgainAsReplayDoes() throws Exception {
        Path schema = FlinkTestSupport.resource("ecommerce/schema.json", dir);
        Path events = FlinkTestSupport.simulated(dir, 300, 30, 7L);
        assertParity(schema, events, "--ttl", "P2D");
        // the stream has users who expire and come back: with the TTL their profiles start again
        Path without = dir.resolve("no-ttl.jsonl");
        ReplayRunner.run("replay", "--schema", schema.toString(), "--events", events.toString(), "--out",
                without.toString());
        java.util.Map<String, String> before = byUser(Files.readAllLines(without));
        java.util.Map<String, String> after = byUser(Files.readAllLines(dir.resolve("replay.jsonl")));
        long restarted = after.entrySet().stream().filter(e -> !e.getValue().equals(before.get(e.getKey()))).count();
        assertThat(restarted).as("users who expired and returned").isGreaterThan(10);
        assertThat(after.size()).as("users expired at the end").isLessThan(before.size());
    }

    private static java.util.Map<String, String> byUser(List<String> lines) throws Exception {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String l : lines) {
            m.put(json.readTree(l).get("user").asText(), json.readTree(l).get("features").toString());
        }
        return m;
    }

    @Test
    void pseudonymisationAllowListAndForgetListAsInReplay() throws Exception {
        Path schema = FlinkTestSupport.resource("ecommerce/schema.json", dir);
        Path events = FlinkTestSupport.resource("ecommerce/events.jsonl", dir);
        Path key = dir.resolve("secret.key");
        Files.writeString(key, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        String firstUser = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Files.readAllLines(events).get(0)).get("user").asText();
        Path forget = dir.resolve("forget.txt");
        Files.writeString(forget, firstUser + "\n");
        String attrs = String.join(",", allowList(schema));
        assertParity(schema, events, "--pseudonymise-key", key.toString(), "--allow-attributes", attrs,
                "--forget", forget.toString());
        assertThat(Files.readString(dir.resolve("flink-p2.jsonl"))).doesNotContain("\"" + firstUser + "\"");
    }

    /** The attributes the schema's features read. */
    private static List<String> allowList(Path schema) {
        return dev.profilekit.core.schema.ProfileSchema.fromJson(schema).features().stream()
                .map(f -> f.field()).filter(java.util.Objects::nonNull).distinct().toList();
    }
}
