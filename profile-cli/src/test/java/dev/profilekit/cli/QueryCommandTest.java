package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.profilekit.core.engine.InvalidEventException;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.schema.ProfileSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryCommandTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path tmp;

    private static final String PROFILE = "{\"user\":\"u7\",\"as_of\":1767225600000,\"features\":{\"views\":3,"
            + "\"spend\":0.1234567,\"order_value\":{\"count\":2,\"mean\":25.5},\"since\":1208399.013,"
            + "\"last\":null,\"fav\":[[\"books\",2.5],[\"toys\",1.0]],\"none\":[]},"
            + "\"scores\":{\"propensity\":0.25},\"segment\":2}";

    @Test
    void printsOneProfileAsAlignedRows() throws IOException {
        Path p = tmp.resolve("p.jsonl");
        Files.writeString(p, "{\"user\":\"u70\",\"as_of\":1,\"features\":{\"views\":9}}\n" + PROFILE + "\n");
        ReplayCommandTest.Run r = ReplayCommandTest.run("query", "--profiles", p.toString(), "--user", "u7");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(String.join("\n",
                "user               u7",
                "as of              2026-01-01T00:00:00Z (1767225600000)",
                "views              3",
                "spend              0.123457",
                "order_value.count  2",
                "order_value.mean   25.5",
                "since              1208400",
                "last               -",
                "fav                books (2.5), toys (1)",
                "none               (none)",
                "scores.propensity  0.25",
                "segment            2", ""));
    }

    @Test
    void jsonAndGzipInput() throws IOException {
        Path gz = tmp.resolve("p.jsonl.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write((PROFILE + "\n").getBytes(StandardCharsets.UTF_8));
        }
        ReplayCommandTest.Run r = ReplayCommandTest.run("query", "--profiles", gz.toString(), "--user", "u7", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(MAPPER.readTree(r.out())).isEqualTo(MAPPER.readTree(PROFILE));
    }

    @Test
    void unknownUserExitsOneAndBadUsageTwo() throws IOException {
        Path p = tmp.resolve("p.jsonl");
        Files.writeString(p, PROFILE + "\n");
        ReplayCommandTest.Run none = ReplayCommandTest.run("query", "--profiles", p.toString(), "--user", "u");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("no profile for user 'u'");
        ReplayCommandTest.Run both = ReplayCommandTest.run("query", "--profiles", p.toString(), "--snapshot", "x.pks",
                "--user", "u7");
        assertThat(both.exit()).isEqualTo(2);
        ReplayCommandTest.Run noSchema = ReplayCommandTest.run("query", "--snapshot", p.toString(), "--user", "u7");
        assertThat(noSchema.exit()).isEqualTo(2);
        assertThat(noSchema.err()).contains("--snapshot needs --schema");
        ReplayCommandTest.Run missing = ReplayCommandTest.run("query", "--profiles", tmp.resolve("nope").toString(),
                "--user", "u7");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err().lines().count()).isEqualTo(1);
    }

    @Test
    void snapshotGivesTheProfileOfTheEventsBeforeIt() throws IOException {
        Path schema = ReplayCommandTest.copyFixture(tmp, "schema.json");
        Path events = ReplayCommandTest.copyFixture(tmp, "events.jsonl");
        Path state = tmp.resolve("state");
        ReplayCommandTest.Run replay = ReplayCommandTest.run("replay", "--schema", schema.toString(), "--events",
                events.toString(), "--out", tmp.resolve("p.jsonl").toString(), "--snapshot-dir", state.toString(),
                "--snapshot-every", "1500");
        assertThat(replay.exit()).as(replay.err()).isZero();
        Path snap; // the newest written; its line is in its metadata (names are in write order)
        try (dev.profilekit.core.snapshot.SnapshotDirectory d = dev.profilekit.core.snapshot.SnapshotDirectory.open(state)) {
            snap = d.snapshots().get(0);
        }
        long lines;
        try (ProfileUpdater r = ProfileUpdater.builder(ProfileSchema.fromJson(schema)).build()) {
            lines = Long.parseLong(r.restore(snap).metadata().get("line"));
        }

        // independently: the first `lines` lines of the log applied to a fresh updater
        List<String> log = Files.readAllLines(events, StandardCharsets.UTF_8);
        try (ProfileUpdater u = ProfileUpdater.builder(ProfileSchema.fromJson(schema)).build()) {
            for (int i = 0; i < lines; i++) {
                try {
                    u.onEvent(EventJson.parse(log.get(i)));
                } catch (InvalidEventException ignored) {
                    // rejected in the replay too
                }
            }
            int checked = 0;
            for (String user : u.users().subList(0, Math.min(5, u.users().size()))) {
                JsonNode expected = MAPPER.readTree(ProfileJson.toJson(u.profile(user).orElseThrow()));
                ReplayCommandTest.Run q = ReplayCommandTest.run("query", "--snapshot", snap.toString(), "--schema",
                        schema.toString(), "--user", user, "--json");
                assertThat(q.exit()).as(q.err()).isZero();
                assertThat(MAPPER.readTree(q.out())).isEqualTo(expected);

                long later = expected.get("as_of").asLong() + 86_400_000L;
                JsonNode expectedLater = MAPPER.readTree(ProfileJson.toJson(u.profile(user, later)));
                ReplayCommandTest.Run ql = ReplayCommandTest.run("query", "--snapshot", snap.toString(), "--schema",
                        schema.toString(), "--user", user, "--json", "--as-of",
                        java.time.Instant.ofEpochMilli(later).toString());
                assertThat(MAPPER.readTree(ql.out())).isEqualTo(expectedLater);
                checked++;
            }
            assertThat(checked).isEqualTo(5);
        }
    }
}
