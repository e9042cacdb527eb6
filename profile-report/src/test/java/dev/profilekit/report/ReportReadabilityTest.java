package dev.profilekit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.core.live.ModelDiagnostics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a reader sees in each section: the first-hour findings, one test each. */
class ReportReadabilityTest {

    private static final long T0 = 1_767_225_600_000L;
    /** Drift alarm red and batch-retrain purple as Batik writes them. */
    private static final String RED = "rgb(214,39,40)";
    private static final String PURPLE = "rgb(148,103,189)";

    @TempDir
    Path tmp;

    /**
     * 20,000 labels: the AUC starts at 0.97 over the first few hundred examples and settles near 0.7; 30 batch
     * retrains, 600 online publications (version 630 the last; the series' last point was scored by 600), 3 drift
     * alarms (one in the warm-up).
     */
    static ModelDiagnostics longRun() {
        List<ModelDiagnostics.AucPoint> series = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            long examples = i * 100L;
            double auc = examples <= 800 ? 0.97 : 0.70 + 0.02 * Math.sin(i / 7.0);
            series.add(new ModelDiagnostics.AucPoint(T0 + i * 3_600_000L, examples, auc, auc - 0.01, i * 3L));
        }
        List<ModelDiagnostics.ModelVersion> versions = new ArrayList<>();
        long v = 0;
        for (int i = 1; i <= 630; i++) {
            versions.add(new ModelDiagnostics.ModelVersion(T0 + i * 1_140_000L, i * 30L, ++v,
                    i % 21 == 0 ? "batch" : "online"));
        }
        List<ModelDiagnostics.DriftAlarm> alarms = List.of(new ModelDiagnostics.DriftAlarm(T0 + 3 * 3_600_000L, 300),
                new ModelDiagnostics.DriftAlarm(T0 + 90 * 3_600_000L, 9_000),
                new ModelDiagnostics.DriftAlarm(T0 + 150 * 3_600_000L, 15_000));
        ModelDiagnostics base = ReportWriterTest.diagnostics(2_000);
        return new ModelDiagnostics(2_000, 20_000, base.reservoir(), series, versions, v, alarms, 3, base.forecast());
    }

    static ObjectNode summaryOf(ModelDiagnostics d, long modelVersion) {
        ObjectNode s = ReportWriterTest.summary(d);
        s.put("model_version", modelVersion);
        ((ObjectNode) s.get("prequential")).put("auc", 0.7123).put("examples", d.labelled());
        return s;
    }

    static Element figureWithCaption(Document doc, String start) {
        return doc.select("figure.chart").stream().filter(f -> f.select("figcaption").text().startsWith(start))
                .findFirst().orElseThrow(() -> new AssertionError("no figure whose caption starts with " + start));
    }

    /** Vertical lines drawn in a colour: {@code <line>} elements under a group stroked with it. */
    static int linesIn(Element svg, String colour) {
        int n = 0;
        for (Element g : svg.select("g[style*=stroke:" + colour + "]")) {
            n += g.select("> line").size();
        }
        return n;
    }

    @Test
    void aucOverTimeDrawsOnlyAlarmsAsLinesStartsAfterTheWarmUpAndNamesTheLatestVersion() {
        ModelDiagnostics d = longRun();
        Document doc = Jsoup.parse(ReportWriter.render(ReportWriterTest.profiles(60, true), summaryOf(d, 630)));
        Element auc = figureWithCaption(doc, "Prequential AUC");
        Element svg = auc.selectFirst("svg");
        assertThat(linesIn(svg, RED)).as("drift alarms after the warm-up").isEqualTo(2);
        assertThat(linesIn(svg, PURPLE)).as("batch retrains are marks, not lines").isZero();
        // the y-range is that of the AUC after the warm-up (0.68..0.72), not stretched to the first 0.97
        List<Double> ticks = new ArrayList<>();
        for (Element t : svg.select("text")) {
            if (t.text().matches("0\\.\\d+")) {
                ticks.add(Double.parseDouble(t.text()));
            }
        }
        assertThat(ticks).isNotEmpty().allMatch(x -> x > 0.6 && x < 0.8);
        String caption = auc.select("figcaption").text();
        assertThat(caption).contains("the latest is version 630").contains("the 30 batch retrains")
                .contains("2 of the 3 drift alarms").doesNotContain(" 0 versions").doesNotContain("swapped");
        assertThat(caption).contains("from the 1000th labelled example on");
    }

    @Test
    void rocCaptionSaysWhyItsAucDiffersFromTheCountsTable() {
        ModelDiagnostics d = longRun();
        Document doc = Jsoup.parse(ReportWriter.render(ReportWriterTest.profiles(60, true), summaryOf(d, 630)));
        assertThat(doc.getElementById("roc").select("figcaption").text())
                .contains("prequential AUC, 0.7123, is over all 20000 labelled examples, not this sample of 2000");
    }

    @Test
    void calibrationBinsShowHowManyExamplesEachPointIsFrom() {
        ModelDiagnostics d = ReportWriterTest.diagnostics(3_000);
        Document doc = Jsoup.parse(ReportWriter.render(ReportWriterTest.profiles(30, true), ReportWriterTest.summary(d)));
        List<Element> rows = doc.select("#calibration-bins tbody tr");
        assertThat(rows).hasSize(ReportWriter.CALIBRATION_BINS);
        int[] expected = new int[ReportWriter.CALIBRATION_BINS];
        for (ModelDiagnostics.ScoredLabel s : d.reservoir()) {
            expected[Math.min(ReportWriter.CALIBRATION_BINS - 1, (int) (s.score() * ReportWriter.CALIBRATION_BINS))]++;
        }
        for (int b = 0; b < rows.size(); b++) {
            assertThat(Integer.parseInt(rows.get(b).child(1).text())).as("bin %d", b).isEqualTo(expected[b]);
        }
    }

    @Test
    void forecastAxisStartsAtZero() {
        Document doc = Jsoup.parse(ReportWriter.render(ReportWriterTest.profiles(30, true),
                ReportWriterTest.summary(ReportWriterTest.diagnostics(500))));
        Element svg = figureWithCaption(doc, "Mean daily count per user").selectFirst("svg");
        List<String> numbers = svg.select("text").eachText().stream().filter(t -> t.matches("\\d+(\\.\\d+)?")).toList();
        // the series is 4..6.2: an auto range would start near 3.8
        assertThat(numbers.stream().mapToDouble(Double::parseDouble).min().orElseThrow()).isZero();
    }

    /** Profiles with a lognormal "spend", a "views" count with a few huge outliers and a "tiny" decayed value. */
    static List<JsonNode> skewed(int n) {
        SplittableRandom r = new SplittableRandom(3);
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ObjectNode p = ReportWriterTest.MAPPER.createObjectNode().put("user", "u" + i).put("as_of", T0);
            ObjectNode f = p.putObject("features");
            f.put("spend", Math.exp(2 * r.nextGaussian()) * 10);
            f.put("views", 100 + r.nextInt(50) + (i % 200 == 0 ? 100_000 : 0));
            f.put("tiny", i == 0 ? 4.054e-9 : i == 1 ? 95.0 : r.nextDouble() * 20);
            f.put("since_event", 3_600.0 * (1 + r.nextInt(60)));
            p.put("segment", i % 2);
            out.add(p);
        }
        return out;
    }

    @Test
    void skewedValuesGetALogOrCutAxisAndCaptionsOneNumberFormat() {
        Document doc = Jsoup.parse(ReportWriter.render(skewed(400), null));
        String spend = doc.getElementById("dist-spend").select("figcaption").text();
        assertThat(spend).contains("on a log axis");
        assertThat(doc.getElementById("dist-spend").selectFirst("svg").text()).contains("log scale");
        String views = doc.getElementById("dist-views").select("figcaption").text();
        assertThat(views).contains("The axis stops at the 99th percentile").contains("also holds the 2 users above it");
        String tiny = doc.getElementById("dist-tiny").select("figcaption").text();
        assertThat(tiny).doesNotContainPattern("\\de-?\\d").contains("min 0.00,").contains("max 95.00");
    }

    @Test
    void theSchemaGivesDefinitionsAndUnits() {
        ObjectNode schema = ReportWriterTest.MAPPER.createObjectNode();
        schema.putArray("features")
                .add(ReportWriterTest.MAPPER.createObjectNode().put("name", "spend").put("kind", "decayed_sum")
                        .put("field", "amount").put("half_life", "P7D"))
                .add(ReportWriterTest.MAPPER.createObjectNode().put("name", "since_event").put("kind", "recency"))
                .add(ReportWriterTest.MAPPER.createObjectNode().put("name", "views").put("kind", "window_count")
                        .put("window", "PT6H").put("buckets", 6));
        Document doc = Jsoup.parse(ReportWriter.render(skewed(200), null, null, schema, null));
        assertThat(doc.getElementById("dist-spend").select("figcaption").text())
                .startsWith("Decayed sum of amount over events (all types), half-life 7 days.");
        Element since = doc.getElementById("dist-since_event");
        assertThat(since.select("figcaption").text()).startsWith("Time since the user's latest event, in hours.")
                .doesNotContain("3600");
        assertThat(since.selectFirst("svg").text()).contains("since_event (hours)");
        assertThat(doc.getElementById("dist-views").select("figcaption").text())
                .startsWith("Number of events (all types) in the last 6 hours.");
        assertThat(doc.select("#segment-table tbody th").eachText()).contains("mean since_event (hours)");
    }

    @Test
    void principalComponentsSayWhatDefinesASegmentAndCountDrawnUsersInEnglish() {
        List<JsonNode> profiles = ReportWriterTest.profiles(2 * ReportWriter.MAX_SCATTER_POINTS + 10, true);
        for (JsonNode p : profiles) { // the segments' input: a top-k feature
            ((ObjectNode) p.get("features")).putArray("fav").addArray().add(
                    p.get("segment").asInt() == 0 ? "books" : "toys").add(1.5);
        }
        ObjectNode models = ReportWriterTest.MAPPER.createObjectNode();
        models.putObject("segments").put("k", 3).putArray("features").addObject().put("name", "fav");
        Document doc = Jsoup.parse(ReportWriter.render(profiles, null, null, null, models));
        List<String> captions = doc.select("#pca ~ figure.chart figcaption").eachText();
        assertThat(captions.get(0)).contains("every 3rd").contains("the live segments model's clusters of fav")
                .contains("not among these features");
        assertThat(captions.get(1)).contains("the segments' own inputs, the top-k weights of fav");
        // the segments table shows the defining category of each segment
        Element row = doc.select("#segment-table tr.defining").first();
        assertThat(row.child(0).text()).isEqualTo("most common top fav");
        assertThat(row.children().subList(1, 4).stream().map(Element::text).toList())
                .containsExactly("books (100%)", "toys (100%)", "toys (100%)");
        assertThat(ReportWriter.ordinal(2)).isEqualTo("2nd");
        assertThat(ReportWriter.ordinal(11)).isEqualTo("11th");
        assertThat(ReportWriter.ordinal(23)).isEqualTo("23rd");
    }

    @Test
    void aFileThatIsNotASummaryIsRefused() throws Exception {
        Path schema = tmp.resolve("schema.json");
        Files.writeString(schema, "{\"allowed_lateness\":\"PT1H\",\"features\":[]}");
        assertThatThrownBy(() -> ReportWriter.readSummary(schema)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(schema.toString()).hasMessageContaining("not a replay summary")
                .hasMessageContaining("[allowed_lateness, features]");
    }

    @Test
    void scoresFieldsOfObjectsAndTheForecastCanBeCharted() {
        List<JsonNode> profiles = ReportWriterTest.profiles(40, true);
        for (int i = 0; i < profiles.size(); i++) {
            ObjectNode p = (ObjectNode) profiles.get(i);
            p.putObject("scores").put("propensity", i / 40.0);
            p.putObject("forecast").put("next_day", i % 7);
        }
        Document doc = Jsoup.parse(ReportWriter.render(profiles, null, List.of("scores.propensity",
                "order_value.mean", "forecast.next_day")));
        assertThat(doc.select("#distributions + div.grid > div.card").eachAttr("id")).containsExactly(
                "dist-scores.propensity", "dist-order_value.mean", "dist-forecast.next_day");
        assertThat(doc.getElementById("dist-scores.propensity").select("figcaption").text())
                .contains("probability").contains("over 40 users");
        assertThat(ReportWriter.value(profiles.get(20), "scores.propensity")).isEqualTo(0.5);
    }
}
