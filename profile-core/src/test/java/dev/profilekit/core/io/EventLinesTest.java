package dev.profilekit.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.spi.InvalidEventException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventLinesTest {

    private static List<EventLines.Line> read(byte[] bytes, int maxLineBytes) throws IOException {
        List<EventLines.Line> out = new ArrayList<>();
        try (EventLines lines = new EventLines(new ByteArrayInputStream(bytes), maxLineBytes)) {
            EventLines.Line l;
            while ((l = lines.next()) != null) {
                out.add(l);
            }
        }
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void skipsAByteOrderMarkAtTheStartOnly() throws IOException {
        byte[] text = utf8("\uFEFF{\"a\":1}\n\uFEFFx\n");
        List<EventLines.Line> lines = read(text, 100);
        assertThat(lines).extracting(EventLines.Line::text).containsExactly("{\"a\":1}", "\uFEFFx");
    }

    @Test
    void rejectsAnUndecodableLineWithItsTrueNumberAndGoesOn() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            b.append("line ").append(i).append('\n');
        }
        byte[] head = utf8(b.toString());
        byte[] bad = {'a', 'b', (byte) 0xC3, '(', '\n'}; // 0xC3 must be followed by a continuation byte
        byte[] tail = utf8("line 12\r\nline 13");
        byte[] all = new byte[head.length + bad.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(bad, 0, all, head.length, bad.length);
        System.arraycopy(tail, 0, all, head.length + bad.length, tail.length);

        List<EventLines.Line> lines = read(all, 100);
        assertThat(lines).hasSize(13);
        EventLines.Line eleven = lines.get(10);
        assertThat(eleven.number()).isEqualTo(11);
        assertThat(eleven.text()).isNull();
        assertThat(eleven.error().reason()).isEqualTo(Reason.NOT_UTF8);
        assertThat(eleven.error().getMessage()).contains("line 11").contains("byte 3");
        assertThat(eleven.raw()).isEqualTo("ab\uFFFD(");
        assertThat(lines.get(11).text()).isEqualTo("line 12");
        assertThat(lines.get(12).text()).isEqualTo("line 13");
        assertThat(lines.get(12).number()).isEqualTo(13);
    }

    @Test
    void rejectsALongLineWithoutHoldingItAndGoesOn() throws IOException {
        long size = 50L << 20; // 50 MiB of 'x', then a newline and a short line
        InputStream in = new InputStream() {
            long at;
            final byte[] tail = utf8("\nok\n");

            @Override
            public int read() {
                throw new UnsupportedOperationException("bulk reads only");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (at >= size + tail.length) {
                    return -1;
                }
                int n = 0;
                while (n < len && at < size + tail.length) {
                    b[off + n++] = at < size ? (byte) 'x' : tail[(int) (at - size)];
                    at++;
                }
                return n;
            }
        };
        List<EventLines.Line> lines = new ArrayList<>();
        try (EventLines r = new EventLines(in, 1 << 20)) {
            EventLines.Line l;
            while ((l = r.next()) != null) {
                lines.add(l);
            }
        }
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).error().reason()).isEqualTo(Reason.LINE_TOO_LONG);
        assertThat(lines.get(0).error().getMessage()).contains(Long.toString(size));
        assertThat(lines.get(0).raw()).hasSize(1024);
        assertThat(lines.get(1).text()).isEqualTo("ok");
        assertThat(lines.get(1).number()).isEqualTo(2);
    }

    @Test
    void aLineOfExactlyTheLimitIsReadAndCarriageReturnsDoNotCount() throws IOException {
        List<EventLines.Line> lines = read(utf8("12345\r\n123456\n1234\n"), 5);
        assertThat(lines.get(0).text()).isEqualTo("12345");
        assertThat(lines.get(1).error().reason()).isEqualTo(Reason.LINE_TOO_LONG);
        assertThat(lines.get(2).text()).isEqualTo("1234");
    }

    @Test
    void emptyInputAndAByteOrderMarkAloneHaveNoLines() throws IOException {
        assertThat(read(new byte[0], 10)).isEmpty();
        assertThat(read(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, 10)).isEmpty();
    }

    /** The raw path hands out a line's bytes, decodes exactly them, and refuses a length the line does not have. */
    @Test
    void theRawPathDecodesTheLineReadAndRefusesAnotherLength() throws IOException {
        byte[] bytes = "ab\ncd\u00e9\n".getBytes(StandardCharsets.UTF_8);
        try (EventLines lines = new EventLines(new ByteArrayInputStream(bytes), 64)) {
            assertThat(lines.nextRaw()).isNull();
            assertThat(lines.rawLength()).isEqualTo(2);
            assertThat(lines.decode(2).text()).isEqualTo("ab");
            assertThatThrownBy(() -> lines.decode(3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 2 bytes");
            assertThat(lines.nextRaw()).isNull();
            assertThat(lines.rawLength()).isEqualTo(4);
            assertThat(lines.decode(4).text()).isEqualTo("cd\u00e9");
            assertThat(lines.nextRaw()).isNull();
            assertThat(lines.rawLength()).isEqualTo(-1);
            assertThatThrownBy(() -> lines.decode(0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no bytes");
        }
    }
}
