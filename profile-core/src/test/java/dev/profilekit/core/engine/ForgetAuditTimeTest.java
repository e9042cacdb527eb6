package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.privacy.AuditLog;
import dev.profilekit.core.testkit.SpecAssertions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An audit entry is dated when the erasure was done (the audit clock), never by the updater's event clock. */
class ForgetAuditTimeTest {

    /** The updater's clock, as {@code replay --now 2030-01-01T00:00:00Z} fixes it. */
    private static final Clock EVENT_CLOCK = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);

    private static Event firstEvent() {
        String line = SpecAssertions.lines(FixtureReplayTest.DIR + "events.jsonl").get(0);
        return EventJson.parse(line);
    }

    private static ProfileUpdater.Builder builder(List<AuditLog.Entry> log) {
        return ProfileUpdater.builder(FixtureReplayTest.schema()).clock(EVENT_CLOCK).auditLog(log::add);
    }

    @Test
    void theEntryTakesTheTimeOfTheAuditClock() {
        List<AuditLog.Entry> log = new ArrayList<>();
        Instant erasure = Instant.parse("2026-03-04T05:06:07.089Z");
        ProfileUpdater u = builder(log).auditClock(Clock.fixed(erasure, ZoneOffset.UTC)).build();
        Event e = firstEvent();
        assertThat(u.onEvent(e)).isEqualTo(Outcome.ACCEPTED);
        assertThat(u.forget(e.user())).isTrue();
        assertThat(log).hasSize(1);
        assertThat(log.get(0).time()).isEqualTo(erasure);
        assertThat(log.get(0).toJson()).contains("\"time\":\"2026-03-04T05:06:07.089Z\"");
    }

    @Test
    void byDefaultTheEntryTakesTheRealTimeNotTheEventClock() {
        List<AuditLog.Entry> log = new ArrayList<>();
        ProfileUpdater u = builder(log).build();
        Event e = firstEvent();
        u.onEvent(e);
        Instant before = Instant.now();
        u.forget(e.user());
        Instant after = Instant.now();
        assertThat(log).hasSize(1);
        assertThat(log.get(0).time()).isBetween(before, after).isNotEqualTo(EVENT_CLOCK.instant());
    }

    @Test
    void aNullAuditClockIsRefused() {
        assertThatThrownBy(() -> ProfileUpdater.builder(FixtureReplayTest.schema()).auditClock(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("auditClock must not be null");
    }
}
