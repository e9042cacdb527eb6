package dev.profilekit.core.engine;

import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.profilekit.features.streaming.TopKCounter.WeightedValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Feature values on small streams worked out by hand from the specification's formulas. */
class ProfileUpdaterTest {

    private static final double EPS = 1e-12;
    private static final long H = 3_600_000L;
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z, a whole hour

    private static Event ev(String id, String type, long ts, Object... kv) {
        Event.Builder b = Event.builder(id, "u", type, ts);
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] instanceof String s) {
                b.attr((String) kv[i], s);
            } else {
                b.attr((String) kv[i], ((Number) kv[i + 1]).doubleValue());
            }
        }
        return b.build();
    }

    @Test
    void valuesFollowTheSpecificationFormulas() {
        ProfileSchema schema = ProfileSchema.builder()
                .allowedLateness(Duration.ofHours(6))
                .feature(FeatureSpec.count("buys", "purchase"))
                .feature(FeatureSpec.sum("spend", "amount", "purchase"))
                .feature(FeatureSpec.decayedCount("views_1h", Duration.ofHours(1), "view"))
                .feature(FeatureSpec.decayedSum("spend_1h", "amount", Duration.ofHours(1), "purchase"))
                .feature(FeatureSpec.windowCount("views_2h", Duration.ofHours(2), 2, "view"))
                .feature(FeatureSpec.windowSum("spend_2h", "amount", Duration.ofHours(2), 2, "purchase"))
                .feature(FeatureSpec.stats("order", "amount", "purchase"))
                .feature(FeatureSpec.recency("since_view", "view"))
                .feature(FeatureSpec.firstSeen("first"))
                .feature(FeatureSpec.lastValue("last_cat", "category", "view"))
                .feature(FeatureSpec.distinctCount("cats", "category"))
                .feature(FeatureSpec.topK("top", "category", 2, null))
                .feature(FeatureSpec.ratio("avg_order", "spend", "buys"))
                .feature(FeatureSpec.sessions("sessions", Duration.ofMinutes(30)))
                .build();
        ProfileUpdater u = ProfileUpdater.builder(schema).build();
        // arrival order differs from time order on purpose
        assertThat(u.onEvent(ev("1", "view", T0 + 2 * H, "category", "books"))).isEqualTo(Outcome.ACCEPTED);
        assertThat(u.onEvent(ev("2", "view", T0, "category", "games"))).isEqualTo(Outcome.ACCEPTED);
        assertThat(u.onEvent(ev("3", "purchase", T0 + H, "amount", 10, "category", "books"))).isEqualTo(Outcome.ACCEPTED);
        assertThat(u.onEvent(ev("4", "purchase", T0 + 2 * H + 20 * 60_000, "amount", 30))).isEqualTo(Outcome.ACCEPTED);
        assertThat(u.onEvent(ev("5", "purchase", T0 + 2 * H + 40 * 60_000, "amount", "oops"))).isEqualTo(Outcome.ACCEPTED);
        assertThat(u.onEvent(ev("1", "view", T0 + 3 * H, "category", "x"))).isEqualTo(Outcome.DUPLICATE);
        assertThat(u.onEvent(ev("6", "view", T0 - 4 * H - 1, "category", "x"))).isEqualTo(Outcome.LATE);

        long asOf = T0 + 3 * H;
        Profile p = u.profile("u", asOf);
        assertThat(p.getLong("buys")).isEqualTo(3);
        assertThat(p.getDouble("spend")).isEqualTo(40.0);
        // views at T0+2h and T0, as of T0+3h, half-life 1h: 2^-1 + 2^-3
        assertThat(p.getDouble("views_1h")).isCloseTo(0.5 + 0.125, within(EPS));
        // purchases of 10 at T0+1h and 30 at T0+2h20m: 10·2^-2 + 30·2^(-40/60)
        assertThat(p.getDouble("spend_1h")).isCloseTo(10 * 0.25 + 30 * Math.pow(2, -40.0 / 60), within(EPS));
        // 1h buckets: as of T0+3h (bucket 3) the window holds buckets 2 and 3 -> only the T0+2h view
        assertThat(p.getLong("views_2h")).isEqualTo(1);
        assertThat(p.getDouble("spend_2h")).isEqualTo(30.0);
        assertThat(p.get("order")).isEqualTo(new StatsValue(2, 20.0, 10.0, 10.0, 30.0));
        assertThat(p.getDouble("since_view")).isEqualTo(3600.0);
        assertThat(p.getLong("first")).isEqualTo(T0);
        assertThat(p.get("last_cat")).isEqualTo("books");
        assertThat(p.getLong("cats")).isEqualTo(2);
        assertThat(p.getTopK("top")).containsExactly(new WeightedValue("books", 2.0), new WeightedValue("games", 1.0));
        assertThat(p.getDouble("avg_order")).isEqualTo(40.0 / 3);
        // times T0, T0+1h, T0+2h, +2h20m, +2h40m: sessions {T0}, {T0+1h}, {T0+2h..T0+2h40m}
        assertThat(p.get("sessions")).isEqualTo(new SessionsValue(3, (40 * 60.0) / 3));
        assertThat(p.getDouble("order.std")).isEqualTo(10.0);
        assertThat(p.getLong("sessions.count")).isEqualTo(3);
    }

    @Test
    void emptyHistoryGivesZerosAndNulls() {
        ProfileUpdater u = ProfileUpdater.builder(FixtureReplayTest.schema()).build();
        Profile p = u.profile("nobody", T0);
        assertThat(p.getLong("views")).isZero();
        assertThat(p.getDouble("spend_decay_7d")).isZero();
        assertThat(p.get("order_value")).isNull();
        assertThat(p.get("since_purchase")).isNull();
        assertThat(p.get("first_seen")).isNull();
        assertThat(p.get("last_category")).isNull();
        assertThat(p.get("cart_to_purchase")).isNull(); // 0 / 0
        assertThat(p.getTopK("fav_categories")).isEmpty();
        assertThat(p.get("sessions")).isEqualTo(new SessionsValue(0, null));
        assertThat(u.profile("nobody")).isEmpty();
        assertThat(u.users()).isEmpty();
    }

    @Test
    void lastValueTiesGoToTheEventAcceptedLast() {
        ProfileUpdater u = ProfileUpdater.builder(ProfileSchema.builder()
                .feature(FeatureSpec.lastValue("last", "c")).build()).build();
        u.onEvent(ev("a", "view", T0, "c", "first"));
        u.onEvent(ev("b", "view", T0, "c", "second"));
        u.onEvent(ev("c", "view", T0 - 1, "c", "older"));
        assertThat(u.profile("u", T0).get("last")).isEqualTo("second");
    }

    @Test
    void listenersSeeEveryAcceptedUpdateWithItsProfile() {
        List<String> seen = new ArrayList<>();
        ProfileUpdater u = ProfileUpdater.builder(ProfileSchema.builder().feature(FeatureSpec.count("n")).build())
                .listener(up -> seen.add(up.event().id() + "=" + up.profile().getLong("n")))
                .listener(up -> {
                    throw new IllegalStateException("a failing listener must not undo the update");
                })
                .build();
        u.onEvent(ev("a", "view", T0));
        u.onEvent(ev("a", "view", T0)); // duplicate: no notification
        u.onEvent(ev("b", "view", T0 + 1));
        assertThat(seen).containsExactly("a=1", "b=2");
        assertThat(u.profile("u", T0 + 1).getLong("n")).isEqualTo(2);
    }

    @Test
    void argumentsAreChecked() {
        ProfileUpdater u = ProfileUpdater.builder(ProfileSchema.builder().feature(FeatureSpec.count("n")).build()).build();
        assertThatThrownBy(() -> u.onEvent(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("event");
        assertThatThrownBy(() -> u.profile(null, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user");
        assertThatThrownBy(() -> ProfileUpdater.builder(null)).hasMessageContaining("schema");
        assertThatThrownBy(() -> ProfileUpdater.builder(ProfileSchema.builder().build())
                .dedupRetention(DedupRetention.WITHIN_LATENESS).build())
                .hasMessageContaining("allowed_lateness");
        assertThatThrownBy(() -> u.profile("u", T0).get("nope")).hasMessageContaining("'nope'");
    }
}
