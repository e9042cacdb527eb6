package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.schema.FeatureKind;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Strings from outside (user ids, event ids, distinct values, top-k values) that share one
 * {@link String#hashCode()} must not make the engine's tables quadratic: 32,768 colliding strings replay
 * in at most 3 times the time of 32,768 ordinary ones (with String.hashCode tables they took ~75 times).
 * Times are the best of a few runs, after a warm-up, so a busy machine does not decide the outcome.
 */
class HashFloodingTest {

    private static final int N = 1 << 15;
    private static final double MAX_RATIO = 3.0;
    private static final long T0 = 1_767_225_600_000L;

    /** The {@code i}-th of 2^15 strings that all have the same String.hashCode ("Aa" and "BB" blocks). */
    static String colliding(int i) {
        StringBuilder b = new StringBuilder(30);
        for (int k = 0; k < 15; k++) {
            b.append((i >>> k & 1) == 0 ? "Aa" : "BB");
        }
        return b.toString();
    }

    /** An ordinary string of the same length. */
    static String ordinary(int i) {
        return String.format("%030d", (long) i * 2_654_435_761L);
    }

    private static ProfileSchema schema() {
        return ProfileSchema.builder()
                .feature(FeatureSpec.count("events"))
                .feature(FeatureSpec.distinctCount("products", "product"))
                .feature(new FeatureSpec("top_products", FeatureKind.TOP_K, List.of(), "product", null, null, 0, 3, N,
                        null, null, null))
                .build();
    }

    private static List<Event> usersStream(IntFunction<String> name) {
        List<Event> events = new ArrayList<>(N);
        for (int i = 0; i < N; i++) {
            events.add(Event.of("e", name.apply(i), "view", T0 + i, Map.of("product", "p")));
        }
        return events;
    }

    private static List<Event> oneUserStream(IntFunction<String> ids, IntFunction<String> products) {
        List<Event> events = new ArrayList<>(N);
        for (int i = 0; i < N; i++) {
            events.add(Event.of(ids.apply(i), "u", "view", T0 + i, Map.of("product", products.apply(i))));
        }
        return events;
    }

    private static long replayNanos(List<Event> events) {
        ProfileUpdater updater = ProfileUpdater.builder(schema()).build();
        long start = System.nanoTime();
        for (Event e : events) {
            updater.onEvent(e);
        }
        long took = System.nanoTime() - start;
        assertThat(updater.counts().accepted()).isEqualTo(N);
        return took;
    }

    private static void assertNotQuadratic(List<Event> normal, List<Event> flood) {
        long ordinary = Long.MAX_VALUE;
        long colliding = Long.MAX_VALUE;
        for (int run = 0; run < 8; run++) { // alternating, best of each after the first two (warm-up)
            long o = replayNanos(normal);
            long c = replayNanos(flood);
            if (run >= 2) {
                ordinary = Math.min(ordinary, o);
                colliding = Math.min(colliding, c);
            }
        }
        assertThat((double) colliding / ordinary)
                .as("colliding %d ms vs ordinary %d ms", colliding / 1_000_000, ordinary / 1_000_000)
                .isLessThanOrEqualTo(MAX_RATIO);
    }

    @Test
    void collidingUserIds() {
        assertThat(colliding(0).hashCode()).isEqualTo(colliding(N - 1).hashCode());
        assertNotQuadratic(usersStream(HashFloodingTest::ordinary), usersStream(HashFloodingTest::colliding));
    }

    @Test
    void collidingEventIdsDistinctValuesAndTopKValuesOfOneUser() {
        assertNotQuadratic(oneUserStream(HashFloodingTest::ordinary, HashFloodingTest::ordinary),
                oneUserStream(HashFloodingTest::colliding, HashFloodingTest::colliding));
    }

    @Test
    void collidingUsersAreStillExact() {
        ProfileUpdater updater = ProfileUpdater.builder(schema()).build();
        for (Event e : oneUserStream(HashFloodingTest::colliding, HashFloodingTest::colliding)) {
            updater.onEvent(e);
        }
        Profile p = updater.profile("u").orElseThrow();
        assertThat(p.getLong("events")).isEqualTo(N);
        // exact up to 10,000 values, then an HLL with a relative standard error of ~1.6%
        assertThat((double) p.getLong("products")).isCloseTo(N, org.assertj.core.data.Percentage.withPercentage(5));
        // every id was new: a redelivery of any of them is a duplicate
        assertThat(updater.onEvent(Event.of(colliding(12_345), "u", "view", T0, Map.of()))).isEqualTo(Outcome.DUPLICATE);
    }
}
