package dev.profilekit.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.live.ModelDiagnostics;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/** The inline SVG written by Batik's generator: responsive, one element per chart, nothing left of the XML file. */
class SvgOutputTest {

    private static final Pattern SVG_TAG = Pattern.compile("<svg\\b[^>]*>");

    @Test
    void everySvgIsOneResponsiveElementWithoutPrologDoctypeOrGeneratorLeftovers() {
        ModelDiagnostics d = ReportWriterTest.diagnostics(1_000);
        String html = ReportWriter.render(ReportWriterTest.profiles(200, true), ReportWriterTest.summary(d));
        assertThat(html).doesNotContain("<?xml", "<!DOCTYPE svg", "Batik", "xlink", "xmlns");
        // the only DOCTYPE is the page's own
        assertThat(html.indexOf("<!DOCTYPE")).isZero();
        assertThat(html.indexOf("<!DOCTYPE", 1)).isEqualTo(-1);
        Matcher m = SVG_TAG.matcher(html);
        List<String> tags = new ArrayList<>();
        while (m.find()) {
            tags.add(m.group());
        }
        assertThat(tags).hasSize(26); // the full report's 13 charts (ReportWriterTest), each for wide screens and phones
        for (String tag : tags) {
            // a second style attribute would be dropped by browsers: the tag must hold exactly one
            assertThat(tag.split(" style=", -1)).as(tag).hasSize(2);
            assertThat(tag).contains("width=\"100%\"").doesNotContain(" height=").contains("max-width:");
        }
        Document doc = Jsoup.parse(html);
        for (Element svg : doc.select("svg")) {
            String[] vb = svg.attr("viewBox").split(" ");
            assertThat(vb).as("viewBox of %s", svg.id()).hasSize(4);
            assertThat(Integer.parseInt(vb[2])).isPositive();
            assertThat(Integer.parseInt(vb[3])).isPositive();
            // the max-width is the chart's natural width, the viewBox's
            assertThat(svg.attr("style")).startsWith("max-width:" + vb[2] + "px;");
            // every id in the chart carries the chart's prefix (Batik's fixed "genericDefs" included)
            String n = svg.id().substring("chart-".length()).replace("-phone", "p");
            for (Element e : svg.select("[id]")) {
                if (e != svg) {
                    assertThat(e.id()).startsWith("c" + n + "_");
                }
            }
        }
        for (String family : Pattern.compile("font-family\\s*:\\s*([^;\"]*)").matcher(html).results()
                .map(r -> r.group(1).trim()).toList()) {
            if (!family.startsWith("system-ui")) { // the page's own CSS
                assertThat(family).isEqualTo("sans-serif");
            }
        }
    }

    @Test
    void fontFamiliesBecomeGenericAndLineBreaksInsideTagsGo() {
        assertThat(ReportWriter.genericFonts("<g style=\"font-family:'Dialog'; font-size:12px\">"))
                .isEqualTo("<g style=\"font-family:sans-serif; font-size:12px\">");
        assertThat(ReportWriter.genericFonts("<text font-family=\"Lucida Sans\">a</text>"))
                .isEqualTo("<text font-family=\"sans-serif\">a</text>");
        assertThat(ReportWriter.genericFonts("<g style=\"fill:red;font-family:Serif\">"))
                .isEqualTo("<g style=\"fill:red;font-family:sans-serif\">");
        assertThat(ReportWriter.compactTags("<g\n  ><text x=\"1\"\n    >a\n b</text\n  ><path\n  /></g\n>"))
                .isEqualTo("<g><text x=\"1\">a\n b</text><path/></g>");
    }
}
