package dev.profilekit.core.audience;

import static dev.profilekit.core.audience.AudienceRuleTest.DAY;
import static dev.profilekit.core.audience.AudienceRuleTest.SCHEMA;
import static dev.profilekit.core.audience.AudienceRuleTest.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Audiences on a running updater: time-driven changes, late events, definitions at runtime, forget, limits. */
class AudienceUpdaterTest {

    private final List<AudienceChange> log = new ArrayList<>();

    private ProfileUpdater updater(String... rules) {
        List<AudienceRule> list = new ArrayList<>();
        for (int i = 0; i < rules.length; i += 2) {
            list.add(AudienceRule.compile(rules[i], rules[i + 1], SCHEMA));
        }
        return ProfileUpdater.builder(SCHEMA).audiences(list).audienceListener(log::add).build();
    }

    private static Event view(String id, String user, long t) {
        return Event.of(id, user, "view", t, Map.of("category", "toys", "product", "p1"));
    }

    @Test
    void aLapseIsDeliveredAtItsMillisecondWhenTheClockPassesIt() {
        ProfileUpdater u = updater("lapsed", "since_seen > P30D");
        u.onEvent(view("e1", "u1", T0));
        u.onEvent(view("e2", "u2", T0 + 10 * DAY));
        assertThat(log).isEmpty();
        u.onEvent(view("e3", "u2", T0 + 31 * DAY)); // the clock passes u1's lapse at T0 + 30 days + 1 ms
        assertThat(log).extracting(AudienceChange::toJson).containsExactly(
                "{\"user\":\"u1\",\"audience\":\"lapsed\",\"change\":\"enter\",\"ts\":" + (T0 + 30 * DAY + 1) + "}");
        assertThat(u.audienceSizes()).isEqualTo(Map.of("lapsed", 1L));
        assertThat(u.audiences("u1")).containsExactly("lapsed");
        assertThat(u.audiences("u2")).isEmpty();
        u.onEvent(view("e4", "u1", T0 + 32 * DAY));
        assertThat(log.get(1).toJson()).isEqualTo(
                "{\"user\":\"u1\",\"audience\":\"lapsed\",\"change\":\"exit\",\"ts\":" + (T0 + 32 * DAY) + "}");
        assertThat(u.audienceSizes()).isEqualTo(Map.of("lapsed", 0L));
        u.advanceClock(T0 + 62 * DAY + 5);
        assertThat(log).hasSize(4); // both lapse again: u2 at T0 + 61 days + 1 ms, u1 at T0 + 62 days + 1 ms
        assertThat(log.get(2).user()).isEqualTo("u2");
        assertThat(log.get(2).ts()).isEqualTo(T0 + 61 * DAY + 1);
        assertThat(log.get(3).ts()).isEqualTo(T0 + 62 * DAY + 1);
        assertThat(u.audienceSizes()).isEqualTo(Map.of("lapsed", 2L));
    }

    /**
     * Every event moves its user's timer, so the timer heap holds far more stale entries than live ones and is rebuilt
     * many times over; still each user's lapse fires once, at its own millisecond (an hour and 1 ms after its last
     * event), in time order, and only when the clock passes it.
     */
    @Test
    void timersMovedThousandsOfTimesFireOnceEachAtTheirLastTime() {
        ProfileUpdater u = updater("away", "since_seen > PT1H");
        int users = 200;
        int rounds = 40;
        long[] last = new long[users];
        for (int k = 0; k < rounds; k++) {
            for (int i = 0; i < users; i++) {
                last[i] = T0 + k * 600_000L + i * 1_000L;
                u.onEvent(view("e" + k + "-" + i, "u" + i, last[i]));
            }
        }
        assertThat(log).isEmpty(); // ten minutes between a user's events: nobody is away an hour yet
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < users; i++) { // the last round's times increase with i, so this is time order
            expected.add("{\"user\":\"u" + i + "\",\"audience\":\"away\",\"change\":\"enter\",\"ts\":"
                    + (last[i] + 3_600_001L) + "}");
        }
        u.advanceClock(last[users / 2] + 3_600_001L);
        assertThat(log).extracting(AudienceChange::toJson).containsExactlyElementsOf(expected.subList(0, users / 2 + 1));
        u.advanceClock(last[users - 1] + 2 * 3_600_000L);
        assertThat(log).extracting(AudienceChange::toJson).containsExactlyElementsOf(expected);
        assertThat(u.audienceSizes()).isEqualTo(Map.of("away", (long) users));
    }

    /**
     * A timer that moves later keeps its earlier heap entry as a lower bound: when that entry comes up it must be put
     * back at the user's timer, not fire the user there, so users still fire in the order of their timers. Here u1's
     * entry (T0 + 1 h) comes before u2's timer (T0 + 1 h 10 min), but u1's timer has moved to T0 + 1 h 20 min.
     */
    @Test
    void aTimerThatMovedLaterFiresInTheOrderOfTimersNotOfItsOldEntry() {
        ProfileUpdater u = updater("away", "since_seen > PT1H");
        long min = 60_000L;
        u.onEvent(view("a1", "u1", T0));
        u.onEvent(view("b1", "u2", T0 + 10 * min));
        u.onEvent(view("a2", "u1", T0 + 20 * min));
        u.onEvent(view("c1", "u3", T0 + 30 * min)); // u3 moves earlier from nothing: a new entry
        u.advanceClock(T0 + 3 * 60 * min); // passes u1's old entry, then every timer, in one call
        assertThat(log).extracting(AudienceChange::toJson).containsExactly(
                "{\"user\":\"u2\",\"audience\":\"away\",\"change\":\"enter\",\"ts\":" + (T0 + 70 * min + 1) + "}",
                "{\"user\":\"u1\",\"audience\":\"away\",\"change\":\"enter\",\"ts\":" + (T0 + 80 * min + 1) + "}",
                "{\"user\":\"u3\",\"audience\":\"away\",\"change\":\"enter\",\"ts\":" + (T0 + 90 * min + 1) + "}");
        assertThat(u.audienceSizes()).isEqualTo(Map.of("away", 3L));
    }

    /**
     * A time-driven rule that flips at exactly the millisecond of another type's event (which cannot change it): the
     * event's own evaluation must still ask that rule, since its change is due at that time, and then search its next
     * change afresh. A second time-driven rule makes the updater keep each rule's next change.
     */
    @Test
    void aRuleDueAtTheMillisecondOfAnEventOfAnotherTypeChangesWithIt() {
        ProfileUpdater u = updater("lapsed_buyer", "since_purchase > PT1H", "browsing", "views_1d > 0.5");
        u.onEvent(Event.of("p1", "u1", "purchase", T0, Map.of("amount", 10.0, "category", "toys")));
        long flip = T0 + 3_600_001L; // the first millisecond at which (T - T0) / 1000 > 3600
        u.onEvent(view("v1", "u1", flip));
        assertThat(log).extracting(AudienceChange::toJson).containsExactly(
                "{\"user\":\"u1\",\"audience\":\"lapsed_buyer\",\"change\":\"enter\",\"ts\":" + flip + "}",
                "{\"user\":\"u1\",\"audience\":\"browsing\",\"change\":\"enter\",\"ts\":" + flip + "}");
        assertThat(u.audiences("u1")).containsExactly("browsing", "lapsed_buyer");
        u.onEvent(Event.of("p2", "u1", "purchase", flip + 1_000, Map.of("amount", 5.0, "category", "toys")));
        assertThat(log.get(log.size() - 1).toJson()).isEqualTo(
                "{\"user\":\"u1\",\"audience\":\"lapsed_buyer\",\"change\":\"exit\",\"ts\":" + (flip + 1_000) + "}");
        assertThat(u.audienceSizes()).isEqualTo(Map.of("lapsed_buyer", 0L, "browsing", 1L));
    }

    /**
     * An updater built with audiences but none defined yet takes events, and an audience defined and then dropped
     * later (so none is defined again) leaves it taking events.
     */
    @Test
    void anUpdaterWithNoAudienceDefinedYetTakesEventsBeforeAndAfterOneIsDefinedAndDropped() {
        ProfileUpdater u = ProfileUpdater.builder(SCHEMA).audiences(List.of()).audienceListener(log::add).build();
        u.onEvent(view("v1", "u1", T0));
        u.onEvent(Event.of("p1", "u1", "purchase", T0 + 1_000, Map.of("amount", 10.0, "category", "toys")));
        assertThat(u.audiences("u1")).isEmpty();
        u.defineAudience(AudienceRule.compile("viewers", "views_1d > 0.5", SCHEMA));
        assertThat(u.audiences("u1")).containsExactly("viewers");
        assertThat(u.dropAudience("viewers")).isTrue();
        u.onEvent(view("v2", "u1", T0 + 2_000));
        assertThat(u.audiences("u1")).isEmpty();
        assertThat(u.profile("u1").orElseThrow().getLong("purchases")).isEqualTo(1L);
    }

    @Test
    void aLateEventRevisesDeliveredHistory() {
        ProfileUpdater u = updater("buyers", "purchases >= 1");
        u.onEvent(view("v1", "u1", T0 + 3_600_000));
        u.onEvent(Event.of("p1", "u1", "purchase", T0, Map.of("amount", 5.0, "category", "toys"))); // 1 h late
        assertThat(log).extracting(AudienceChange::toJson).containsExactly(
                "{\"user\":\"u1\",\"audience\":\"buyers\",\"change\":\"revise\",\"from\":" + T0 + ",\"intervals\":[["
                        + T0 + ",null]]}");
        assertThat(u.audienceSizes()).isEqualTo(Map.of("buyers", 1L));
    }

    @Test
    void anAudienceDefinedAtRuntimeIsBackfilledAsOfTheClockAndDroppedWithoutExits() {
        ProfileUpdater u = updater("lapsed", "since_seen > P30D");
        u.onEvent(view("e1", "u1", T0));
        u.onEvent(Event.of("p1", "u2", "purchase", T0 + DAY, Map.of("amount", 600.0, "category", "toys")));
        u.defineAudience(AudienceRule.compile("big", "spend > 500", SCHEMA));
        assertThat(log).extracting(AudienceChange::toJson).containsExactly("{\"user\":\"u2\",\"audience\":\"big\","
                + "\"change\":\"enter\",\"ts\":" + (T0 + DAY) + ",\"backfill\":true}");
        assertThat(u.audienceSizes()).isEqualTo(Map.of("lapsed", 0L, "big", 1L));
        assertThatThrownBy(() -> u.defineAudience(AudienceRule.compile("big", "spend > 5", SCHEMA)))
                .hasMessage("an audience named 'big' is already defined");
        assertThat(u.dropAudience("big")).isTrue();
        assertThat(u.dropAudience("big")).isFalse();
        assertThat(u.audienceSizes()).isEqualTo(Map.of("lapsed", 0L));
        assertThat(log).hasSize(1);
        u.onEvent(Event.of("p2", "u2", "purchase", T0 + 2 * DAY, Map.of("amount", 1.0, "category", "toys")));
        assertThat(log).hasSize(1); // nothing for the dropped audience
    }

    @Test
    void forgetRemovesMembershipsAndTimers() {
        ProfileUpdater u = updater("lapsed", "since_seen > P30D", "seen", "since_seen is not missing");
        u.onEvent(view("e1", "u1", T0));
        u.onEvent(view("e2", "u2", T0));
        assertThat(u.audienceSizes()).isEqualTo(Map.of("lapsed", 0L, "seen", 2L));
        assertThat(u.forget("u1")).isTrue();
        assertThat(u.audienceSizes()).isEqualTo(Map.of("lapsed", 0L, "seen", 1L));
        log.clear();
        u.advanceClock(T0 + 40 * DAY);
        assertThat(log).extracting(AudienceChange::user).containsExactly("u2");
        assertThat(u.audienceSizes()).isEqualTo(Map.of("lapsed", 1L, "seen", 1L));
    }

    @Test
    void everyAudienceListenerAddedReceivesEveryChangeInOrder() {
        List<String> second = new ArrayList<>();
        List<String> order = new ArrayList<>();
        ProfileUpdater u = ProfileUpdater.builder(SCHEMA)
                .audiences(List.of(AudienceRule.compile("lapsed", "since_seen > P30D", SCHEMA)))
                .audienceListener(c -> {
                    log.add(c);
                    order.add("first");
                })
                .audienceListener(c -> {
                    second.add(c.toJson());
                    order.add("second");
                }).build();
        u.onEvent(view("e1", "u1", T0));
        u.advanceClock(T0 + 31 * DAY);
        u.onEvent(view("e2", "u1", T0 + 32 * DAY));
        assertThat(log).hasSize(2);
        assertThat(second).isEqualTo(log.stream().map(AudienceChange::toJson).toList());
        assertThat(order).containsExactly("first", "second", "first", "second");
    }

    @Test
    void misuseIsRefusedInOneLine() {
        List<AudienceRule> rules = List.of(AudienceRule.compile("lapsed", "since_seen > P30D", SCHEMA));
        assertThatThrownBy(() -> ProfileUpdater.builder(SCHEMA).audienceListener(c -> { }).build())
                .hasMessage("an audience listener needs audiences (Builder.audiences)");
        ProfileUpdater u = ProfileUpdater.builder(SCHEMA).audiences(rules).build();
        u.onEvent(view("e1", "u1", T0));
        assertThatThrownBy(() -> ProfileUpdater.builder(SCHEMA).build().audienceSizes())
                .hasMessage("this updater has no audiences (see Builder.audiences)");
        assertThatThrownBy(() -> ProfileUpdater.builder(SCHEMA).audiences(List.of(rules.get(0), rules.get(0))))
                .hasMessage("two audiences are named 'lapsed'");
        assertThatThrownBy(() -> u.audiences("u1", T0 - 1)).hasMessageContaining("is before the latest event");
    }
}
