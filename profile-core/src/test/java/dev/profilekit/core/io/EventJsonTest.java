package dev.profilekit.core.io;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.spi.InvalidEventException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.spi.InvalidEventException.Reason;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EventJsonTest {

    @Test
    void readsAllFieldsAndNormalisesNumbers() {
        Event e = EventJson.parse("{\"id\":\"e-17\",\"user\":\"u42\",\"type\":\"purchase\","
                + "\"ts\":\"2026-03-01T10:15:00.250+08:00\",\"attrs\":{\"product\":\"p9\",\"amount\":25,\"gift\":false},"
                + "\"extra\":{\"ignored\":[1]}}");
        assertThat(e.id()).isEqualTo("e-17");
        assertThat(e.user()).isEqualTo("u42");
        assertThat(e.type()).isEqualTo("purchase");
        assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-03-01T02:15:00.250Z").toEpochMilli());
        assertThat(e.attr("amount")).isEqualTo(25.0);
        assertThat(e.attr("product")).isEqualTo("p9");
        assertThat(e.attr("gift")).isEqualTo(false);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1767225600000|1767225600000",
            "-1000|-1000",
            "\"2026-01-01T00:00:00Z\"|1767225600000",
            "\"2026-01-01T00:00:00.5Z\"|1767225600500",
            "\"2026-01-01T05:30:00.123+05:30\"|1767225600123",
            "\"2025-12-31T19:00:00-05:00\"|1767225600000"})
    void acceptsTheTimestampForms(String ts, long expected) {
        Event e = EventJson.parse("{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\",\"ts\":" + ts + "}");
        assertThat(e.timestamp()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "1.5", "1e12", "\"yesterday\"", "\"2026-01-01T00:00:00\"", "\"2026-01-01T00:00Z\"",
            "\"2026-01-01T00:00:00.1234Z\"", "\"2026-13-01T00:00:00Z\"", "\"2026-01-01t00:00:00Z\"", "[1]", "{}",
            "99999999999999999999", "253402300800000"})
    void rejectsOtherTimestamps(String ts) {
        assertThatThrownBy(() -> EventJson.parse("{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\",\"ts\":" + ts + "}"))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_TIMESTAMP))
                .hasMessageContaining("'ts'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{not json|NOT_JSON",
            "{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\",\"ts\":1,\"attrs\":{\"x\":NaN}}|NOT_JSON",
            "{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\",\"ts\":1,\"attrs\":{\"x\":Infinity}}|NOT_JSON",
            "{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\",\"ts\":1}{}|NOT_JSON",
            "{\"id\":\"a\",\"id\":\"b\",\"user\":\"u\",\"type\":\"t\",\"ts\":1}|NOT_JSON",
            "[]|NOT_OBJECT",
            "\"just a string\"|NOT_OBJECT",
            "{\"user\":\"u\",\"type\":\"t\",\"ts\":1}|MISSING_FIELD",
            "{\"id\":\"a\",\"user\":null,\"type\":\"t\",\"ts\":1}|MISSING_FIELD",
            "{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\"}|MISSING_FIELD",
            "{\"id\":1,\"user\":\"u\",\"type\":\"t\",\"ts\":1}|WRONG_TYPE",
            "{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\",\"ts\":1,\"attrs\":[1,2]}|WRONG_TYPE",
            "{\"id\":\"\",\"user\":\"u\",\"type\":\"t\",\"ts\":1}|BLANK_FIELD",
            "{\"id\":\"a\",\"user\":\"u\",\"type\":\"   \",\"ts\":1}|BLANK_FIELD",
            "{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\",\"ts\":1,\"attrs\":{\"x\":null}}|BAD_ATTRIBUTE",
            "{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\",\"ts\":1,\"attrs\":{\"x\":{\"a\":1}}}|BAD_ATTRIBUTE",
            "{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\",\"ts\":1,\"attrs\":{\"x\":[1]}}|BAD_ATTRIBUTE",
            "{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\",\"ts\":1,\"attrs\":{\"x\":1e400}}|BAD_ATTRIBUTE"})
    void rejectsBrokenLinesWithAReason(String line, Reason reason) {
        assertThatThrownBy(() -> EventJson.parse(line))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void userLengthIsCountedInCharacters() {
        String ok = "ü".repeat(Event.MAX_USER_LENGTH);
        assertThat(EventJson.parse("{\"id\":\"a\",\"user\":\"" + ok + "\",\"type\":\"t\",\"ts\":1}").user()).isEqualTo(ok);
        assertThatThrownBy(() -> EventJson.parse("{\"id\":\"a\",\"user\":\"" + ok + "x\",\"type\":\"t\",\"ts\":1}"))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.USER_TOO_LONG))
                .hasMessageContaining("257");
    }

    @Test
    void javaBuilderValidatesToo() {
        assertThatThrownBy(() -> Event.builder("a", "u", "t", 1L).attr("amount", Double.NaN).build())
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("'amount'");
        // issue 13 changed this rule: an Instant finer than a millisecond is truncated, no longer refused
        assertThat(Event.builder("a", "u", "t", Instant.parse("2026-01-01T00:00:00.000999Z")).build().timestamp())
                .isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
        assertThatThrownBy(() -> Event.builder("a", " ", "t", 1L).build())
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BLANK_FIELD));
    }
}
