package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a replay with a snapshot directory guarantees around crash recovery: a snapshot that does not fit (key,
 * schema, option, input) stops the run and touches nothing; one run per directory; an explicit flag to begin again;
 * forget reaching every snapshot and the rejects; outputs that appear whole or not at all; progress after a resume.
 */
class ReplayDurabilityTest {

    private static final long T0 = 1_767_225_600_000L; // 2026-01-01

    @TempDir
    Path tmp;

    private Path schema;
    private Path events;

    private static ReplayCommandTest.Run run(String... args) {
        return ReplayCommandTest.run(args);
    }

    /** {@code n} lines of {@code users} users named {@code prefix<i>}; every 97th line has a bad ts. */
    private static Path write(Path file, String prefix, int n, int users, String padding, boolean append)
            throws IOException {
        try (BufferedWriter w = append
                ? Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND)
                : Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < n; i++) {
                String user = prefix + (i % users);
                String ts = i % 97 == 5 ? "\"not-a-time\"" : Long.toString(T0 + i * 1000L);
                w.write("{\"id\":\"" + prefix + "-e" + i + "\",\"user\":\"" + user + "\",\"type\":\""
                        + (i % 3 == 0 ? "purchase" : "view") + "\",\"ts\":" + ts + ",\"attrs\":{\"category\":\"c"
                        + (i % 7) + padding + "\",\"product\":\"p" + (i % 50) + "\",\"amount\":" + (i % 90) + "}}");
                w.newLine();
            }
        }
        return file;
    }

    private void setUp(int lines) throws IOException {
        schema = ReplayCommandTest.copyFixture(tmp, "schema.json");
        events = write(tmp.resolve("events.jsonl"), "u", lines, 40, "", false);
    }

    private List<String> replay(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("replay", "--schema", schema.toString(), "--events",
                events.toString(), "--out", out.toString(), "--quiet"));
        args.addAll(Arrays.asList(extra));
        return args;
    }

    private ReplayCommandTest.Run runReplay(Path out, String... extra) {
        return run(replay(out, extra).toArray(String[]::new));
    }

    /** Every file in {@code dir} (not recursive) by name, with its bytes. */
    private static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                out.put(f.getFileName().toString(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }

    /** A complete run of 2,000 lines into {@code a.jsonl}, snapshotting into {@code st}; its two snapshots' names. */
    private List<String> snapshottedRun(Path st, String every) throws IOException {
        setUp(2000);
        assertThat(runReplay(tmp.resolve("a.jsonl"), "--snapshot-dir", st.toString(), "--snapshot-every", every)
                .exit()).isZero();
        List<String> snaps = contents(st).keySet().stream().filter(n -> n.endsWith(".pks")).toList();
        assertThat(snaps).hasSize(2);
        return snaps;
    }

    private static void assertRefused(ReplayCommandTest.Run r, String... fragments) {
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains(fragments);
    }

    private Path key(String name, String hex) throws IOException {
        return Files.writeString(tmp.resolve(name), hex);
    }

    @Test
    void aWrongKeyAMissingKeyOrAKeyForAPlainSnapshotIsRefusedAndTheDirectoryIsUnchanged() throws IOException {
        setUp(3000);
        Path aes = key("aes.key", "00112233445566778899aabbccddeeff");
        Path other = key("other.key", "ffeeddccbbaa99887766554433221100");
        Path enc = tmp.resolve("enc");
        Path plain = tmp.resolve("plain");
        assertThat(runReplay(tmp.resolve("a.jsonl"), "--encryption-key", aes.toString(), "--snapshot-dir",
                enc.toString(), "--snapshot-every", "500").exit()).isZero();
        assertThat(runReplay(tmp.resolve("b.jsonl"), "--snapshot-dir", plain.toString(), "--snapshot-every", "500")
                .exit()).isZero();
        Map<String, String> encBefore = contents(enc);
        Map<String, String> plainBefore = contents(plain);
        assertThat(encBefore.keySet()).anyMatch(n -> n.endsWith(".pks"));

        Path out = tmp.resolve("never.jsonl");
        assertRefused(runReplay(out, "--encryption-key", other.toString(), "--resume", enc.toString()),
                "cannot resume", "another --encryption-key", "nothing was changed");
        assertRefused(runReplay(out, "--resume", enc.toString()), "cannot resume", "encrypted",
                "no --encryption-key");
        assertRefused(runReplay(out, "--encryption-key", aes.toString(), "--resume", plain.toString()),
                "cannot resume", "not encrypted");
        assertThat(contents(enc)).isEqualTo(encBefore);
        assertThat(contents(plain)).isEqualTo(plainBefore);
        assertThat(out).doesNotExist();

        // the right key still resumes, to the uninterrupted result
        ReplayCommandTest.Run right = runReplay(tmp.resolve("c.jsonl"), "--encryption-key", aes.toString(),
                "--resume", enc.toString());
        assertThat(right.exit()).as(right.err()).isZero();
        assertThat(Files.readString(tmp.resolve("c.jsonl"))).isEqualTo(Files.readString(tmp.resolve("a.jsonl")));
    }

    @Test
    void anotherSchemaOrAnotherOptionIsRefusedNamingWhatDiffers() throws IOException {
        setUp(3000);
        Path k1 = key("k1.key", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        Path k2 = key("k2.key", "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100");
        Path st = tmp.resolve("st");
        assertThat(runReplay(tmp.resolve("a.jsonl"), "--pseudonymise-key", k1.toString(), "--ttl", "P90D",
                "--snapshot-dir", st.toString(), "--snapshot-every", "500").exit()).isZero();
        Map<String, String> before = contents(st);
        Path out = tmp.resolve("never.jsonl");

        Path otherSchema = Files.writeString(tmp.resolve("other-schema.json"),
                "{\"features\":[{\"name\":\"events\",\"kind\":\"count\"}]}");
        List<String> args = replay(out, "--pseudonymise-key", k1.toString(), "--ttl", "P90D", "--resume",
                st.toString());
        args.set(2, otherSchema.toString());
        assertRefused(run(args.toArray(String[]::new)), "cannot resume", "another --schema");
        // issue 26: snapshots written under K1 resumed under K2 would mix two sets of pseudonyms
        assertRefused(runReplay(out, "--pseudonymise-key", k2.toString(), "--ttl", "P90D", "--resume", st.toString()),
                "it was written with another --pseudonymise-key; nothing was changed");
        assertRefused(runReplay(out, "--ttl", "P90D", "--resume", st.toString()), "--pseudonymise-key");
        assertRefused(runReplay(out, "--pseudonymise-key", k1.toString(), "--ttl", "P30D", "--resume", st.toString()),
                "another --ttl (P90D; this run: P30D)");
        assertRefused(runReplay(out, "--pseudonymise-key", k1.toString(), "--ttl", "P90D", "--max-attributes", "8",
                "--resume", st.toString()), "another --max-attributes");
        assertThat(contents(st)).isEqualTo(before);
        assertThat(out).doesNotExist();
    }

    @Test
    void aReplacedInputIsRefusedAndAnAppendedOneResumes() throws IOException {
        // issue 26: 10,000 lines of old* users, then the same file replaced by 6,000 longer lines of new* users
        schema = ReplayCommandTest.copyFixture(tmp, "schema.json");
        events = write(tmp.resolve("events.jsonl"), "old", 10_000, 30, "", false);
        Path st = tmp.resolve("st");
        ReplayCommandTest.Run first = runReplay(tmp.resolve("p.jsonl"), "--snapshot-dir", st.toString(),
                "--snapshot-every", "1000");
        assertThat(first.exit()).as(first.err()).isZero();
        Map<String, String> before = contents(st);
        write(events, "new", 6_000, 40, "-a-longer-category-name", false);
        // the same command again: the directory holds the snapshots of the first run
        assertRefused(runReplay(tmp.resolve("p.jsonl"), "--snapshot-dir", st.toString(), "--snapshot-every", "1000"),
                "holds the snapshots of an earlier run", "--resume", "--start-over");
        assertRefused(runReplay(tmp.resolve("p.jsonl"), "--resume", st.toString(), "--snapshot-every", "1000"),
                "cannot resume", "was written for another input: events.jsonl changed", "nothing was changed");
        assertThat(contents(st)).isEqualTo(before);
        assertThat(Files.readString(tmp.resolve("p.jsonl"))).doesNotContain("\"new");

        // an append-only log that grew resumes, to the result of one run over the whole file
        Path grown = tmp.resolve("grown");
        events = write(tmp.resolve("log.jsonl"), "a", 2_000, 30, "", false);
        assertThat(runReplay(tmp.resolve("g1.jsonl"), "--snapshot-dir", grown.toString(), "--snapshot-every", "500")
                .exit()).isZero();
        write(events, "b", 1_000, 30, "", true);
        ReplayCommandTest.Run resumed = runReplay(tmp.resolve("g2.jsonl"), "--resume", grown.toString());
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("resuming from");
        ReplayCommandTest.Run whole = runReplay(tmp.resolve("g3.jsonl"));
        assertThat(resumed.lastLine()).isEqualTo(whole.lastLine());
        assertThat(Files.readString(tmp.resolve("g2.jsonl"))).isEqualTo(Files.readString(tmp.resolve("g3.jsonl")));
    }

    @Test
    void resumeRefusesAMissingOrEmptyDirectoryAndResumeOrStartBeginsThere() throws IOException {
        setUp(1000);
        Path missing = tmp.resolve("missing");
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        Path afile = Files.writeString(tmp.resolve("afile"), "x");
        assertRefused(runReplay(tmp.resolve("p.jsonl"), "--resume", missing.toString()), "--resume " + missing,
                "no such directory", "--resume-or-start");
        assertThat(missing).doesNotExist();
        assertRefused(runReplay(tmp.resolve("p.jsonl"), "--resume", empty.toString()), "holds no snapshot");
        assertThat(contents(empty)).isEmpty();
        assertRefused(runReplay(tmp.resolve("p.jsonl"), "--resume", afile.toString()), "--resume " + afile,
                "not a directory");
        assertRefused(runReplay(tmp.resolve("p.jsonl"), "--snapshot-dir", afile.toString()),
                "--snapshot-dir " + afile, "is not a directory");
        assertThat(tmp.resolve("p.jsonl")).doesNotExist();

        ReplayCommandTest.Run start = runReplay(tmp.resolve("p.jsonl"), "--resume-or-start", missing.toString(),
                "--snapshot-every", "300");
        assertThat(start.exit()).as(start.err()).isZero();
        assertThat(start.err()).contains("starting from line 1");
        ReplayCommandTest.Run plain = runReplay(tmp.resolve("q.jsonl"));
        assertThat(Files.readString(tmp.resolve("p.jsonl"))).isEqualTo(Files.readString(tmp.resolve("q.jsonl")));
        assertThat(contents(missing).keySet()).anyMatch(n -> n.endsWith(".pks"));
        assertThat(start.lastLine()).isEqualTo(plain.lastLine());
    }

    @Test
    void startOverBeginsAgainAndReplacesTheEarlierSnapshots() throws IOException {
        Path st = tmp.resolve("st");
        List<String> old = snapshottedRun(st, "300");
        events = write(tmp.resolve("events.jsonl"), "w", 1500, 20, "", false); // another input now
        ReplayCommandTest.Run again = runReplay(tmp.resolve("b.jsonl"), "--snapshot-dir", st.toString(),
                "--snapshot-every", "100000", "--start-over");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(contents(st).keySet()).doesNotContainAnyElementsOf(old);
        ReplayCommandTest.Run plain = runReplay(tmp.resolve("c.jsonl"));
        assertThat(Files.readString(tmp.resolve("b.jsonl"))).isEqualTo(Files.readString(tmp.resolve("c.jsonl")));
        assertThat(again.lastLine()).isEqualTo(plain.lastLine());
        // and the directory now resumes the new run (of the new input)
        ReplayCommandTest.Run resumed = runReplay(tmp.resolve("d.jsonl"), "--resume", st.toString());
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(Files.readString(tmp.resolve("d.jsonl"))).isEqualTo(Files.readString(tmp.resolve("c.jsonl")));
    }

    @Test
    void aSecondRunOnALockedDirectoryIsRefusedAtOnce() throws IOException {
        setUp(1000);
        Path st = Files.createDirectories(tmp.resolve("st"));
        Path rejects = Files.writeString(tmp.resolve("rejects.jsonl"), "earlier\n");
        // another run holds the directory (as a running replay does)
        try (FileChannel ch = FileChannel.open(st.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = ch.lock()) {
            assertThat(held.isValid()).isTrue();
            ReplayCommandTest.Run second = runReplay(tmp.resolve("p.jsonl"), "--rejects", rejects.toString(),
                    "--snapshot-dir", st.toString());
            assertRefused(second, "--snapshot-dir " + st, "in use by another run");
            ReplayCommandTest.Run third = runReplay(tmp.resolve("p.jsonl"), "--resume-or-start", st.toString());
            assertRefused(third, "in use by another run");
        }
        assertThat(tmp.resolve("p.jsonl")).doesNotExist();
        assertThat(Files.readString(rejects)).isEqualTo("earlier\n");
        assertThat(contents(st).keySet()).containsExactly(".lock");
    }

    @Test
    void allSnapshotsDamagedStartsFromLineOneAndKeepsThemAsideWithAWarning() throws IOException {
        Path st = tmp.resolve("st");
        List<String> snaps = snapshottedRun(st, "400");
        for (String n : snaps) {
            Files.writeString(st.resolve(n), "damaged");
        }
        ReplayCommandTest.Run r = runReplay(tmp.resolve("b.jsonl"), "--resume", st.toString(), "--snapshot-every",
                "100000");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("every snapshot in " + st + " is damaged").contains(snaps.get(0) + ".damaged")
                .contains(snaps.get(1) + ".damaged");
        assertThat(contents(st)).containsEntry(snaps.get(0) + ".damaged", "damaged")
                .containsEntry(snaps.get(1) + ".damaged", "damaged");
        assertThat(Files.readString(tmp.resolve("b.jsonl"))).isEqualTo(Files.readString(tmp.resolve("a.jsonl")));
    }

    @Test
    void aSnapshotOfAnEarlierVersionWithoutIdentityIsRefused() throws IOException {
        setUp(1000);
        Path st = Files.createDirectories(tmp.resolve("st"));
        // as today's snapshots were written: the number in the name is the line, no identity or options recorded
        try (dev.profilekit.core.engine.ProfileUpdater u = dev.profilekit.core.engine.ProfileUpdater
                .builder(dev.profilekit.core.schema.ProfileSchema.fromJson(schema)).build()) {
            u.snapshot(st.resolve("snapshot-000000000500.pks"), Map.of("line", "500", "offset", "0", "rejected", "0",
                    "rejects_length", "0", "forgotten_events", "0", "events", events.toAbsolutePath().toString()));
        }
        Map<String, String> before = contents(st);
        assertRefused(runReplay(tmp.resolve("p.jsonl"), "--resume", st.toString()), "cannot resume",
                "did not record its input and options");
        before.put(".lock", "");
        assertThat(contents(st)).isEqualTo(before);
    }

    @Test
    void forgetReachesEverySnapshotAndTheRejectsAndTheUserDoesNotComeBack() throws IOException {
        schema = ReplayCommandTest.copyFixture(tmp, "schema.json");
        events = tmp.resolve("events.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(events, StandardCharsets.UTF_8)) {
            // the user to forget: early events with a distinctive value, and a rejected line (bad ts)
            for (int i = 0; i < 20; i++) {
                w.write("{\"id\":\"x" + i + "\",\"user\":\"u4019\",\"type\":\"view\",\"ts\":" + (T0 + i)
                        + ",\"attrs\":{\"category\":\"zebra-umbrella\",\"product\":\"p1\",\"amount\":1}}\n");
            }
            w.write("{\"id\":\"x-bad\",\"user\":\"u4019\",\"type\":\"view\",\"ts\":\"yesterday\",\"attrs\":"
                    + "{\"category\":\"zebra-umbrella\"}}\n");
            w.write("{\"id\":\"x-broken\",\"user\":\"u4019\",\"type\":\n");
        }
        write(events, "v", 3000, 30, "", true);
        Path st = tmp.resolve("st");
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        ReplayCommandTest.Run first = run(replay(out.resolve("p.jsonl"), "--rejects", out.resolve("r.jsonl").toString(),
                "--snapshot-dir", st.toString(), "--snapshot-every", "400").toArray(String[]::new));
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(Files.readString(out.resolve("p.jsonl"))).contains("u4019").contains("zebra-umbrella");

        Path forget = Files.writeString(tmp.resolve("forget.txt"), "u4019\n");
        ReplayCommandTest.Run forgot = run(replay(out.resolve("p.jsonl"), "--rejects", out.resolve("r.jsonl").toString(),
                "--summary", out.resolve("s.json").toString(), "--audit-log", out.resolve("audit.jsonl").toString(),
                "--forget", forget.toString(), "--resume", st.toString(), "--snapshot-every", "100000")
                .toArray(String[]::new));
        assertThat(forgot.exit()).as(forgot.err()).isZero();
        assertThat(forgot.err()).contains("resuming from");
        List<Path> checked = new ArrayList<>();
        for (Path dir : List.of(st, out)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    assertThat(text).as("%s", f).doesNotContain("u4019").doesNotContain("zebra-umbrella");
                    checked.add(f);
                }
            }
        }
        assertThat(checked).extracting(p -> p.getFileName().toString()).contains("p.jsonl", "r.jsonl", "s.json",
                "audit.jsonl", "rejects.partial").anyMatch(n -> n.endsWith(".pks"));
        assertThat(forgot.out() + forgot.err()).doesNotContain("u4019");
        // the rejected lines are still there, without their text
        assertThat(Files.readString(out.resolve("r.jsonl"))).contains("\"line\":21,").contains("\"line\":22,");

        // resumed again without --forget, the user does not come back
        ReplayCommandTest.Run again = run(replay(out.resolve("p2.jsonl"), "--rejects",
                out.resolve("r2.jsonl").toString(), "--resume", st.toString()).toArray(String[]::new));
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(Files.readString(out.resolve("p2.jsonl"))).doesNotContain("u4019").doesNotContain("zebra-umbrella");
        assertThat(Files.readString(out.resolve("r2.jsonl"))).doesNotContain("u4019");
    }

    @Test
    void aFreshRunWithForgetWritesTheForgottenUsersRejectedLinesWithoutText() throws IOException {
        schema = ReplayCommandTest.copyFixture(tmp, "schema.json");
        events = Files.writeString(tmp.resolve("events.jsonl"),
                "{\"id\":\"1\",\"user\":\"u4019\",\"type\":\"view\",\"ts\":\"bad\"}\n"
                        + "{\"id\":\"2\",\"user\":\"u7\",\"type\":\"view\",\"ts\":\"bad\"}\n"
                        + "{\"id\":\"3\",\"user\":\"u\\u00e9\",\"type\":\"view\",\"ts\":\"bad\"}\n"
                        + "{\"id\":\"4\",\"user\":\"u7\",\"type\":\"view\",\"ts\":" + T0 + "}\n");
        Path forget = Files.writeString(tmp.resolve("forget.txt"), "u4019\nu\u00e9\n");
        Path rejects = tmp.resolve("r.jsonl");
        ReplayCommandTest.Run r = runReplay(tmp.resolve("p.jsonl"), "--rejects", rejects.toString(), "--forget",
                forget.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(rejects);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).doesNotContain("u4019").doesNotContain("\"text\"").contains("\"line\":1,");
        assertThat(lines.get(1)).contains("\"text\"").contains("u7"); // someone else's keeps its text
        assertThat(lines.get(2)).doesNotContain("\"text\"").doesNotContain("u\\\\u00e9").doesNotContain("u\u00e9");
    }

    @Test
    void anEncryptionKeyWithoutASnapshotDirectoryIsRefused() throws IOException {
        setUp(100);
        Path aes = key("aes.key", "00112233445566778899aabbccddeeff");
        assertRefused(runReplay(tmp.resolve("p.jsonl"), "--encryption-key", aes.toString()), "--encryption-key",
                "--snapshot-dir");
        assertThat(tmp.resolve("p.jsonl")).doesNotExist();
    }

    @Test
    void aFailedRunLeavesThePreviousOutputsUntouched() throws IOException {
        setUp(2000);
        Path out = Files.writeString(tmp.resolve("p.jsonl"), "previous profiles\n");
        Path rejects = Files.writeString(tmp.resolve("r.jsonl"), "previous rejects\n");
        Path summary = Files.writeString(tmp.resolve("s.json"), "previous summary\n");
        // a gzip input cut short: the run fails while reading, after its outputs were opened
        Path gz = tmp.resolve("events.jsonl.gz");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(bytes)) {
            z.write(Files.readAllBytes(events));
        }
        byte[] b = bytes.toByteArray();
        Files.write(gz, Arrays.copyOf(b, b.length / 2));
        ReplayCommandTest.Run r = run("replay", "--schema", schema.toString(), "--events", gz.toString(), "--out",
                out.toString(), "--rejects", rejects.toString(), "--summary", summary.toString(), "--quiet");
        assertThat(r.exit()).as(r.err()).isNotZero();
        assertThat(Files.readString(out)).isEqualTo("previous profiles\n");
        assertThat(Files.readString(rejects)).isEqualTo("previous rejects\n");
        assertThat(Files.readString(summary)).isEqualTo("previous summary\n");
        assertThat(contents(tmp).keySet()).noneMatch(n -> n.endsWith(".tmp"));
    }

    @Test
    void progressAfterAResumeCountsTheBytesBeforeItOnce() throws IOException {
        setUp(2000);
        Path st = tmp.resolve("st");
        assertThat(runReplay(tmp.resolve("a.jsonl"), "--snapshot-dir", st.toString(), "--snapshot-every", "600")
                .exit()).isZero();
        write(events, "b", 2000, 30, "", true); // the log grows to twice its size
        List<String> args = replay(tmp.resolve("b.jsonl"), "--resume", st.toString(), "--progress-every", "100",
                "--parse-threads", "0");
        args.remove("--quiet");
        ReplayCommandTest.Run r = run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        String firstProgress = r.err().lines().filter(l -> l.matches("replay: [0-9,]+ lines.*")).findFirst()
                .orElseThrow();
        // resumed near line 1,800 of 4,000: the first progress line, 100 lines later, is about half way, not done
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("replay: ([0-9,]+) lines.*, (\\d+)%")
                .matcher(firstProgress);
        assertThat(m.find()).as(firstProgress).isTrue();
        long lines = Long.parseLong(m.group(1).replace(",", ""));
        assertThat(lines).isBetween(1700L, 2300L);
        assertThat(Integer.parseInt(m.group(2))).as(firstProgress).isBetween(40, 62);
    }
}
