package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.InvalidEventException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The API a newcomer meets first: instants of any precision, reading "now" on skewed clocks, health. */
class NewcomerApiTest {

    private static final ProfileSchema SCHEMA = ProfileSchema.builder()
            .feature(FeatureSpec.count("views", "view"))
            .feature(FeatureSpec.decayedCount("views_decayed", Duration.ofHours(1), "view"))
            .feature(FeatureSpec.recency("since_view", "view"))
            .build();

    @Test
    void builderTruncatesInstantsToTheMillisecondTowardsThePast() {
        Instant fine = Instant.ofEpochSecond(1_772_000_000L, 123_456_789);
        assertThat(Event.builder("e", "u", "view", fine).build().timestamp()).isEqualTo(1_772_000_000_123L);
        // before 1970: -0.0005 s lies in the millisecond [-1 ms, 0)
        Instant early = Instant.ofEpochSecond(-1, 999_500_000);
        assertThat(Event.builder("e", "u", "view", early).build().timestamp()).isEqualTo(-1L);
        assertThat(Event.builder("e", "u", "view", Instant.ofEpochMilli(42)).build().timestamp()).isEqualTo(42L);
    }

    @Test
    void instantNowIsAccepted() {
        try (ProfileUpdater u = ProfileUpdater.builder(SCHEMA).build()) {
            assertThat(u.onEvent(Event.builder("e1", "u", "view", Instant.now()).build())).isEqualTo(Outcome.ACCEPTED);
        }
    }

    @Test
    void profileNowUsesTheLatestEventWhenTheClockIsBehindIt() {
        long event = 1_772_000_000_000L;
        Clock behind = Clock.fixed(Instant.ofEpochMilli(event - 60_000), ZoneOffset.UTC);
        try (ProfileUpdater u = ProfileUpdater.builder(SCHEMA).clock(behind).build()) {
            u.onEvent(Event.builder("e1", "u", "view", event).build());
            assertThatThrownBy(() -> u.profile("u", behind.millis())).isInstanceOf(IllegalArgumentException.class);
            Profile p = u.profileNow("u");
            assertThat(p.asOf()).isEqualTo(event);
            assertThat(p.getLong("views")).isEqualTo(1);
            assertThat(p.getDouble("since_view")).isEqualTo(0.0);
            assertThat(p.getDouble("views_decayed")).isCloseTo(1.0, within(1e-12));
        }
    }

    @Test
    void profileNowUsesTheClockWhenItIsAhead() {
        long event = 1_772_000_000_000L;
        long now = event + 3_600_000; // one half-life later
        try (ProfileUpdater u = ProfileUpdater.builder(SCHEMA)
                .clock(Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC)).build()) {
            u.onEvent(Event.builder("e1", "u", "view", event).build());
            Profile p = u.profileNow("u");
            assertThat(p.asOf()).isEqualTo(now);
            assertThat(p.getDouble("since_view")).isEqualTo(3600.0);
            assertThat(p.getDouble("views_decayed")).isCloseTo(0.5, within(1e-12));
            Profile nobody = u.profileNow("nobody");
            assertThat(nobody.asOf()).isEqualTo(now);
            assertThat(nobody.getLong("views")).isZero();
            assertThatThrownBy(() -> u.profileNow(null)).hasMessageContaining("user");
        }
    }

    @Test
    void healthCountsOutcomesRejectsAndProfiles() {
        long now = 1_772_000_000_000L;
        try (ProfileUpdater u = ProfileUpdater.builder(SCHEMA)
                .clock(Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC)).build()) {
            u.onEvent(Event.builder("e1", "a", "view", now).build());
            u.onEvent(Event.builder("e1", "a", "view", now).build()); // duplicate
            u.onEvent(Event.builder("e2", "b", "view", now).build());
            long farAhead = now + Duration.ofDays(2).toMillis();
            assertThatThrownBy(() -> u.onEvent(Event.builder("e3", "c", "view", farAhead).build()))
                    .isInstanceOf(InvalidEventException.class);
            u.countRejected(InvalidEventException.Reason.NOT_JSON);
            u.countRejected(InvalidEventException.Reason.NOT_JSON);

            ProfileUpdater.Health h = u.health();
            assertThat(h.counts()).isEqualTo(new ProfileUpdater.Counts(2, 1, 0));
            assertThat(h.rejected()).isEqualTo(3);
            assertThat(h.rejectsByReason()).containsOnlyKeys(InvalidEventException.Reason.TOO_FAR_AHEAD,
                    InvalidEventException.Reason.NOT_JSON);
            assertThat(h.rejectsByReason().get(InvalidEventException.Reason.NOT_JSON)).isEqualTo(2L);
            assertThat(h.rejectsByReason().get(InvalidEventException.Reason.TOO_FAR_AHEAD)).isEqualTo(1L);
            assertThat(h.profilesInMemory()).isEqualTo(2); // the rejected user c holds no profile
            assertThat(h.profilesStored()).isEqualTo(-1);
            assertThat(h.modelVersion()).isEqualTo(-1);
            assertThat(h.prequentialAuc()).isNaN();
            assertThat(h.eventsPerSecond()).isPositive();
            // the rate restarts at each reading: no events in between, rate 0
            assertThat(u.health().eventsPerSecond()).isZero();
            assertThatThrownBy(() -> u.countRejected(null)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void builderKeepsTheLastValueOfARepeatedAttributeAtAnyCount() {
        for (int n : new int[] {1, 3, 4, 5, 15, 16, 17, 40}) {
            Event.Builder b = Event.builder("e", "u", "view", 1L);
            java.util.Map<String, Object> expected = new java.util.HashMap<>();
            for (int k = 0; k < n; k++) {
                b.attr("a" + k, (double) k);
                expected.put("a" + k, (double) k);
            }
            for (int k = 0; k < n; k += 2) {
                b.attr("a" + k, "again" + k);
                expected.put("a" + k, "again" + k);
            }
            Event e = b.build();
            assertThat(e.attrs()).as("n = %d", n).isEqualTo(expected);
            assertThatThrownBy(() -> e.attrs().put("x", 1.0)).isInstanceOf(UnsupportedOperationException.class);
        }
    }
}
