package dev.profilekit.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 26 item 7: a CSV row with an unclosed quote is rejected alone and reading goes on after it. */
class CsvUnclosedQuoteTest {

    private static final String HEADER = "id,user,type,ts,note\n";
    private static final long T = 1_767_225_600_000L;

    private static List<ParsedEvent> read(String csv, int maxLineBytes) throws IOException {
        List<ParsedEvent> out = new ArrayList<>();
        try (CsvEventReader r = new CsvEventReader(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
                maxLineBytes)) {
            ParsedEvent p;
            while ((p = r.next()) != null) {
                out.add(p);
            }
        }
        return out;
    }

    private static String row(int i) {
        return "e" + i + ",u" + (i % 7) + ",view," + (T + i) + ",n" + i + "\n";
    }

    @Test
    void anUnclosedQuoteInRow11Of2000CostsOnlyThatRow() throws IOException {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 1; i <= 2000; i++) {
            csv.append(i == 11 ? "e11,u4,view," + (T + 11) + ",\"never closed\n" : row(i));
        }
        List<ParsedEvent> read = read(csv.toString(), 1 << 20);

        List<ParsedEvent> rejected = read.stream().filter(p -> p.error() != null).toList();
        assertThat(read.stream().filter(p -> p.event() != null)).hasSize(1999);
        assertThat(rejected).hasSize(1);
        ParsedEvent bad = rejected.get(0);
        assertThat(bad.line()).isEqualTo(12); // the header is line 1, row i is line i + 1
        assertThat(bad.error().reason().name()).isEqualTo("BAD_CSV");
        assertThat(bad.error().getMessage()).contains("line 12").contains("1 physical line").contains("line 13");
        assertThat(bad.text()).isEqualTo("e11,u4,view," + (T + 11) + ",\"never closed");
        // the row after it is read from its own line, with its true number, as are all later ones
        ParsedEvent next = read.get(11);
        assertThat(next.line()).isEqualTo(13);
        assertThat(next.event().id()).isEqualTo("e12");
        assertThat(read.get(read.size() - 1).line()).isEqualTo(2001);
        assertThat(read.get(read.size() - 1).event().id()).isEqualTo("e2000");
    }

    @Test
    void aValidQuotedCellOverSeveralLinesStillParses() throws IOException {
        String csv = HEADER + row(1)
                + "e2,u2,view," + (T + 2) + ",\"first line\nsecond, with a comma\n\nfourth \"\"quoted\"\"\nu,v\"\n"
                + "e3,u3,view," + (T + 3) + ",\"\"\"\nx,y,z,w\n\"\"\"\n"
                + row(4);
        List<ParsedEvent> read = read(csv, 1 << 20);

        assertThat(read).allSatisfy(p -> assertThat(p.error()).as(String.valueOf(p.error())).isNull());
        assertThat(read).extracting(ParsedEvent::line).containsExactly(2L, 3L, 8L, 11L);
        assertThat(read.get(1).event().attr("note"))
                .isEqualTo("first line\nsecond, with a comma\n\nfourth \"quoted\"\nu,v");
        assertThat(read.get(2).event().attr("note")).isEqualTo("\"\nx,y,z,w\n\"");
    }

    @Test
    void aQuoteOpenPastTheLineLimitIsRejectedWithTheLinesItCovered() throws IOException {
        StringBuilder csv = new StringBuilder(HEADER).append(row(1));
        csv.append("e2,u2,view,").append(T + 2).append(",\"open\n");       // line 3, 30 characters
        for (int i = 0; i < 10; i++) {
            csv.append("no row here, just text\n");                         // lines 4-13, 22 characters each
        }
        csv.append(row(3));                                                   // line 14
        List<ParsedEvent> read = read(csv.toString(), 100);

        ParsedEvent tooLong = read.get(1);
        assertThat(tooLong.line()).isEqualTo(3);
        assertThat(tooLong.error().reason().name()).isEqualTo("LINE_TOO_LONG");
        // 30 + 4 x 23 = 122 > 100 characters: lines 3 to 7
        assertThat(tooLong.error().getMessage()).contains("5 physical lines, 3-7").contains("line 8");
        // lines 8-13 are rows of their own (each of 2 cells: BAD_CSV), then line 14 is read as it is
        assertThat(read.subList(2, 8)).extracting(p -> p.line() + ":" + p.error().reason())
                .containsExactly("8:BAD_CSV", "9:BAD_CSV", "10:BAD_CSV", "11:BAD_CSV", "12:BAD_CSV", "13:BAD_CSV");
        assertThat(read.get(8).line()).isEqualTo(14);
        assertThat(read.get(8).event().id()).isEqualTo("e3");
        assertThat(read).hasSize(9);
    }

    @Test
    void aQuoteOpenToTheEndSaysHowManyLinesItCovered() throws IOException {
        String csv = HEADER + row(1) + "e2,u2,view," + (T + 2) + ",\"open\nmore\nand more\n";
        List<ParsedEvent> read = read(csv, 1 << 20);

        assertThat(read).hasSize(2);
        assertThat(read.get(1).line()).isEqualTo(3);
        assertThat(read.get(1).error().reason().name()).isEqualTo("BAD_CSV");
        assertThat(read.get(1).error().getMessage()).contains("end of the input").contains("3 physical lines, 3-5");
    }
}
