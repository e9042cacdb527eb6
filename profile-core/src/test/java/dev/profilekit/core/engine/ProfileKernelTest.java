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
            ProfileState s = b == null ? k.newState(e.user()) : k.decode(b);
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
            ProfileState s = k.decode(b);
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
        ProfileState s = k.newState("a");
        k.apply(s, k.admit(Event.builder("e", "a", "view", 1000).build()));
        assertThatThrownBy(() -> k.profile(s, 999)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("before the latest event");
        byte[] b = k.encode(s);
        b[b.length / 2] ^= 0x7f;
        byte[] damaged = b;
        assertThatThrownBy(() -> k.decode(java.util.Arrays.copyOf(damaged, 3))).isInstanceOf(StateFormatException.class);
    }

    @Test
    void pseudonymisesAndFiltersAsTheUpdaterDoes() {
        byte[] key = new byte[32];
        ProfileKernel k = ProfileKernel.of(ProfileUpdater.builder(FixtureReplayTest.schema()).pseudonymise(key));
        Event e = k.admit(Event.builder("e", "alice", "view", 0).build());
        assertThat(e.user()).isEqualTo(k.key("alice")).isNotEqualTo("alice");
    }
}
