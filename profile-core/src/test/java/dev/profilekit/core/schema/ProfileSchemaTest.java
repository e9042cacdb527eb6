package dev.profilekit.core.schema;

import dev.profilekit.core.engine.FixtureReplayTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProfileSchemaTest {

    @Test
    void loadsTheFixtureSchema() {
        ProfileSchema s = FixtureReplayTest.schema();
        assertThat(s.allowedLateness()).contains(Duration.ofHours(6));
        assertThat(s.features()).hasSize(17);
        FeatureSpec top = s.feature("fav_categories").orElseThrow();
        assertThat(top.kind()).isEqualTo(FeatureKind.TOP_K);
        assertThat(top.capacity()).isEqualTo(FeatureSpec.DEFAULT_TOP_K_CAPACITY);
        assertThat(top.halfLife()).isEqualTo(Duration.ofDays(2));
        assertThat(s.feature("views_6h").orElseThrow().buckets()).isEqualTo(6);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"name\":\"f\",\"kind\":\"median\"}|feature 'f': unknown kind 'median'",
            "{\"name\":\"f\",\"kind\":\"sum\"}|feature 'f': missing parameter 'field'",
            "{\"name\":\"f\",\"kind\":\"decayed_count\",\"half_life\":\"1 day\"}|feature 'f': 'half_life' is not an ISO-8601 duration",
            "{\"name\":\"f\",\"kind\":\"decayed_count\",\"half_life\":\"P1M\"}|feature 'f': 'half_life' is not an ISO-8601 duration",
            "{\"name\":\"f\",\"kind\":\"window_count\",\"window\":\"PT1H\",\"buckets\":7}|feature 'f': 'window' PT1H (3600000 ms) is not a whole multiple",
            "{\"name\":\"f\",\"kind\":\"window_count\",\"window\":\"PT1H\"}|feature 'f': missing parameter 'buckets'",
            "{\"name\":\"f\",\"kind\":\"count\",\"field\":\"amount\"}|feature 'f': parameter 'field' does not apply",
            "{\"name\":\"f\",\"kind\":\"count\",\"typo\":1}|feature 'f': unknown parameter 'typo'",
            "{\"name\":\"f\",\"kind\":\"top_k\",\"field\":\"c\",\"k\":5,\"capacity\":3}|feature 'f': 'capacity' must be >= k",
            "{\"name\":\"f\",\"kind\":\"top_k\",\"field\":\"c\",\"k\":0}|feature 'f': 'k' must be a whole number >= 1",
            "{\"name\":\"f\",\"kind\":\"ratio\",\"numerator\":\"a\",\"denominator\":\"nope\"}|feature 'f': numerator 'a' is not a feature",
            "{\"name\":\"f\",\"kind\":\"sessions\"}|feature 'f': missing parameter 'gap'",
            "{\"kind\":\"count\"}|feature #0 needs a non-blank string 'name'"})
    void errorsNameTheFeatureAndTheProblem(String feature, String message) {
        assertThatThrownBy(() -> ProfileSchema.fromJson("{\"features\":[" + feature + "]}"))
                .isInstanceOf(SchemaException.class).hasMessageContaining(message);
    }

    @Test
    void ratioMustNameAScalarFeatureAndNamesAreUnique() {
        assertThatThrownBy(() -> ProfileSchema.builder()
                .feature(FeatureSpec.stats("s", "amount"))
                .feature(FeatureSpec.count("c"))
                .feature(FeatureSpec.ratio("r", "s", "c")).build())
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("feature 'r'").hasMessageContaining("'s' is a stats feature");
        assertThatThrownBy(() -> ProfileSchema.builder()
                .feature(FeatureSpec.count("c")).feature(FeatureSpec.count("c", "view")).build())
                .isInstanceOf(SchemaException.class).hasMessage("feature 'c': duplicate feature name");
    }

    @Test
    void badTopLevelInputIsReported() {
        assertThatThrownBy(() -> ProfileSchema.fromJson("{\"features\":[], \"lateness\":\"PT1H\"}"))
                .hasMessageContaining("unknown schema key 'lateness'");
        assertThatThrownBy(() -> ProfileSchema.fromJson("{\"allowed_lateness\":\"six hours\",\"features\":[]}"))
                .hasMessageContaining("'allowed_lateness' is not an ISO-8601 duration");
        assertThatThrownBy(() -> ProfileSchema.fromJson("[1,2]")).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> ProfileSchema.fromJson("{\"features\":")).hasMessageContaining("not valid JSON");
    }
}
