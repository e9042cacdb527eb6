package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.testkit.SpecAssertions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay --explain N} and {@code query --explain}, on a simulated stream with the live-models example. */
class ExplainCommandTest {

    @TempDir
    static Path tmp;
    private static Path schema;
    private static Path models;
    private static Path events;

    @BeforeAll
    static void simulate() throws IOException {
        schema = tmp.resolve("schema.json");
        Files.writeString(schema, SpecAssertions.text("/live-schema.json"));
        models = tmp.resolve("models.json");
        Files.writeString(models, SpecAssertions.text("/live-models.json"));
        events = tmp.resolve("events.jsonl");
        ReplayCommandTest.Run sim = ReplayCommandTest.run("simulate", "--users", "200", "--days", "12", "--seed", "4",
                "--out", events.toString());
        assertThat(sim.exit()).as(sim.err()).isZero();
    }

    private static List<JsonNode> replay(String name, String... extra) throws IOException {
        Path out = tmp.resolve(name);
        List<String> args = new java.util.ArrayList<>(List.of("replay", "--schema", schema.toString(), "--events",
                events.toString(), "--out", out.toString(), "--models", models.toString()));
        args.addAll(List.of(extra));
        ReplayCommandTest.Run r = ReplayCommandTest.run(args.toArray(new String[0]));
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonNode> profiles = new java.util.ArrayList<>();
        for (String l : Files.readAllLines(out)) {
            if (!l.isBlank()) {
                profiles.add(SpecAssertions.MAPPER.readTree(l));
            }
        }
        assertThat(profiles).hasSizeGreaterThan(150);
        return profiles;
    }

    @Test
    void explainThreeListsTheThreeLargestTermsAndTheProfilesAreUnchanged() throws IOException {
        List<JsonNode> plain = replay("plain.jsonl");
        List<JsonNode> explained = replay("three.jsonl", "--explain", "3");
        assertThat(explained).hasSameSizeAs(plain);
        List<JsonNode> all = replay("all.jsonl", "--explain", "1000");
        for (int i = 0; i < plain.size(); i++) {
            com.fasterxml.jackson.databind.node.ObjectNode e = explained.get(i).deepCopy();
            JsonNode top = e.remove("explain").get("propensity").get("top");
            assertThat(e).isEqualTo(plain.get(i));
            assertThat(top).hasSize(3);
            for (int j = 1; j < top.size(); j++) {
                assertThat(Math.abs(top.get(j - 1).get(1).asDouble()))
                        .isGreaterThanOrEqualTo(Math.abs(top.get(j).get(1).asDouble()));
            }
            JsonNode full = all.get(i).get("explain").get("propensity").get("top");
            assertThat(full).hasSize(9); // the live-models example's nine numeric inputs
            for (int j = 0; j < 3; j++) {
                assertThat(top.get(j)).isEqualTo(full.get(j)); // the same terms, the largest first
            }
        }
    }

    @Test
    void explainWithEveryInputReconstructsTheLogitOfTheScore() throws IOException {
        int checked = 0;
        for (JsonNode p : replay("logit.jsonl", "--explain", "1000")) {
            JsonNode e = p.get("explain").get("propensity");
            double sum = e.get("intercept").asDouble();
            java.util.Set<String> inputs = new java.util.HashSet<>();
            for (JsonNode t : e.get("top")) {
                sum += t.get(1).asDouble();
                inputs.add(t.get(0).asText());
            }
            assertThat(inputs).contains("purchases_3d", "since_purchase", "since_event").hasSize(9);
            double score = p.get("scores").get("propensity").asDouble();
            // the printed score is exact to an ulp; the logit of it then to about ulp / (p (1 - p))
            double tolerance = Math.max(1e-12, 8 * Math.ulp(1.0) / (score * (1 - score)));
            assertThat(sum).isCloseTo(Math.log(score / (1 - score)), within(tolerance));
            checked++;
        }
        assertThat(checked).isGreaterThan(150);
    }

    @Test
    void queryExplainPrintsAlignedRowsAndJson() throws IOException {
        Path state = tmp.resolve("state");
        long count = Files.readAllLines(events).stream().filter(l -> !l.isBlank()).count();
        replay("snap.jsonl", "--snapshot-dir", state.toString(), "--snapshot-every", Long.toString(count * 9 / 10));
        Path snap;
        try (dev.profilekit.core.snapshot.SnapshotDirectory d = dev.profilekit.core.snapshot.SnapshotDirectory.open(state)) {
            snap = d.snapshots().get(0);
        }
        String user = SpecAssertions.MAPPER.readTree(Files.readAllLines(tmp.resolve("snap.jsonl")).get(0))
                .get("user").asText();
        ReplayCommandTest.Run q = ReplayCommandTest.run("query", "--snapshot", snap.toString(), "--schema",
                schema.toString(), "--models", models.toString(), "--user", user, "--explain");
        assertThat(q.exit()).as(q.err()).isZero();
        List<String> lines = q.out().lines().toList();
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("  input ") && l.contains("contribution"))
                .findFirst().orElseThrow());
        int column = lines.get(header).indexOf("contribution");
        assertThat(lines.get(header + 1)).startsWith("  (intercept)");
        for (int i = header + 1; i <= header + 10; i++) { // intercept and nine inputs, contributions in one column
            assertThat(lines.get(i).length()).as(lines.get(i)).isGreaterThan(column);
            assertThat(lines.get(i).charAt(column - 1)).as(lines.get(i)).isEqualTo(' ');
            assertThat(lines.get(i).charAt(column)).as(lines.get(i)).isNotEqualTo(' ');
        }
        assertThat(q.out()).contains("segment  ").contains("  segment  distance").contains("forecast  next day");

        ReplayCommandTest.Run j = ReplayCommandTest.run("query", "--snapshot", snap.toString(), "--schema",
                schema.toString(), "--models", models.toString(), "--user", user, "--explain", "--json");
        assertThat(j.exit()).as(j.err()).isZero();
        JsonNode n = SpecAssertions.MAPPER.readTree(j.out());
        JsonNode prop = n.get("explain").get("propensity");
        assertThat(prop.get("score").asDouble()).isEqualTo(n.get("scores").get("propensity").asDouble());
        assertThat(prop.get("contributions")).hasSize(9);
        assertThat(n.get("explain").get("segments").get("segment").asInt()).isEqualTo(n.get("segment").asInt());
        assertThat(n.get("explain").get("segments").get("distances")).hasSize(4);
    }

    @Test
    void explainWithoutModelsOrBelowOneIsAUsageError() {
        ReplayCommandTest.Run zero = ReplayCommandTest.run("replay", "--schema", schema.toString(), "--events",
                events.toString(), "--out", tmp.resolve("z.jsonl").toString(), "--models", models.toString(),
                "--explain", "0");
        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.err()).contains("--explain must be >= 1, was 0");
        ReplayCommandTest.Run noModels = ReplayCommandTest.run("replay", "--schema", schema.toString(), "--events",
                events.toString(), "--out", tmp.resolve("n.jsonl").toString(), "--explain", "3");
        assertThat(noModels.exit()).isEqualTo(2);
        assertThat(noModels.err()).contains("--explain needs --models");
        ReplayCommandTest.Run query = ReplayCommandTest.run("query", "--profiles", tmp.resolve("n.jsonl").toString(),
                "--user", "u1", "--explain");
        assertThat(query.exit()).isEqualTo(2);
        assertThat(query.err()).contains("--explain needs --snapshot");
    }
}
