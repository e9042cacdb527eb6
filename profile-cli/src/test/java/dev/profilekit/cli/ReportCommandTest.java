package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.live.ModelDiagnostics;
import dev.profilekit.core.testkit.SpecAssertions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code simulate}, {@code replay --models --summary}, then {@code report}, as a user runs them. */
class ReportCommandTest {

    @TempDir
    static Path tmp;

    static Path events;
    static Path schema;
    static Path models;
    static Path profiles;
    static Path summary;
    static ReplayCommandTest.Run replay;

    @BeforeAll
    static void simulateAndReplay() throws IOException {
        events = tmp.resolve("events.jsonl");
        ReplayCommandTest.Run sim = ReplayCommandTest.run("simulate", "--users", "300", "--days", "16", "--seed", "3",
                "--drift-day", "8", "--out", events.toString());
        assertThat(sim.exit()).as(sim.err()).isZero();
        schema = tmp.resolve("schema.json");
        Files.writeString(schema, SpecAssertions.text("/live-schema.json"));
        models = tmp.resolve("models.json");
        Files.writeString(models, SpecAssertions.text("/live-models.json"));
        profiles = tmp.resolve("profiles.jsonl");
        summary = tmp.resolve("summary.json");
        replay = ReplayCommandTest.run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", profiles.toString(), "--models", models.toString(), "--summary", summary.toString());
        assertThat(replay.exit()).as(replay.err()).isZero();
    }

    @Test
    void summaryFileIsThePrintedSummaryPlusBoundedDiagnostics() throws IOException {
        JsonNode printed = SpecAssertions.MAPPER.readTree(replay.lastLine());
        JsonNode file = SpecAssertions.MAPPER.readTree(Files.readString(summary));
        JsonNode withoutDiagnostics = file.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) withoutDiagnostics).remove("diagnostics");
        assertThat(withoutDiagnostics).isEqualTo(printed);
        ModelDiagnostics d = ModelDiagnostics.fromJson(file.get("diagnostics"));
        // every labelled example the summary counts was recorded; the reservoir holds all of them or its capacity
        assertThat(d.labelled()).isEqualTo(printed.get("prequential").get("examples").asLong()).isPositive();
        assertThat(d.reservoir()).hasSize((int) Math.min(d.labelled(), d.reservoirCapacity()));
        assertThat(d.reservoir()).allMatch(s -> s.score() >= 0 && s.score() <= 1);
        assertThat(d.aucSeries()).isNotEmpty().hasSizeLessThanOrEqualTo(ModelDiagnostics.MAX_POINTS);
        assertThat(d.versionsSeen()).isEqualTo(printed.get("model_version").asLong());
        assertThat(d.driftAlarmsSeen()).isEqualTo(printed.get("drift_alarms").asLong());
        long lastVersion = d.versions().get(d.versions().size() - 1).version();
        assertThat(lastVersion).isEqualTo(printed.get("model_version").asLong());
        assertThat(d.forecast()).isNotNull();
        assertThat(d.forecast().series().length).isBetween(10, 28);
        for (int i = 0; i < d.forecast().mean().length; i++) {
            assertThat(d.forecast().lower()[i]).isLessThanOrEqualTo(d.forecast().mean()[i]);
            assertThat(d.forecast().upper()[i]).isGreaterThanOrEqualTo(d.forecast().mean()[i]);
        }
        // the pooled series is the mean count of views per user per day: recount it from the events
        long firstDay = d.forecast().firstDay();
        double[] series = d.forecast().series();
        long[] views = new long[series.length];
        java.util.Set<String> users = new java.util.HashSet<>();
        for (String l : Files.readAllLines(events)) {
            if (l.isBlank()) {
                continue;
            }
            JsonNode e = SpecAssertions.MAPPER.readTree(l);
            users.add(e.get("user").asText());
            long day = Math.floorDiv(e.get("ts").asLong(), 86_400_000L);
            if (e.get("type").asText().equals("view") && day >= firstDay && day < firstDay + series.length) {
                views[(int) (day - firstDay)]++;
            }
        }
        for (int i = 0; i < series.length; i++) {
            assertThat(series[i]).isCloseTo(views[i] / (double) users.size(), org.assertj.core.data.Offset.offset(1e-9));
        }
        // a replay with --summary prints the same line and writes the same profiles as one without
        Path again = tmp.resolve("again.jsonl");
        ReplayCommandTest.Run plain = ReplayCommandTest.run("replay", "--schema", schema.toString(), "--events",
                events.toString(), "--out", again.toString(), "--models", models.toString());
        assertThat(plain.lastLine()).isEqualTo(replay.lastLine());
        assertThat(Files.readAllLines(again)).isEqualTo(Files.readAllLines(profiles));
    }

    @Test
    void reportEndToEndHasEveryChartInlineAndTheReservoirAuc() throws IOException {
        Path out = tmp.resolve("report.html");
        ReplayCommandTest.Run r = ReplayCommandTest.run("report", "--profiles", profiles.toString(), "--summary",
                summary.toString(), "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode line = SpecAssertions.MAPPER.readTree(r.lastLine());
        assertThat(line.get("bytes").asLong()).isEqualTo(Files.size(out));
        String html = Files.readString(out);
        Document doc = Jsoup.parse(html);
        List<Element> figures = doc.select("figure.chart");
        // a histogram of every numeric value (not only the first 8): the scalar features, the fields of the stats
        // and sessions features, the propensity score and the forecast
        List<String> histograms = doc.select("#distributions + div.grid > div.card").eachAttr("id");
        assertThat(histograms).contains("dist-views", "dist-since_event", "dist-cart_to_purchase",
                "dist-order_value.mean", "dist-sessions.count", "dist-scores.propensity", "dist-forecast.next_day");
        assertThat(histograms.size()).isGreaterThan(8);
        // a bar chart of each categorical feature of the schema (top_k, last_value)
        long categorical = 0;
        for (JsonNode f : SpecAssertions.MAPPER.readTree(Files.readString(schema)).get("features")) {
            categorical += List.of("top_k", "last_value").contains(f.get("kind").asText()) ? 1 : 0;
        }
        assertThat(categorical).isPositive();
        assertThat(doc.select("#categories ~ div.cards").first().select("figure.chart")).hasSize((int) categorical);
        // and PCA, segment sizes, ROC, calibration, AUC over time, score by label, forecast
        assertThat(figures).hasSize(histograms.size() + (int) categorical + 7);
        for (Element f : figures) {
            assertThat(f.select("> svg.wide")).hasSize(1);
            assertThat(f.select("> svg.phone")).hasSize(1);
            assertThat(f.select("figcaption").text()).isNotBlank();
        }
        assertThat(doc.select("svg")).hasSize(2 * figures.size());
        assertNothingOutside(doc, html);
        assertThat(doc.select("#segment-table thead th")).hasSize(5); // the label column and 4 segments
        assertThat(doc.getElementById("forecast")).isNotNull();

        ModelDiagnostics d = ModelDiagnostics.fromJson(SpecAssertions.MAPPER.readTree(Files.readString(summary))
                .get("diagnostics"));
        double expected = pairwiseAuc(d.reservoir());
        Matcher m = Pattern.compile("AUC = (\\d\\.\\d{4})").matcher(doc.getElementById("roc").text());
        assertThat(m.find()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isCloseTo(expected, org.assertj.core.data.Offset.offset(5e-5));

        // --features chooses the histograms, model outputs and fields of object features included
        Path two = tmp.resolve("two.html");
        ReplayCommandTest.Run r2 = ReplayCommandTest.run("report", "--profiles", profiles.toString(), "--out",
                two.toString(), "--features", "views,scores.propensity,order_value.mean,sessions.count,"
                        + "forecast.next_day");
        assertThat(r2.exit()).as(r2.err()).isZero();
        Document d2 = Jsoup.parse(two.toFile(), "UTF-8");
        assertThat(d2.select("#distributions ~ div.grid").first().select("div.card").eachAttr("id"))
                .containsExactly("dist-views", "dist-scores.propensity", "dist-order_value.mean",
                        "dist-sessions.count", "dist-forecast.next_day");
        // without --summary it says so once, and leaves out the sections that need one
        assertThat(d2.text().split("No summary given", -1)).hasSize(2);
        assertThat(d2.getElementById("propensity")).isNull();
        assertThat(d2.getElementById("forecast")).isNull();
    }

    @Test
    void aFileThatIsNotASummaryIsRefusedWithOneLine() throws IOException {
        Path out = tmp.resolve("wrong.html");
        ReplayCommandTest.Run r = ReplayCommandTest.run("report", "--profiles", profiles.toString(), "--summary",
                schema.toString(), "--out", out.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).hasLineCount(1).contains(schema.toString()).contains("not a replay summary")
                .contains("replay --summary");
        assertThat(out).doesNotExist();
    }

    @Test
    void withTheSchemaChartsSayWhatEachFeatureIsAndItsUnit() throws IOException {
        Path out = tmp.resolve("schema.html");
        ReplayCommandTest.Run r = ReplayCommandTest.run("report", "--profiles", profiles.toString(), "--summary",
                summary.toString(), "--schema", schema.toString(), "--models", models.toString(), "--out",
                out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        Document doc = Jsoup.parse(out.toFile(), "UTF-8");
        JsonNode spec = SpecAssertions.MAPPER.readTree(Files.readString(schema));
        for (JsonNode f : spec.get("features")) {
            String name = f.get("name").asText();
            Element card = doc.getElementById("dist-" + name);
            if (card == null) {
                continue; // an object or categorical feature: charted by field, or not here
            }
            String caption = card.select("figcaption").text();
            switch (f.get("kind").asText()) {
                case "decayed_count", "decayed_sum" -> assertThat(caption).as(name).contains("half-life "
                        + halfLife(f.get("half_life").asText()));
                case "recency" -> {
                    assertThat(caption).as(name).containsPattern("in (hours|days)");
                    assertThat(card.selectFirst("svg.wide").text()).as(name).containsPattern("\\((hours|days)\\)");
                }
                case "count" -> assertThat(caption).as(name).startsWith("Number of ");
                default -> { }
            }
        }
        assertThat(doc.getElementById("dist-sessions.count").select("figcaption").text())
                .contains("split at gaps over 30 min");
        // one number format per caption: no scientific notation for ordinary values
        assertThat(doc.select("#distributions + div.grid figcaption").eachText())
                .noneMatch(c -> c.matches(".*\\d[eE]-?\\d.*"));
        // the models file names the segments' inputs, and the PCA of those inputs is drawn too
        assertThat(doc.select("#pca ~ figure.chart figcaption").eachText())
                .anyMatch(c -> c.contains("clusters of fav_category"))
                .anyMatch(c -> c.contains("the segments' own inputs"));
    }

    /** "P1D" as the report says it: "1 day". */
    private static String halfLife(String iso) {
        java.time.Duration d = java.time.Duration.parse(iso);
        return d.toDays() == 1 ? "1 day" : d.toDays() + " days";
    }

    @Test
    void badInputsExitWith2AndAOneLineMessage() throws IOException {
        Path out = tmp.resolve("x.html");
        ReplayCommandTest.Run missing = ReplayCommandTest.run("report", "--profiles", tmp.resolve("no.jsonl").toString(),
                "--out", out.toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("profiles file not found").hasLineCount(1);
        ReplayCommandTest.Run feature = ReplayCommandTest.run("report", "--profiles", profiles.toString(), "--out",
                out.toString(), "--features", "views,fav_category");
        assertThat(feature.exit()).isEqualTo(2);
        assertThat(feature.err()).contains("'fav_category'").hasLineCount(1);
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"accepted\":1,\"diagnostics\":{\"format\":\"nope\"}}");
        ReplayCommandTest.Run badSummary = ReplayCommandTest.run("report", "--profiles", profiles.toString(),
                "--summary", bad.toString(), "--out", out.toString());
        assertThat(badSummary.exit()).isEqualTo(2);
        assertThat(badSummary.err()).contains("summary.diagnostics.format");
        ReplayCommandTest.Run help = ReplayCommandTest.run("report", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Example:", "--profiles", "--summary", "--features");
    }

    @Test
    void audienceLogIsChartedAndItsFoldedSizesAreTheReplays() throws IOException {
        Path audiences = tmp.resolve("audiences.json");
        Files.writeString(audiences, "{\"audiences\":[{\"name\":\"lapsed\",\"rule\":\"since_event > P2D\"},"
                + "{\"name\":\"buyers\",\"rule\":\"purchases_3d > 0.5\"}]}");
        Path log = tmp.resolve("audience-log.jsonl");
        Path withSummary = tmp.resolve("audience-summary.json");
        Path withProfiles = tmp.resolve("audience-profiles.jsonl");
        ReplayCommandTest.Run rep = ReplayCommandTest.run("replay", "--schema", schema.toString(), "--events",
                events.toString(), "--out", withProfiles.toString(), "--summary", withSummary.toString(),
                "--audiences", audiences.toString(), "--audience-log", log.toString(), "--quiet");
        assertThat(rep.exit()).as(rep.err()).isZero();
        Path out = tmp.resolve("audiences.html");
        ReplayCommandTest.Run r = ReplayCommandTest.run("report", "--profiles", withProfiles.toString(), "--summary",
                withSummary.toString(), "--audience-log", log.toString(), "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        Document doc = Jsoup.parse(out.toFile(), "UTF-8");
        String caption = String.format(Locale.ROOT, "Members of each audience over event time, folded exactly from "
                + "the %,d changes", Files.readAllLines(log).size());
        assertThat(doc.select("#audiences ~ figure.chart figcaption").eachText()).anyMatch(t -> t.startsWith(caption));
        // the sizes at the end, folded from the log by the report, are the replay's own counts
        JsonNode sizes = SpecAssertions.MAPPER.readTree(Files.readString(withSummary)).get("audiences");
        assertThat(sizes.get("lapsed").asLong()).isPositive();
        for (String a : List.of("lapsed", "buyers")) {
            assertThat(doc.select("#audience-sizes tbody tr").eachText())
                    .anyMatch(t -> t.startsWith(a + " " + String.format(Locale.ROOT, "%,d", sizes.get(a).asLong()) + " "));
        }

        Path bad = tmp.resolve("not-a-log.jsonl");
        Files.writeString(bad, Files.readAllLines(log).get(0) + "\n{\"accepted\":3}\n");
        ReplayCommandTest.Run badLog = ReplayCommandTest.run("report", "--profiles", withProfiles.toString(),
                "--audience-log", bad.toString(), "--out", out.toString());
        assertThat(badLog.exit()).isEqualTo(2);
        assertThat(badLog.err().strip()).isEqualTo("profilekit: --audience-log " + bad + ": audience log line 2 is "
                + "not an audience change (an object with \"user\", \"audience\" and \"change\", as replay "
                + "--audience-log writes)");
    }

    @Test
    void constantAndExtremeColumnsAndAnEmptyFileGiveAReport() throws IOException {
        Path edge = tmp.resolve("edge.jsonl");
        Files.writeString(edge, "{\"user\":\"a\",\"as_of\":1,\"features\":{\"same\":4,\"huge\":-1.7e308,\"n\":null}}\n"
                + "{\"user\":\"b\",\"as_of\":1,\"features\":{\"same\":4,\"huge\":1.7e308,\"n\":null}}\n"
                + "{\"user\":\"c\",\"as_of\":1,\"features\":{\"same\":4,\"huge\":0,\"n\":null}}\n");
        Path out = tmp.resolve("edge.html");
        ReplayCommandTest.Run r = ReplayCommandTest.run("report", "--profiles", edge.toString(), "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        Document doc = Jsoup.parse(out.toFile(), "UTF-8");
        assertThat(doc.select("figcaption").eachText()).anyMatch(c -> c.contains("all 3 values are 4"))
                .anyMatch(c -> c.startsWith("Distribution of huge over 3 users"));
        Path empty = tmp.resolve("empty.jsonl");
        Files.writeString(empty, "");
        ReplayCommandTest.Run none = ReplayCommandTest.run("report", "--profiles", empty.toString(), "--out",
                tmp.resolve("empty.html").toString());
        assertThat(none.exit()).as(none.err()).isZero();
        assertThat(Jsoup.parse(tmp.resolve("empty.html").toFile(), "UTF-8").select("p.note").eachText())
                .contains("No profiles in the input: nothing to chart.");
    }

    @Test
    void schemaGivesUnitsAndReferenceGivesDriftAgainstAnotherRun() throws IOException {
        Path early = tmp.resolve("early.jsonl");
        ReplayCommandTest.Run r0 = ReplayCommandTest.run("replay", "--schema", schema.toString(), "--events",
                events.toString(), "--out", early.toString(), "--as-of", "2026-01-05T00:00:00Z", "--quiet");
        assertThat(r0.exit()).as(r0.err()).isZero();
        Path out = tmp.resolve("drift.html");
        ReplayCommandTest.Run r = ReplayCommandTest.run("report", "--profiles", profiles.toString(), "--schema",
                schema.toString(), "--reference", early.toString(), "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        Document doc = Jsoup.parse(out.toFile(), "UTF-8");
        assertThat(doc.getElementById("drift-reference").nextElementSibling().text()).isEqualTo("Reference: "
                + "early.jsonl (" + Files.readAllLines(early).size() + " profiles); current: these "
                + Files.readAllLines(profiles).size() + " profiles.");
        // every column of the profiles has a row; without --models the reference has no scores
        assertThat(doc.select("#drift-reference-table tbody tr").eachText()).anyMatch(t -> t.startsWith("views_1d "))
                .anyMatch(t -> t.equals("scores.propensity not in the reference"));
        assertThat(doc.select("#feature-table tbody th").eachText()).contains("since_purchase days");
        assertThat(doc.select("dl.defs").text()).contains("views_1d decayed count of view events");
        // a time in the table is in the unit that suits its median, the unit of its histogram too
        double[] durations = Files.readAllLines(profiles).stream().filter(l -> !l.isBlank())
                .map(l -> {
                    try {
                        return SpecAssertions.MAPPER.readTree(l).path("features").path("sessions")
                                .path("mean_duration_s");
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).filter(JsonNode::isNumber).mapToDouble(JsonNode::asDouble).sorted().toArray();
        assertThat(durations).isNotEmpty();
        double median = durations.length % 2 == 1 ? durations[durations.length / 2]
                : (durations[durations.length / 2 - 1] + durations[durations.length / 2]) / 2;
        String unit = median < 2 * 3_600 ? "minutes" : median < 2 * 86_400 ? "hours" : "days";
        assertThat(doc.select("#feature-table tbody th").eachText()).contains("sessions.mean_duration_s " + unit);
        assertThat(doc.getElementById("dist-sessions.mean_duration_s").select("figcaption").text())
                .contains(", in " + unit + ".");

        ReplayCommandTest.Run noRef = ReplayCommandTest.run("report", "--profiles", profiles.toString(),
                "--reference", tmp.resolve("none.jsonl").toString(), "--out", out.toString());
        assertThat(noRef.exit()).isEqualTo(2);
        assertThat(noRef.err().strip()).hasLineCount(1).endsWith("--reference file not found: "
                + tmp.resolve("none.jsonl"));
        ReplayCommandTest.Run wrongSchema = ReplayCommandTest.run("report", "--profiles", profiles.toString(),
                "--schema", summary.toString(), "--out", out.toString());
        assertThat(wrongSchema.exit()).isEqualTo(2);
        assertThat(wrongSchema.err().strip()).hasLineCount(1).contains("--schema " + summary + " is not a profile "
                + "schema: ");
    }

    @Test
    void gzipInputAndStandardOutputGiveTheSamePage() throws IOException {
        Path file = tmp.resolve("file.html");
        ReplayCommandTest.Run r = ReplayCommandTest.run("report", "--profiles", profiles.toString(), "--summary",
                summary.toString(), "--out", file.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        Path gz = tmp.resolve("profiles.jsonl.gz");
        try (java.io.OutputStream o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(profiles, o);
        }
        ReplayCommandTest.Run std = ReplayCommandTest.run("report", "--profiles", gz.toString(), "--summary",
                summary.toString(), "--out", "-");
        assertThat(std.exit()).as(std.err()).isZero();
        assertThat(std.out()).isEqualTo(Files.readString(file));
    }

    static double pairwiseAuc(List<ModelDiagnostics.ScoredLabel> res) {
        double[] pos = res.stream().filter(s -> s.label() == 1).mapToDouble(ModelDiagnostics.ScoredLabel::score)
                .toArray();
        double[] neg = res.stream().filter(s -> s.label() == 0).mapToDouble(ModelDiagnostics.ScoredLabel::score)
                .toArray();
        double wins = 0;
        for (double p : pos) {
            for (double q : neg) {
                wins += p > q ? 1 : p == q ? 0.5 : 0;
            }
        }
        return wins / ((double) pos.length * neg.length);
    }

    static void assertNothingOutside(Document doc, String html) {
        assertThat(doc.select("script, link, img, iframe, object, embed, image, use, base")).isEmpty();
        for (Element e : doc.getAllElements()) {
            for (org.jsoup.nodes.Attribute a : e.attributes()) {
                String key = a.getKey().toLowerCase(Locale.ROOT);
                String v = a.getValue().trim().toLowerCase(Locale.ROOT);
                if (key.equals("src") || key.endsWith("href") || key.equals("srcset") || key.equals("action")) {
                    assertThat(v).as("%s on <%s>", key, e.tagName()).startsWith("#");
                }
                Matcher m = Pattern.compile("url\\(\\s*['\"]?([^)'\"]*)").matcher(v);
                while (m.find()) {
                    assertThat(m.group(1)).startsWith("#");
                }
            }
        }
        assertThat(html).doesNotContain("http://", "https://", "@import", "@font-face", "src=");
    }
}
