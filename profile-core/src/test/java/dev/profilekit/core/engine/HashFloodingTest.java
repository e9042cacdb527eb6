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
 * Strings from outside (user ids, event ids) that share one {@link String#hashCode()} must not make the
 * engine's tables quadratic. Measured as probe displacement (how far each entry sits from its home slot),
 * not as time, so a busy machine cannot decide the outcome. Distinct and top-k values: StringSetFloodingTest
 * in profile-features.
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

    private static ProfileUpdater replay(List<Event> events) {
        ProfileUpdater updater = ProfileUpdater.builder(schema()).build();
        for (Event e : events) {
            updater.onEvent(e);
        }
        assertThat(updater.counts().accepted()).isEqualTo(N);
        return updater;
    }

    /**
     * Mean probe displacement of linear probing at the tables' loads (at most 0.75) is below 2 for hashes that
     * look random; with String.hashCode every colliding key would sit behind all earlier ones (mean ~N/2).
     */
    private static final double MAX_MEAN_DISPLACEMENT = 3.0;

    @Test
    void collidingUserIdsKeepProbesShort() {
        assertThat(colliding(0).hashCode()).isEqualTo(colliding(N - 1).hashCode());
        ProfileUpdater updater = replay(usersStream(HashFloodingTest::colliding));
        assertThat(updater.table().size()).isEqualTo(N);
        double mean = (double) updater.table().probeDisplacement() / N;
        assertThat(mean).as("mean displacement of %d colliding users", N).isLessThan(MAX_MEAN_DISPLACEMENT);
    }

    @Test
    void collidingEventIdsOfOneUserKeepProbesShort() {
        ProfileUpdater updater = replay(oneUserStream(HashFloodingTest::colliding, HashFloodingTest::colliding));
        double mean = (double) updater.state("u").idProbeDisplacement() / N;
        assertThat(mean).as("mean displacement of %d colliding event ids", N).isLessThan(MAX_MEAN_DISPLACEMENT);
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
