package dev.profilekit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.core.live.ModelDiagnostics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** A JSON text as a tree (test data written inline). */
    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @TempDir
    Path tmp;

    /** Users with three numeric features, a string feature, a stats object and a segment (0..2), from a seed. */
    static List<JsonNode> profiles(int n, boolean withSegments) {
        SplittableRandom r = new SplittableRandom(11);
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int seg = i % 3;
            ObjectNode p = MAPPER.createObjectNode();
            p.put("user", String.format(Locale.ROOT, "u%04d", i));
            p.put("as_of", 1_767_225_600_000L);
            ObjectNode f = p.putObject("features");
            f.put("views", seg * 10 + r.nextInt(10));
            f.put("spend", seg * 100.0 + r.nextDouble() * 50);
            if (i % 7 == 0) {
                f.putNull("since_purchase");
            } else {
                f.put("since_purchase", r.nextDouble() * 86_400);
            }
            f.put("fav", "books");
            f.putObject("order_value").put("count", 1).put("mean", 2.0);
            if (withSegments) {
                p.put("segment", seg);
            }
            out.add(p);
        }
        return out;
    }

    /** A reservoir where positives score higher on average, with ties, and a summary holding it. */
    static ModelDiagnostics diagnostics(int n) {
        SplittableRandom r = new SplittableRandom(5);
        List<ModelDiagnostics.ScoredLabel> res = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int y = r.nextDouble() < 0.3 ? 1 : 0;
            double s = Math.round(Math.min(1, Math.max(0, 0.35 + 0.2 * y + 0.25 * r.nextGaussian())) * 50) / 50.0;
            res.add(new ModelDiagnostics.ScoredLabel(s, y));
        }
        long t0 = 1_767_225_600_000L;
        List<ModelDiagnostics.AucPoint> series = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            series.add(new ModelDiagnostics.AucPoint(t0 + i * 3_600_000L, i * 50L, 0.6 + i * 0.005,
                    i < 3 ? Double.NaN : 0.65, i / 4));
        }
        return new ModelDiagnostics(n, n, res, series,
                List.of(new ModelDiagnostics.ModelVersion(t0 + 7_200_000L, 100, 1, "batch"),
                        new ModelDiagnostics.ModelVersion(t0 + 9_000_000L, 150, 2, "online")), 2,
                List.of(new ModelDiagnostics.DriftAlarm(t0 + 30_000_000L, 400)), 1,
                new ModelDiagnostics.Forecast("arima", 3, 20_454, new double[] {4, 5, 4.5, 6, 5.5, 5, 6.2, 5.8, 6, 6.1},
                        new double[] {6.0, 6.1}, new double[] {5.0, 4.8}, new double[] {7.0, 7.4}, 0.95, "ARIMA"));
    }

    static ObjectNode summary(ModelDiagnostics d) {
        ObjectNode s = MAPPER.createObjectNode();
        s.put("accepted", 1000).put("duplicate", 2).put("late", 3).put("rejected", 4);
        s.putObject("prequential").put("auc", 0.7).put("log_loss", 0.5).put("examples", d.labelled());
        s.put("model_version", 2).put("drift_alarms", 1);
        s.set("diagnostics", d.toJsonNode());
        return s;
    }

    /** Pairwise AUC: P(score of a positive > score of a negative) + half the ties, over all pairs. */
    static double bruteForceAuc(List<ModelDiagnostics.ScoredLabel> res) {
        double wins = 0;
        long pairs = 0;
        for (ModelDiagnostics.ScoredLabel p : res) {
            if (p.label() != 1) {
                continue;
            }
            for (ModelDiagnostics.ScoredLabel q : res) {
                if (q.label() != 0) {
                    continue;
                }
                pairs++;
                wins += p.score() > q.score() ? 1 : p.score() == q.score() ? 0.5 : 0;
            }
        }
        return wins / pairs;
    }

    /** Every chart is an inline svg in a figure, and nothing points outside the file. */
    static void assertSelfContained(Document doc, String html) {
        for (Element e : doc.getAllElements()) {
            for (org.jsoup.nodes.Attribute a : e.attributes()) {
                String key = a.getKey().toLowerCase(Locale.ROOT);
                String v = a.getValue().trim().toLowerCase(Locale.ROOT);
                if (key.equals("src") || key.endsWith("href") || key.equals("action") || key.equals("srcset")
                        || key.equals("data") || key.equals("poster")) {
                    assertThat(v).as("%s on <%s>", key, e.tagName()).startsWith("#");
                }
                assertThat(v).as("attribute %s of <%s>", key, e.tagName()).doesNotContain("http:", "https:");
                assertUrlsLocal(v);
            }
        }
        assertThat(doc.select("script, link, img, iframe, object, embed, image, use, audio, video, source, base"))
                .isEmpty();
        for (Element style : doc.select("style")) {
            assertThat(style.data()).doesNotContain("@import");
            assertUrlsLocal(style.data());
        }
        assertThat(html).doesNotContain("http://", "https://", "@import", "@font-face");
    }

    static void assertUrlsLocal(String text) {
        Matcher m = Pattern.compile("url\\(\\s*['\"]?([^)'\"]*)").matcher(text);
        while (m.find()) {
            assertThat(m.group(1)).as("url() in %s", text).startsWith("#");
        }
    }

    /** The figures; each holds one inline svg for wide screens and one for phones, and a caption. */
    static List<Element> charts(Document doc) {
        List<Element> figures = doc.select("figure.chart");
        for (Element f : figures) {
            assertThat(f.select("> svg.wide")).as("a figure without an inline svg").hasSize(1);
            assertThat(f.select("> svg.phone")).as("a figure without its phone rendition").hasSize(1);
            assertThat(f.select("> svg")).hasSize(2);
            assertThat(f.selectFirst("svg").select("path, rect, line").size()).isGreaterThan(3);
            assertThat(f.select("figcaption").text()).isNotBlank();
        }
        return figures;
    }

    @Test
    void fullReportHasEveryChartAsInlineSvgAndReferencesNothingOutside() throws Exception {
        List<JsonNode> profiles = profiles(300, true);
        ModelDiagnostics d = diagnostics(3_000);
        String html = ReportWriter.render(profiles, summary(d));
        Document doc = Jsoup.parse(html);
        List<Element> figures = charts(doc);
        // 5 histograms (views, spend, since_purchase, order_value.count, order_value.mean), the categorical fav,
        // PCA, segment sizes, ROC, calibration, AUC over time, score by label, forecast; each chart drawn for wide
        // screens and for phones
        assertThat(figures).hasSize(13);
        assertThat(doc.select("svg")).hasSize(26);
        assertSelfContained(doc, html);
        assertThat(doc.select("p.note")).allMatch(p -> !p.text().contains("omitted"));
        assertThat(doc.title()).isEqualTo("ProfileKit report");
        // ids of clip paths are unique over the page
        List<String> ids = doc.select("[id]").eachAttr("id");
        assertThat(ids).doesNotHaveDuplicates();
        // the same input gives the same page
        assertThat(ReportWriter.render(profiles, summary(d))).isEqualTo(html);
    }

    @Test
    void rocAucInTheReportMatchesABruteForcePairwiseAucOverTheReservoir() {
        ModelDiagnostics d = diagnostics(2_000);
        Document doc = Jsoup.parse(ReportWriter.render(profiles(30, true), summary(d)));
        double expected = bruteForceAuc(d.reservoir());
        Element roc = doc.getElementById("roc");
        assertThat(Double.parseDouble(roc.attr("data-auc"))).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));
        Matcher m = Pattern.compile("AUC = (\\d\\.\\d{4})").matcher(roc.select("figcaption").text());
        assertThat(m.find()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isCloseTo(expected, org.assertj.core.data.Offset.offset(5e-5));
        assertThat(roc.selectFirst("svg").text()).contains("AUC = " + m.group(1));
        assertThat(expected).isBetween(0.6, 0.9); // the fixture separates the classes, but not perfectly
    }

    @Test
    void segmentTableHoldsSizesAndMeansComputedFromTheProfiles() {
        List<JsonNode> profiles = profiles(301, true);
        Document doc = Jsoup.parse(ReportWriter.render(profiles, null, List.of("spend", "since_purchase")));
        // one column per segment, one row per measure
        assertThat(doc.select("#segment-table thead th").eachText()).containsExactly("segment", "0", "1", "2");
        Map<String, List<String>> rows = new java.util.LinkedHashMap<>();
        for (Element row : doc.select("#segment-table tbody tr")) {
            rows.put(row.child(0).text(), row.children().subList(1, row.childrenSize()).stream().map(Element::text)
                    .toList());
        }
        assertThat(rows.keySet()).containsExactly("users", "share", "mean spend",
                "mean since_purchase");
        for (int seg = 0; seg < 3; seg++) {
            int s = seg;
            List<JsonNode> members = profiles.stream().filter(p -> p.get("segment").asInt() == s).toList();
            assertThat(Integer.parseInt(rows.get("users").get(seg))).isEqualTo(members.size());
            double spend = members.stream().mapToDouble(p -> p.get("features").get("spend").asDouble()).average()
                    .orElseThrow();
            double since = members.stream().filter(p -> p.get("features").get("since_purchase").isNumber())
                    .mapToDouble(p -> p.get("features").get("since_purchase").asDouble()).average().orElseThrow();
            assertRounded(rows.get("mean spend").get(seg), spend);
            assertRounded(rows.get("mean since_purchase").get(seg), since);
        }
    }

    /** The text is {@code x} rounded to the decimals it shows (thousands may be grouped with commas). */
    static void assertRounded(String text, double x) {
        int dot = text.indexOf('.');
        int decimals = dot < 0 ? 0 : text.length() - dot - 1;
        assertThat(Double.parseDouble(text.replace(",", ""))).as(text)
                .isCloseTo(x, org.assertj.core.api.Assertions.within(0.5 * Math.pow(10, -decimals) * (1 + 1e-9)));
    }

    @Test
    void sectionsWithoutDataAreOmittedWithANoteNotAnError() {
        String html = ReportWriter.render(profiles(50, false), null);
        Document doc = Jsoup.parse(html);
        // 5 histograms, the categorical fav and the PCA scatter; no segments, no models
        assertThat(charts(doc)).hasSize(7);
        assertSelfContained(doc, html);
        List<String> notes = doc.select("p.note").eachText();
        assertThat(notes).anyMatch(n -> n.contains("No profile has a segment"));
        // without a summary: said once, and the sections that need one are left out
        assertThat(notes.stream().filter(n -> n.contains("No summary given"))).hasSize(1);
        assertThat(doc.text().split("No summary", -1)).hasSize(2);
        assertThat(doc.getElementById("propensity")).isNull();
        assertThat(doc.getElementById("forecast")).isNull();

        ObjectNode noDiagnostics = MAPPER.createObjectNode().put("accepted", 5).put("duplicate", 0).put("late", 0)
                .put("rejected", 0);
        Document d2 = Jsoup.parse(ReportWriter.render(List.of(), noDiagnostics));
        assertThat(charts(d2)).isEmpty();
        assertThat(d2.select("p.note").eachText()).anyMatch(n -> n.contains("no propensity diagnostics"));
        assertThat(d2.select("table tr").eachText()).contains("accepted 5");
    }

    @Test
    void writeReadsFilesAndChecksItsArguments() throws Exception {
        Path p = tmp.resolve("profiles.jsonl");
        StringBuilder b = new StringBuilder();
        for (JsonNode n : profiles(40, true)) {
            b.append(n).append('\n');
        }
        Files.writeString(p, b);
        Path s = tmp.resolve("summary.json");
        Files.writeString(s, summary(diagnostics(500)).toString());
        Path out = tmp.resolve("report.html");
        ReportWriter.write(p, s, out);
        assertThat(charts(Jsoup.parse(out.toFile(), "UTF-8"))).hasSize(13); // as in the full report

        assertThatThrownBy(() -> ReportWriter.write(null, null, out)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("profilesJsonl");
        assertThatThrownBy(() -> ReportWriter.write(tmp.resolve("nope.jsonl"), null, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not found");
        Files.writeString(tmp.resolve("bad.jsonl"), "{\"user\":\"a\"}\n{oops\n");
        assertThatThrownBy(() -> ReportWriter.write(tmp.resolve("bad.jsonl"), null, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
        assertThatThrownBy(() -> ReportWriter.render(profiles(5, true), null, List.of("views", "nope")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nope'")
                .hasMessageContaining("[views, spend, since_purchase, order_value.count, order_value.mean]");
        assertThatThrownBy(() -> ReportWriter.render(null, null)).isInstanceOf(IllegalArgumentException.class);
        ObjectNode broken = MAPPER.createObjectNode();
        broken.putObject("diagnostics").put("format", "other");
        assertThatThrownBy(() -> ReportWriter.render(List.of(), broken)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("summary.diagnostics");
    }

    @Test
    void numericFeaturesAreThoseWithNumbersAndNothingElse() {
        assertThat(ReportWriter.numericFeatures(profiles(10, true))).containsExactly("views", "spend",
                "since_purchase", "order_value.count", "order_value.mean");
    }

    @Test
    void mergingGroupsKeepsTheStructure() {
        String a = "<g style='x'>";
        assertThat(ReportWriter.mergeGroups(a + "<path d='1'/></g>" + a + "<path d='2'/></g>"))
                .isEqualTo(a + "<path d='1'/><path d='2'/></g>");
        String plain = a + "<path d='1'/></g><g><text>t</text></g>" + a + "<path d='2'/></g>";
        assertThat(ReportWriter.mergeGroups(plain)).isEqualTo(plain);
        String other = a + "<path/></g><g style='y'><path/></g>";
        assertThat(ReportWriter.mergeGroups(other)).isEqualTo(other);
        assertThat(ReportWriter.selfContained("<svg id='c' xmlns='http://www.w3.org/2000/svg'><image "
                + "xlink:href='http://x/y.png'/><a href='#k'/></svg>")).isEqualTo("<svg id='c'><image/><a href='#k'/></svg>");
    }

    /** Profiles with features a and b taking the given values, one profile per pair (a null value: JSON null). */
    static List<JsonNode> columns(Double[] a, Double[] b) {
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            ObjectNode p = MAPPER.createObjectNode().put("user", "u" + i).put("as_of", 1_767_225_600_000L);
            ObjectNode f = p.putObject("features");
            if (a[i] == null) {
                f.putNull("a");
            } else {
                f.put("a", a[i]);
            }
            if (b[i] == null) {
                f.putNull("b");
            } else {
                f.put("b", b[i]);
            }
            p.put("segment", i % 2);
            out.add(p);
        }
        return out;
    }

    /** Renders; every chart well formed, no number the page shows is infinite or NaN, and it is self-contained. */
    static Document renders(List<JsonNode> profiles) {
        String html = ReportWriter.render(profiles, null);
        Document doc = Jsoup.parse(html);
        charts(doc);
        assertSelfContained(doc, html);
        assertThat(doc.text()).doesNotContain("Infinity", "NaN");
        return doc;
    }

    static String caption(Document doc, String feature) {
        return doc.select("#distributions + div.grid figcaption").eachText().stream()
                .filter(c -> c.startsWith("Distribution of " + feature + " ")).findFirst().orElseThrow();
    }

    @Test
    void aColumnWithOneValueForEveryoneIsOneBarWithANote() {
        Double[] seven = {7.0, 7.0, 7.0, 7.0, 7.0};
        Document doc = renders(columns(seven, new Double[] {2.5, 2.5, 2.5, 2.5, 2.5}));
        assertThat(doc.select("#distributions + div.grid figure.chart")).hasSize(2);
        assertThat(caption(doc, "a")).contains("all 5 values are 7");
        assertThat(caption(doc, "b")).contains("all 5 values are 2.5");
        assertThat(doc.select("p.note").eachText()).anyMatch(n -> n.contains("Fewer than two features vary"));
        // the segment means are the constants
        assertThat(doc.select("#segment-table tbody tr:contains(mean a) td").eachText()).containsOnly("7.000");
    }

    @Test
    void valuesNearTheLargestDoubleAreChartedWithoutOverflow() {
        double big = 1.7e308;
        Document doc = renders(columns(new Double[] {-big, big, 0.0, 1.0, -Double.MAX_VALUE, Double.MAX_VALUE},
                new Double[] {1.0, 2.0, 3.0, 5.0, 8.0, 13.0}));
        assertThat(doc.select("#distributions + div.grid figure.chart")).hasSize(2);
        String a = caption(doc, "a");
        assertThat(a).contains("over 6 users").contains("min -1.798e+308").contains("max 1.798e+308");
        // the axis is in units of 1e308, and the six values fall in the histogram's bars
        assertThat(doc.select("#distributions + div.grid figure.chart").get(0).selectFirst("svg").text()).contains("1e308");
        assertThat(doc.select("#pca + figure.chart")).hasSize(1);
        // a constant at the edge of the range
        Document edge = renders(columns(new Double[] {big, big, big}, new Double[] {-big, -big, null}));
        assertThat(caption(edge, "a")).contains("all 3 values are 1.7E308");
        assertThat(caption(edge, "b")).contains("all 2 values are -1.7E308");
    }

    @Test
    void tinyAndCloseValuesAreChartedToo() {
        double x = 1e20;
        Document doc = renders(columns(new Double[] {x, Math.nextUp(x), x, Math.nextUp(Math.nextUp(x))},
                new Double[] {Double.MIN_VALUE, 2 * Double.MIN_VALUE, 0.0, Double.MIN_NORMAL}));
        assertThat(doc.select("#distributions + div.grid figure.chart")).hasSize(2);
        assertThat(caption(doc, "a")).contains("min 1.000e+20");
        assertThat(caption(doc, "b")).contains("over 4 users");
    }

    @Test
    void allNullColumnsASingleProfileAndNoProfilesGiveAReportWithNotes() {
        Document nulls = renders(columns(new Double[] {null, null, null}, new Double[] {1.0, 2.0, 4.0}));
        assertThat(nulls.select("#distributions + div.grid figure.chart")).hasSize(1);
        assertThat(nulls.select("p.note").eachText()).contains("No profile has a value of a: not charted.");

        Document one = renders(columns(new Double[] {3.0}, new Double[] {null}));
        assertThat(caption(one, "a")).contains("over 1 user with a value (the only value is 3)");
        assertThat(one.select("p.note").eachText()).anyMatch(n -> n.contains("Too few users or features"));

        Document none = renders(List.of());
        assertThat(none.select("#distributions + p.note").text()).isEqualTo("No profiles in the input: nothing to chart.");
        assertThat(none.select("figure.chart")).isEmpty();
    }
}
