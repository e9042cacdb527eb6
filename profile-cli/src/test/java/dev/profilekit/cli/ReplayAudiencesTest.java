package dev.profilekit.cli;

import static dev.profilekit.cli.ReplayCommandTest.copyFixture;
import static dev.profilekit.cli.ReplayCommandTest.readLines;
import static dev.profilekit.cli.ReplayCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.testkit.SpecAssertions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay --audiences A --audience-log L}: profiles list their audiences, the summary gives the sizes, the log
 * folds to the memberships the profiles show at the end, and misuse is one clear line with nothing written.
 */
class ReplayAudiencesTest {

    @TempDir
    Path tmp;

    private Path audiences(String json) throws IOException {
        Path p = tmp.resolve("audiences.json");
        Files.writeString(p, json);
        return p;
    }

    private static final String AUDIENCES = """
            {"audiences":[{"name":"carted","rule":"carts >= 1 and since_purchase is missing"},
             {"name":"lapsed","rule":"since_purchase > PT12H"},
             {"name":"recent_viewers","rule":"views_6h >= 1"},
             {"name":"fans","rule":"fav_categories in ('toys', 'games')"}]}""";

    @Test
    void profilesSummaryAndLogAgree() throws IOException {
        Path schema = copyFixture(tmp, "schema.json");
        Path events = copyFixture(tmp, "events.jsonl");
        Path out = tmp.resolve("profiles.jsonl");
        Path log = tmp.resolve("changes.jsonl");
        ReplayCommandTest.Run r = run("replay", "--schema", schema.toString(), "--events", events.toString(), "--out",
                out.toString(), "--audiences", audiences(AUDIENCES).toString(), "--audience-log", log.toString(),
                "--quiet");
        assertThat(r.exit()).as(r.err()).isEqualTo(0);
        JsonNode summary = SpecAssertions.MAPPER.readTree(r.lastLine());
        Map<String, Integer> counted = new TreeMap<>();
        Map<String, List<String>> listed = new HashMap<>();
        for (JsonNode p : readLines(out)) {
            List<String> in = SpecAssertions.MAPPER.convertValue(p.get("audiences"),
                    SpecAssertions.MAPPER.getTypeFactory().constructCollectionType(List.class, String.class));
            assertThat(in).isSorted();
            listed.put(p.get("user").asText(), in);
            in.forEach(a -> counted.merge(a, 1, Integer::sum));
        }
        for (String a : List.of("carted", "lapsed", "recent_viewers", "fans")) {
            assertThat(summary.get("audiences").get(a).asInt()).as(a).isEqualTo(counted.getOrDefault(a, 0));
        }
        assertThat(counted).isNotEmpty();
        // fold the log: the last state of each (user, audience) is the membership the profile shows
        Map<String, Boolean> folded = new HashMap<>();
        for (JsonNode c : readLines(log)) {
            String key = c.get("user").asText() + "/" + c.get("audience").asText();
            switch (c.get("change").asText()) {
                case "enter" -> folded.put(key, true);
                case "exit" -> folded.put(key, false);
                default -> {
                    JsonNode iv = c.get("intervals");
                    folded.put(key, iv.size() > 0 && iv.get(iv.size() - 1).get(1).isNull());
                }
            }
        }
        // query shows a user's audiences as the profile lists them
        String someone = listed.entrySet().stream().filter(e -> e.getValue().size() >= 1).findFirst().orElseThrow()
                .getKey();
        ReplayCommandTest.Run q = run("query", "--profiles", out.toString(), "--user", someone);
        assertThat(q.exit()).as(q.err()).isEqualTo(0);
        assertThat(q.out().lines().filter(l -> l.startsWith("audiences ")).map(l -> l.substring(9).strip()))
                .containsExactly(String.join(", ", listed.get(someone)));
        listed.forEach((user, in) -> {
            for (String a : List.of("carted", "lapsed", "recent_viewers", "fans")) {
                assertThat(folded.getOrDefault(user + "/" + a, false)).as("%s in %s", user, a)
                        .isEqualTo(in.contains(a));
            }
        });
    }

    @Test
    void misuseIsOneLineAndWritesNothing() throws IOException {
        Path schema = copyFixture(tmp, "schema.json");
        Path events = copyFixture(tmp, "events.jsonl");
        Path out = tmp.resolve("profiles.jsonl");
        ReplayCommandTest.Run noAudiences = run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", out.toString(), "--audience-log", tmp.resolve("l.jsonl").toString());
        assertThat(noAudiences.exit()).isEqualTo(2);
        assertThat(noAudiences.err().strip()).isEqualTo(
                "profilekit: --audience-log needs --audiences A.json (the audiences to log)");
        Path bad = audiences("{\"audiences\":[{\"name\":\"x\",\"rule\":\"spend > 'a lot'\"}]}");
        ReplayCommandTest.Run badRule = run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", out.toString(), "--audiences", bad.toString());
        assertThat(badRule.exit()).isEqualTo(2);
        assertThat(badRule.err().strip()).isEqualTo("profilekit: --audiences " + bad + ": audience 'x', rule \"spend >"
                + " 'a lot'\", column 9: 'spend' is a number (a sum), 'a lot' is not: write a number");
        ReplayCommandTest.Run withSnapshots = run("replay", "--schema", schema.toString(), "--events",
                events.toString(), "--out", out.toString(), "--audiences", audiences(AUDIENCES).toString(),
                "--snapshot-dir", tmp.resolve("snaps").toString());
        assertThat(withSnapshots.exit()).isEqualTo(2);
        assertThat(withSnapshots.err()).contains("--audiences cannot be combined with --snapshot-dir yet");
        assertThat(out).doesNotExist();
        assertThat(tmp.resolve("l.jsonl")).doesNotExist();
        assertThat(tmp.resolve("snaps")).doesNotExist();
    }
}
