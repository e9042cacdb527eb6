package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code profilekit demo} end to end at a small size: every file, a report whose charts are all inline. */
class DemoCommandTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void demoWritesProfilesSummaryAndASelfContainedReport() throws IOException {
        Path dir = tmp.resolve("demo");
        ReplayCommandTest.Run r = ReplayCommandTest.run("demo", "--out", dir.toString(), "--users", "120",
                "--days", "16", "--quiet");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).as("--quiet: nothing on stderr").isEmpty();

        // the profiles are those of a replay of the demo's own events with its own schema and models
        Path again = tmp.resolve("again.jsonl");
        ReplayCommandTest.Run replay = ReplayCommandTest.run("replay", "--schema", dir.resolve("schema.json").toString(),
                "--models", dir.resolve("models.json").toString(), "--events", dir.resolve("events.jsonl").toString(),
                "--out", again.toString(), "--audiences", dir.resolve("audiences.json").toString(), "--quiet");
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(Files.readString(dir.resolve("profiles.jsonl"))).isEqualTo(Files.readString(again));
        List<String> profileLines = Files.readAllLines(again, StandardCharsets.UTF_8);
        java.util.Set<String> users = new java.util.HashSet<>();
        for (String e : Files.readAllLines(dir.resolve("events.jsonl"), StandardCharsets.UTF_8)) {
            users.add(MAPPER.readTree(e).get("user").asText());
        }
        assertThat(users).hasSizeBetween(100, 120); // users of the simulation with at least one event
        assertThat(profileLines).hasSize(users.size());

        // the schema and models are the README's examples/live files
        assertThat(Files.readString(dir.resolve("schema.json")))
                .isEqualTo(Files.readString(Path.of("../examples/live/schema.json")));
        assertThat(Files.readString(dir.resolve("models.json")))
                .isEqualTo(Files.readString(Path.of("../examples/live/models.json")));

        // summary.json: the replay's summary line plus the models' diagnostics
        JsonNode summary = MAPPER.readTree(dir.resolve("summary.json").toFile());
        JsonNode line = MAPPER.readTree(replay.lastLine());
        for (String key : List.of("accepted", "duplicate", "late", "rejected", "model_version", "drift_alarms")) {
            assertThat(summary.get(key)).as(key).isEqualTo(line.get(key));
        }
        assertThat(summary.get("diagnostics").isObject()).isTrue();
        long events = Files.lines(dir.resolve("events.jsonl")).count();
        assertThat(summary.get("accepted").asLong() + summary.get("duplicate").asLong() + summary.get("late").asLong()
                + summary.get("rejected").asLong()).isEqualTo(events);

        // the report: parsed as HTML, every chart an inline svg, nothing outside the file
        Path report = dir.resolve("report.html");
        String html = Files.readString(report);
        Document doc = Jsoup.parse(html);
        List<Element> figures = doc.select("figure.chart");
        assertThat(figures).hasSizeGreaterThanOrEqualTo(6);
        for (Element f : figures) { // each chart drawn for wide screens and for phones
            assertThat(f.select("> svg.wide")).hasSize(1);
            assertThat(f.select("> svg.phone")).hasSize(1);
        }
        assertThat(doc.select("svg")).hasSize(2 * figures.size());
        for (String section : List.of("distributions", "pca", "segments", "roc", "forecast")) {
            assertThat(doc.getElementById(section)).as(section).isNotNull();
        }
        ReportCommandTest.assertNothingOutside(doc, html);
        // drift: the end of the run against its events replayed as of the end of the first quarter (day 4 of 16)
        Path q1 = tmp.resolve("q1.jsonl");
        ReplayCommandTest.Run early = ReplayCommandTest.run("replay", "--schema", dir.resolve("schema.json").toString(),
                "--models", dir.resolve("models.json").toString(), "--events", dir.resolve("events.jsonl").toString(),
                "--out", q1.toString(), "--as-of", "2026-01-05T00:00:00Z", "--quiet");
        assertThat(early.exit()).as(early.err()).isZero();
        assertThat(Files.readString(dir.resolve("profiles-q1.jsonl"))).isEqualTo(Files.readString(q1));
        assertThat(doc.getElementById("drift-reference").nextElementSibling().text()).isEqualTo("Reference: this run "
                + "as of the end of its first quarter, 2026-01-05T00:00:00Z (" + Files.readAllLines(q1).size()
                + " profiles); current: these " + profileLines.size() + " profiles.");
        assertThat(doc.select("#drift-reference-table tbody tr").eachText()).anyMatch(t -> t.startsWith("views_1d "));
        // units from the schema
        assertThat(doc.select("#feature-table tbody th").eachText()).contains("since_purchase days");
        assertThat(doc.select("dl.defs").text()).contains("views number of view events");

        // audiences: the summary's sizes are printed and charted over time from the audience log
        JsonNode sizes = summary.get("audiences");
        assertThat(sizes.size()).isEqualTo(5);
        List<String> printed = new java.util.ArrayList<>();
        sizes.fields().forEachRemaining(e -> printed.add(e.getKey() + " " + String.format(java.util.Locale.ROOT, "%,d", e.getValue().asLong())));
        assertThat(r.out()).contains("Audiences at the end: " + String.join(", ", printed) + ".");
        assertThat(doc.select("#audiences ~ figure.chart figcaption").eachText())
                .anyMatch(t -> t.startsWith("Members of each audience over event time"));
        for (String row : printed) {
            assertThat(doc.select("#audience-sizes tbody tr").eachText()).anyMatch(t -> t.startsWith(row + " "));
        }

        // the readable summary names the counts and the report's path and size
        assertThat(r.out()).contains(String.format(java.util.Locale.ROOT, "%,d events", events))
                .contains(report.toAbsolutePath().toString())
                .contains(String.format(java.util.Locale.ROOT, "%,d bytes", Files.size(report)))
                .contains("query --profiles " + dir.resolve("profiles.jsonl") + " --user "
                        + MAPPER.readTree(profileLines.get(0)).get("user").asText());
        // and every file the demo wrote
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> "  " + f.getFileName() + " ").toList()).isNotEmpty()
                    .allSatisfy(name -> assertThat(r.out()).contains(name));
        }
    }

    @Test
    void badSizeOrUnwritableDirectoryIsAOneLineUsageError() throws IOException {
        ReplayCommandTest.Run small = ReplayCommandTest.run("demo", "--out", tmp.toString(), "--users", "3");
        assertThat(small.exit()).isEqualTo(2);
        assertThat(small.err().strip()).startsWith("profilekit: --users must be in [50, 200000]").hasLineCount(1);
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        ReplayCommandTest.Run notDir = ReplayCommandTest.run("demo", "--out", file.toString());
        assertThat(notDir.exit()).isEqualTo(2);
        assertThat(notDir.err()).hasLineCount(1).contains(file.toString());
    }
}
