package dev.profilekit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fixture baseline does the engine's work: replayed on the same Fixtures events, it gives every feature the
 * value {@link ProfileUpdater} gives (within the specification's tolerance for sums of doubles, exactly for the
 * rest), and accepts exactly the events the engine accepts.
 */
class FixtureInlinedBaselineBenchmarkTest {

    /** The specification's tolerance for values that sum doubles: 1e-9 · max(1, |expected|). */
    private static final double RELATIVE_TOLERANCE = 1e-9;
    private static final int USERS = 40;
    private static final int EVENTS = 4096;
    /**
     * Fixtures' times advance ~50 ms per event; stretched 1,500 times a user gets an event every ~50 minutes
     * over 3.5 days, so sessions split and merge, windows slide and decays matter.
     */
    private static final long STRETCH = 1_500;

    private static Event[] stretchedFixtureEvents(String[] userIds) {
        Event[] slice = Fixtures.slices(userIds, 1, EVENTS, 42)[0];
        Event[] out = new Event[slice.length];
        for (int i = 0; i < slice.length; i++) {
            Event e = slice[i];
            long t = Fixtures.STREAM_START + (e.timestamp() - Fixtures.STREAM_START) * STRETCH;
            out[i] = Event.of(e.id(), e.user(), e.type(), t, e.attrs());
        }
        return out;
    }

    private static FixtureInlinedBaselineBenchmark baseline(String[] userIds, String dedup) {
        FixtureInlinedBaselineBenchmark b = new FixtureInlinedBaselineBenchmark();
        b.init(userIds, dedup);
        b.warm(userIds);
        return b;
    }

    private static ProfileUpdater engine(String[] userIds) {
        ProfileUpdater u = ProfileUpdater.builder(Fixtures.fixtureSchema()).build();
        Fixtures.warmUsers(u, userIds);
        return u;
    }

    @Test
    void inOrderFixtureEventsGiveTheEnginesValues() {
        String[] userIds = Fixtures.userIds(USERS);
        Event[] events = stretchedFixtureEvents(userIds);
        for (String dedup : List.of("none", "within_lateness")) {
            FixtureInlinedBaselineBenchmark b = baseline(userIds, dedup);
            ProfileUpdater u = engine(userIds);
            for (Event e : events) {
                assertThat(u.onEvent(e).name()).isEqualTo("ACCEPTED");
                assertThat(b.apply(e.id(), e.user(), e.type(), e.timestamp(), e.attrs()))
                        .isEqualTo(FixtureInlinedBaselineBenchmark.ACCEPTED);
            }
            assertSameProfiles(u, b, userIds);
        }
    }

    @Test
    void redeliveredAndOutOfOrderEventsGiveTheEnginesOutcomesAndValues() {
        String[] userIds = Fixtures.userIds(USERS);
        Event[] events = stretchedFixtureEvents(userIds);
        // arrival order: 10% of the events delayed by up to 600 positions (~12 h of event time, beyond the 6 h
        // lateness for some), 5% delivered a second time up to 2,000 positions later
        SplittableRandom r = new SplittableRandom(7);
        record Arrival(double key, Event event) {
        }
        List<Arrival> arrivals = new ArrayList<>();
        for (int i = 0; i < events.length; i++) {
            double key = i + (r.nextDouble() < 0.10 ? r.nextInt(600) + 0.5 : 0);
            arrivals.add(new Arrival(key, events[i]));
            if (r.nextDouble() < 0.05) {
                arrivals.add(new Arrival(i + r.nextInt(2_000) + 0.25, events[i]));
            }
        }
        arrivals.sort(Comparator.comparingDouble(Arrival::key));

        FixtureInlinedBaselineBenchmark b = baseline(userIds, "within_lateness");
        ProfileUpdater u = engine(userIds);
        int accepted = 0;
        int rejected = 0;
        int outOfOrder = 0;
        Map<String, Long> latest = new java.util.HashMap<>();
        for (Arrival a : arrivals) {
            Event e = a.event();
            boolean engineAccepted = u.onEvent(e).name().equals("ACCEPTED");
            boolean baselineAccepted = b.apply(e.id(), e.user(), e.type(), e.timestamp(), e.attrs())
                    == FixtureInlinedBaselineBenchmark.ACCEPTED;
            assertThat(baselineAccepted).as("event %s", e).isEqualTo(engineAccepted);
            if (engineAccepted) {
                accepted++;
                long max = latest.getOrDefault(e.user(), Long.MIN_VALUE);
                if (e.timestamp() < max) {
                    outOfOrder++;
                }
                latest.put(e.user(), Math.max(max, e.timestamp()));
            } else {
                rejected++;
            }
        }
        // every path was taken: duplicates and late events rejected, out-of-order events applied
        assertThat(u.counts().duplicate()).isPositive();
        assertThat(u.counts().late()).isPositive();
        assertThat(outOfOrder).isPositive();
        assertThat(accepted + rejected).isEqualTo(arrivals.size());
        assertSameProfiles(u, b, userIds);
    }

    @Test
    void lapsKeepEveryEventAccepted() {
        FixtureInlinedBaselineBenchmark b = new FixtureInlinedBaselineBenchmark();
        b.users = 50;
        b.events = 1 << 12;
        b.dedup = "within_lateness";
        b.setUp();
        for (int i = 0; i < 3 * b.events + 17; i++) {
            assertThat(b.onEvent()).isEqualTo(FixtureInlinedBaselineBenchmark.ACCEPTED);
        }
        b.check();
        // and a redelivery within the lateness is a duplicate
        Event e = Fixtures.slices(Fixtures.userIds(50), 1, 1 << 12, 42)[0][0];
        FixtureInlinedBaselineBenchmark fresh = baseline(Fixtures.userIds(50), "within_lateness");
        assertThat(fresh.apply(e.id(), e.user(), e.type(), e.timestamp(), e.attrs()))
                .isEqualTo(FixtureInlinedBaselineBenchmark.ACCEPTED);
        assertThat(fresh.apply(e.id(), e.user(), e.type(), e.timestamp(), e.attrs()))
                .isEqualTo(FixtureInlinedBaselineBenchmark.DUPLICATE);
        assertThatThrownBy(() -> baseline(Fixtures.userIds(2), "all")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'all'");
    }

    private static void assertSameProfiles(ProfileUpdater u, FixtureInlinedBaselineBenchmark b, String[] userIds) {
        long asOf = u.latestAcceptedTime().orElseThrow();
        int compared = 0;
        for (String user : userIds) {
            var profile = u.profile(user, asOf);
            Map<String, Object> ours = b.values(user, asOf);
            assertThat(ours.keySet()).as(user).containsExactlyElementsOf(profile.values().keySet());
            for (String f : ours.keySet()) {
                String what = user + " " + f;
                Object mine = ours.get(f);
                switch (f) {
                    case "order_value" -> {
                        if (profile.get(f) == null) {
                            assertThat(mine).as(what).isNull();
                        } else {
                            List<?> s = (List<?>) mine;
                            assertThat(s.get(0)).as(what).isEqualTo(profile.get("order_value.count"));
                            String[] parts = {"count", "mean", "std", "min", "max"};
                            for (int i = 1; i < parts.length; i++) {
                                close(what + "." + parts[i], (Double) s.get(i), profile.getDouble(f + "." + parts[i]));
                            }
                        }
                    }
                    case "sessions" -> {
                        List<?> s = (List<?>) mine;
                        assertThat(s.get(0)).as(what).isEqualTo(profile.get("sessions.count"));
                        Object mean = profile.get("sessions.mean_duration_s");
                        if (mean == null) {
                            assertThat(s.get(1)).as(what).isNull();
                        } else {
                            close(what + ".mean_duration_s", (Double) s.get(1), (Double) mean);
                        }
                    }
                    case "fav_categories" -> {
                        var top = profile.getTopK(f);
                        List<?> mineTop = (List<?>) mine;
                        assertThat(mineTop).as(what).hasSameSizeAs(top);
                        for (int i = 0; i < top.size(); i++) {
                            List<?> entry = (List<?>) mineTop.get(i);
                            assertThat(entry.get(0)).as(what + "[" + i + "]").isEqualTo(top.get(i).value());
                            close(what + "[" + i + "]", (Double) entry.get(1), top.get(i).weight());
                        }
                    }
                    default -> {
                        Object theirs = profile.get(f);
                        if (theirs instanceof Double d) {
                            assertThat(mine).as(what).isInstanceOf(Double.class);
                            close(what, (Double) mine, d);
                        } else {
                            // Long counts and times, String last values, nulls: exactly
                            assertThat(mine).as(what).isEqualTo(theirs);
                        }
                    }
                }
            }
            compared++;
        }
        assertThat(compared).isEqualTo(userIds.length);
        // the stream exercised the non-scalar features
        var sample = u.profile(userIds[0], asOf);
        assertThat(sample.getLong("sessions.count")).isGreaterThan(1);
        assertThat(sample.getLong("products_viewed")).isGreaterThan(1);
        assertThat(sample.getTopK("fav_categories")).hasSize(3);
    }

    private static void close(String what, double actual, double expected) {
        assertThat(Math.abs(actual - expected)).as("%s: %s vs engine %s", what, actual, expected)
                .isLessThanOrEqualTo(RELATIVE_TOLERANCE * Math.max(1.0, Math.abs(expected)));
    }
}
