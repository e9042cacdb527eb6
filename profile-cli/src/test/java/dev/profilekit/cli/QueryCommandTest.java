package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.InvalidEventException;
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
        Path snap = newestSnapshot(state); // its line is in its metadata (names are in write order)
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

    /** Ids that JSON escapes (or that look like parts of other ids and values), each with its own number of views. */
    static final List<String> TRICKY_IDS = List.of("a\"b", "a\"bc", "back\\slash", "tab\there", "new\nline",
            "bell\u0007x", "nul\u0000x", "sep\u2028x", "emoji\uD83D\uDE00", "caf\u00e9", "ab", "xaby");

    @Test
    void findsEveryIdAsReplayWroteItAndNoOtherUser() throws IOException {
        Path schema = ReplayCommandTest.copyFixture(tmp, "schema.json");
        StringBuilder events = new StringBuilder();
        int id = 0;
        for (int i = 0; i < TRICKY_IDS.size(); i++) {
            for (int k = 0; k <= i; k++) { // user i views i + 1 times
                ObjectNode e = MAPPER.createObjectNode().put("id", "e" + id++).put("user", TRICKY_IDS.get(i))
                        .put("type", "view").put("ts", 1_767_225_600_000L + id);
                e.putObject("attrs").put("category", "ghost").put("product", "p\"x");
                events.append(e).append('\n');
            }
        }
        Path log = tmp.resolve("events.jsonl");
        Files.writeString(log, events, StandardCharsets.UTF_8);
        Path profiles = tmp.resolve("p.jsonl");
        ReplayCommandTest.Run replay = ReplayCommandTest.run("replay", "--schema", schema.toString(), "--events",
                log.toString(), "--out", profiles.toString());
        assertThat(replay.exit()).as(replay.err()).isZero();
        for (int i = 0; i < TRICKY_IDS.size(); i++) {
            String user = TRICKY_IDS.get(i);
            ReplayCommandTest.Run q = ReplayCommandTest.run("query", "--profiles", profiles.toString(), "--user", user,
                    "--json");
            assertThat(q.exit()).as("%s: %s", user, q.err()).isZero();
            JsonNode p = MAPPER.readTree(q.out());
            assertThat(p.get("user").textValue()).isEqualTo(user);
            assertThat(p.get("features").get("views").asInt()).as(user).isEqualTo(i + 1);
        }
        // parts of ids, of escapes and of attribute values are nobody's id
        for (String nobody : List.of("a", "a\"", "b", "slash", "ghost", "p\"x", "\\", "\"")) {
            ReplayCommandTest.Run q = ReplayCommandTest.run("query", "--profiles", profiles.toString(), "--user",
                    nobody);
            assertThat(q.exit()).as("%s: %s", nobody, q.out()).isEqualTo(1);
            assertThat(q.out()).isEmpty();
        }
    }

    @Test
    void findsAnIdWrittenWithEscapesOfAnotherWriter() throws IOException {
        Path p = tmp.resolve("p.jsonl");
        // as another JSON writer may put it: every character escaped, or a solidus escaped
        Files.writeString(p, "{\"user\":\"\\u0061\\u0062\",\"as_of\":1,\"features\":{\"views\":4}}\n"
                + "{\"user\":\"x\\/y\",\"as_of\":1,\"features\":{\"views\":5}}\n");
        ReplayCommandTest.Run ab = ReplayCommandTest.run("query", "--profiles", p.toString(), "--user", "ab", "--json");
        assertThat(ab.exit()).as(ab.err()).isZero();
        assertThat(MAPPER.readTree(ab.out()).get("features").get("views").asInt()).isEqualTo(4);
        ReplayCommandTest.Run xy = ReplayCommandTest.run("query", "--profiles", p.toString(), "--user", "x/y", "--json");
        assertThat(xy.exit()).as(xy.err()).isZero();
        assertThat(MAPPER.readTree(xy.out()).get("features").get("views").asInt()).isEqualTo(5);
    }

    @Test
    void anUnreadableSnapshotExitsTwoWithOneLineAndAMissingUserOne() throws IOException {
        Path schema = ReplayCommandTest.copyFixture(tmp, "schema.json");
        Path events = ReplayCommandTest.copyFixture(tmp, "events.jsonl");
        Path key = tmp.resolve("aes.key");
        Files.writeString(key, "00112233445566778899aabbccddeeff");
        Path other = tmp.resolve("other.key");
        Files.writeString(other, "ffeeddccbbaa99887766554433221100");
        Path state = tmp.resolve("state");
        Path plainState = tmp.resolve("plain");
        for (Path dir : List.of(state, plainState)) {
            List<String> args = new java.util.ArrayList<>(List.of("replay", "--schema", schema.toString(), "--events",
                    events.toString(), "--out", tmp.resolve(dir.getFileName() + ".jsonl").toString(), "--snapshot-dir",
                    dir.toString(), "--snapshot-every", "1500"));
            if (dir == state) {
                args.addAll(List.of("--encryption-key", key.toString()));
            }
            ReplayCommandTest.Run replay = ReplayCommandTest.run(args.toArray(new String[0]));
            assertThat(replay.exit()).as(replay.err()).isZero();
        }
        Path snap = newestSnapshot(state);
        Path plain = newestSnapshot(plainState);
        String user = MAPPER.readTree(Files.readAllLines(tmp.resolve("state.jsonl")).get(0)).get("user").asText();

        ReplayCommandTest.Run ok = ReplayCommandTest.run("query", "--snapshot", snap.toString(), "--schema",
                schema.toString(), "--encryption-key", key.toString(), "--user", user);
        assertThat(ok.exit()).as(ok.err()).isZero();
        ReplayCommandTest.Run nobody = ReplayCommandTest.run("query", "--snapshot", snap.toString(), "--schema",
                schema.toString(), "--encryption-key", key.toString(), "--user", "nobody");
        assertThat(nobody.exit()).isEqualTo(1);
        assertThat(nobody.err()).contains("no profile for user 'nobody'");

        ReplayCommandTest.Run wrong = ReplayCommandTest.run("query", "--snapshot", snap.toString(), "--schema",
                schema.toString(), "--encryption-key", other.toString(), "--user", user);
        assertOneLineUsageError(wrong, snap, "wrong --encryption-key");
        ReplayCommandTest.Run missing = ReplayCommandTest.run("query", "--snapshot", snap.toString(), "--schema",
                schema.toString(), "--user", user);
        assertOneLineUsageError(missing, snap, "encrypted");
        ReplayCommandTest.Run unneeded = ReplayCommandTest.run("query", "--snapshot", plain.toString(), "--schema",
                schema.toString(), "--encryption-key", key.toString(), "--user", user);
        assertOneLineUsageError(unneeded, plain, "not encrypted");

        Path otherSchema = tmp.resolve("other-schema.json");
        Files.writeString(otherSchema, "{\"features\":[{\"name\":\"views\",\"kind\":\"count\",\"types\":[\"view\"]}]}");
        ReplayCommandTest.Run schemaWrong = ReplayCommandTest.run("query", "--snapshot", plain.toString(), "--schema",
                otherSchema.toString(), "--user", user);
        assertOneLineUsageError(schemaWrong, plain, "another schema");

        Path damaged = tmp.resolve("damaged.pks");
        byte[] bytes = Files.readAllBytes(plain);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(damaged, bytes);
        ReplayCommandTest.Run bad = ReplayCommandTest.run("query", "--snapshot", damaged.toString(), "--schema",
                schema.toString(), "--user", user);
        assertOneLineUsageError(bad, damaged, "corrupted");
        Path truncated = tmp.resolve("truncated.pks");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, 10));
        ReplayCommandTest.Run cut = ReplayCommandTest.run("query", "--snapshot", truncated.toString(), "--schema",
                schema.toString(), "--user", user);
        assertOneLineUsageError(cut, truncated, "truncated");

        ReplayCommandTest.Run help = ReplayCommandTest.run("query", "--help");
        assertThat(help.out().replaceAll("\\s+", " ")).contains("Exit codes: 0 found, 1 no such user, 2 bad flag, unreadable input or a "
                + "snapshot that cannot be read");
    }

    private static void assertOneLineUsageError(ReplayCommandTest.Run r, Path snapshot, String what) {
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("cannot read --snapshot " + snapshot).contains(what);
    }

    /** The newest snapshot a replay left in {@code dir}. */
    private static Path newestSnapshot(Path dir) {
        try (dev.profilekit.core.snapshot.SnapshotDirectory d = dev.profilekit.core.snapshot.SnapshotDirectory.open(dir)) {
            return d.snapshots().get(0);
        }
    }
}
