package dev.profilekit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/** The audiences section: the log folded exactly (enter, exit, revise), sizes over time and at the end. */
class AudienceSectionTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static List<JsonNode> log(String... lines) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : lines) {
            out.add(MAPPER.readTree(l));
        }
        return out;
    }

    private static final String[] LOG = {
        "{\"user\":\"u1\",\"audience\":\"a\",\"change\":\"enter\",\"ts\":10}",
        "{\"user\":\"u2\",\"audience\":\"a\",\"change\":\"enter\",\"ts\":20}",
        "{\"user\":\"u3\",\"audience\":\"b\",\"change\":\"enter\",\"ts\":12}",
        "{\"user\":\"u1\",\"audience\":\"a\",\"change\":\"exit\",\"ts\":30}",
        // a late event: u2 was in a from 15 to 25 only, then again from 40 on
        "{\"user\":\"u2\",\"audience\":\"a\",\"change\":\"revise\",\"from\":15,\"intervals\":[[15,25],[40,null]]}",
        "{\"user\":\"u3\",\"audience\":\"b\",\"change\":\"exit\",\"ts\":50}",
    };

    @Test
    void theLogFoldsToTheExactSizeAtEveryTime() throws Exception {
        Map<String, AudienceSection.Folded> f = AudienceSection.fold(log(LOG));
        assertThat(f.keySet()).containsExactly("a", "b");
        long[][] a = f.get("a").steps();
        long[] expected = {0, 1, 1, 2, 2, 1, 0, 0, 1, 1};
        long[] at = {9, 10, 14, 15, 24, 25, 30, 39, 40, 1_000};
        for (int i = 0; i < at.length; i++) {
            assertThat(AudienceSection.sizeAt(a, at[i])).as("size of a at %d", at[i]).isEqualTo(expected[i]);
        }
        long[][] b = f.get("b").steps();
        assertThat(AudienceSection.sizeAt(b, 11)).isZero();
        assertThat(AudienceSection.sizeAt(b, 49)).isEqualTo(1);
        assertThat(AudienceSection.sizeAt(b, 50)).isZero();
        assertThat(f.get("a").revises).isEqualTo(1);
    }

    @Test
    void theReportChartsTheSizesAndTablesTheEnd() throws Exception {
        // the summary lists the audiences in their order of definition; "c" nobody entered
        JsonNode summary = MAPPER.readTree("{\"accepted\":6,\"audiences\":{\"b\":0,\"c\":0,\"a\":1}}");
        Document doc = Jsoup.parse(ReportWriter.render(List.of(), summary, null,
                new ReportOptions(null, null, null, null, log(LOG))));
        assertThat(doc.getElementById("audiences")).isNotNull();
        assertThat(doc.select("#audiences ~ figure.chart figcaption").eachText())
                .anyMatch(t -> t.startsWith("Members of each audience over event time, folded exactly from the 6 "
                        + "changes"));
        assertThat(doc.select("#audience-sizes tbody tr").eachText()).containsExactly("b 0 1 1 0", "c 0 0 0 0",
                "a 1 2 1 1");
        Document none = Jsoup.parse(ReportWriter.render(List.of(), summary));
        assertThat(none.select("#audience-sizes tbody tr").eachText()).containsExactly("b 0", "c 0", "a 1");
        // counts are grouped by thousands, as in the report's other tables
        Document large = Jsoup.parse(ReportWriter.render(List.of(),
                MAPPER.readTree("{\"accepted\":9,\"audiences\":{\"big\":1234567,\"small\":999}}")));
        assertThat(large.select("#audience-sizes tbody tr").eachText()).containsExactly("big 1,234,567", "small 999");
        assertThat(none.select("p.note").eachText()).contains("Sizes from the summary. Pass the replay's "
                + "--audience-log to chart them over time.");
        // a run without audiences: the section says how to get one
        Document without = Jsoup.parse(ReportWriter.render(List.of(), MAPPER.readTree("{\"accepted\":6}")));
        assertThat(without.select("#audience-sizes")).isEmpty();
        assertThat(without.select("#audiences ~ p.note").eachText()).anyMatch(t -> t.startsWith("No audiences: "
                + "replay with --audiences A.json --audience-log L.jsonl"));
    }

    @Test
    void aLineThatIsNotAnAudienceChangeIsNamed() {
        assertThatThrownBy(() -> new ReportOptions(null, null, null, null,
                log("{\"user\":\"u1\",\"audience\":\"a\",\"change\":\"enter\",\"ts\":1}", "{\"accepted\":3}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("audience log line 2 is not an audience "
                        + "change (an object with \"user\", \"audience\" and \"change\", as replay --audience-log "
                        + "writes)");
        assertThatThrownBy(() -> new ReportOptions(null, null, null, null,
                log("{\"user\":\"u1\",\"audience\":\"a\",\"change\":\"leave\",\"ts\":1}")))
                .hasMessage("audience log line 1 has change \"leave\", not enter, exit or revise");
    }
}
