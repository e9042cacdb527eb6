package dev.profilekit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.core.live.ModelDiagnostics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/** The per-feature table, categorical charts, correlations, score by label and drift sections in the page. */
class SectionsReportTest {

    static final JsonNode SCHEMA = ReportWriterTest.json("""
            {"features": [
              {"name": "views", "kind": "count", "types": ["view"]},
              {"name": "views_1d", "kind": "decayed_count", "types": ["view"], "half_life": "P1D"},
              {"name": "spend", "kind": "decayed_sum", "types": ["purchase"], "field": "amount", "half_life": "P7D"},
              {"name": "since_purchase", "kind": "recency", "types": ["purchase"]},
              {"name": "order_value", "kind": "stats", "types": ["purchase"], "field": "amount"},
              {"name": "last_cat", "kind": "last_value", "types": ["view"], "field": "category"},
              {"name": "fav", "kind": "top_k", "types": ["view"], "field": "category", "k": 2, "half_life": "P3D"}
            ]}""");

    static final String[] CATS = {"books", "toys", "home"};

    /** Profiles with the schema's features from a seed; every 5th user has no purchase (nulls). */
    static List<JsonNode> profiles(int n, long seed, long asOf) {
        SplittableRandom r = new SplittableRandom(seed);
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ObjectNode p = ReportWriterTest.MAPPER.createObjectNode();
            p.put("user", String.format(Locale.ROOT, "u%04d", i));
            p.put("as_of", asOf);
            ObjectNode f = p.putObject("features");
            int views = r.nextInt(50);
            f.put("views", views);
            f.put("views_1d", views * r.nextDouble());
            boolean buyer = i % 5 != 0;
            f.put("spend", buyer ? 10 + views * 2.0 + r.nextDouble() * 5 : 0);
            if (buyer) {
                f.put("since_purchase", r.nextDouble() * 86_400 * 7);
                f.putObject("order_value").put("count", 1 + r.nextInt(4)).put("mean", 20 + r.nextDouble() * 30)
                        .put("std", r.nextDouble()).put("min", 5.0).put("max", 60.0);
            } else {
                f.putNull("since_purchase");
                f.putNull("order_value");
            }
            f.put("last_cat", CATS[i % 3 == 0 ? 0 : r.nextInt(3)]);
            f.putArray("fav").addArray().add(CATS[(i / 2) % 3]).add(2.5);
            p.putObject("scores").put("propensity", r.nextDouble());
            out.add(p);
        }
        return out;
    }

    static double[] column(List<JsonNode> profiles, String feature) {
        return profiles.stream().map(p -> p.path("features").get(feature))
                .filter(v -> v != null && v.isNumber()).mapToDouble(JsonNode::asDouble).toArray();
    }

    static Element row(Document doc, String tableId, String feature) {
        for (Element tr : doc.select("#" + tableId + " tbody tr")) {
            Element th = tr.selectFirst("th");
            if (th != null && th.selectFirst(".nm").text().replace(" †", "").equals(feature)) {
                return tr;
            }
        }
        throw new AssertionError("no row " + feature + " in #" + tableId);
    }

    @Test
    void featureTableHoldsStatisticsComputedIndependentlyWithUnitsAndDefinitions() {
        List<JsonNode> profiles = profiles(301, 3, 1_000);
        Document doc = Jsoup.parse(ReportWriter.render(profiles, null, null,
                new ReportOptions(SCHEMA, null, null, null)));
        assertThat(doc.getElementById("features")).isNotNull();
        // spend: every value present; mean, sample std, min, median and max computed here from the raw numbers
        double[] spend = column(profiles, "spend");
        assertThat(spend).hasSize(301);
        double mean = Arrays.stream(spend).sum() / spend.length;
        double std = Math.sqrt(Arrays.stream(spend).map(x -> (x - mean) * (x - mean)).sum() / (spend.length - 1));
        double[] sorted = spend.clone();
        Arrays.sort(sorted);
        long zeros = Arrays.stream(spend).filter(x -> x == 0).count();
        List<String> cells = row(doc, "feature-table", "spend").select("td").eachText();
        // values, missing, zeros, mean, std, min, p5, p25, p50, p75, p95, max
        assertThat(cells).hasSize(12);
        assertThat(cells.get(0)).isEqualTo("301");
        assertThat(cells.get(1)).isEqualTo("0");
        assertThat(cells.get(2)).isEqualTo(Long.toString(zeros)).isEqualTo("61"); // users 0, 5, …, 300
        assertThat(cells.get(3)).isEqualTo(Numbers.format(mean));
        assertThat(cells.get(4)).isEqualTo(Numbers.format(std));
        assertThat(cells.get(5)).isEqualTo("0");
        assertThat(cells.get(8)).isEqualTo(Numbers.format(sorted[150])); // odd count: the middle value
        assertThat(cells.get(11)).isEqualTo(Numbers.format(sorted[300]));
        // p25 of 301 values: h = 300·0.25 = 75, exactly the 76th smallest
        assertThat(cells.get(7)).isEqualTo(Numbers.format(sorted[75]));
        // since_purchase: a value for 240 users, 61 without
        List<String> sinceRow = row(doc, "feature-table", "since_purchase").select("td").eachText();
        assertThat(sinceRow.subList(0, 2)).containsExactly("240", "61");
        assertThat(row(doc, "feature-table", "order_value.mean").select("td").eachText().get(0)).isEqualTo("240");
        // units under the name, definitions from the schema
        assertThat(row(doc, "feature-table", "since_purchase").selectFirst("th .unit").text()).isEqualTo("days");
        // a recency is held in seconds and shown in days
        double[] since = column(profiles, "since_purchase");
        Arrays.sort(since);
        assertThat(row(doc, "feature-table", "since_purchase").select("td").eachText().get(11))
                .isEqualTo(Numbers.format(since[since.length - 1] / 86_400));
        assertThat(row(doc, "feature-table", "spend").selectFirst("th").attr("title"))
                .isEqualTo("decayed sum of amount over purchase events, half-life 7 days");
        String defs = doc.select("dl.defs").text();
        // as the charts' captions word them (FeatureGlossary, the one source of both)
        assertThat(defs).contains("views_1d decayed count of view events, half-life 1 day",
                "since_purchase (days) time since the user's latest purchase event",
                "fav the heaviest category over view events (by decayed count, half-life 3 days; the profile keeps "
                        + "the top 2)", "scores.propensity the live propensity model's probability");
        // categorical: counts by value, computed here
        long books = profiles.stream().filter(p -> p.path("features").path("last_cat").asText().equals("books"))
                .count();
        List<String> cat = row(doc, "category-table", "last_cat").select("td").eachText();
        assertThat(cat.subList(0, 3)).containsExactly("301", "0", "3");
        assertThat(cat.get(3)).contains("books " + String.format(Locale.ROOT, "%.1f%%", 100.0 * books / 301));
        // fav's leading value: pairs of users cycle books, toys, home
        assertThat(row(doc, "category-table", "fav").select("td").eachText().get(3))
                .isEqualTo("books 33.6%, home 33.2%, toys 33.2%"); // 101, 100, 100 of 301
        assertThat(doc.select("p.note").eachText()).noneMatch(t -> t.contains("No schema given"));
    }

    @Test
    void categoricalFeaturesAreBarChartsWithSharesInTheCaption() {
        List<JsonNode> profiles = profiles(90, 5, 1_000);
        Document doc = Jsoup.parse(ReportWriter.render(profiles, null, null, new ReportOptions(SCHEMA, null, null, null)));
        List<Element> figures = doc.select("#categories ~ div.cards").first().select("figure.chart");
        assertThat(figures).hasSize(2);
        assertThat(figures.get(1).select("svg text").eachText()).contains("fav", "books", "toys", "home");
        assertThat(figures.get(1).select("figcaption").text()).isEqualTo("Share of the 90 profiles by fav (the heaviest "
                + "category over view events (by decayed count, half-life 3 days; the profile keeps the top 2)): "
                + "3 distinct values, the commonest books at 33.3%.");
    }

    @Test
    void correlationCellsArePearsonOfTheProfiles() {
        List<JsonNode> profiles = profiles(200, 7, 1_000);
        Document doc = Jsoup.parse(ReportWriter.render(profiles, null, null));
        double[] views = column(profiles, "views");
        double[] spendAll = profiles.stream().mapToDouble(p -> p.path("features").path("spend").asDouble()).toArray();
        int n = views.length;
        double sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            sx += views[i];
            sy += spendAll[i];
            sxy += views[i] * spendAll[i];
            sxx += views[i] * views[i];
            syy += spendAll[i] * spendAll[i];
        }
        double r = (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
        Element table = doc.getElementById("correlation-table");
        List<String> header = table.select("thead th").eachText();
        Element viewsRow = row(doc, "correlation-table", "1 views");
        int spendCol = -1;
        for (Element th : table.select("tbody th")) {
            if (th.text().endsWith(" spend")) {
                spendCol = Integer.parseInt(th.text().split(" ")[0]);
            }
        }
        assertThat(header.get(spendCol)).isEqualTo(Integer.toString(spendCol));
        assertThat(viewsRow.select("td").get(spendCol - 1).text())
                .isEqualTo(String.format(Locale.ROOT, "%.2f", r).replace('-', '−'));
        assertThat(viewsRow.select("td").get(0).text()).isEqualTo("1.00");
        assertThat(r).isGreaterThan(0.5); // spend is built from views
        assertThat(viewsRow.select("td").get(spendCol - 1).attr("style")).startsWith("background:#");
    }

    @Test
    void scoreByLabelSplitsTheReservoirByLabel() {
        ModelDiagnostics d = ReportWriterTest.diagnostics(500);
        Document doc = Jsoup.parse(ReportWriter.render(profiles(30, 1, 1_000), ReportWriterTest.summary(d)));
        // drawn for wide screens and for phones, as every chart
        assertThat(doc.select("#scores-by-label + figure.chart svg.wide")).hasSize(1);
        assertThat(doc.select("#scores-by-label + figure.chart svg.phone")).hasSize(1);
        List<Double> zero = new ArrayList<>();
        List<Double> one = new ArrayList<>();
        d.reservoir().forEach(s -> (s.label() == 1 ? one : zero).add(s.score()));
        List<String> rows = doc.select("#score-label-table tbody tr").eachText();
        assertThat(rows).containsExactly(
                "0 " + zero.size() + " " + Numbers.format(zero.stream().mapToDouble(x -> x).average().orElseThrow())
                        + " " + Numbers.format(median(zero)),
                "1 " + one.size() + " " + Numbers.format(one.stream().mapToDouble(x -> x).average().orElseThrow())
                        + " " + Numbers.format(median(one)));
        assertThat(zero.size() + one.size()).isEqualTo(500);
        Document none = Jsoup.parse(ReportWriter.render(profiles(30, 1, 1_000), null));
        assertThat(none.select("#scores-by-label ~ p.note").first().text()).startsWith("No labelled propensity scores");
    }

    private static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(x -> x).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** A profile with only {@code views} (and a time). */
    private static JsonNode views(double v, long ts) {
        ObjectNode p = ReportWriterTest.MAPPER.createObjectNode();
        p.put("user", "u" + ts).put("ts", ts).put("as_of", ts);
        p.putObject("features").put("views", v);
        return p;
    }

    @Test
    void driftAgainstAReferenceRunIsThePsiComputedByHand() {
        List<JsonNode> reference = new ArrayList<>();
        for (int v = 1; v <= 10; v++) {
            reference.add(views(v, 5));
        }
        List<JsonNode> current = new ArrayList<>();
        for (double v : new double[] {0.5, 1, 1.5, 2, 2, 2, 7, 10, 11, 12}) {
            current.add(views(v, 5));
        }
        // bins (−∞,1] … (9,∞) at 10% each in the reference; current shares .2 .4 0 0 0 0 .1 0 0 .3
        double e = 1e-4;
        double byHand = 0.1 * Math.log(2) + 0.3 * Math.log(4) + 0.2 * Math.log(3) + 6 * (e - 0.1) * Math.log(e / 0.1);
        Document doc = Jsoup.parse(ReportWriter.render(current, null, null,
                new ReportOptions(SCHEMA, null, reference, "march.jsonl")));
        assertThat(doc.getElementById("drift-reference").nextElementSibling().text())
                .isEqualTo("Reference: march.jsonl (10 profiles); current: these 10 profiles.");
        assertThat(row(doc, "drift-reference-table", "views").select("td").eachText())
                .containsExactly(String.format(Locale.ROOT, "%.3f", byHand), "major shift");
        assertThat(String.format(Locale.ROOT, "%.3f", byHand)).isEqualTo("4.845");
        assertThat(row(doc, "drift-reference-table", "views").selectFirst("th").text()).isEqualTo("views †");
        // the within-run note does not ask for the reference the user already gave
        assertThat(doc.select("#drift ~ p.note").eachText()).anyMatch(t -> t.startsWith("All profiles are as of one "
                + "time")).noneMatch(t -> t.contains("--reference"));
        // the same run against itself: 0, stable
        Document same = Jsoup.parse(ReportWriter.render(current, null, null,
                new ReportOptions(null, null, current, "itself")));
        assertThat(row(same, "drift-reference-table", "views").select("td").eachText())
                .containsExactly("0.000", "stable");
    }

    @Test
    void driftWithinTheRunComparesTheFirstAndTheLastQuarterOfTheRowsTimes() {
        List<JsonNode> rows = new ArrayList<>();
        for (int v = 1; v <= 10; v++) {
            rows.add(views(v, 1_000 + v));        // first quarter of [1001, 5000]: before 2000
        }
        for (int i = 0; i < 7; i++) {
            rows.add(views(100 + i, 2_500 + i));  // the middle: in neither
        }
        double[] last = {0.5, 1, 1.5, 2, 2, 2, 7, 10, 11, 12};
        for (int i = 0; i < last.length; i++) {
            rows.add(views(last[i], 4_991 + i));  // last quarter: after 4000
        }
        Document doc = Jsoup.parse(ReportWriter.render(rows, null, null));
        assertThat(doc.getElementById("drift-quarters").nextElementSibling().text()).startsWith(
                "Reference: the 10 rows dated 1970-01-01T00:00:01.001Z to before").contains("current: the 10 rows");
        assertThat(row(doc, "drift-quarters-table", "views").select("td").eachText())
                .containsExactly("4.845", "major shift");
        assertThat(doc.select("#drift ~ p.note").eachText()).anyMatch(t -> t.startsWith("No reference run given"));
    }

    @Test
    void sectionsWithoutDataSayWhyAndTheOptionsAreChecked() {
        Document doc = Jsoup.parse(ReportWriter.render(List.of(), null));
        for (String id : Sections.IDS) {
            assertThat(doc.getElementById(id)).as(id).isNotNull();
        }
        assertThat(doc.select("p.note").eachText()).anyMatch(t -> t.startsWith("No profiles with features"))
                .anyMatch(t -> t.startsWith("No categorical features"))
                .anyMatch(t -> t.startsWith("Fewer than two numeric features vary"));
        Document noSchema = Jsoup.parse(ReportWriter.render(profiles(20, 1, 5), null));
        assertThat(noSchema.select("p.note").eachText()).anyMatch(t -> t.startsWith("No schema given (report --schema)"));
        assertThat(noSchema.select("#feature-table .unit")).isEmpty(); // no schema, no units
        assertThat(noSchema.select("#feature-table tbody th[title]")).extracting(Element::text)
                .containsOnly("scores.propensity"); // only the live score is defined by the format itself
        assertThatThrownBy(() -> new ReportOptions(null, null, List.of(views(1, 1)), " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a reference needs a name");
        assertThat(ReportWriter.sectionIds()).containsSubsequence("counts", "features", "distributions",
                "categories", "correlations", "scores-by-label", "drift");
    }
}
