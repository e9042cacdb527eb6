package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.testkit.SpecAssertions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code simulate} then {@code replay --models}, as a user runs them. */
class ReplayModelsTest {

    @TempDir
    Path tmp;

    private Path write(String name, String resource) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, SpecAssertions.text(resource));
        return p;
    }

    @Test
    void replayWithModelsAddsScoresSegmentsForecastsAndPrequentialMetrics() throws IOException {
        Path events = tmp.resolve("events.jsonl");
        ReplayCommandTest.Run sim = ReplayCommandTest.run("simulate", "--users", "300", "--days", "14", "--seed", "3",
                "--drift-day", "7", "--out", events.toString());
        assertThat(sim.exit()).as(sim.err()).isZero();
        Path out = tmp.resolve("profiles.jsonl");
        ReplayCommandTest.Run r = ReplayCommandTest.run("replay", "--schema", write("schema.json", "/live-schema.json")
                .toString(), "--events", events.toString(), "--out", out.toString(), "--models",
                write("models.json", "/live-models.json").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode summary = SpecAssertions.MAPPER.readTree(r.lastLine());
        assertThat(summary.get("rejected").asLong()).isZero();
        JsonNode p = summary.get("prequential");
        assertThat(p.get("examples").asLong()).isPositive();
        assertThat(p.get("auc").asDouble()).isBetween(0.55, 1.0);
        assertThat(p.get("log_loss").asDouble()).isPositive();
        assertThat(summary.get("model_version").asLong()).isPositive();
        assertThat(summary.has("drift_alarms")).isTrue();

        List<String> lines = Files.readAllLines(out).stream().filter(l -> !l.isBlank()).toList();
        long users = Files.readAllLines(events).stream().filter(l -> !l.isBlank())
                .map(l -> l.substring(l.indexOf("\"user\":\"") + 8, l.indexOf('"', l.indexOf("\"user\":\"") + 8)))
                .distinct().count();
        assertThat(lines).hasSize((int) users);
        for (String l : lines) {
            JsonNode profile = SpecAssertions.MAPPER.readTree(l);
            double score = profile.get("scores").get("propensity").asDouble();
            assertThat(score).isBetween(0.0, 1.0);
            assertThat(profile.get("segment").asInt()).isBetween(0, 3);
            assertThat(profile.get("forecast").get("next_day").asDouble()).isGreaterThanOrEqualTo(0.0);
            assertThat(profile.get("features").has("views")).isTrue();
        }

        // the same input gives the same output: retrains run inline in a replay
        Path again = tmp.resolve("again.jsonl");
        ReplayCommandTest.Run r2 = ReplayCommandTest.run("replay", "--schema", tmp.resolve("schema.json").toString(),
                "--events", events.toString(), "--out", again.toString(), "--models",
                tmp.resolve("models.json").toString());
        assertThat(r2.lastLine()).isEqualTo(r.lastLine());
        assertThat(Files.readAllLines(again)).isEqualTo(Files.readAllLines(out));
    }

    @Test
    void replayWithARecommendSectionAddsListsAndTheirEvaluation() throws IOException {
        Path events = tmp.resolve("events.jsonl");
        ReplayCommandTest.Run sim = ReplayCommandTest.run("simulate", "--users", "200", "--days", "10", "--seed", "5",
                "--out", events.toString());
        assertThat(sim.exit()).as(sim.err()).isZero();
        Path models = tmp.resolve("models.json");
        Files.writeString(models, "{\"recommend\": {\"item_field\": \"product\", \"k\": 5, \"weights\": "
                + "{\"view\": 1, \"cart\": 3, \"purchase\": 5}, \"half_life\": \"P30D\", \"exclude\": [\"purchase\"]}}");
        Path out = tmp.resolve("profiles.jsonl");
        ReplayCommandTest.Run r = ReplayCommandTest.run("replay", "--schema", write("schema.json", "/live-schema.json")
                .toString(), "--events", events.toString(), "--out", out.toString(), "--models", models.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode rec = SpecAssertions.MAPPER.readTree(r.lastLine()).get("recommend");
        assertThat(rec.get("users").asLong()).isPositive();
        assertThat(rec.get("recall_at_k").asDouble()).isBetween(0.0, 1.0);
        assertThat(rec.get("ndcg_at_k").asDouble()).isBetween(0.0, rec.get("recall_at_k").asDouble());

        java.util.Map<String, java.util.Set<String>> bought = new java.util.HashMap<>();
        for (String l : Files.readAllLines(events)) {
            if (l.isBlank()) {
                continue;
            }
            JsonNode e = SpecAssertions.MAPPER.readTree(l);
            if (e.get("type").asText().equals("purchase")) {
                bought.computeIfAbsent(e.get("user").asText(), x -> new java.util.HashSet<>())
                        .add(e.get("attrs").get("product").asText());
            }
        }
        List<String> lines = Files.readAllLines(out).stream().filter(l -> !l.isBlank()).toList();
        assertThat(lines).isNotEmpty();
        for (String l : lines) {
            JsonNode profile = SpecAssertions.MAPPER.readTree(l);
            assertThat(profile.get("features").has("views")).isTrue();
            JsonNode list = profile.get("recommendations");
            assertThat(list.size()).isBetween(1, 5);
            double prev = Double.POSITIVE_INFINITY;
            for (JsonNode pair : list) {
                assertThat(pair.get(1).asDouble()).isLessThanOrEqualTo(prev);
                prev = pair.get(1).asDouble();
                assertThat(bought.getOrDefault(profile.get("user").asText(), java.util.Set.of()))
                        .doesNotContain(pair.get(0).asText());
            }
        }
    }

    @Test
    void badModelsFilesNameTheKeyAndExitWith2() throws IOException {
        Path events = tmp.resolve("e.jsonl");
        Files.writeString(events, "{\"id\":\"a\",\"user\":\"u\",\"type\":\"view\",\"ts\":1}\n");
        Path schema = write("schema.json", "/live-schema.json");
        Path models = tmp.resolve("m.json");
        Files.writeString(models, "{\"propensity\":{\"label_type\":\"purchase\",\"horizon\":\"P1D\",\"sample_interval\":"
                + "\"PT1H\",\"features\":[\"purchases\"],\"retrain_evry\":5}}");
        ReplayCommandTest.Run r = ReplayCommandTest.run("replay", "--schema", schema.toString(), "--events",
                events.toString(), "--out", tmp.resolve("o.jsonl").toString(), "--models", models.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("propensity.retrain_evry: unknown key");

        Files.writeString(models, "{\"segments\":{\"k\":3,\"features\":[\"no_such_feature\"]}}");
        ReplayCommandTest.Run r2 = ReplayCommandTest.run("replay", "--schema", schema.toString(), "--events",
                events.toString(), "--out", tmp.resolve("o.jsonl").toString(), "--models", models.toString());
        assertThat(r2.exit()).isEqualTo(2);
        assertThat(r2.err()).contains("segments.features[0]").contains("no_such_feature");

        // the old numeric segments half-life: one line naming the key and the key to use instead
        Files.writeString(models, "{\"segments\":{\"k\":3,\"features\":[\"views\"],\"half_life\":20000}}");
        ReplayCommandTest.Run r3 = ReplayCommandTest.run("replay", "--schema", schema.toString(), "--events",
                events.toString(), "--out", tmp.resolve("o.jsonl").toString(), "--models", models.toString());
        assertThat(r3.exit()).isEqualTo(2);
        assertThat(r3.err().strip()).doesNotContain("\n").contains("segments.half_life: no longer accepted (was 20000)")
                .contains("use \"half_life_samples\"");

        // a duration that is not ISO-8601, and a seed beyond 32 bits (accepted: seeds are 64-bit)
        Files.writeString(models, "{\"segments\":{\"k\":3,\"features\":[\"views\"],\"sample_interval\":3600}}");
        ReplayCommandTest.Run r4 = ReplayCommandTest.run("replay", "--schema", schema.toString(), "--events",
                events.toString(), "--out", tmp.resolve("o.jsonl").toString(), "--models", models.toString());
        assertThat(r4.exit()).isEqualTo(2);
        assertThat(r4.err()).contains("segments.sample_interval: must be an ISO-8601 duration string, was 3600");
        Files.writeString(models, "{\"segments\":{\"k\":3,\"features\":[\"views\"],\"seed\":8589934592,"
                + "\"half_life_samples\":500}}");
        ReplayCommandTest.Run r5 = ReplayCommandTest.run("replay", "--schema", schema.toString(), "--events",
                events.toString(), "--out", tmp.resolve("o.jsonl").toString(), "--models", models.toString());
        assertThat(r5.exit()).as(r5.err()).isZero();
    }
}
