package dev.profilekit.core.engine;

import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.testkit.SpecAssertions;

import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.io.ProfileJson;

import static dev.profilekit.core.testkit.SpecAssertions.assertProfilesMatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Invariants of the engine over random streams: order within the allowed lateness, redelivery and
 * garbage never change a profile.
 */
class ProfilePropertiesTest {

    private static final long HOUR = 3_600_000L;
    private static final long LATENESS = 6 * HOUR;
    private static final String[] TYPES = {"view", "cart", "purchase", "search"};
    private static final String[] CATEGORIES = {"books", "games", "garden", "music", "toys", "tools"};

    /** Random valid events for a few users, with distinct times per user, sorted by time. */
    static List<Event> stream(long seed, int n) {
        Random r = new Random(seed);
        List<Event> out = new ArrayList<>();
        Set<Long> used = new HashSet<>();
        long t = 1_767_225_600_000L;
        for (int i = 0; i < n; i++) {
            t += 1 + (long) (r.nextDouble() * r.nextDouble() * 4 * HOUR);
            String user = "u" + r.nextInt(5);
            long ts = t;
            while (!used.add(ts * 31 + user.hashCode())) {
                ts++;
            }
            Event.Builder b = Event.builder("e" + i, user, TYPES[r.nextInt(TYPES.length)], ts)
                    .attr("category", CATEGORIES[r.nextInt(CATEGORIES.length)])
                    .attr("product", "p" + r.nextInt(40));
            if (r.nextBoolean()) {
                b.attr("amount", Math.round(r.nextDouble() * 10000) / 100.0);
            }
            out.add(b.build());
        }
        out.sort(Comparator.comparingLong(Event::timestamp));
        return out;
    }

    /** Delivers each event at ts + a random delay within the lateness: never late, order shuffled. */
    static List<Event> shuffleWithinLateness(List<Event> sorted, long seed) {
        Random r = new Random(seed);
        List<long[]> keyed = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            keyed.add(new long[] {sorted.get(i).timestamp() + (long) (r.nextDouble() * LATENESS), i});
        }
        keyed.sort(Comparator.comparingLong((long[] k) -> k[0]).thenComparingLong(k -> k[1]));
        List<Event> out = new ArrayList<>();
        for (long[] k : keyed) {
            out.add(sorted.get((int) k[1]));
        }
        return out;
    }

    static List<JsonNode> profiles(List<Event> events, long asOf) throws IOException {
        ProfileUpdater u = ProfileUpdater.builder(FixtureReplayTest.schema()).build();
        for (Event e : events) {
            u.onEvent(e);
        }
        List<JsonNode> out = new ArrayList<>();
        for (String user : u.users()) {
            out.add(SpecAssertions.MAPPER.readTree(ProfileJson.toJson(u.profile(user, asOf))));
        }
        return out;
    }

    static long end(List<Event> events) {
        return events.stream().mapToLong(Event::timestamp).max().orElseThrow();
    }

    @Property(tries = 40)
    void shufflingWithinTheAllowedLatenessChangesNoValue(@ForAll long seed, @ForAll @IntRange(min = 1, max = 400) int n)
            throws IOException {
        List<Event> sorted = stream(seed, n);
        List<Event> shuffled = shuffleWithinLateness(sorted, seed ^ 0x5DEECE66DL);
        ProfileUpdater check = ProfileUpdater.builder(FixtureReplayTest.schema()).build();
        for (Event e : shuffled) {
            assertThat(check.onEvent(e)).isEqualTo(Outcome.ACCEPTED);
        }
        assertProfilesMatch(profiles(sorted, end(sorted)), profiles(shuffled, end(sorted)));
    }

    @Property(tries = 40)
    void redeliveringEveryEventGivesTheSameProfiles(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int n)
            throws IOException {
        List<Event> once = shuffleWithinLateness(stream(seed, n), seed + 1);
        List<Event> twice = new ArrayList<>(once);
        Random r = new Random(seed);
        for (int i = 0; i < once.size(); i++) {
            // each redelivery lands anywhere after its original
            int pos = twice.indexOf(once.get(i)) + 1;
            twice.add(pos + r.nextInt(twice.size() - pos + 1), once.get(i));
        }
        ProfileUpdater u = ProfileUpdater.builder(FixtureReplayTest.schema()).dedupRetention(DedupRetention.ALL).build();
        twice.forEach(u::onEvent);
        assertThat(u.counts().duplicate()).isEqualTo(once.size());
        assertProfilesMatch(profiles(once, end(once)), profiles(twice, end(once)));
        // the default, bounded retention ignores the same events, some of them as late
        ProfileUpdater bounded = ProfileUpdater.builder(FixtureReplayTest.schema()).build();
        twice.forEach(bounded::onEvent);
        assertThat(bounded.counts().duplicate() + bounded.counts().late()).isEqualTo(once.size() + u.counts().late());
    }

    @Provide
    Arbitrary<List<String>> garbage() {
        Arbitrary<String> any = Arbitraries.strings().ofMaxLength(80);
        Arbitrary<String> jsonish = Arbitraries.strings().withChars("{}[]\":,0123456789.-eE tnulrsafxNIy").ofMaxLength(60);
        Arbitrary<String> broken = Arbitraries.of(
                "{\"id\":\"g\",\"user\":\"u1\",\"type\":\"view\",\"ts\":1767225600000.5}",
                "{\"id\":\"g\",\"user\":\"u1\",\"type\":\"view\",\"ts\":\"2026-01-01T00:00:00\"}",
                "{\"id\":\"g\",\"user\":\"u1\",\"type\":\"view\",\"ts\":\"2026-01-01T00:00:00.1234Z\"}",
                "{\"id\":\"g\",\"user\":\"u1\",\"type\":\"view\",\"ts\":\"2026-01-01T00:00Z\"}",
                "{\"id\":\"g\",\"user\":\"u1\",\"type\":\"view\",\"ts\":1767225600000,\"attrs\":{\"amount\":\"NaN\",\"x\":null}}",
                "{\"id\":\"g\",\"user\":\"u1\",\"type\":\"view\",\"ts\":1767225600000,\"attrs\":{\"a\":1e999}}",
                "{\"id\":\"g\",\"user\":\"u1\",\"type\":\"view\",\"ts\":1767225600000} trailing",
                "{\"id\":\"g\",\"id\":\"h\",\"user\":\"u1\",\"type\":\"view\",\"ts\":1767225600000}",
                "{\"id\":7,\"user\":\"u1\",\"type\":\"view\",\"ts\":1767225600000}",
                "{\"id\":\"g\",\"user\":\"u1\",\"type\":\"\\t\",\"ts\":1767225600000}",
                "{\"id\":\"g\",\"user\":\"u1\",\"type\":\"view\",\"ts\":99999999999999999999}",
                "[1,2,3]", "null", "42", "\"event\"");
        return Arbitraries.oneOf(any, jsonish, broken).filter(s -> !s.isBlank()).list().ofMaxSize(30);
    }

    @Property(tries = 60)
    void garbageIsRejectedAndChangesNoProfile(@ForAll long seed, @ForAll("garbage") List<String> junk)
            throws IOException {
        List<Event> events = stream(seed, 60);
        ProfileUpdater clean = ProfileUpdater.builder(FixtureReplayTest.schema()).build();
        ProfileUpdater dirty = ProfileUpdater.builder(FixtureReplayTest.schema()).build();
        Random r = new Random(seed);
        int j = 0;
        for (Event e : events) {
            clean.onEvent(e);
            while (j < junk.size() && r.nextBoolean()) {
                String line = junk.get(j++);
                assertThatThrownBy(() -> dirty.onEvent(EventJson.parse(line)))
                        .as("line %s", line).isInstanceOf(InvalidEventException.class);
            }
            dirty.onEvent(e);
        }
        assertThat(dirty.counts()).isEqualTo(clean.counts());
        long asOf = end(events);
        for (String user : clean.users()) {
            assertThat(ProfileJson.toJson(dirty.profile(user, asOf))).isEqualTo(ProfileJson.toJson(clean.profile(user, asOf)));
        }
        assertThat(dirty.users()).isEqualTo(clean.users());
    }
}
