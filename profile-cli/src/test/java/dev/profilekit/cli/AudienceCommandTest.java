package dev.profilekit.cli;

import static dev.profilekit.cli.ReplayCommandTest.copyFixture;
import static dev.profilekit.cli.ReplayCommandTest.readLines;
import static dev.profilekit.cli.ReplayCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.audience.Audiences;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.testkit.SpecAssertions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code profilekit audience}: the members of each audience in a snapshot, as of its clock or a later time, equal the
 * audiences that a replay of the same lines lists in its profiles as of that time; errors are one line.
 */
class AudienceCommandTest {

    @TempDir
    Path tmp;

    private static final String AUDIENCES = """
            {"audiences":[{"name":"carted","rule":"carts >= 1 and since_purchase is missing"},
             {"name":"lapsed","rule":"since_purchase > PT12H"},
             {"name":"recent_viewers","rule":"views_6h >= 1"},
             {"name":"fans","rule":"fav_categories in ('toys', 'games')"}]}""";

    private Path schema;
    private Path audiences;
    private Path snapshot;
    private List<String> replayedLines;

    /** Replays the fixture with snapshots; keeps the newest snapshot and the lines it holds. */
    private void snapshotTheFixture() throws IOException {
        schema = copyFixture(tmp, "schema.json");
        Path events = copyFixture(tmp, "events.jsonl");
        audiences = tmp.resolve("audiences.json");
        Files.writeString(audiences, AUDIENCES);
        Path snaps = tmp.resolve("snaps");
        ReplayCommandTest.Run r = run("replay", "--schema", schema.toString(), "--events", events.toString(), "--out",
                tmp.resolve("all.jsonl").toString(), "--audiences", audiences.toString(), "--snapshot-dir",
                snaps.toString(), "--snapshot-every", "700", "--quiet");
        assertThat(r.exit()).as(r.err()).isZero();
        try (Stream<Path> s = Files.list(snaps)) {
            snapshot = s.filter(f -> f.toString().endsWith(".pks")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        ProfileSchema sch = ProfileSchema.fromJson(schema);
        long line;
        try (ProfileUpdater u = ProfileUpdater.builder(sch).audiences(Audiences.read(audiences, sch)).build()) {
            line = Long.parseLong(u.restore(snapshot).metadata().get("line"));
        }
        replayedLines = Files.readAllLines(events).subList(0, (int) line);
        assertThat(line).isLessThan(Files.readAllLines(events).size()); // the snapshot is not the end
    }

    /** The members per audience that a replay of the snapshot's lines lists in its profiles (with --as-of T). */
    private Map<String, TreeSet<String>> replayed(String... asOf) throws IOException {
        Path part = tmp.resolve("part.jsonl");
        Files.write(part, replayedLines);
        Path out = tmp.resolve("part-profiles.jsonl");
        List<String> args = new ArrayList<>(List.of("replay", "--schema", schema.toString(), "--events",
                part.toString(), "--out", out.toString(), "--audiences", audiences.toString(), "--quiet"));
        args.addAll(List.of(asOf));
        ReplayCommandTest.Run r = run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        Map<String, TreeSet<String>> m = new TreeMap<>();
        for (String a : List.of("carted", "lapsed", "recent_viewers", "fans")) {
            m.put(a, new TreeSet<>());
        }
        for (JsonNode p : readLines(out)) {
            p.get("audiences").forEach(a -> m.get(a.asText()).add(p.get("user").asText()));
        }
        return m;
    }

    private static Map<String, TreeSet<String>> listed(String out) throws IOException {
        Map<String, TreeSet<String>> m = new TreeMap<>();
        for (String l : out.strip().split("\n")) {
            JsonNode n = SpecAssertions.MAPPER.readTree(l);
            TreeSet<String> users = new TreeSet<>();
            n.get("members").forEach(u -> users.add(u.asText()));
            assertThat(n.get("size").asInt()).isEqualTo(users.size());
            m.put(n.get("audience").asText(), users);
        }
        return m;
    }

    @Test
    void membersOfASnapshotEqualTheAudiencesAReplayOfTheSameLinesLists() throws IOException {
        snapshotTheFixture();
        String t = "2026-03-01T00:00:00Z";
        ReplayCommandTest.Run all = run("audience", "--snapshot", snapshot.toString(), "--schema", schema.toString(),
                "--audiences", audiences.toString(), "--as-of", t);
        assertThat(all.exit()).as(all.err()).isZero();
        Map<String, TreeSet<String>> expected = replayed("--as-of", t);
        assertThat(expected.values().stream().mapToInt(TreeSet::size).sum()).isGreaterThan(50);
        assertThat(listed(all.out())).isEqualTo(expected);

        ReplayCommandTest.Run lapsed = run("audience", "--snapshot", snapshot.toString(), "--schema",
                schema.toString(), "--audiences", audiences.toString(), "--as-of", t, "--name", "lapsed");
        assertThat(lapsed.exit()).as(lapsed.err()).isZero();
        assertThat(lapsed.out().strip().split("\n")).containsExactlyElementsOf(expected.get("lapsed"));

        // query shows a user's audiences from the same snapshot
        String member = expected.get("lapsed").first();
        ReplayCommandTest.Run q = run("query", "--snapshot", snapshot.toString(), "--schema", schema.toString(),
                "--audiences", audiences.toString(), "--user", member, "--as-of", t, "--json");
        assertThat(q.exit()).as(q.err()).isZero();
        List<String> shown = new ArrayList<>();
        SpecAssertions.MAPPER.readTree(q.out()).get("audiences").forEach(a -> shown.add(a.asText()));
        assertThat(shown).isEqualTo(expected.entrySet().stream().filter(e -> e.getValue().contains(member))
                .map(Map.Entry::getKey).toList());

        // default: as of the snapshot's clock, its latest event, as a replay of the lines lists them at their end
        ReplayCommandTest.Run atClock = run("audience", "--snapshot", snapshot.toString(), "--schema",
                schema.toString(), "--audiences", audiences.toString());
        assertThat(atClock.exit()).as(atClock.err()).isZero();
        assertThat(listed(atClock.out())).isEqualTo(replayed());
    }

    @Test
    void aProfilesFileGivesTheMembersItLists() throws IOException {
        snapshotTheFixture();
        Map<String, TreeSet<String>> expected = replayed();
        Path out = tmp.resolve("fans.txt");
        ReplayCommandTest.Run r = run("audience", "--profiles", tmp.resolve("part-profiles.jsonl").toString(),
                "--name", "fans", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.readAllLines(out)).containsExactlyElementsOf(expected.get("fans"));
        assertThat(r.err().strip()).startsWith("audience: fans: " + expected.get("fans").size() + " members as of ");
    }

    @Test
    void misuseIsOneLineWithExitTwo() throws IOException {
        snapshotTheFixture();
        String s = snapshot.toString();
        assertThat(error("audience", "--snapshot", s, "--schema", schema.toString())).isEqualTo(
                "profilekit: --snapshot needs --audiences: the audiences file the replay used (the snapshot keeps "
                        + "the memberships, the file names the rules)");
        assertThat(error("audience", "--snapshot", s, "--schema", schema.toString(), "--audiences",
                audiences.toString(), "--name", "lapsd")).isEqualTo("profilekit: --name lapsd: no such audience in "
                + "--snapshot " + s + " with --audiences " + audiences + "; it has carted, lapsed, recent_viewers, fans");
        assertThat(error("audience", "--snapshot", s, "--schema", schema.toString(), "--audiences",
                audiences.toString(), "--as-of", "2026-01-01T00:00:00Z")).startsWith("profilekit: --as-of "
                + "2026-01-01T00:00:00Z is before the snapshot's latest event (2026-");
        Path other = tmp.resolve("other.json");
        Files.writeString(other, "{\"audiences\":[{\"name\":\"lapsed\",\"rule\":\"since_purchase > P1D\"}]}");
        assertThat(error("audience", "--snapshot", s, "--schema", schema.toString(), "--audiences",
                other.toString())).isEqualTo("profilekit: cannot read --snapshot " + s + ": it keeps the audiences "
                + "carted = 'carts >= 1 and since_purchase is missing', lapsed = 'since_purchase > PT12H', "
                + "recent_viewers = 'views_6h >= 1', fans = 'fav_categories in ('toys', 'games')', and --audiences "
                + "defines lapsed = 'since_purchase > P1D'");
        Path plain = tmp.resolve("plain.jsonl");
        ReplayCommandTest.Run r = run("replay", "--schema", schema.toString(), "--events",
                copyFixture(tmp, "events.jsonl").toString(), "--out", plain.toString(), "--quiet");
        assertThat(r.exit()).isZero();
        assertThat(error("audience", "--profiles", plain.toString())).isEqualTo("profilekit: --profiles " + plain
                + " line 1 lists no \"audiences\": the profiles were written without --audiences (replay them with "
                + "--audiences A.json, or read a snapshot with --snapshot)");
        assertThat(error("query", "--snapshot", s, "--schema", schema.toString(), "--user", "u0001")).isEqualTo(
                "profilekit: cannot read --snapshot " + s + ": it keeps audiences: give the --audiences file the "
                        + "replay used");
    }

    private static String error(String... args) {
        ReplayCommandTest.Run r = run(args);
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n");
        return r.err().strip();
    }
}
