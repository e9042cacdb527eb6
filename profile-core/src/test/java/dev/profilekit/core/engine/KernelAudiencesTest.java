package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.audience.AudienceChange;
import dev.profilekit.core.audience.AudienceRule;
import dev.profilekit.core.audience.Audiences;
import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.testkit.SpecAssertions;
import dev.profilekit.features.codec.StateFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Audiences through the per-user kernel, with states kept by the caller and passed through the codec after every
 * event and timer (as a stream processor's keyed state does), and one timer per user fired when the caller's clock
 * (the largest accepted event time) passes it: each user's changes are exactly the updater's, and so are the
 * memberships at the end.
 */
class KernelAudiencesTest {

    private static final String AUDIENCES = """
            {"audiences": [
              {"name": "lapsed_buyers", "rule": "since_purchase > P2D"},
              {"name": "browsing_now", "rule": "views_6h >= 3"},
              {"name": "warm", "rule": "views_decay_1d > 2"},
              {"name": "big_spenders", "rule": "spend > 400"}
            ]}
            """;

    @Test
    void hostKeptTimersDeliverEachUsersChangesAsTheUpdater() {
        List<AudienceRule> rules = Audiences.parse(AUDIENCES, FixtureReplayTest.schema());
        List<AudienceChange> fromUpdater = new ArrayList<>();
        ProfileUpdater u = ProfileUpdater.builder(FixtureReplayTest.schema()).audiences(rules)
                .audienceListener(fromUpdater::add).build();
        ProfileKernel k = ProfileKernel.of(ProfileUpdater.builder(FixtureReplayTest.schema()).audiences(rules));
        assertThat(k.audienceNames()).containsExactly("lapsed_buyers", "browsing_now", "warm", "big_spenders");

        List<AudienceChange> fromKernel = new ArrayList<>();
        Map<String, byte[]> stored = new TreeMap<>();
        long clock = Long.MIN_VALUE;
        for (String line : SpecAssertions.lines(FixtureReplayTest.DIR + "events.jsonl")) {
            if (line.isBlank()) {
                continue;
            }
            Event e;
            try {
                Event raw = EventJson.parse(line);
                try {
                    u.onEvent(raw);
                } catch (InvalidEventException ignored) {
                    // the kernel's admit refuses it too
                }
                e = k.admit(raw);
            } catch (InvalidEventException x) {
                continue;
            }
            byte[] b = stored.get(e.user());
            KernelState s = b == null ? k.newState(e.user()) : k.decode(b);
            if (k.apply(s, e, fromKernel::add) == Outcome.ACCEPTED) {
                clock = Math.max(clock, e.timestamp());
            }
            stored.put(e.user(), k.encode(s));
            fire(k, stored, clock, fromKernel);
        }
        u.advanceClock(clock);
        fire(k, stored, clock, fromKernel);

        assertThat(fromUpdater).anyMatch(c -> c.kind() == AudienceChange.Kind.REVISE)
                .anyMatch(c -> c.kind() == AudienceChange.Kind.EXIT && c.audience().equals("browsing_now"));
        assertThat(byUser(fromKernel)).isEqualTo(byUser(fromUpdater));
        long end = clock;
        stored.forEach((user, b) -> assertThat(k.audiences(k.decode(b), end)).as(user)
                .isEqualTo(u.audiencesByKey(user, end)));
    }

    /** Fires every stored user's timer at or before {@code clock}, as the updater's clock passing it does. */
    private static void fire(ProfileKernel k, Map<String, byte[]> stored, long clock, List<AudienceChange> out) {
        for (Map.Entry<String, byte[]> e : stored.entrySet()) {
            KernelState s = k.decode(e.getValue());
            if (k.audienceTimer(s) <= clock) {
                k.fireAudiences(s, clock, out::add);
                assertThat(k.audienceTimer(s)).isGreaterThan(clock);
                e.setValue(k.encode(s));
            }
        }
    }

    private static Map<String, List<String>> byUser(List<AudienceChange> changes) {
        Map<String, List<String>> m = new TreeMap<>();
        for (AudienceChange c : changes) {
            m.computeIfAbsent(c.user(), x -> new ArrayList<>()).add(c.toJson());
        }
        return m;
    }

    /**
     * A state's audience part is appended after the rest, so a kernel without audiences writes a prefix of it: the
     * byte after that prefix is the audience part's tag. Format 1 (a base replayed event by event, before cuts) is
     * refused in one line that says what to do; an unknown tag is refused too.
     */
    @Test
    void anAudienceStateInTheOldFormatIsRefusedInOneLine() {
        List<AudienceRule> rules = Audiences.parse(AUDIENCES, FixtureReplayTest.schema());
        ProfileKernel k = ProfileKernel.of(ProfileUpdater.builder(FixtureReplayTest.schema()).audiences(rules));
        ProfileKernel plain = ProfileKernel.of(ProfileUpdater.builder(FixtureReplayTest.schema()));
        Event e = Event.of("e1", "u1", "view", 1_767_225_600_000L, Map.of("category", "toys", "product", "p1"));
        KernelState withAudiences = k.newState("u1");
        k.apply(withAudiences, k.admit(e));
        KernelState without = plain.newState("u1");
        plain.apply(without, plain.admit(e));
        byte[] bytes = k.encode(withAudiences);
        int tagAt = plain.encode(without).length;
        assertThat(bytes.length).isGreaterThan(tagAt);
        assertThat(bytes[tagAt]).isEqualTo((byte) 2);
        assertThat(k.audiences(k.decode(bytes), 1_767_225_600_000L))
                .isEqualTo(k.audiences(withAudiences, 1_767_225_600_000L));

        bytes[tagAt] = 1;
        assertThatThrownBy(() -> k.decode(bytes)).isInstanceOf(StateFormatException.class)
                .hasMessageContaining("the audience state of user 'u1' is in format 1, written by an older ProfileKit")
                .hasMessageContaining("replay the events to rebuild it")
                .hasMessageNotContaining("\n");
        bytes[tagAt] = 7;
        assertThatThrownBy(() -> k.decode(bytes)).isInstanceOf(StateFormatException.class)
                .hasMessageContaining("audience state tag 7 of user 'u1'");
    }
}
