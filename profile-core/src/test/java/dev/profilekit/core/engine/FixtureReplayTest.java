package dev.profilekit.core.engine;

import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.testkit.SpecAssertions;

import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.schema.ProfileSchema;

import static dev.profilekit.core.testkit.SpecAssertions.assertProfilesMatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worked example of the specification, replayed through the Java API. */
public class FixtureReplayTest {

    static final String DIR = "/profile-stream-small/";

    /** Replays the fixture's lines; returns the updater and the number of rejected lines. */
    static Replayed replay(List<String> lines, ProfileUpdater.Builder builder) {
        ProfileUpdater u = builder.build();
        long rejected = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            try {
                u.onEvent(EventJson.parse(line));
            } catch (InvalidEventException e) {
                rejected++;
            }
        }
        return new Replayed(u, rejected);
    }

    record Replayed(ProfileUpdater updater, long rejected) {
        List<JsonNode> profiles(long asOf) throws IOException {
            List<JsonNode> out = new ArrayList<>();
            for (String user : updater.users()) {
                out.add(SpecAssertions.MAPPER.readTree(ProfileJson.toJson(updater.profile(user, asOf))));
            }
            return out;
        }
    }

    public static ProfileSchema schema() {
        return ProfileSchema.fromJson(SpecAssertions.text(DIR + "schema.json"));
    }

    @Test
    void replaysToExactlyTheExpectedProfilesAndSummary() throws IOException {
        // the fixture's counts are those of the specification's unbounded duplicate rule
        Replayed r = replay(SpecAssertions.lines(DIR + "events.jsonl"),
                ProfileUpdater.builder(schema()).dedupRetention(DedupRetention.ALL));
        JsonNode summary = SpecAssertions.MAPPER.readTree(SpecAssertions.text(DIR + "expected-summary.json"));
        ProfileUpdater.Counts c = r.updater().counts();
        assertThat(c.accepted()).isEqualTo(summary.get("accepted").asLong());
        assertThat(c.duplicate()).isEqualTo(summary.get("duplicate").asLong());
        assertThat(c.late()).isEqualTo(summary.get("late").asLong());
        assertThat(r.rejected()).isEqualTo(summary.get("rejected").asLong());

        List<JsonNode> expected = SpecAssertions.jsonLines(DIR + "expected-profiles.jsonl");
        long asOf = expected.get(0).get("as_of").asLong();
        assertThat(r.updater().latestAcceptedTime()).contains(asOf);
        assertProfilesMatch(expected, r.profiles(asOf));
    }

    @Test
    void theDefaultRetentionIsBoundedWithALatenessAndGivesTheSameProfiles() throws IOException {
        Replayed r = replay(SpecAssertions.lines(DIR + "events.jsonl"), ProfileUpdater.builder(schema()));
        List<JsonNode> expected = SpecAssertions.jsonLines(DIR + "expected-profiles.jsonl");
        assertProfilesMatch(expected, r.profiles(expected.get(0).get("as_of").asLong()));
        ProfileUpdater.Counts c = r.updater().counts();
        assertThat(c.accepted()).isEqualTo(2948);
        assertThat(c.duplicate() + c.late()).isEqualTo(129 + 55);
        assertThat(c.late()).isGreaterThan(55); // old redeliveries now count as late: the ids were forgotten
    }

    @Test
    void boundedDedupRetentionGivesTheSameProfiles() throws IOException {
        Replayed r = replay(SpecAssertions.lines(DIR + "events.jsonl"),
                ProfileUpdater.builder(schema()).dedupRetention(DedupRetention.WITHIN_LATENESS));
        List<JsonNode> expected = SpecAssertions.jsonLines(DIR + "expected-profiles.jsonl");
        assertProfilesMatch(expected, r.profiles(expected.get(0).get("as_of").asLong()));
        ProfileUpdater.Counts c = r.updater().counts();
        // same events ignored in total; only the duplicate/late split may differ
        assertThat(c.duplicate() + c.late()).isEqualTo(129 + 55);
    }

    @Test
    void applyUpToEvaluatesAnEarlierAsOfLikeAFilteredReplay() throws IOException {
        List<String> lines = SpecAssertions.lines(DIR + "events.jsonl");
        long cut = 1767700000000L;
        Replayed limited = replay(lines, ProfileUpdater.builder(schema()).applyUpTo(cut));
        // Reference: acceptance decided over the whole stream, then only ts <= cut applied.
        // Build it independently: replay everything once to learn which events were accepted,
        // then feed only the accepted events with ts <= cut, in order, to a fresh updater.
        ProfileUpdater whole = ProfileUpdater.builder(schema()).build();
        ProfileUpdater reference = ProfileUpdater.builder(schema()).build();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            Event e;
            try {
                e = EventJson.parse(line);
            } catch (InvalidEventException ex) {
                continue;
            }
            if (whole.onEvent(e) == Outcome.ACCEPTED && e.timestamp() <= cut) {
                assertThat(reference.onEvent(e)).isEqualTo(Outcome.ACCEPTED);
            }
        }
        List<JsonNode> expected = new ArrayList<>();
        List<JsonNode> actual = limited.profiles(cut);
        for (String user : limited.updater().users()) {
            expected.add(SpecAssertions.MAPPER.readTree(ProfileJson.toJson(reference.profile(user, cut))));
        }
        assertProfilesMatch(expected, actual);
        assertThat(limited.updater().counts()).isEqualTo(whole.counts());
    }

    @Test
    void refusesToEvaluateBeforeTheLatestEvent() {
        // the fixture's counts are those of the specification's unbounded duplicate rule
        Replayed r = replay(SpecAssertions.lines(DIR + "events.jsonl"),
                ProfileUpdater.builder(schema()).dedupRetention(DedupRetention.ALL));
        long latest = r.updater().profile("u0000").orElseThrow().asOf();
        assertThatThrownBy(() -> r.updater().profile("u0000", latest - 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("u0000").hasMessageContaining(String.valueOf(latest));
    }
}
