package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.testkit.SpecAssertions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The third round of hostile input (issue 26 items 3, 4, 6, 10, 14, 15; issue 20 item 8's key-file directory):
 * forget files read exactly, rejects bounded, time flags range-checked, --ttl and key file errors that say what
 * is accepted.
 */
class ReplayHostileInputRound3Test {

    private static final String SCHEMA = "{\"features\":[{\"name\":\"n\",\"kind\":\"count\"}]}";
    private static final long T = 1_767_225_600_000L;
    private static final String NOW = "2026-06-01T00:00:00Z";

    @TempDir
    Path tmp;

    private static String event(String id, String userJson) {
        return "{\"id\":\"" + id + "\",\"user\":" + userJson + ",\"type\":\"buy\",\"ts\":" + T + "}\n";
    }

    private Path schema() throws IOException {
        Path s = tmp.resolve("schema.json");
        Files.writeString(s, SCHEMA);
        return s;
    }

    /** Replays {@code events} (one event per user, the users given as JSON strings) forgetting {@code forget}. */
    private ReplayCommandTest.Run replayForgetting(byte[] forget, String... usersJson) throws IOException {
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < usersJson.length; i++) {
            events.append(event("e" + i, usersJson[i]));
        }
        Path e = tmp.resolve("events.jsonl");
        Files.writeString(e, events);
        Path f = tmp.resolve("forget.txt");
        Files.write(f, forget);
        return ReplayCommandTest.run("replay", "--schema", schema().toString(), "--events", e.toString(), "--out",
                tmp.resolve("profiles.jsonl").toString(), "--forget", f.toString(), "--now", NOW, "--quiet");
    }

    /** The users of the profiles written. */
    private List<String> profileUsers() throws IOException {
        List<String> users = new ArrayList<>();
        for (String l : Files.readAllLines(tmp.resolve("profiles.jsonl"), StandardCharsets.UTF_8)) {
            if (!l.isBlank()) {
                users.add(SpecAssertions.MAPPER.readTree(l).get("user").asText());
            }
        }
        return users;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // --- item 3 and 4: the forget file -------------------------------------------------------------------------

    @Test
    void aForgetFileWithByteOrderMarkAndCrlfForgetsEveryListedUser() throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        f.write(bytes("alice\r\nbob\r\n"));
        ReplayCommandTest.Run r = replayForgetting(f.toByteArray(), "\"alice\"", "\"bob\"", "\"carol\"");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(profileUsers()).containsExactly("carol");
        assertThat(SpecAssertions.MAPPER.readTree(r.lastLine()).get("forgotten_events").asInt()).isEqualTo(2);
    }

    @Test
    void aForgetEntryIsTheIdByteForByteWithoutTrimming() throws IOException {
        ReplayCommandTest.Run r = replayForgetting(bytes(" pad\n"), "\" pad\"", "\"pad\"", "\"pad \"", "\"x\"");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(profileUsers()).containsExactly("pad", "pad ", "x");
    }

    @Test
    void aLineStartingWithAQuoteIsAJsonStringForIdsThatCannotBeWrittenAsTheyAre() throws IOException {
        // a newline, a trailing blank that editors strip, an id starting with a quote; blank lines name no one
        byte[] forget = bytes("\"a\\nb\"\n\n   \n\"pad \"\n\"\\\"q\"\n");
        ReplayCommandTest.Run r = replayForgetting(forget, "\"a\\nb\"", "\"a\"", "\"pad \"", "\"pad\"", "\"\\\"q\"",
                "\"keep\"");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(profileUsers()).containsExactly("a", "keep", "pad");
    }

    @Test
    void aBadForgetLineIsAOneLineErrorNamingTheFileAndLine() throws IOException {
        ByteArrayOutputStream notUtf8 = new ByteArrayOutputStream();
        notUtf8.write(bytes("alice\n"));
        notUtf8.write(new byte[] {'b', (byte) 0xFF, 'b', '\n'});
        ReplayCommandTest.Run r = replayForgetting(notUtf8.toByteArray(), "\"alice\"");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("forget.txt").contains("line 2")
                .contains("not valid UTF-8");

        ReplayCommandTest.Run json = replayForgetting(bytes("alice\nbob\n\"unclosed\n"), "\"alice\"");
        assertThat(json.exit()).isEqualTo(2);
        assertThat(json.err().strip()).doesNotContain("\n").contains("forget.txt").contains("line 3")
                .contains("JSON string");
    }

    // --- item 6: rejects bounded for every reason --------------------------------------------------------------

    /** Replays {@code events} (written as is) with --rejects; returns the rejects file. */
    private Path replayWithRejects(String name, byte[] events) throws IOException {
        Path e = tmp.resolve(name);
        Files.write(e, events);
        Path rejects = tmp.resolve("rejects.jsonl");
        ReplayCommandTest.Run r = ReplayCommandTest.run("replay", "--schema", schema().toString(), "--events",
                e.toString(), "--out", tmp.resolve("profiles.jsonl").toString(), "--rejects", rejects.toString(),
                "--now", NOW, "--quiet");
        assertThat(r.exit()).as(r.err()).isZero();
        return rejects;
    }

    @Test
    void twentyLinesOfOneMebibyteOfNulBytesGiveABoundedRejectsFile() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        byte[] nul = new byte[1 << 20];
        try (OutputStream out = new GZIPOutputStream(gz)) {
            for (int i = 0; i < 20; i++) {
                out.write(nul);
                out.write('\n');
            }
        }
        assertThat(gz.size()).isLessThan(40_000); // the 20 kB upload
        Path rejects = replayWithRejects("nul.jsonl.gz", gz.toByteArray());

        List<String> lines = Files.readAllLines(rejects, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(20);
        for (int i = 0; i < 20; i++) {
            JsonNode j = SpecAssertions.MAPPER.readTree(lines.get(i));
            assertThat(j.get("line").asInt()).isEqualTo(i + 1);
            assertThat(j.get("text").asText()).isEqualTo("\0".repeat(RejectText.MAX_CODE_POINTS));
            assertThat(j.get("text_truncated").asBoolean()).isTrue();
            assertThat(j.get("text_bytes").asLong()).isEqualTo(1 << 20);
            assertThat(bytes(lines.get(i)).length + 1).isLessThanOrEqualTo(12_600);
        }
        // the documented bound: at most 12,600 bytes per rejected line (it was 120 MiB)
        assertThat(Files.size(rejects)).isLessThanOrEqualTo(20 * 12_600L);
    }

    @Test
    void manyShortBadLinesKeepTheirWholeTextAndStayWithinTheDocumentedMultiple() throws IOException {
        StringBuilder in = new StringBuilder();
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            String line = i % 2 == 0 ? "\u0001".repeat(1 + i % 40) : "{\"id\":" + i + ",";
            bad.add(line);
            in.append(line).append('\n');
        }
        byte[] input = bytes(in.toString());
        Path rejects = replayWithRejects("short.jsonl", input);

        List<String> lines = Files.readAllLines(rejects, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(5_000);
        for (int i = 0; i < lines.size(); i++) {
            JsonNode j = SpecAssertions.MAPPER.readTree(lines.get(i));
            assertThat(j.get("text").asText()).isEqualTo(bad.get(i)); // short lines: the format is unchanged
            assertThat(j.has("text_truncated")).isFalse();
            assertThat(j.fieldNames()).toIterable().containsExactly("line", "reason", "message", "text");
        }
        // 6 x the input's size plus 6,400 bytes per rejected line
        assertThat(Files.size(rejects)).isLessThanOrEqualTo(6L * input.length + 6_400L * lines.size());
    }

    @Test
    void aCutNeverSplitsASurrogatePairAndLongMessagesAreCutToo() throws IOException {
        String emoji = "\uD83D\uDE00"; // one code point, two UTF-16 units
        String longLine = "x".repeat(RejectText.MAX_CODE_POINTS - 1) + emoji + emoji + "tail";
        // a blank id: the message quotes it
        String longId = "{\"id\":\"" + " ".repeat(3_000) + "\",\"user\":\"u\",\"type\":\"t\",\"ts\":" + T + "}";
        Path rejects = replayWithRejects("long.jsonl", bytes(longLine + "\n" + longId + "\n"));

        List<String> lines = Files.readAllLines(rejects, StandardCharsets.UTF_8);
        JsonNode first = SpecAssertions.MAPPER.readTree(lines.get(0));
        String text = first.get("text").asText();
        assertThat(text.codePointCount(0, text.length())).isEqualTo(RejectText.MAX_CODE_POINTS);
        assertThat(text).endsWith("x" + emoji);
        assertThat(first.get("text_bytes").asLong()).isEqualTo(bytes(longLine).length);
        JsonNode second = SpecAssertions.MAPPER.readTree(lines.get(1));
        assertThat(second.get("reason").asText()).isEqualTo("BLANK_FIELD");
        String message = second.get("message").asText();
        assertThat(message).endsWith("...");
        assertThat(message.codePointCount(0, message.length())).isEqualTo(RejectText.MAX_CODE_POINTS + 3);
    }

    // --- item 10: time flags range-checked ---------------------------------------------------------------------

    @Test
    void timeFlagsOutsideYears1To9999AreRefusedNamingFlagValueAndRange() throws IOException {
        Path e = tmp.resolve("events.jsonl");
        Files.writeString(e, event("e1", "\"u\""));
        String[][] cases = {
            {"--as-of", "9223372036854775807"},
            {"--as-of", "-62135596800001"},
            {"--now", "+10000-01-01T00:00:00Z"},
            {"--now", "99999999999999999999999"},
        };
        for (String[] c : cases) {
            ReplayCommandTest.Run r = ReplayCommandTest.run("replay", "--schema", schema().toString(), "--events",
                    e.toString(), "--out", tmp.resolve("p.jsonl").toString(), c[0], c[1], "--quiet");
            assertThat(r.exit()).as(String.join(" ", c) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err().strip()).doesNotContain("\n").contains(c[0]).contains("'" + c[1] + "'")
                    .contains("years 1 and 9999");
        }
        // the edges themselves are accepted
        ReplayCommandTest.Run edge = ReplayCommandTest.run("replay", "--schema", schema().toString(), "--events",
                e.toString(), "--out", tmp.resolve("p.jsonl").toString(), "--as-of", "9999-12-31T23:59:59.999Z",
                "--now", NOW, "--quiet");
        assertThat(edge.exit()).as(edge.err()).isZero();
    }

    @Test
    void queryAndDatasetTimeFlagsAreRangeCheckedToo() throws IOException {
        Path e = tmp.resolve("events.jsonl");
        Files.writeString(e, event("e1", "\"u\"") + event("e2", "\"v\""));
        Path state = tmp.resolve("state");
        ReplayCommandTest.Run replay = ReplayCommandTest.run("replay", "--schema", schema().toString(), "--events",
                e.toString(), "--out", tmp.resolve("p.jsonl").toString(), "--snapshot-dir", state.toString(),
                "--snapshot-every", "1", "--now", NOW, "--quiet");
        assertThat(replay.exit()).as(replay.err()).isZero();
        Path snapshot;
        try (var files = Files.list(state)) {
            snapshot = files.filter(f -> f.toString().endsWith(".pks")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        ReplayCommandTest.Run ok = ReplayCommandTest.run("query", "--snapshot", snapshot.toString(), "--schema",
                schema().toString(), "--user", "u", "--as-of", "9999-12-31T23:59:59.999Z");
        assertThat(ok.exit()).as(ok.err()).isZero();
        ReplayCommandTest.Run q = ReplayCommandTest.run("query", "--snapshot", snapshot.toString(), "--schema",
                schema().toString(), "--user", "u", "--as-of", "9223372036854775807");
        assertThat(q.exit()).as(q.err()).isEqualTo(2);
        assertThat(q.err().strip()).doesNotContain("\n").contains("--as-of").contains("years 1 and 9999");

        Path labels = tmp.resolve("labels.csv");
        Files.writeString(labels, "user,ts,label\nu," + T + ",1\n");
        ReplayCommandTest.Run d = ReplayCommandTest.run("dataset", "--schema", schema().toString(), "--events",
                e.toString(), "--labels", labels.toString(), "--out", tmp.resolve("t.jsonl").toString(), "--now",
                "-9223372036854775808");
        assertThat(d.exit()).as(d.err()).isEqualTo(2);
        assertThat(d.err()).contains("--now").contains("years 1 and 9999");
    }

    // --- item 14: --ttl ----------------------------------------------------------------------------------------

    @Test
    void aTtlThatIsNotAnIsoDurationNamesTheFlagTheValueAndTheAcceptedForm() throws IOException {
        Path e = tmp.resolve("events.jsonl");
        Files.writeString(e, event("e1", "\"u\""));
        for (String ttl : List.of("90d", "P1Y")) {
            ReplayCommandTest.Run r = ReplayCommandTest.run("replay", "--schema", schema().toString(), "--events",
                    e.toString(), "--out", tmp.resolve("p.jsonl").toString(), "--ttl", ttl, "--quiet");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("Text cannot be parsed")
                    .startsWith("profilekit: --ttl '" + ttl + "'").contains("P90D").contains("PT12H");
            if (ttl.equals("P1Y")) {
                assertThat(r.err()).contains("no fixed length").contains("P365D");
            }
        }
    }

    // --- item 15 and issue 20 item 8: key files ----------------------------------------------------------------

    private ReplayCommandTest.Run replayWithKey(String flag, Path key) throws IOException {
        Path e = tmp.resolve("events.jsonl");
        Files.writeString(e, event("e1", "\"u\""));
        List<String> args = new ArrayList<>(Arrays.asList("replay", "--schema", schema().toString(), "--events",
                e.toString(), "--out", tmp.resolve("p.jsonl").toString(), flag, key.toString(), "--now", NOW,
                "--quiet"));
        if (flag.equals("--encryption-key")) {
            args.addAll(List.of("--snapshot-dir", tmp.resolve("state").toString()));
        }
        return ReplayCommandTest.run(args.toArray(String[]::new));
    }

    @Test
    void aShortHexKeyIsRefusedWithItsRawAndDecodedLengths() throws IOException {
        Path key = tmp.resolve("secret.key");
        Files.writeString(key, "0123456789abcdef".repeat(3) + "\n"); // 48 hex digits
        ReplayCommandTest.Run r = replayWithKey("--pseudonymise-key", key);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("profilekit: --pseudonymise-key " + key
                + " holds 48 hex digits = 24 bytes; at least 32 bytes (64 hex digits) are needed");

        Files.writeString(key, "0123456789abcdef".repeat(4).substring(1)); // 63 digits: a typo, not a raw key
        ReplayCommandTest.Run odd = replayWithKey("--pseudonymise-key", key);
        assertThat(odd.exit()).isEqualTo(2);
        assertThat(odd.err()).contains("63 hex digits, an odd number");

        Files.writeString(key, "0123456789abcdef".repeat(5)); // 80 digits = 40 bytes: no AES key
        ReplayCommandTest.Run aes = replayWithKey("--encryption-key", key);
        assertThat(aes.exit()).isEqualTo(2);
        assertThat(aes.err()).contains("--encryption-key " + key + " holds 80 hex digits = 40 bytes; 16, 24 or 32 "
                + "bytes (32, 48 or 64 hex digits) are needed");
    }

    @Test
    void hexKeyTextWrappedOverLinesIsTheSameKeyAsOnOneLine() throws IOException {
        String hex = "00112233445566778899aabbccddeeff".repeat(2); // 64 digits = 32 bytes
        Path oneLine = tmp.resolve("one.key");
        Files.writeString(oneLine, hex + "\n");
        Path wrapped = tmp.resolve("wrapped.key"); // as xxd -p writes it: 60 digits a line
        Files.writeString(wrapped, hex.substring(0, 60) + "\n" + hex.substring(60) + "\n");

        assertThat(replayWithKey("--pseudonymise-key", oneLine).exit()).isZero();
        List<String> a = profileUsersOf(tmp.resolve("p.jsonl"));
        assertThat(replayWithKey("--pseudonymise-key", wrapped).exit()).isZero();
        List<String> b = profileUsersOf(tmp.resolve("p.jsonl"));
        assertThat(a).hasSize(1).isEqualTo(b);
        assertThat(a.get(0)).isNotEqualTo("u");
    }

    private static List<String> profileUsersOf(Path p) throws IOException {
        List<String> users = new ArrayList<>();
        for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
            users.add(SpecAssertions.MAPPER.readTree(l).get("user").asText());
        }
        return users;
    }

    @Test
    void aDirectoryGivenAsAFileIsCalledADirectory() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("keys"));
        for (String flag : List.of("--pseudonymise-key", "--encryption-key")) {
            ReplayCommandTest.Run r = replayWithKey(flag, dir);
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err().strip()).isEqualTo("profilekit: " + flag + " " + dir
                    + " is a directory, not a key file");
        }
        ReplayCommandTest.Run forget = replayForgetting(bytes("x\n"), "\"u\"");
        assertThat(forget.exit()).isZero();
        ReplayCommandTest.Run r = ReplayCommandTest.run("replay", "--schema", schema().toString(), "--events",
                tmp.resolve("events.jsonl").toString(), "--out", tmp.resolve("p.jsonl").toString(), "--forget",
                dir.toString(), "--quiet");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--forget " + dir + " is a directory").doesNotContain("not found");
        ReplayCommandTest.Run schema = ReplayCommandTest.run("replay", "--schema", dir.toString(), "--events",
                tmp.resolve("events.jsonl").toString(), "--out", tmp.resolve("p.jsonl").toString());
        assertThat(schema.exit()).isEqualTo(2);
        assertThat(schema.err()).contains(dir + " is a directory").doesNotContain("not found");
        ReplayCommandTest.Run events = ReplayCommandTest.run("dataset", "--schema", schema().toString(), "--events",
                tmp.resolve("events.jsonl").toString(), "--labels", dir.toString(), "--out",
                tmp.resolve("t.jsonl").toString());
        assertThat(events.exit()).isEqualTo(2);
        assertThat(events.err()).contains("--labels " + dir + " is a directory").doesNotContain("not found");
        ReplayCommandTest.Run fixture = ReplayCommandTest.run("conformance", dir.toString());
        assertThat(fixture.exit()).isEqualTo(2);
        assertThat(fixture.err()).contains(dir + " is a directory").doesNotContain("not found");
    }

    @Test
    void theHelpSaysHowKeyAndForgetFilesAreRead() {
        ReplayCommandTest.Run r = ReplayCommandTest.run("replay", "--help");
        String help = r.out().replaceAll("\\s+", " ");
        assertThat(help).contains("hex text").contains("byte for byte").contains("starts with \"");
    }
}
