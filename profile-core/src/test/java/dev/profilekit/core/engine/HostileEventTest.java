package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.InvalidEventException.Reason;
import dev.profilekit.core.spi.InvalidEventException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 11's text, time and size rules at the Java API. */
class HostileEventTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    private static ProfileUpdater updater() {
        ProfileSchema schema = ProfileSchema.builder().allowedLateness(Duration.ofHours(1))
                .feature(FeatureSpec.count("events"))
                .feature(FeatureSpec.lastValue("last_category", "category"))
                .build();
        return ProfileUpdater.builder(schema).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    }

    @Test
    void loneSurrogatesAreRejectedWhereverTheyAre() {
        assertThatThrownBy(() -> EventJson.parse("{\"id\":\"e\",\"user\":\"\\ud800\",\"type\":\"v\",\"ts\":1}"))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.BAD_TEXT);
                    assertThat(e.getMessage()).contains("user").contains("U+D800");
                });
        assertThatThrownBy(() -> Event.builder("e", "u", "v", 1).attr("category", "a\udc00b").build())
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_TEXT));
        assertThatThrownBy(() -> Event.of("e\ud800", "u", "v", 1, Map.of()))
                .isInstanceOf(InvalidEventException.class);
        // a proper pair is fine
        assertThat(Event.builder("e", "u\ud83d\ude00", "v", 1).build().user()).isEqualTo("u\ud83d\ude00");
    }

    @Test
    void anEventTooFarAheadOfTheClockIsRejectedAndMovesNothing() {
        ProfileUpdater u = updater();
        long now = NOW.toEpochMilli();
        assertThat(u.onEvent(Event.of("a", "u", "view", now - 1000, Map.of()))).isEqualTo(Outcome.ACCEPTED);
        long year2100 = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
        assertThatThrownBy(() -> u.onEvent(Event.of("b", "u", "view", year2100, Map.of())))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.TOO_FAR_AHEAD);
                    assertThat(e.getMessage()).contains("2100-01-01").contains("PT24H");
                });
        // nothing moved: the next ordinary event is accepted, not late, and the id 'b' is still free
        assertThat(u.onEvent(Event.of("c", "u", "view", now - 500, Map.of()))).isEqualTo(Outcome.ACCEPTED);
        assertThat(u.onEvent(Event.of("b", "u", "view", now - 400, Map.of()))).isEqualTo(Outcome.ACCEPTED);
        assertThat(u.latestAcceptedTime()).contains(now - 400);
        assertThat(u.profile("u").orElseThrow().getLong("events")).isEqualTo(3);
        // up to the skew is fine
        assertThat(u.onEvent(Event.of("d", "u", "view", now + Duration.ofDays(1).toMillis(), Map.of())))
                .isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void aGapInTheStreamNeverCausesLaterEventsToBeRejected() {
        ProfileUpdater u = updater();
        long now = NOW.toEpochMilli();
        long yearAgo = now - Duration.ofDays(365).toMillis();
        assertThat(u.onEvent(Event.of("a", "u", "view", yearAgo, Map.of()))).isEqualTo(Outcome.ACCEPTED);
        assertThat(u.onEvent(Event.of("b", "u", "view", now, Map.of()))).isEqualTo(Outcome.ACCEPTED);
        assertThat(u.onEvent(Event.of("c", "v", "view", now + 1, Map.of()))).isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void theSkewIsASchemaSettingCheckedWhenLoaded() {
        ProfileSchema s = ProfileSchema.fromJson("{\"max_future_skew\":\"PT1H\",\"features\":[{\"name\":\"n\",\"kind\":\"count\"}]}");
        assertThat(s.maxFutureSkew()).isEqualTo(Duration.ofHours(1));
        assertThat(ProfileSchema.builder().feature(FeatureSpec.count("n")).build().maxFutureSkew())
                .isEqualTo(Duration.ofDays(1));
        assertThatThrownBy(() -> ProfileSchema.fromJson(
                "{\"max_future_skew\":\"P40000D\",\"features\":[{\"name\":\"n\",\"kind\":\"count\"}]}"))
                .hasMessageContaining("max_future_skew").hasMessageContaining("100 years");
    }

    @Test
    void stringsAndAttributesOverTheLimitsAreRejected() {
        ProfileUpdater u = ProfileUpdater.builder(ProfileSchema.builder().feature(FeatureSpec.count("n")).build())
                .limits(EventLimits.DEFAULT.withMaxTextLength(10).withMaxAttributes(2)).build();
        assertThatThrownBy(() -> u.onEvent(Event.of("e".repeat(11), "u", "v", 1, Map.of())))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TEXT_TOO_LONG));
        Map<String, Object> attrs = new HashMap<>();
        attrs.put("a", 1.0);
        attrs.put("b", 1.0);
        attrs.put("c", 1.0);
        assertThatThrownBy(() -> u.onEvent(Event.of("e", "u", "v", 1, attrs)))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_ATTRIBUTES));
        assertThat(u.profile("u")).isEmpty();
        assertThat(u.onEvent(Event.of("e", "u", "v", 1, Map.of("a", "0123456789")))).isEqualTo(Outcome.ACCEPTED);
        assertThatThrownBy(() -> EventLimits.DEFAULT.withMaxAttributes(-1)).hasMessageContaining("maxAttributes");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "{\"allowed_lateness\":\"P200000D\",\"features\":[{\"name\":\"n\",\"kind\":\"count\"}]}|allowed_lateness",
            "{\"allowed_lateness\":\"PT9999999999999999H\",\"features\":[{\"name\":\"n\",\"kind\":\"count\"}]}|allowed_lateness",
            "{\"features\":[{\"name\":\"d\",\"kind\":\"decayed_count\",\"half_life\":\"P110000D\"}]}|half_life",
            "{\"features\":[{\"name\":\"w\",\"kind\":\"window_count\",\"window\":\"P1D\",\"buckets\":2000000}]}|buckets",
            "{\"features\":[{\"name\":\"w\",\"kind\":\"window_count\",\"window\":\"P1D\",\"buckets\":99999999999}]}|buckets",
            "{\"features\":[{\"name\":\"t\",\"kind\":\"top_k\",\"field\":\"c\",\"k\":3,\"capacity\":5000000}]}|capacity",
            "{\"features\":[{\"name\":\"s\",\"kind\":\"sessions\",\"gap\":\"P40000D\"}]}|gap",
    })
    void outOfRangeSchemaValuesFailWhenLoadedNamingTheKey(String json, String key) {
        assertThatThrownBy(() -> ProfileSchema.fromJson(json))
                .isInstanceOf(dev.profilekit.core.schema.SchemaException.class)
                .hasMessageContaining(key)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
