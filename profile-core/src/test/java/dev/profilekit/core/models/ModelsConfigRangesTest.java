package dev.profilekit.core.models;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every number and duration of a models file is range-checked when it is loaded, with a one-line message
 * naming the key; nothing overflows or allocates by the value first (issue 11, rule 6).
 */
class ModelsConfigRangesTest {

    private static final String P = "{\"propensity\":{\"label_type\":\"purchase\",\"horizon\":\"P1D\","
            + "\"sample_interval\":\"PT6H\",\"features\":[\"n\"]%s}}";
    private static final String S = "{\"segments\":{\"k\":%s,\"features\":[\"n\"]%s}}";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'{\"propensity\":{\"label_type\":\"purchase\",\"horizon\":\"P40000D\",\"sample_interval\":\"PT6H\",\"features\":[\"n\"]}}'|propensity.horizon",
            "'{\"propensity\":{\"label_type\":\"purchase\",\"horizon\":\"PT9999999999999999H\",\"sample_interval\":\"PT6H\",\"features\":[\"n\"]}}'|propensity.horizon",
            "'P:,\"training_window\":1000000000'|propensity.training_window",
            "'P:,\"recent_window\":2000000000'|propensity.recent_window",
            "'P:,\"min_examples\":30000'|propensity.min_examples",
            "'S:300000000:'|segments.k",
            "'S:4:,\"restarts\":100000'|segments.restarts",
            "'S:4:,\"half_life_samples\":1e300'|segments.half_life_samples",
            "'S:4:,\"training_window\":2000000'|segments.training_window",
            "'{\"forecast\":{\"type\":\"view\",\"days\":4294967303}}'|forecast.days",
            "'{\"forecast\":{\"type\":\"view\",\"days\":7.9}}'|forecast.days",
            "'{\"segments\":{\"k\":4,\"features\":[{\"name\":\"c\",\"buckets\":2000000}]}}'|buckets",
    })
    void outOfRangeValuesFailWhenLoadedNamingTheKey(String json, String key) {
        String text = json.startsWith("P:") ? String.format(P, json.substring(2))
                : json.startsWith("S:") ? String.format(S, json.split(":", 3)[1], json.split(":", 3)[2]) : json;
        assertThatThrownBy(() -> ModelsConfig.fromJson(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"n|count", "spend|sum"})
    void vocabularyValuesOnANumericFeatureFailWhenTheUpdaterIsBuilt(String feature, String kind) {
        ProfileSchema schema = ProfileSchema.builder().feature(FeatureSpec.count("n"))
                .feature(FeatureSpec.sum("spend", "amount")).build();
        ModelsConfig config = ModelsConfig.fromJson("{\"segments\":{\"k\":2,\"features\":[{\"name\":\"" + feature
                + "\",\"values\":[\"a\",\"b\"]}]}}");
        assertThatThrownBy(() -> ProfileUpdater.builder(schema).models(config).build())
                .hasMessageContaining("values").hasMessageContaining("'" + feature + "' is a " + kind + " feature");
    }
}
