package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.cli.ReplayCommandTest.Run;
import dev.profilekit.core.testkit.SpecAssertions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code profilekit dataset} end to end on the worked example (examples/ecommerce, the core fixture), each row
 * checked against an independent {@code replay --as-of ts} of the whole input read for the label's user.
 */
class DatasetCommandTest {

    private static final long DAY = 86_400_000L;
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z, the fixture starts then

    @TempDir
    Path tmp;

    record LabelRow(String user, long ts, String tsText, String label) {
    }

    /** Labels over the fixture's users and time range (a few unknown users, ISO and epoch times, string labels). */
    private List<LabelRow> labels(int n, long seed) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String l : SpecAssertions.lines("/profile-stream-small/events.jsonl")) {
            try {
                events.add(SpecAssertions.MAPPER.readTree(l));
            } catch (IOException e) {
                // the fixture has invalid lines on purpose
            }
        }
        Random r = new Random(seed);
        List<LabelRow> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            JsonNode e = events.get(r.nextInt(events.size()));
            String user = r.nextInt(10) == 0 ? "nobody-" + i : e.path("user").asText("u0001");
            long ts = T0 - DAY + (long) (r.nextDouble() * 40 * DAY);
            if (r.nextInt(5) == 0 && e.path("ts").isIntegralNumber()) {
                ts = e.get("ts").asLong(); // exactly at an event time
            }
            String tsText = r.nextBoolean() ? Long.toString(ts) : Instant.ofEpochMilli(ts).toString();
            String label = switch (r.nextInt(3)) {
                case 0 -> Integer.toString(r.nextInt(2));
                case 1 -> Double.toString(Math.round(r.nextDouble() * 1000) / 10.0);
                default -> r.nextBoolean() ? "churn" : "stay";
            };
            out.add(new LabelRow(user, ts, tsText, label));
        }
        return out;
    }

    private Path writeLabels(List<LabelRow> rows) throws IOException {
        StringBuilder b = new StringBuilder("user,ts,label\n");
        for (LabelRow l : rows) {
            b.append(l.user()).append(',').append(l.tsText()).append(',').append(l.label()).append('\n');
        }
        Path p = tmp.resolve("labels.csv");
        Files.writeString(p, b.toString());
        return p;
    }

    @Test
    void rowsMatchReplayAsOfOnTheEcommerceExample() throws IOException {
        Path schema = ReplayCommandTest.copyFixture(tmp, "schema.json");
        Path events = ReplayCommandTest.copyFixture(tmp, "events.jsonl");
        List<LabelRow> labels = labels(40, 13);
        Path out = tmp.resolve("train.jsonl");
        Path rejects = tmp.resolve("rejects.jsonl");
        Run run = ReplayCommandTest.run("dataset", "--schema", schema.toString(), "--events", events.toString(),
                "--labels", writeLabels(labels).toString(), "--out", out.toString(), "--rejects", rejects.toString(),
                "--tmp-dir", tmp.toString(), "--sort-memory-mb", "1");
        assertThat(run.exit()).as(run.err()).isZero();
        // acceptance is the replay's (the README's figures), plus the label count
        assertThat(run.lastLine()).isEqualTo("{\"accepted\":2948,\"duplicate\":22,\"late\":162,\"rejected\":16,\"labels\":40}");
        assertThat(Files.readAllLines(rejects)).hasSize(16);
        List<JsonNode> rows = ReplayCommandTest.readLines(out);
        assertThat(rows).hasSize(labels.size());

        Map<Long, Map<String, JsonNode>> replays = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            LabelRow l = labels.get(i);
            JsonNode row = rows.get(i);
            assertThat(row.get("user").asText()).isEqualTo(l.user());
            assertThat(row.get("ts").asLong()).isEqualTo(l.ts());
            if (l.label().matches("-?\\d+(\\.\\d+)?")) {
                assertThat(row.get("label").isNumber()).isTrue();
                assertThat(row.get("label").asText()).isEqualTo(l.label());
            } else {
                assertThat(row.get("label").asText()).isEqualTo(l.label());
                assertThat(row.get("label").isTextual()).isTrue();
            }
            Map<String, JsonNode> asOf = replays.computeIfAbsent(l.ts(), t -> replayAsOf(schema, events, t));
            JsonNode expected = asOf.get(l.user());
            if (expected == null) { // no events of the user at all: an empty history
                assertThat(row.get("features").get("events").asLong()).isZero();
                assertThat(row.get("features").get("first_seen").isNull()).isTrue();
                assertThat(row.get("features").get("order_value").isNull()).isTrue();
            } else {
                SpecAssertions.assertSpecEqual(expected.get("features"), row.get("features"), "label " + i);
            }
        }
    }

    private Map<String, JsonNode> replayAsOf(Path schema, Path events, long t) {
        try {
            Path out = tmp.resolve("replay-" + t + ".jsonl");
            Run r = ReplayCommandTest.run("replay", "--schema", schema.toString(), "--events", events.toString(),
                    "--out", out.toString(), "--as-of", Long.toString(t));
            assertThat(r.exit()).as(r.err()).isZero();
            Map<String, JsonNode> byUser = new HashMap<>();
            for (JsonNode p : ReplayCommandTest.readLines(out)) {
                byUser.put(p.get("user").asText(), p);
            }
            return byUser;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void csvHasOneRowPerLabelWithTheJsonValues() throws IOException {
        Path schema = ReplayCommandTest.copyFixture(tmp, "schema.json");
        Path events = ReplayCommandTest.copyFixture(tmp, "events.jsonl");
        Path labels = writeLabels(labels(25, 5));
        Path json = tmp.resolve("train.jsonl");
        Path csv = tmp.resolve("train.csv");
        for (Path out : List.of(json, csv)) {
            Run run = ReplayCommandTest.run("dataset", "--schema", schema.toString(), "--events", events.toString(),
                    "--labels", labels.toString(), "--out", out.toString());
            assertThat(run.exit()).as(run.err()).isZero();
        }
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(26);
        String[] header = lines.get(0).split(",");
        assertThat(header).startsWith("user", "ts", "label", "views", "carts", "purchases", "events", "spend");
        assertThat(header).contains("order_value.mean", "fav_categories.3.weight", "sessions.mean_duration_s");
        List<JsonNode> rows = ReplayCommandTest.readLines(json);
        for (int i = 0; i < rows.size(); i++) {
            String[] cells = lines.get(i + 1).split(",", -1);
            assertThat(cells).hasSize(header.length);
            JsonNode f = rows.get(i).get("features");
            for (int c = 3; c < header.length; c++) {
                String col = header[c];
                JsonNode v = f.get(col);
                if (v == null) {
                    String[] parts = col.split("\\.");
                    v = parts.length == 2 ? f.get(parts[0]).path(parts[1])
                            : f.get(parts[0]).path(Integer.parseInt(parts[1]) - 1)
                            .path(parts[2].equals("value") ? 0 : 1);
                }
                String expected = v.isNull() || v.isMissingNode() ? "" : v.asText();
                assertThat(cells[c]).as("row %d column %s", i, col).isEqualTo(expected);
            }
        }
    }

    @Test
    void badLabelRowIsAOneLineErrorNamingTheLine() throws IOException {
        Path schema = ReplayCommandTest.copyFixture(tmp, "schema.json");
        Path events = ReplayCommandTest.copyFixture(tmp, "events.jsonl");
        Path labels = tmp.resolve("bad.csv");
        Files.writeString(labels, "user,ts,label\nu0001,1767225600000,1\nu0002,2026-01-02,0\n");
        Run run = ReplayCommandTest.run("dataset", "--schema", schema.toString(), "--events", events.toString(),
                "--labels", labels.toString(), "--out", tmp.resolve("t.jsonl").toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err().strip()).doesNotContain("\n").contains("bad.csv line 3: ts must be");

        Run ext = ReplayCommandTest.run("dataset", "--schema", schema.toString(), "--events", events.toString(),
                "--labels", labels.toString(), "--out", tmp.resolve("t.parquet").toString());
        assertThat(ext.exit()).isEqualTo(2);
        assertThat(ext.err()).contains("--out must end in .jsonl or .csv");

        Run missing = ReplayCommandTest.run("dataset", "--schema", schema.toString(), "--events", events.toString(),
                "--labels", tmp.resolve("none.csv").toString(), "--out", tmp.resolve("t.jsonl").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("labels file not found");
    }

    @Test
    void helpShowsAWorkingExample() {
        Run help = ReplayCommandTest.run("dataset", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--labels", "Example:", "dataset --schema examples/ecommerce/schema.json");
    }

    @Test
    void gzipInputAndOutputGiveTheSameRowsAsPlainFiles() throws IOException {
        Path schema = ReplayCommandTest.copyFixture(tmp, "schema.json");
        Path events = ReplayCommandTest.copyFixture(tmp, "events.jsonl");
        Path gz = tmp.resolve("events.jsonl.gz");
        try (java.io.OutputStream o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(events, o);
        }
        Path labels = writeLabels(labels(30, 7));
        Path plain = tmp.resolve("plain.csv");
        Path zipped = tmp.resolve("zipped.csv.gz");
        ReplayCommandTest.Run a = ReplayCommandTest.run("dataset", "--schema", schema.toString(), "--events",
                events.toString(), "--labels", labels.toString(), "--out", plain.toString());
        ReplayCommandTest.Run b = ReplayCommandTest.run("dataset", "--schema", schema.toString(), "--events",
                gz.toString(), "--labels", labels.toString(), "--out", zipped.toString());
        assertThat(a.exit()).as(a.err()).isZero();
        assertThat(b.exit()).as(b.err()).isZero();
        assertThat(b.lastLine()).isEqualTo(a.lastLine());
        try (java.io.InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(zipped))) {
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(Files.readString(plain)).hasLineCount(31);
        }
        ReplayCommandTest.Run unwritable = ReplayCommandTest.run("dataset", "--schema", schema.toString(), "--events",
                events.toString(), "--labels", labels.toString(), "--out", tmp.resolve("no/such/dir/x.jsonl").toString());
        assertThat(unwritable.exit()).isEqualTo(2);
        assertThat(unwritable.err()).hasLineCount(1).contains("--out");
    }
}
