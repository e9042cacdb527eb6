package dev.profilekit.core.engine;

import static dev.profilekit.core.testkit.SpecAssertions.assertProfilesMatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.testkit.SpecAssertions;
import dev.profilekit.features.codec.StateFormatException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The per-user kernel, with states kept by the caller and passed through the codec after every event (as a stream
 * processor's keyed state does), gives the specification's expected profiles and counts for its worked example.
 */
class ProfileKernelTest {

    private static final String DIR = FixtureReplayTest.DIR;

    @Test
    void hostKeptStatesGiveTheSpecificationsProfilesAndCounts() throws IOException {
        ProfileKernel k = ProfileKernel.of(ProfileUpdater.builder(FixtureReplayTest.schema())
                .dedupRetention(DedupRetention.ALL));
        Map<String, byte[]> stored = new TreeMap<>();
        long[] counts = new long[4];
        for (String line : SpecAssertions.lines(DIR + "events.jsonl")) {
            if (line.isBlank()) {
                continue;
            }
            Event e;
            try {
                e = k.admit(EventJson.parse(line));
            } catch (InvalidEventException x) {
                counts[3]++;
                continue;
            }
            byte[] b = stored.get(e.user());
            KernelState s = b == null ? k.newState(e.user()) : k.decode(b);
            Outcome o = k.apply(s, e);
            counts[o.ordinal()]++;
            stored.put(e.user(), k.encode(s));
        }
        JsonNode summary = SpecAssertions.MAPPER.readTree(SpecAssertions.text(DIR + "expected-summary.json"));
        assertThat(counts[Outcome.ACCEPTED.ordinal()]).isEqualTo(summary.get("accepted").asLong());
        assertThat(counts[Outcome.DUPLICATE.ordinal()]).isEqualTo(summary.get("duplicate").asLong());
        assertThat(counts[Outcome.LATE.ordinal()]).isEqualTo(summary.get("late").asLong());
        assertThat(counts[3]).isEqualTo(summary.get("rejected").asLong());

        List<JsonNode> expected = SpecAssertions.jsonLines(DIR + "expected-profiles.jsonl");
        long asOf = expected.get(0).get("as_of").asLong();
        List<JsonNode> actual = new ArrayList<>();
        for (byte[] b : stored.values()) {
            KernelState s = k.decode(b);
            if (k.hasAccepted(s)) {
                actual.add(SpecAssertions.MAPPER.readTree(ProfileJson.toJson(k.profile(s, asOf))));
            }
        }
        assertProfilesMatch(expected, actual);
    }

    @Test
    void checksArgumentsAndRefusesWhatItCannotDo() {
        ProfileKernel k = ProfileKernel.of(ProfileUpdater.builder(FixtureReplayTest.schema()));
        assertThatThrownBy(() -> ProfileKernel.of(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> k.apply(k.newState("a"), k.admit(Event.builder("e", "b", "view", 0).build())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'b'");
        KernelState s = k.newState("a");
        k.apply(s, k.admit(Event.builder("e", "a", "view", 1000).build()));
        assertThatThrownBy(() -> k.profile(s, 999)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("before the latest event");
        byte[] b = k.encode(s);
        b[b.length / 2] ^= 0x7f;
        byte[] damaged = b;
        assertThatThrownBy(() -> k.decode(java.util.Arrays.copyOf(damaged, 3))).isInstanceOf(StateFormatException.class);
    }

    /**
     * Kernel and updater built from one builder's settings (pseudonymisation, an allow-list that drops attributes,
     * a TTL, a clock that some events are too far ahead of; an attribute off the list added to some events) decide every event of the fixture alike: the same
     * outcome or reject reason, the same expiries (the host drops a state idle past the TTL at the largest event time
     * seen, as the updater does), and the same profiles at the end.
     */
    @Test
    void decidesEveryEventAsTheUpdaterDoesWithPrivacyAndTtl() throws IOException {
        byte[] secret = new byte[32];
        secret[0] = 7;
        java.util.function.Supplier<ProfileUpdater.Builder> settings = () -> ProfileUpdater
                .builder(FixtureReplayTest.schema())
                .pseudonymise(secret)
                .allowAttributes(FixtureReplayTest.schema().features().stream().map(f -> f.field())
                        .filter(java.util.Objects::nonNull).toList())
                .ttl(java.time.Duration.ofHours(12))
                .clock(java.time.Clock.fixed(java.time.Instant.parse("2026-01-09T12:00:00Z"), java.time.ZoneOffset.UTC));
        ProfileUpdater u = settings.get().build();
        ProfileKernel k = ProfileKernel.of(settings.get());
        Map<String, KernelState> states = new TreeMap<>();
        long watermark = Long.MIN_VALUE;
        int expiries = 0;
        int dropped = 0;
        Map<String, Integer> tally = new TreeMap<>();
        for (String line : SpecAssertions.lines(DIR + "events.jsonl")) {
            Event raw;
            try {
                raw = line.isBlank() ? null : EventJson.parse(line);
            } catch (InvalidEventException x) {
                continue; // not an event for either
            }
            if (raw == null) {
                continue;
            }
            if (raw.id().hashCode() % 3 == 0) { // an attribute no feature reads: off the allow-list
                Map<String, Object> attrs = new TreeMap<>(raw.attrs());
                attrs.put("ip", "192.0.2.1");
                raw = Event.of(raw.id(), raw.user(), raw.type(), raw.timestamp(), attrs);
            }
            String byUpdater;
            try {
                byUpdater = u.onEvent(raw).name();
            } catch (InvalidEventException x) {
                byUpdater = x.reason().name();
            }
            String byKernel;
            try {
                Event e = k.admit(raw);
                if (!e.attrs().keySet().equals(raw.attrs().keySet())) {
                    dropped++;
                }
                watermark = Math.max(watermark, e.timestamp());
                KernelState s = states.get(e.user());
                if (s != null && k.expired(s, watermark)) {
                    s = null;
                    expiries++;
                }
                if (s == null) {
                    s = k.newState(e.user());
                    states.put(e.user(), s);
                }
                byKernel = k.apply(s, e).name();
            } catch (InvalidEventException x) {
                byKernel = x.reason().name();
            }
            assertThat(byKernel).as("event %s", raw.id()).isEqualTo(byUpdater);
            tally.merge(byKernel, 1, Integer::sum);
        }
        // the options were exercised: every outcome occurs, events were too far ahead, states expired
        assertThat(tally).containsKeys("ACCEPTED", "DUPLICATE", "LATE", "TOO_FAR_AHEAD");
        assertThat(expiries).isPositive();
        assertThat(dropped).isPositive();

        long asOf = watermark;
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, KernelState> e : states.entrySet()) {
            KernelState s = e.getValue();
            if (k.hasAccepted(s) && !k.expired(s, watermark)) {
                keys.add(e.getKey());
                assertThat(ProfileJson.toJson(k.profile(s, asOf))).as("profile of %s", e.getKey())
                        .isEqualTo(ProfileJson.toJson(u.profileByKey(e.getKey(), asOf)));
            }
        }
        assertThat(keys).isNotEmpty().doesNotContain("u0048");
        assertThat(u.users()).containsExactlyInAnyOrderElementsOf(keys);
        u.close();
    }

    @Test
    void pseudonymisesAndFiltersAsTheUpdaterDoes() {
        byte[] key = new byte[32];
        ProfileKernel k = ProfileKernel.of(ProfileUpdater.builder(FixtureReplayTest.schema()).pseudonymise(key));
        Event e = k.admit(Event.builder("e", "alice", "view", 0).build());
        assertThat(e.user()).isEqualTo(k.key("alice")).isNotEqualTo("alice");
    }
}
