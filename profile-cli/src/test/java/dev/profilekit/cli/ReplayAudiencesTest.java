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
        assertThat(out).doesNotExist();
        assertThat(tmp.resolve("l.jsonl")).doesNotExist();
    }

    @Test
    void aPseudonymisedRunLogsPseudonymsNeverRawIds() throws IOException {
        Path schema = copyFixture(tmp, "schema.json");
        Path events = copyFixture(tmp, "events.jsonl");
        Path key = tmp.resolve("k.hex");
        Files.writeString(key, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n");
        Path log = tmp.resolve("changes.jsonl");
        ReplayCommandTest.Run r = run("replay", "--schema", schema.toString(), "--events", events.toString(), "--out",
                tmp.resolve("p.jsonl").toString(), "--audiences", audiences(AUDIENCES).toString(), "--audience-log",
                log.toString(), "--pseudonymise-key", key.toString(), "--quiet");
        assertThat(r.exit()).as(r.err()).isZero();
        java.util.Set<String> raw = new java.util.HashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"user\": ?\"([^\"]+)\"")
                .matcher(Files.readString(events));
        while (m.find()) {
            raw.add(m.group(1));
        }
        List<JsonNode> changes = readLines(log);
        assertThat(changes).hasSizeGreaterThan(100);
        for (JsonNode c : changes) {
            assertThat(c.get("user").asText()).matches("[0-9a-f]{64}");
        }
        String text = Files.readString(log);
        assertThat(raw).hasSizeGreaterThan(50).noneMatch(u -> text.contains("\"" + u + "\""));
    }

    @Test
    void aResumeWithOtherAudiencesIsRefusedInOneLineAndChangesNothing() throws IOException {
        Path schema = copyFixture(tmp, "schema.json");
        Path events = copyFixture(tmp, "events.jsonl");
        Path out = tmp.resolve("profiles.jsonl");
        Path snaps = tmp.resolve("snaps");
        ReplayCommandTest.Run first = run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", out.toString(), "--audiences", audiences(AUDIENCES).toString(), "--snapshot-dir",
                snaps.toString(), "--snapshot-every", "500", "--quiet");
        assertThat(first.exit()).as(first.err()).isZero();
        Map<String, byte[]> before = new TreeMap<>();
        try (var files = Files.list(snaps)) {
            for (Path f : files.toList()) {
                before.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        Path other = tmp.resolve("other.json");
        Files.writeString(other, "{\"audiences\":[{\"name\":\"lapsed\",\"rule\":\"since_purchase > P1D\"}]}");
        ReplayCommandTest.Run resumed = run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", tmp.resolve("o2.jsonl").toString(), "--audiences", other.toString(), "--resume",
                snaps.toString(), "--quiet");
        assertThat(resumed.exit()).isEqualTo(2);
        assertThat(resumed.err().strip()).matches("profilekit: cannot resume from .*snapshot-\\d+\\.pks: it keeps the "
                + "audiences carted = 'carts >= 1 and since_purchase is missing', lapsed = 'since_purchase > PT12H', "
                + "recent_viewers = 'views_6h >= 1', fans = 'fav_categories in \\('toys', 'games'\\)', and "
                + "--audiences defines lapsed = 'since_purchase > P1D'; nothing was changed");
        ReplayCommandTest.Run without = run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", tmp.resolve("o3.jsonl").toString(), "--resume", snaps.toString(), "--quiet");
        assertThat(without.exit()).isEqualTo(2);
        assertThat(without.err().strip()).matches("profilekit: cannot resume from .*: it keeps audiences: give the "
                + "--audiences file the replay used; nothing was changed");
        try (var files = Files.list(snaps)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals(".lock")) {
                    assertThat(Files.readAllBytes(f)).as(f.toString()).isEqualTo(before.get(f.getFileName().toString()));
                }
            }
        }
    }
}
