package dev.profilekit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.io.ParsedEvent;
import dev.profilekit.core.spi.InvalidEventException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Values read in place: each value is the part of a larger buffer between its position and its limit, as the
 * consumer hands them over, and parses as the same bytes on their own do.
 */
class RecordFormatTest {

    private static final String EVENT =
            "{\"id\":\"e1\",\"user\":\"u1\",\"type\":\"purchase\",\"ts\":1767225600000,\"attrs\":{\"amount\":2.5}}";

    /** {@code value} in the middle of a buffer full of other bytes, positioned on it. */
    private static ByteBuffer inside(String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[v.length + 40];
        Arrays.fill(all, (byte) '{');
        System.arraycopy(v, 0, all, 17, v.length);
        return ByteBuffer.wrap(all, 17, v.length).slice().position(0);
    }

    /** {@code value} in a buffer without an array (read through a copy). */
    private static ByteBuffer direct(String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocateDirect(v.length).put(v).flip();
    }

    @Test
    void jsonValuesInsideLargerBuffersParseAsTheirOwnBytes() {
        ByteBuffer spaced = ByteBuffer.wrap(("xx" + EVENT + "yy").getBytes(StandardCharsets.UTF_8));
        spaced.position(2).limit(2 + EVENT.length());
        List<ParsedEvent> out = RecordFormat.jsonLines().parse(List.of(inside(EVENT), inside("  \t "), spaced,
                direct(EVENT), inside("{\"id\":\"e2\",\"user\":")), 1 << 16);
        assertThat(out).hasSize(4); // the blank value is skipped
        for (int i : new int[] {0, 1, 2}) {
            assertThat(out.get(i).error()).isNull();
            assertThat(out.get(i).event()).isEqualTo(EventJson.parse(EVENT));
        }
        assertThat(out.get(1).line()).isEqualTo(3); // the third value
        assertThat(out.get(3).error().reason()).isEqualTo(InvalidEventException.Reason.NOT_JSON);
        assertThat(out.get(3).text()).isEqualTo("{\"id\":\"e2\",\"user\":"); // the value alone, not its buffer
        assertThat(spaced.position()).isEqualTo(2); // the buffers are not moved
    }

    @Test
    void aValueLongerThanTheLimitIsRejectedByItsOwnLength() {
        List<ParsedEvent> out = RecordFormat.jsonLines().parse(List.of(inside(EVENT)), EVENT.length() - 1);
        assertThat(out.get(0).error().reason()).isEqualTo(InvalidEventException.Reason.LINE_TOO_LONG);
        assertThat(out.get(0).error().getMessage()).contains(EVENT.length() + " bytes");
        assertThat(RecordFormat.jsonLines().parse(List.of(inside(EVENT)), EVENT.length()).get(0).error()).isNull();
    }

    @Test
    void csvRowsInsideLargerBuffersParseAsTheirOwnBytes() {
        RecordFormat csv = RecordFormat.csv("id,user,type,ts,amount");
        List<ParsedEvent> out = csv.parse(List.of(inside("e1,u1,purchase,1767225600000,2.5\r\n"),
                direct("e2,u1,view,1767225600001,")), 1 << 16);
        assertThat(out).hasSize(2);
        assertThat(out.get(0).event()).isEqualTo(EventJson.parse(EVENT));
        assertThat(out.get(1).event().id()).isEqualTo("e2");
    }
}
