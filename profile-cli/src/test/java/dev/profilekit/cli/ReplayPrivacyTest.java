package dev.profilekit.cli;

import static dev.profilekit.cli.ReplayCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.testkit.SpecAssertions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay} with --forget, --audit-log, --pseudonymise-key, --encryption-key and snapshots. */
class ReplayPrivacyTest {

    private static final String DIR = "/profile-stream-small/";

    @TempDir
    Path tmp;

    private Path resource(String name) throws IOException {
        return ReplayCommandTest.copyFixture(tmp, name);
    }

    private static List<JsonNode> readLines(Path p) throws IOException {
        return ReplayCommandTest.readLines(p);
    }

    private static List<String> users() {
        return SpecAssertions.jsonLines(DIR + "expected-profiles.jsonl").stream().map(p -> p.get("user").asText()).toList();
    }

    @Test
    void forgottenUsersAreAbsentAndAuditedWithoutTheirIds() throws IOException {
        List<String> all = users();
        Path forget = tmp.resolve("forget.txt");
        Files.writeString(forget, all.get(0) + "\n" + all.get(7) + "\n");
        Path out = tmp.resolve("p.jsonl");
        Path audit = tmp.resolve("audit.jsonl");
        ReplayCommandTest.Run r = run("replay", "--schema", resource("schema.json").toString(), "--events",
                resource("events.jsonl").toString(), "--out", out.toString(), "--forget", forget.toString(),
                "--audit-log", audit.toString(), "--dedup-retention", "ALL");
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonNode> profiles = readLines(out);
        assertThat(profiles).hasSize(all.size() - 2).noneMatch(p -> p.get("user").asText().equals(all.get(0)))
                .noneMatch(p -> p.get("user").asText().equals(all.get(7)));
        // the other users' profiles are those of the fixture
        List<JsonNode> expected = SpecAssertions.jsonLines(DIR + "expected-profiles.jsonl").stream()
                .filter(p -> !p.get("user").asText().equals(all.get(0)) && !p.get("user").asText().equals(all.get(7)))
                .toList();
        SpecAssertions.assertProfilesMatch(expected, profiles);
        JsonNode summary = SpecAssertions.MAPPER.readTree(r.lastLine());
        assertThat(summary.get("forgotten_events").asLong()).isPositive();
        String log = Files.readString(audit);
        assertThat(log.lines()).hasSize(2).allSatisfy(l -> assertThat(l).contains("\"action\":\"forget\""));
        assertThat(log).doesNotContain("\"" + all.get(0) + "\"").doesNotContain("\"" + all.get(7) + "\"");
    }

    @Test
    void pseudonymisedReplayWritesNoRawIdAnywhere() throws IOException {
        Path key = tmp.resolve("secret.key");
        Files.writeString(key, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        Path work = tmp.resolve("work");
        Files.createDirectories(work);
        Path events = resource("events.jsonl");
        Path forget = tmp.resolve("forget.txt");
        Files.writeString(forget, users().get(3) + "\n");
        ReplayCommandTest.Run r = run("replay", "--schema", resource("schema.json").toString(), "--events",
                events.toString(), "--out", work.resolve("p.jsonl").toString(), "--rejects",
                work.resolve("r.jsonl").toString(), "--pseudonymise-key", key.toString(), "--snapshot-dir",
                work.resolve("state").toString(), "--snapshot-every", "500", "--forget", forget.toString(),
                "--audit-log", work.resolve("audit.jsonl").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(readLines(work.resolve("p.jsonl"))).hasSize(users().size() - 1)
                .allSatisfy(p -> assertThat(p.get("user").asText()).matches("[0-9a-f]{64}"));
        try (Stream<Path> files = Files.walk(work)) {
            List<Path> written = files.filter(Files::isRegularFile).toList();
            assertThat(written).hasSizeGreaterThanOrEqualTo(5); // profiles, rejects, audit log, two snapshots
            for (Path f : written) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String user : users()) {
                    assertThat(text).as("%s holds %s", f, user).doesNotContain("\"" + user + "\"")
                            .doesNotContain((char) user.length() + user);
                }
            }
        }
        assertThat(r.out() + r.err()).doesNotContain("\"" + users().get(3) + "\"");
    }

    @Test
    void encryptedSnapshotsResumeOnlyWithTheirKey() throws IOException {
        Path key = tmp.resolve("aes.key");
        Files.writeString(key, "00112233445566778899aabbccddeeff");
        Path other = tmp.resolve("other.key");
        Files.writeString(other, "ffeeddccbbaa99887766554433221100");
        Path state = tmp.resolve("state");
        String schema = resource("schema.json").toString();
        String events = resource("events.jsonl").toString();
        ReplayCommandTest.Run first = run("replay", "--schema", schema, "--events", events, "--out",
                tmp.resolve("a.jsonl").toString(), "--encryption-key", key.toString(), "--snapshot-dir", state.toString(),
                "--snapshot-every", "1000");
        assertThat(first.exit()).as(first.err()).isZero();
        // a resume with the wrong key is refused (it used to start from the beginning and replace the snapshots)
        ReplayCommandTest.Run wrong = run("replay", "--schema", schema, "--events", events, "--out",
                tmp.resolve("b.jsonl").toString(), "--encryption-key", other.toString(), "--resume", state.toString(),
                "--snapshot-every", "1000000");
        assertThat(wrong.exit()).as(wrong.err()).isEqualTo(2);
        assertThat(wrong.err()).contains("cannot resume").contains("--encryption-key").contains("nothing was changed");
        assertThat(tmp.resolve("b.jsonl")).doesNotExist();
        ReplayCommandTest.Run right = run("replay", "--schema", schema, "--events", events, "--out",
                tmp.resolve("c.jsonl").toString(), "--encryption-key", key.toString(), "--resume", state.toString());
        assertThat(right.exit()).as(right.err()).isZero();
        assertThat(right.err()).contains("resuming from");
        assertThat(right.lastLine()).isEqualTo(first.lastLine());
        assertThat(Files.readString(tmp.resolve("c.jsonl"))).isEqualTo(Files.readString(tmp.resolve("a.jsonl")));
    }

    @Test
    void badPrivacyFlagsAreUsageErrors() throws IOException {
        Path shortKey = tmp.resolve("short.key");
        Files.writeString(shortKey, "tooshort");
        String schema = resource("schema.json").toString();
        String events = resource("events.jsonl").toString();
        String out = tmp.resolve("p.jsonl").toString();
        ReplayCommandTest.Run a = run("replay", "--schema", schema, "--events", events, "--out", out,
                "--pseudonymise-key", shortKey.toString());
        assertThat(a.exit()).isEqualTo(2);
        assertThat(a.err()).contains("at least 32 bytes");
        ReplayCommandTest.Run b = run("replay", "--schema", schema, "--events", events, "--out", out,
                "--encryption-key", shortKey.toString());
        assertThat(b.exit()).isEqualTo(2);
        assertThat(b.err()).contains("16, 24 or 32 bytes");
        ReplayCommandTest.Run c = run("replay", "--schema", schema, "--events", events, "--out", out,
                "--allow-attributes", "category");
        assertThat(c.exit()).isEqualTo(2);
        assertThat(c.err()).contains("allow-list");
        ReplayCommandTest.Run d = run("replay", "--schema", schema, "--events", events, "--out", out,
                "--snapshot-dir", tmp.resolve("s").toString(), "--snapshot-every", "0");
        assertThat(d.exit()).isEqualTo(2);
        assertThat(d.err()).contains("--snapshot-every");
        ReplayCommandTest.Run e = run("replay", "--schema", schema, "--events", events, "--out", out, "--ttl", "soon");
        assertThat(e.exit()).isEqualTo(2);
    }
}
