package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.profilekit.core.engine.PointInTimeJoin.Label;
import dev.profilekit.core.io.DatasetRows;
import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.io.LabelsCsv;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.testkit.SpecAssertions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PointInTimeJoin} against a brute-force as-of computation: acceptance decided by a plain full replay that
 * records each line's outcome, then for every label a profile built from scratch from only the accepted events with
 * {@code ts <= T}, in arrival order, read at {@code T}. Compared by the specification's conformance rule: keys,
 * integers, strings and nulls exactly, doubles within 1e-9 relative (decayed weights summed in time order and in
 * arrival order differ in the last bits, which the specification allows).
 */
class PointInTimeJoinTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    static final long MIN = 60_000L;
    static final long HOUR = 60 * MIN;
    static final Clock NOW = Clock.fixed(Instant.ofEpochMilli(T0 + 1000 * HOUR), ZoneOffset.UTC);

    static final ProfileSchema SCHEMA = ProfileSchema.fromJson("""
            {"allowed_lateness":"PT1H","features":[
             {"name":"events","kind":"count"},
             {"name":"views","kind":"count","types":["view"]},
             {"name":"spend","kind":"sum","types":["purchase"],"field":"amount"},
             {"name":"views_decay","kind":"decayed_count","types":["view"],"half_life":"PT2H"},
             {"name":"spend_decay","kind":"decayed_sum","types":["purchase"],"field":"amount","half_life":"PT3H"},
             {"name":"views_2h","kind":"window_count","types":["view"],"window":"PT2H","buckets":4},
             {"name":"spend_2h","kind":"window_sum","types":["purchase"],"field":"amount","window":"PT2H","buckets":2},
             {"name":"order_value","kind":"stats","types":["purchase"],"field":"amount"},
             {"name":"since_purchase","kind":"recency","types":["purchase"]},
             {"name":"first_seen","kind":"first_seen"},
             {"name":"last_category","kind":"last_value","field":"category"},
             {"name":"products","kind":"distinct_count","field":"product"},
             {"name":"fav","kind":"top_k","field":"category","k":2},
             {"name":"fav_decay","kind":"top_k","field":"category","k":2,"half_life":"PT1H"},
             {"name":"purchase_rate","kind":"ratio","numerator":"spend","denominator":"events"},
             {"name":"sessions","kind":"sessions","gap":"PT30M"}]}""");

    static String ev(String id, String user, String type, long ts, String category, String product, Double amount) {
        StringBuilder b = new StringBuilder("{\"id\":\"" + id + "\",\"user\":\"" + user + "\",\"type\":\"" + type
                + "\",\"ts\":" + ts + ",\"attrs\":{\"category\":\"" + category + "\",\"product\":\"" + product + "\"");
        if (amount != null) {
            b.append(",\"amount\":").append(amount);
        }
        return b.append("}}").toString();
    }

    /** Brute force: a plain replay records outcomes; per label, a fresh engine gets the accepted events <= T. */
    static List<JsonNode> bruteForce(ProfileSchema schema, List<String> lines, List<Label> labels) throws IOException {
        ProfileUpdater replay = ProfileUpdater.builder(schema).clock(NOW).build();
        List<Event> accepted = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isBlank()) {
                continue;
            }
            try {
                Event e = EventJson.parse(l);
                if (replay.onEvent(e) == Outcome.ACCEPTED) {
                    // renamed so that an id accepted twice (after its first copy was forgotten) counts twice
                    accepted.add(Event.of("line-" + (i + 1), e.user(), e.type(), e.timestamp(), e.attrs()));
                }
            } catch (InvalidEventException rejected) {
                // counts for nothing
            }
        }
        List<JsonNode> rows = new ArrayList<>();
        for (Label label : labels) {
            ProfileUpdater fresh = ProfileUpdater.builder(schema).clock(NOW).dedupRetention(DedupRetention.ALL).build();
            for (Event e : accepted) {
                if (e.timestamp() <= label.ts()) {
                    assertThat(fresh.onEvent(e)).isEqualTo(Outcome.ACCEPTED);
                }
            }
            JsonNode p = MAPPER.readTree(ProfileJson.toJson(fresh.profile(label.user(), label.ts())));
            rows.add(p.get("features"));
        }
        return rows;
    }

    static List<JsonNode> join(ProfileSchema schema, List<String> lines, List<Label> labels, long budget, Path tmp)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PointInTimeJoin.builder(schema).clock(NOW).tempDir(tmp).memoryBudget(budget).build()
                .join(new ByteArrayInputStream(String.join("\n", lines).getBytes(StandardCharsets.UTF_8)), labels,
                        DatasetRows.jsonLines(), out);
        List<JsonNode> rows = new ArrayList<>();
        for (String l : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!l.isEmpty()) {
                rows.add(MAPPER.readTree(l));
            }
        }
        return rows;
    }

    static void assertMatches(List<Label> labels, List<JsonNode> rows, List<JsonNode> expected) {
        assertThat(rows).hasSize(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            JsonNode r = rows.get(i);
            assertThat(r.get("user").asText()).isEqualTo(labels.get(i).user());
            assertThat(r.get("ts").asLong()).isEqualTo(labels.get(i).ts());
            SpecAssertions.assertSpecEqual(expected.get(i), r.get("features"), "label " + i + " " + labels.get(i));
        }
    }

    /** The hand-made stream: same-ms events, duplicates, late and out-of-order events, an invalid line. */
    static List<String> stream() {
        return List.of(
                ev("a1", "u1", "view", T0 + HOUR, "books", "p1", null),                 // 1
                ev("b1", "u2", "purchase", T0 + HOUR + 5 * MIN, "toys", "p7", 12.5),    // 2
                ev("a2", "u1", "purchase", T0 + 2 * HOUR, "books", "p2", 20.0),         // 3
                ev("a3", "u1", "view", T0 + 3 * HOUR, "games", "p3", null),             // 4 same ms as 5
                ev("a4", "u1", "purchase", T0 + 3 * HOUR, "toys", "p4", 7.25),          // 5
                ev("a2", "u1", "purchase", T0 + 2 * HOUR, "books", "p2", 20.0),         // 6 duplicate of 3
                ev("a5", "u1", "view", T0 + 2 * HOUR + 30 * MIN, "garden", "p5", null), // 7 out of order, within 1h
                "{\"id\":\"bad\",\"user\":\"u1\"}",                                      // 8 rejected
                ev("a6", "u1", "view", T0 + 5 * HOUR, "books", "p1", null),             // 9
                ev("a7", "u1", "purchase", T0 + 3 * HOUR + 10 * MIN, "toys", "p9", 99.0), // 10 late (M - 1h50m)
                ev("b2", "u2", "view", T0 + 4 * HOUR, "toys", "p7", null),              // 11
                ev("a8", "u1", "view", T0 + 4 * HOUR + 30 * MIN, "music", "p8", null),  // 12 out of order, in time
                "",
                ev("b3", "u2", "purchase", T0 + 4 * HOUR, "music", "p8", 3.0));         // 14 same ms as 11
    }

    static List<Label> labels() {
        return List.of(
                new Label("u1", T0 + 3 * HOUR, "1"),                // at the same ms as a3 and a4: sees both
                new Label("u1", T0, "0"),                           // before u1's first event
                new Label("u9", T0 + 3 * HOUR, "x"),                // unknown user
                new Label("u1", T0 + HOUR, "1.5"),                  // exactly at a1
                new Label("u2", T0 + 4 * HOUR, "yes"),              // at the same ms as b2 and b3
                new Label("u1", T0 + 2 * HOUR + 45 * MIN, "0"),     // after the out-of-order a5
                new Label("u1", T0 + 2 * HOUR + 29 * MIN, "0"),     // just before a5
                new Label("u1", T0 + 3 * HOUR - 1, "-1"),           // 1 ms before a3/a4
                new Label("u1", T0 + 3 * HOUR + 15 * MIN, "2"),     // after the late a7's time: a7 never counts
                new Label("u2", T0 + 4 * HOUR - 1, "no"),
                new Label("u1", T0 + 100 * HOUR, "1e3"),            // after everything
                new Label("u1", T0 + 3 * HOUR, "again"));           // same ts as the first label
    }

    @Test
    void matchesBruteForceOnTheHandMadeStream(@TempDir Path tmp) throws IOException {
        List<String> lines = stream();
        List<Label> labels = labels();
        List<JsonNode> expected = bruteForce(SCHEMA, lines, labels);
        for (long budget : new long[]{64L << 20, 1}) { // in memory, and one spilled run per event
            List<JsonNode> rows = join(SCHEMA, lines, labels, budget, tmp);
            assertMatches(labels, rows, expected);
        }
        try (var files = Files.list(tmp)) {
            assertThat(files).as("temporary files are removed").isEmpty();
        }
    }

    @Test
    void spellsOutTheSpecOnTheHandMadeStream(@TempDir Path tmp) throws IOException {
        List<Label> labels = labels();
        List<JsonNode> rows = join(SCHEMA, stream(), labels, 1, tmp);
        // values derived from the stream by hand, from the specification's rules
        JsonNode sameMs = rows.get(0).get("features");
        assertThat(sameMs.get("events").asLong()).as("a1, a2, a5, a3, a4").isEqualTo(5);
        assertThat(sameMs.get("spend").asDouble()).isEqualTo(27.25);
        assertThat(sameMs.get("order_value").get("count").asLong()).isEqualTo(2);
        assertThat(sameMs.get("since_purchase").asDouble()).isEqualTo(0.0);
        assertThat(sameMs.get("last_category").asText()).as("tie at 3h: the one accepted last (a4)").isEqualTo("toys");
        assertThat(sameMs.get("first_seen").asLong()).isEqualTo(T0 + HOUR);
        assertThat(rows.get(11).get("features")).isEqualTo(sameMs);
        assertThat(rows.get(11).get("label").asText()).isEqualTo("again");

        JsonNode before = rows.get(1).get("features");
        assertThat(before.get("events").asLong()).isZero();
        assertThat(before.get("first_seen").isNull()).isTrue();
        assertThat(before.get("order_value").isNull()).isTrue();
        assertThat(rows.get(2).get("features")).as("an unknown user has an empty history").isEqualTo(before);

        assertThat(rows.get(3).get("features").get("events").asLong()).as("a label at an event's time sees it").isEqualTo(1);
        assertThat(rows.get(4).get("features").get("events").asLong()).as("b1, b2, b3").isEqualTo(3);
        assertThat(rows.get(9).get("features").get("events").asLong()).isEqualTo(1);
        assertThat(rows.get(5).get("features").get("events").asLong()).isEqualTo(3);
        assertThat(rows.get(5).get("features").get("last_category").asText()).isEqualTo("garden");
        assertThat(rows.get(6).get("features").get("events").asLong()).isEqualTo(2);
        assertThat(rows.get(7).get("features").get("events").asLong()).isEqualTo(3);
        assertThat(rows.get(8).get("features").get("spend").asDouble()).as("the late a7 never counts").isEqualTo(27.25);
        assertThat(rows.get(10).get("features").get("events").asLong()).as("7 accepted of u1").isEqualTo(7);

        assertThat(rows.get(0).get("label").isIntegralNumber()).isTrue();
        assertThat(rows.get(3).get("label").isFloatingPointNumber()).isTrue();
        assertThat(rows.get(4).get("label").asText()).isEqualTo("yes");
        assertThat(rows.get(4).get("label").isTextual()).isTrue();
        assertThat(rows.get(10).get("label").isNumber()).isTrue();
    }

    @Test
    void summaryCountsAndRejects(@TempDir Path tmp) throws IOException {
        List<Long> rejectedLines = new ArrayList<>();
        PointInTimeJoin.Summary s = PointInTimeJoin.builder(SCHEMA).clock(NOW).tempDir(tmp)
                .rejects((line, error, text) -> rejectedLines.add(line)).build()
                .join(new ByteArrayInputStream(String.join("\n", stream()).getBytes(StandardCharsets.UTF_8)),
                        labels(), DatasetRows.jsonLines(), new ByteArrayOutputStream());
        assertThat(s.accepted()).isEqualTo(10);
        assertThat(s.duplicate()).isEqualTo(1);
        assertThat(s.late()).isEqualTo(1);
        assertThat(s.rejected()).isEqualTo(1);
        assertThat(s.labels()).isEqualTo(12);
        assertThat(rejectedLines).containsExactly(8L);
    }

    @Test
    void matchesReplayAsOfOnTheFixture(@TempDir Path tmp) throws IOException {
        // the spec's other statement of the same thing: a replay with --as-of T, read for the user
        ProfileSchema schema = ProfileSchema.fromJson(SpecAssertions.text("/profile-stream-small/schema.json"));
        List<String> lines = SpecAssertions.lines("/profile-stream-small/events.jsonl");
        Random r = new Random(7);
        List<Label> labels = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String user = String.format("u%04d", r.nextInt(60));
            labels.add(new Label(user, T0 - 5 * HOUR + (long) (r.nextDouble() * 30 * 24 * HOUR), Integer.toString(i % 2)));
        }
        List<JsonNode> rows = join(schema, lines, labels, 1 << 16, tmp);
        for (int i = 0; i < labels.size(); i++) {
            Label l = labels.get(i);
            ProfileUpdater asOf = ProfileUpdater.builder(schema).clock(NOW).applyUpTo(l.ts()).build();
            for (String line : lines) {
                try {
                    if (!line.isBlank()) {
                        asOf.onEvent(EventJson.parse(line));
                    }
                } catch (InvalidEventException e) {
                    // rejected
                }
            }
            JsonNode expected = MAPPER.readTree(ProfileJson.toJson(asOf.profile(l.user(), l.ts()))).get("features");
            SpecAssertions.assertSpecEqual(expected, rows.get(i).get("features"), "label " + i);
        }
    }

    @Property(tries = 60)
    void randomStreamsMatchBruteForce(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
                                      @ForAll @IntRange(min = 0, max = 60) int n,
                                      @ForAll @IntRange(min = 0, max = 20) int nLabels) throws IOException {
        Random r = new Random(seed);
        String[] types = {"view", "purchase", "cart"};
        String[] cats = {"books", "toys", "games"};
        List<String> lines = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        long clock = T0;
        for (int i = 0; i < n; i++) {
            if (!sent.isEmpty() && r.nextInt(8) == 0) {
                lines.add(sent.get(r.nextInt(sent.size()))); // redelivery
                continue;
            }
            clock += r.nextInt(4) == 0 ? 0 : (long) (r.nextDouble() * 40 * MIN); // same-ms events too
            long ts = clock - (r.nextInt(4) == 0 ? (long) (r.nextDouble() * 2 * HOUR) : 0); // out of order, some late
            String type = types[r.nextInt(types.length)];
            String id = r.nextInt(10) == 0 && i > 0 ? "e" + r.nextInt(i) : "e" + i; // reused ids
            String line = ev(id, "u" + r.nextInt(3), type, ts, cats[r.nextInt(cats.length)], "p" + r.nextInt(5),
                    type.equals("purchase") ? Math.round(r.nextDouble() * 1000) / 10.0 : null);
            lines.add(line);
            sent.add(line);
        }
        List<Label> labels = new ArrayList<>();
        for (int i = 0; i < nLabels; i++) {
            long ts = r.nextInt(3) == 0 && !sent.isEmpty()
                    ? MAPPER.readTree(sent.get(r.nextInt(sent.size()))).get("ts").asLong() // at an event time
                    : T0 - HOUR + (long) (r.nextDouble() * (clock - T0 + 3 * HOUR));
            labels.add(new Label("u" + r.nextInt(4), ts, Integer.toString(r.nextInt(2))));
        }
        Path tmp = Files.createTempDirectory("pit-prop");
        try {
            List<JsonNode> rows = join(SCHEMA, lines, labels, r.nextBoolean() ? 1 << 20 : 1 + r.nextInt(400), tmp);
            assertMatches(labels, rows, bruteForce(SCHEMA, lines, labels));
        } finally {
            try (var files = Files.list(tmp)) {
                assertThat(files).isEmpty();
            }
            Files.delete(tmp);
        }
    }

    @Test
    void csvRowsFlattenTheFeatures(@TempDir Path tmp) throws IOException {
        List<Label> labels = List.of(new Label("u1", T0 + 3 * HOUR, "1"), new Label("u,\"x\"", T0, "a b"),
                new Label("u1", T0 + 100 * HOUR, "no, never"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PointInTimeJoin.builder(SCHEMA).clock(NOW).tempDir(tmp).build()
                .join(new ByteArrayInputStream(String.join("\n", stream()).getBytes(StandardCharsets.UTF_8)), labels,
                        DatasetRows.csv(SCHEMA), out);
        List<String> csv = List.of(out.toString(StandardCharsets.UTF_8).split("\n"));
        assertThat(csv).hasSize(4);
        assertThat(csv.get(0)).isEqualTo("user,ts,label,events,views,spend,views_decay,spend_decay,views_2h,spend_2h,"
                + "order_value.count,order_value.mean,order_value.std,order_value.min,order_value.max,since_purchase,"
                + "first_seen,last_category,products,fav.1.value,fav.1.weight,fav.2.value,fav.2.weight,"
                + "fav_decay.1.value,fav_decay.1.weight,fav_decay.2.value,fav_decay.2.weight,purchase_rate,"
                + "sessions.count,sessions.mean_duration_s");
        List<JsonNode> expected = bruteForce(SCHEMA, stream(), labels);
        for (int i = 0; i < labels.size(); i++) {
            List<String> cells = parseCsvLine(csv.get(i + 1));
            assertThat(cells).hasSize(30);
            assertThat(cells.subList(0, 3)).containsExactly(labels.get(i).user(), Long.toString(labels.get(i).ts()),
                    labels.get(i).label());
            assertThat(cells.subList(3, 30)).containsExactlyElementsOf(flatten(expected.get(i)));
        }
        // spot checks from the spec: u1 at 3h has two purchases (20.0, 7.25); u,"x" has no events
        List<String> u1 = parseCsvLine(csv.get(1));
        assertThat(u1.get(10)).isEqualTo("2");
        assertThat(Double.parseDouble(u1.get(11))).isEqualTo(13.625);
        List<String> empty = parseCsvLine(csv.get(2));
        assertThat(empty.get(3)).isEqualTo("0");
        assertThat(empty.get(10)).as("null stats: empty cells").isEmpty();
        assertThat(empty.get(19)).isEmpty();
    }

    /** The brute-force features flattened by the documented CSV rule (independent of the encoder). */
    static List<String> flatten(JsonNode f) {
        List<String> out = new ArrayList<>();
        f.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            if (e.getKey().equals("order_value")) {
                for (String p : new String[]{"count", "mean", "std", "min", "max"}) {
                    out.add(v.isNull() ? "" : v.get(p).asText());
                }
            } else if (e.getKey().equals("sessions")) {
                out.add(v.get("count").asText());
                out.add(v.get("mean_duration_s").isNull() ? "" : v.get("mean_duration_s").asText());
            } else if (e.getKey().startsWith("fav")) {
                for (int i = 0; i < 2; i++) {
                    out.add(i < v.size() ? v.get(i).get(0).asText() : "");
                    out.add(i < v.size() ? v.get(i).get(1).asText() : "");
                }
            } else {
                out.add(v.isNull() ? "" : v.asText());
            }
        });
        return out;
    }

    static List<String> parseCsvLine(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        out.add(f.toString());
        return out;
    }

    @Test
    void labelsCsvReadsIsoAndEpochTimesAndNamesBadLines() throws IOException {
        List<Label> ls = LabelsCsv.read(new StringReader("\uFEFFuser,ts,label\n"
                + "u1,1767225600000,1\n\n"
                + "u2,2026-03-01T10:15:00.250+08:00,0.5\n"
                + "\"u,3\",2026-01-01T00:00:00Z,\"say \"\"hi\"\"\"\n"), "labels.csv");
        assertThat(ls).containsExactly(new Label("u1", 1_767_225_600_000L, "1"),
                new Label("u2", Instant.parse("2026-03-01T02:15:00.250Z").toEpochMilli(), "0.5"),
                new Label("u,3", T0, "say \"hi\""));
        assertThatThrownBy(() -> LabelsCsv.read(new StringReader("user,ts,label\nu1,1,1\nu2,yesterday,1\n"), "l.csv"))
                .isInstanceOf(LabelsCsv.LabelFormatException.class).hasMessageStartingWith("l.csv line 3: ts must be");
        assertThatThrownBy(() -> LabelsCsv.read(new StringReader("user,ts,label\nu1,1\n"), "l.csv"))
                .hasMessageContaining("line 2: a row must have 3 fields");
        assertThatThrownBy(() -> LabelsCsv.read(new StringReader("user,ts,label\n,1,1\n"), "l.csv"))
                .hasMessageContaining("line 2: user must not be blank");
        assertThatThrownBy(() -> LabelsCsv.read(new StringReader("user,ts,label\nu,1,\n"), "l.csv"))
                .hasMessageContaining("line 2: label must not be empty");
        assertThatThrownBy(() -> LabelsCsv.read(new StringReader("u,t,l\n"), "l.csv"))
                .hasMessageContaining("line 1: the header must be user,ts,label");
        assertThatThrownBy(() -> LabelsCsv.read(new StringReader("user,ts,label\nu,2026-01-01T00:00:00,1\n"), "l.csv"))
                .as("no offset").hasMessageContaining("line 2: ts must be");
        assertThatThrownBy(() -> LabelsCsv.read(new StringReader("user,ts,label\nu,2026-01-01T00:00:00.0001Z,1\n"),
                "l.csv")).as("sub-millisecond").hasMessageContaining("line 2");
        assertThatThrownBy(() -> LabelsCsv.read(new StringReader("user,ts,label\nu,99999999999999999,1\n"), "l.csv"))
                .hasMessageContaining("line 2: ts must lie between");
        assertThat(LabelsCsv.isNumber("-0.5e3")).isTrue();
        assertThat(LabelsCsv.isNumber("01")).isFalse();
        assertThat(LabelsCsv.isNumber("NaN")).isFalse();
        assertThat(LabelsCsv.isNumber("+1")).isFalse();
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> PointInTimeJoin.builder(null)).hasMessageContaining("schema");
        assertThatThrownBy(() -> PointInTimeJoin.builder(SCHEMA).memoryBudget(0)).hasMessageContaining("memoryBudget");
        assertThatThrownBy(() -> PointInTimeJoin.builder(SCHEMA).tempDir(Path.of("/no/such/dir")))
                .hasMessageContaining("tempDir");
        assertThatThrownBy(() -> new Label(" ", 1, "1")).hasMessageContaining("user");
        assertThatThrownBy(() -> PointInTimeJoin.builder(SCHEMA).build().join(null, List.of(), DatasetRows.jsonLines(),
                new ByteArrayOutputStream())).hasMessageContaining("must not be null");
    }
}
