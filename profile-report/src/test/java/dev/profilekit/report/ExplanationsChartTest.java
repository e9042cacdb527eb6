package dev.profilekit.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's chart of each input's mean absolute contribution, from profiles written by replay --explain. */
class ExplanationsChartTest {

    @TempDir
    Path tmp;

    private static String line(String user, String top) {
        return "{\"user\":\"" + user + "\",\"as_of\":1767225600000,\"features\":{\"views\":3},"
                + "\"scores\":{\"propensity\":0.5},\"explain\":{\"propensity\":{\"intercept\":-1.0,\"top\":" + top + "}}}";
    }

    @Test
    void profilesWithExplanationsGetOneBarChartOfMeanAbsoluteContributions() throws IOException {
        // means of |c|: since_event (4 + 2 + 0) / 3 = 2, views_1d (1 + 3 + 2) / 3 = 2 - tie broken by name,
        // fav_category=books (0.5 + 0 + 0.1) / 3 = 0.2, carts_3d (0 + 0.3 + 0) / 3 = 0.1
        Path profiles = tmp.resolve("profiles.jsonl");
        Files.writeString(profiles, String.join("\n",
                line("u1", "[[\"since_event\",-4.0],[\"views_1d\",1.0],[\"fav_category=books\",0.5]]"),
                line("u2", "[[\"views_1d\",-3.0],[\"since_event\",2.0],[\"carts_3d\",0.3]]"),
                line("u3", "[[\"views_1d\",2.0],[\"fav_category=books\",-0.1],[\"since_event\",0.0]]")) + "\n");
        Path html = tmp.resolve("report.html");
        ReportWriter.write(profiles, null, html);
        Document doc = Jsoup.parse(Files.readString(html));
        Element heading = doc.getElementById("explanations");
        assertThat(heading).isNotNull();
        Element figure = heading.nextElementSibling();
        assertThat(figure.is("figure.chart")).isTrue();
        assertThat(figure.select("> svg.wide")).hasSize(1);
        assertThat(figure.select("figcaption").text()).startsWith("Mean over 3 profiles")
                .contains("a profile lists its 3 largest, the others count 0");
        List<String> labels = new ArrayList<>();
        for (Element t : figure.select("svg.wide text")) {
            labels.add(t.text());
        }
        assertThat(labels).containsSubsequence("since_event", "views_1d", "fav_category=books", "carts_3d");
        // the bars (the plot's thin rectangles, top to bottom) are as long as the means: 2, 2, 0.2, 0.1
        List<Double> bars = new ArrayList<>();
        for (Element r : figure.select("svg.wide rect")) {
            if (Double.parseDouble(r.attr("height")) < 30) {
                bars.add(Double.parseDouble(r.attr("width")));
            }
        }
        assertThat(bars).hasSize(4);
        assertThat(bars.get(1) / bars.get(0)).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-3));
        assertThat(bars.get(2) / bars.get(0)).isCloseTo(0.1, org.assertj.core.api.Assertions.within(1e-3));
        assertThat(bars.get(3) / bars.get(0)).isCloseTo(0.05, org.assertj.core.api.Assertions.within(1e-3));
    }

    @Test
    void profilesWithoutExplanationsGetNoSuchChart() {
        List<JsonNode> profiles = ReportWriterTest.profiles(50, true);
        Document doc = Jsoup.parse(ReportWriter.render(profiles, null));
        assertThat(doc.getElementById("explanations")).isNull();
    }
}
