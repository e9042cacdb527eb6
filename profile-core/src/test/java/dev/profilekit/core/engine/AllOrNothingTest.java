package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.schema.FeatureKind;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.InvalidEventException.Reason;
import dev.profilekit.core.spi.InvalidEventException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code onEvent} applies an event completely or not at all (issue 11, rule 1): a failure injected while
 * any kind of feature state is being updated, or an update that would overflow, leaves the profile, the
 * duplicate state and the counts exactly as they were.
 */
class AllOrNothingTest {

    private static final long T0 = 1_767_225_600_000L;

    /** One feature of every kind that has state, all fed by the same "buy" events. */
    private static ProfileSchema schema() {
        return ProfileSchema.builder().allowedLateness(Duration.ofHours(6))
                .feature(FeatureSpec.count("n", "buy"))
                .feature(FeatureSpec.sum("spend", "amount", "buy"))
                .feature(FeatureSpec.decayedCount("n_decay", Duration.ofDays(1), "buy"))
                .feature(FeatureSpec.decayedSum("spend_decay", "amount", Duration.ofDays(1), "buy"))
                .feature(FeatureSpec.windowCount("n_6h", Duration.ofHours(6), 6, "buy"))
                .feature(FeatureSpec.windowSum("spend_6h", "amount", Duration.ofHours(6), 6, "buy"))
                .feature(FeatureSpec.stats("amounts", "amount", "buy"))
                .feature(FeatureSpec.recency("since", "buy"))
                .feature(FeatureSpec.firstSeen("first", "buy"))
                .feature(FeatureSpec.lastValue("last_cat", "cat", "buy"))
                .feature(FeatureSpec.distinctCount("cats", "cat", "buy"))
                .feature(FeatureSpec.topK("top_cats", "cat", 2, Duration.ofDays(1), "buy"))
                .feature(FeatureSpec.sessions("sessions", Duration.ofMinutes(30), "buy"))
                .feature(FeatureSpec.ratio("avg", "spend", "n"))
                .build();
    }

    private static Event buy(String id, long t, double amount, String cat) {
        return Event.of(id, "u", "buy", t, Map.of("amount", amount, "cat", cat));
    }

    /** Everything observable about user "u": its profile as JSON, the counts, and which ids are known. */
    private static String observe(ProfileUpdater u, long asOf, List<String> ids) {
        StringBuilder b = new StringBuilder(ProfileJson.toJson(u.profile("u", asOf)));
        b.append(u.counts());
        ProfileState s = u.state("u");
        for (String id : ids) {
            b.append(id).append('=').append(s.containsId(id, Long.MIN_VALUE));
        }
        return b.toString();
    }

    @AfterEach
    void noFaults() {
        UpdatePlan.faults = null;
    }

    @ParameterizedTest
    @EnumSource(value = FeatureKind.class, names = "RATIO", mode = EnumSource.Mode.EXCLUDE)
    void aFailureInAnyKindOfStateLeavesTheProfileUnchanged(FeatureKind failing) {
        assertThat(schema().features()).extracting(FeatureSpec::kind).contains(failing);
        ProfileUpdater u = ProfileUpdater.builder(schema()).build();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add("e" + i);
            // some out of order, a new category now and then, sessions split by long gaps
            long t = T0 + (i % 5 == 0 ? i * 3_600_000L - 600_000 : i * 3_600_000L);
            u.onEvent(buy("e" + i, t, 10 + i, "c" + (i % 4)));
        }
        long asOf = T0 + 30 * 3_600_000L;
        ids.add("boom");
        String before = observe(u, asOf, ids);
        EnumSet<FeatureKind> seen = EnumSet.noneOf(FeatureKind.class);
        UpdatePlan.faults = kind -> {
            seen.add(kind);
            if (kind == failing) {
                throw new IllegalStateException("injected failure in " + kind);
            }
        };
        // a new category (distinct and top-k grow), a new session, a new maximum time
        assertThatThrownBy(() -> u.onEvent(buy("boom", T0 + 29 * 3_600_000L, 99, "c9")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(failing.name());
        UpdatePlan.faults = null;
        assertThat(seen).contains(failing);
        assertThat(observe(u, asOf, ids)).isEqualTo(before);
        // and the same event applies cleanly afterwards
        assertThat(u.onEvent(buy("boom", T0 + 29 * 3_600_000L, 99, "c9"))).isEqualTo(Outcome.ACCEPTED);
        assertThat(u.profile("u", asOf).getLong("cats")).isEqualTo(5);
    }

    /**
     * An event that fails after the id table made room for it must not have forgotten ids the state before it
     * still uses: ids older than the failed event's time less the lateness, but within the lateness of the
     * user's latest accepted event, are still duplicates afterwards.
     */
    @Test
    void aFailedEventForgetsNoIdThatTheStateBeforeItStillUses() {
        ProfileSchema schema = ProfileSchema.builder().allowedLateness(Duration.ofHours(6))
                .feature(FeatureSpec.count("n")).build();
        long hour = 3_600_000L;
        // every number of ids up to 40: at some of them the table must make room for the next one
        for (int n = 1; n <= 40; n++) {
            ProfileUpdater u = ProfileUpdater.builder(schema).build();
            for (int i = 0; i < n; i++) {
                assertThat(u.onEvent(Event.of("e" + i, "u", "buy", T0 + i * 60_000L, Map.of()))).isEqualTo(Outcome.ACCEPTED);
            }
            UpdatePlan.faults = kind -> {
                throw new IllegalStateException("injected failure in " + kind);
            };
            // far later: once accepted it would put every earlier id out of the lateness
            assertThatThrownBy(() -> u.onEvent(Event.of("late-comer", "u", "buy", T0 + 40 * hour, Map.of())))
                    .isInstanceOf(IllegalStateException.class);
            UpdatePlan.faults = null;
            for (int i = 0; i < n; i++) {
                assertThat(u.onEvent(Event.of("e" + i, "u", "buy", T0 + i * 60_000L, Map.of())))
                        .as("event e%d of %d after the failure", i, n).isEqualTo(Outcome.DUPLICATE);
            }
        }
    }

    @Test
    void anOverflowingSumIsRejectedAsAWhole() {
        ProfileUpdater u = ProfileUpdater.builder(schema()).build();
        u.onEvent(buy("a", T0, 1e308, "x"));
        String before = observe(u, T0 + 1000, List.of("a", "b"));
        assertThatThrownBy(() -> u.onEvent(buy("b", T0 + 1, 1e308, "y")))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.OVERFLOW);
                    assertThat(e.getMessage()).contains("'b'").contains("'u'");
                });
        assertThat(observe(u, T0 + 1000, List.of("a", "b"))).isEqualTo(before);
        assertThat(u.profile("u", T0 + 1000).getDouble("spend")).isEqualTo(1e308);
    }

    @Test
    void anOverflowingStatisticOrRatioIsRejectedToo() {
        ProfileUpdater u = ProfileUpdater.builder(schema()).build();
        // 1e200 squared overflows the running second moment although every sum stays finite
        u.onEvent(buy("a", T0, -1e200, "x"));
        assertThatThrownBy(() -> u.onEvent(buy("b", T0 + 1, 1e200, "x")))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.OVERFLOW));
        assertThat(u.profile("u").orElseThrow().getLong("n")).isEqualTo(1);

        ProfileSchema ratio = ProfileSchema.builder()
                .feature(FeatureSpec.sum("a", "x")).feature(FeatureSpec.sum("b", "y"))
                .feature(FeatureSpec.ratio("r", "a", "b")).build();
        ProfileUpdater v = ProfileUpdater.builder(ratio).build();
        v.onEvent(Event.of("1", "u", "t", T0, Map.of("x", 1e300, "y", 1.0)));
        assertThatThrownBy(() -> v.onEvent(Event.of("2", "u", "t", T0 + 1, Map.of("y", Math.ulp(1.0) - 1.0))))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.OVERFLOW));
        assertThat(v.profile("u").orElseThrow().getDouble("b")).isEqualTo(1.0);
    }
}
