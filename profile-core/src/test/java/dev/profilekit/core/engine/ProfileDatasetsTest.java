package dev.profilekit.core.engine;

import dev.profilekit.core.testkit.SpecAssertions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.features.transform.Dataset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Profiles as a Dataset, checked against the fixture's expected profiles. */
class ProfileDatasetsTest {

    @Test
    void oneRowPerUserWithNestedPartsAndNaNForNull() {
        FixtureReplayTest.Replayed r = FixtureReplayTest.replay(
                SpecAssertions.lines(FixtureReplayTest.DIR + "events.jsonl"),
                ProfileUpdater.builder(FixtureReplayTest.schema()));
        List<JsonNode> expected = SpecAssertions.jsonLines(FixtureReplayTest.DIR + "expected-profiles.jsonl");
        long asOf = expected.get(0).get("as_of").asLong();
        List<String> cols = List.of("views", "spend_decay_7d", "order_value.mean", "sessions.count", "since_purchase");
        Dataset d = ProfileDatasets.of(r.updater(), cols, asOf);
        assertThat(d.columns()).containsExactlyElementsOf(cols);
        double[][] x = d.toArray();
        assertThat(x.length).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode f = expected.get(i).get("features");
            assertThat(x[i][0]).isEqualTo(f.get("views").asDouble());
            assertThat(x[i][1]).isCloseTo(f.get("spend_decay_7d").asDouble(),
                    org.assertj.core.api.Assertions.within(1e-9 * Math.max(1, f.get("spend_decay_7d").asDouble())));
            JsonNode ov = f.get("order_value");
            if (ov.isNull()) {
                assertThat(x[i][2]).isNaN();
            } else {
                assertThat(x[i][2]).isCloseTo(ov.get("mean").asDouble(), org.assertj.core.api.Assertions.within(1e-9));
            }
            assertThat(x[i][3]).isEqualTo(f.get("sessions").get("count").asDouble());
            JsonNode since = f.get("since_purchase");
            if (since.isNull()) {
                assertThat(x[i][4]).isNaN();
            } else {
                assertThat(x[i][4]).isCloseTo(since.asDouble(), org.assertj.core.api.Assertions.within(1e-9));
            }
        }
        assertThatThrownBy(() -> ProfileDatasets.of(r.updater(), List.of("last_category"), asOf))
                .hasMessageContaining("'last_category' is not numeric");
        assertThatThrownBy(() -> ProfileDatasets.of(r.updater(), List.of(), asOf)).hasMessageContaining("columns");
    }
}
