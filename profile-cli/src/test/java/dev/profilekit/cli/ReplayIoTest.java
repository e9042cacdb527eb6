package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.testkit.SpecAssertions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's inputs and outputs of {@code replay}: CSV and gzip events replay to the same profiles as the JSON Lines
 * fixture, {@code -} is standard input and output, outputs are checked before any work, {@code --as-of} takes
 * ISO-8601, progress goes to stderr only, and parsing on its own thread changes nothing.
 */
class ReplayIoTest {

    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?");

    @TempDir
    Path tmp;

    private Path schema() throws IOException {
        return ReplayCommandTest.copyFixture(tmp, "schema.json");
    }

    private Path events() throws IOException {
        return ReplayCommandTest.copyFixture(tmp, "events.jsonl");
    }

    private static ReplayCommandTest.Run run(String... args) {
        return ReplayCommandTest.run(args);
    }

    /** Runs with {@code stdin} as standard input. */
    private static ReplayCommandTest.Run runWithInput(byte[] stdin, String... args) {
        InputStream old = System.in;
        try {
            System.setIn(new ByteArrayInputStream(stdin));
            return run(args);
        } finally {
            System.setIn(old);
        }
    }

    /**
     * The fixture lines whose events CSV can say the same way (no booleans, no attribute strings that look like
     * numbers or are empty, no nested values), as CSV with the header id,user,type,ts,attributes..., and as the
     * same JSON lines verbatim. Built here from the JSON trees, independently of the reader under test.
     */
    private record Pair(String jsonl, String csv, int rows) {
    }

    private Pair representable() throws IOException {
        List<String> lines = SpecAssertions.lines("/profile-stream-small/events.jsonl");
        List<String> attrNames = new ArrayList<>();
        List<JsonNode> kept = new ArrayList<>();
        StringBuilder jsonl = new StringBuilder();
        for (String l : lines) {
            JsonNode n;
            try {
                n = SpecAssertions.MAPPER.readTree(l);
            } catch (IOException e) {
                continue;
            }
            if (n == null || !n.isObject() || !csvable(n)) {
                continue;
            }
            JsonNode attrs = n.get("attrs");
            if (attrs != null && attrs.isObject()) {
                for (Iterator<String> it = attrs.fieldNames(); it.hasNext(); ) {
                    String a = it.next();
                    if (!attrNames.contains(a)) {
                        attrNames.add(a);
                    }
                }
            }
            kept.add(n);
            jsonl.append(l).append('\n');
        }
        StringBuilder csv = new StringBuilder("id,user,type,ts");
        for (String a : attrNames) {
            csv.append(',').append(cell(a));
        }
        csv.append("\r\n"); // RFC 4180 line ends
        for (JsonNode n : kept) {
            csv.append(cell(n.get("id"))).append(',').append(cell(n.get("user"))).append(',')
                    .append(cell(n.get("type"))).append(',').append(cell(n.get("ts")));
            JsonNode attrs = n.get("attrs");
            for (String a : attrNames) {
                csv.append(',').append(attrs == null || attrs.isNull() ? "" : cell(attrs.get(a)));
            }
            csv.append("\r\n");
        }
        return new Pair(jsonl.toString(), csv.toString(), kept.size());
    }

    private static boolean csvable(JsonNode n) {
        for (String f : List.of("id", "user", "type", "ts")) {
            JsonNode v = n.get(f);
            if (v != null && !v.isNull() && !v.isTextual() && !(f.equals("ts") && v.isIntegralNumber())) {
                return false;
            }
            if (v != null && v.isTextual() && v.asText().isEmpty()) {
                return false; // "" is BLANK_FIELD in JSON, an absent field in CSV
            }
        }
        JsonNode attrs = n.get("attrs");
        if (attrs == null || attrs.isNull()) {
            return true;
        }
        if (!attrs.isObject()) {
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = attrs.fields(); it.hasNext(); ) {
            JsonNode v = it.next().getValue();
            boolean ok = (v.isNumber() && Double.isFinite(v.asDouble()))
                    || (v.isTextual() && !v.asText().isEmpty() && !JSON_NUMBER.matcher(v.asText()).matches());
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String cell(JsonNode v) {
        if (v == null || v.isNull()) {
            return "";
        }
        return cell(v.isTextual() ? v.asText() : v.toString());
    }

    /** RFC 4180: quoted (quotes doubled) when the text holds a comma, a quote or a line end. */
    private static String cell(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream g = new GZIPOutputStream(b)) {
            g.write(data);
        }
        return b.toByteArray();
    }

    private static String gunzip(Path p) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void csvEventsReplayToTheSameProfilesAsTheSameJsonLines() throws IOException {
        Pair pair = representable();
        assertThat(pair.rows()).isGreaterThan(3000); // nearly all of the fixture
        assertThat(pair.csv()).contains(",2026-01-01T00:00:52.837-05:00,").contains(",1767244396553,"); // both ts forms
        Path jsonl = tmp.resolve("same.jsonl");
        Files.writeString(jsonl, pair.jsonl());
        Path csv = tmp.resolve("same.csv");
        Files.writeString(csv, pair.csv());
        Path csvNoExt = tmp.resolve("same.txt");
        Files.writeString(csvNoExt, pair.csv());
        Path schema = schema();

        ReplayCommandTest.Run a = run("replay", "--schema", schema.toString(), "--events", jsonl.toString(),
                "--out", tmp.resolve("a.jsonl").toString(), "--quiet");
        ReplayCommandTest.Run b = run("replay", "--schema", schema.toString(), "--events", csv.toString(),
                "--out", tmp.resolve("b.jsonl").toString(), "--rejects", tmp.resolve("b-rejects.jsonl").toString());
        ReplayCommandTest.Run c = run("replay", "--schema", schema.toString(), "--events", csvNoExt.toString(),
                "--format", "csv", "--out", tmp.resolve("c.jsonl").toString());
        assertThat(a.exit()).as(a.err()).isZero();
        assertThat(b.exit()).as(b.err()).isZero();
        assertThat(c.exit()).as(c.err()).isZero();
        String expected = Files.readString(tmp.resolve("a.jsonl"));
        assertThat(ReplayCommandTest.readLines(tmp.resolve("a.jsonl"))).hasSizeGreaterThan(40);
        assertThat(Files.readString(tmp.resolve("b.jsonl"))).isEqualTo(expected);
        assertThat(Files.readString(tmp.resolve("c.jsonl"))).isEqualTo(expected);
        assertThat(b.lastLine()).isEqualTo(a.lastLine());
        assertThat(c.lastLine()).isEqualTo(a.lastLine());
    }

    @Test
    void csvRejectsCarryTheirTrueLineNumberAndReason() throws IOException {
        String csv = "id,user,type,ts,amount,note\n"                       // line 1
                + "e1,u1,buy,1767225600000,2.5,\"a, b\"\n"                   // line 2: kept
                + "e2,u1,buy,2026-01-01T00:00:01Z,1,\"two\nlines\"\n"      // lines 3-4: kept, one row
                + "e3,u1,buy,yesterday,1,x\n"                                // line 5: BAD_TIMESTAMP
                + "\n"                                                        // line 6: blank, skipped
                + "e4,u1,buy,1767225600000,1\n"                              // line 7: BAD_CSV (5 cells)
                + "e5,,buy,1767225600000,1,x\n"                              // line 8: MISSING_FIELD
                + "e6,u2,buy,1767225600000,\"1\"x,y\n"                       // line 9: BAD_CSV (quoting)
                + "e7,u2,buy,1767225600000,NaN,z\n";                         // line 10: kept, "NaN" a string
        Path events = tmp.resolve("e.csv");
        Files.writeString(events, csv);
        Path schema = tmp.resolve("s.json");
        Files.writeString(schema, "{\"features\":[{\"name\":\"n\",\"kind\":\"count\"},"
                + "{\"name\":\"spend\",\"kind\":\"sum\",\"field\":\"amount\"},"
                + "{\"name\":\"last\",\"kind\":\"last_value\",\"field\":\"note\"}]}");
        Path rejects = tmp.resolve("r.jsonl");
        Path out = tmp.resolve("p.jsonl");
        ReplayCommandTest.Run r = run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", out.toString(), "--rejects", rejects.toString(), "--now", "2026-06-01T00:00:00Z");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(SpecAssertions.MAPPER.readTree(r.lastLine()).get("accepted").asInt()).isEqualTo(3);
        assertThat(ReplayCommandTest.readLines(rejects))
                .extracting(j -> j.get("line").asInt() + ":" + j.get("reason").asText())
                .containsExactly("5:BAD_TIMESTAMP", "7:BAD_CSV", "8:MISSING_FIELD", "9:BAD_CSV");
        List<JsonNode> profiles = ReplayCommandTest.readLines(out);
        JsonNode u1 = profiles.get(0).get("features");
        assertThat(u1.get("n").asInt()).isEqualTo(2);
        assertThat(u1.get("spend").asDouble()).isEqualTo(3.5);
        assertThat(u1.get("last").asText()).isEqualTo("two\nlines");
        assertThat(profiles.get(1).get("features").get("spend").asDouble()).isZero(); // "NaN" is not a number
    }

    @Test
    void gzipInputAndOutputGiveTheSameProfilesAndRejects() throws IOException {
        Path schema = schema();
        Path plain = events();
        Path gz = tmp.resolve("events.jsonl.gz");
        Files.write(gz, gzip(Files.readAllBytes(plain)));
        ReplayCommandTest.Run a = run("replay", "--schema", schema.toString(), "--events", plain.toString(),
                "--out", tmp.resolve("a.jsonl").toString(), "--rejects", tmp.resolve("a-rej.jsonl").toString());
        ReplayCommandTest.Run b = run("replay", "--schema", schema.toString(), "--events", gz.toString(),
                "--out", tmp.resolve("b.jsonl.gz").toString(), "--rejects", tmp.resolve("b-rej.jsonl.gz").toString());
        assertThat(a.exit()).as(a.err()).isZero();
        assertThat(b.exit()).as(b.err()).isZero();
        assertThat(b.lastLine()).isEqualTo(a.lastLine()).isEqualTo("{\"accepted\":2948,\"duplicate\":22,\"late\":162,"
                + "\"rejected\":16}");
        assertThat(gunzip(tmp.resolve("b.jsonl.gz"))).isEqualTo(Files.readString(tmp.resolve("a.jsonl")));
        assertThat(gunzip(tmp.resolve("b-rej.jsonl.gz"))).isEqualTo(Files.readString(tmp.resolve("a-rej.jsonl")));

        // and CSV compressed, chosen by the .csv.gz name
        Pair pair = representable();
        Path csvGz = tmp.resolve("same.csv.gz");
        Files.write(csvGz, gzip(pair.csv().getBytes(StandardCharsets.UTF_8)));
        Path jsonl = tmp.resolve("same.jsonl");
        Files.writeString(jsonl, pair.jsonl());
        ReplayCommandTest.Run c = run("replay", "--schema", schema.toString(), "--events", csvGz.toString(),
                "--out", tmp.resolve("c.jsonl").toString());
        ReplayCommandTest.Run d = run("replay", "--schema", schema.toString(), "--events", jsonl.toString(),
                "--out", tmp.resolve("d.jsonl").toString());
        assertThat(c.exit()).as(c.err()).isZero();
        assertThat(Files.readString(tmp.resolve("c.jsonl"))).isEqualTo(Files.readString(tmp.resolve("d.jsonl")));
    }

    @Test
    void dashIsStandardInputAndOutput() throws IOException {
        Path schema = schema();
        Path events = events();
        ReplayCommandTest.Run files = run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", tmp.resolve("a.jsonl").toString(), "--rejects", tmp.resolve("a-rej.jsonl").toString());
        ReplayCommandTest.Run std = runWithInput(Files.readAllBytes(events), "replay", "--schema", schema.toString(),
                "--events", "-", "--out", "-");
        assertThat(std.exit()).as(std.err()).isZero();
        // stdout: the profiles, then the summary as its last line
        String expected = Files.readString(tmp.resolve("a.jsonl"));
        assertThat(std.out()).isEqualTo(expected + files.lastLine() + System.lineSeparator());

        ReplayCommandTest.Run rej = runWithInput(Files.readAllBytes(events), "replay", "--schema", schema.toString(),
                "--events", "-", "--out", tmp.resolve("b.jsonl").toString(), "--rejects", "-");
        assertThat(rej.exit()).as(rej.err()).isZero();
        assertThat(rej.out()).isEqualTo(Files.readString(tmp.resolve("a-rej.jsonl")) + files.lastLine()
                + System.lineSeparator());
        assertThat(Files.readString(tmp.resolve("b.jsonl"))).isEqualTo(expected);
    }

    @Test
    void unwritableOutputsFailFirstWithOneLineAndExitCode2() throws IOException {
        Path schema = schema();
        Path events = events();
        Path noDir = tmp.resolve("missing-dir").resolve("p.jsonl");
        Path dir = Files.createDirectory(tmp.resolve("a-dir"));
        Path out = tmp.resolve("ok.jsonl");
        Path snapshots = tmp.resolve("snaps");

        ReplayCommandTest.Run r1 = run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", noDir.toString(), "--snapshot-dir", snapshots.toString());
        ReplayCommandTest.Run r2 = run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", out.toString(), "--rejects", dir.toString(), "--snapshot-dir", snapshots.toString());
        for (ReplayCommandTest.Run r : List.of(r1, r2)) {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().strip()).startsWith("profilekit: ").doesNotContain("\n").contains("not writable");
        }
        assertThat(r1.err()).contains("--out").contains(noDir.toString()).contains("does not exist");
        assertThat(r2.err()).contains("--rejects").contains(dir.toString()).contains("directory");
        // nothing was written: no output, no snapshot directory
        assertThat(out).doesNotExist();
        assertThat(noDir.getParent()).doesNotExist();
        assertThat(snapshots).doesNotExist();

        ReplayCommandTest.Run badAsOf = run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", out.toString(), "--as-of", "March");
        assertThat(badAsOf.exit()).isEqualTo(2);
        assertThat(badAsOf.err().strip()).doesNotContain("\n").contains("--as-of").contains("March");
        assertThat(out).doesNotExist();
    }

    @Test
    void isoAsOfEqualsTheEpochForm() throws IOException {
        Path schema = schema();
        Path events = events();
        long ms = java.time.Instant.parse("2026-01-06T08:00:00Z").toEpochMilli();
        ReplayCommandTest.Run epoch = run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", tmp.resolve("a.jsonl").toString(), "--as-of", Long.toString(ms));
        ReplayCommandTest.Run iso = run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", tmp.resolve("b.jsonl").toString(), "--as-of", "2026-01-06T08:00:00Z");
        ReplayCommandTest.Run offset = run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", tmp.resolve("c.jsonl").toString(), "--as-of", "2026-01-06T09:00:00+01:00");
        assertThat(epoch.exit()).as(epoch.err()).isZero();
        assertThat(iso.exit()).as(iso.err()).isZero();
        assertThat(offset.exit()).as(offset.err()).isZero();
        List<JsonNode> profiles = ReplayCommandTest.readLines(tmp.resolve("a.jsonl"));
        assertThat(profiles).isNotEmpty().allSatisfy(p -> assertThat(p.get("as_of").asLong()).isEqualTo(ms));
        assertThat(Files.readString(tmp.resolve("b.jsonl"))).isEqualTo(Files.readString(tmp.resolve("a.jsonl")));
        assertThat(Files.readString(tmp.resolve("c.jsonl"))).isEqualTo(Files.readString(tmp.resolve("a.jsonl")));
    }

    @Test
    void progressGoesToStderrEveryNLinesAndNotWithQuiet() throws IOException {
        Path schema = schema();
        Path events = events(); // 3,150 lines
        ReplayCommandTest.Run every = run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", tmp.resolve("a.jsonl").toString(), "--progress-every", "1000");
        assertThat(every.exit()).as(every.err()).isZero();
        List<String> lines = every.err().lines().toList();
        assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("replay: ").contains("events/s"));
        assertThat(lines.get(0)).contains("1,000 lines");
        assertThat(every.out().lines().toList()).hasSize(1); // only the summary on stdout
        ReplayCommandTest.Run quiet = run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", tmp.resolve("b.jsonl").toString(), "--progress-every", "1000", "--quiet");
        assertThat(quiet.exit()).isZero();
        assertThat(quiet.err()).isEmpty();
    }

    @Test
    void resumeIsRefusedForInputsThatCannotBeReopenedAtAnOffset() throws IOException {
        Path schema = schema();
        Path gz = tmp.resolve("events.jsonl.gz");
        Files.write(gz, gzip(Files.readAllBytes(events())));
        ReplayCommandTest.Run r = run("replay", "--schema", schema.toString(), "--events", gz.toString(),
                "--out", tmp.resolve("a.jsonl").toString(), "--resume", tmp.resolve("state").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("--resume").contains(".gz");
    }

    @Test
    void parsingOnItsOwnThreadGivesTheOutputOfOneThread() throws IOException {
        Path events = tmp.resolve("sim.jsonl");
        ReplayCommandTest.Run sim = run("simulate", "--users", "400", "--days", "20", "--seed", "7", "--jitter-ms",
                "600000", "--out", events.toString(), "--truth", tmp.resolve("truth.jsonl").toString());
        assertThat(sim.exit()).as(sim.err()).isZero();
        // hostile lines spread through the stream: their rejects must keep their order and line numbers
        List<String> lines = new ArrayList<>(Files.readAllLines(events));
        int n = lines.size();
        assertThat(n).isGreaterThan(20_000); // many batches of the hand-off
        for (int i = 5; i < n; i += 1777) {
            lines.add(i, i % 2 == 0 ? "{not json" : "{\"id\":\"x" + i + "\",\"user\":\"\",\"type\":\"view\",\"ts\":1}");
        }
        Files.write(events, lines);
        Path schema = schema();
        List<String> outputs = new ArrayList<>();
        for (String threads : List.of("0", "1")) {
            Path out = tmp.resolve("p" + threads + ".jsonl");
            Path rej = tmp.resolve("r" + threads + ".jsonl");
            ReplayCommandTest.Run r = run("replay", "--schema", schema.toString(), "--events", events.toString(),
                    "--out", out.toString(), "--rejects", rej.toString(), "--parse-threads", threads,
                    "--now", "2027-01-01T00:00:00Z", "--quiet");
            assertThat(r.exit()).as(r.err()).isZero();
            outputs.add(Files.readString(out) + Files.readString(rej) + r.lastLine());
        }
        assertThat(outputs.get(1)).isEqualTo(outputs.get(0));
        List<JsonNode> rejects = ReplayCommandTest.readLines(tmp.resolve("r1.jsonl"));
        assertThat(rejects).hasSizeGreaterThanOrEqualTo(n / 1777);
        for (JsonNode j : rejects) {
            assertThat(lines.get(j.get("line").asInt() - 1)).isEqualTo(j.get("text").asText());
        }
    }
}
