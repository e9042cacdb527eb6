package dev.profilekit.core.live.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.models.ModelsConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The recommend section of a models file: the issue's example parses, bad values fail naming the key. */
class RecommendConfigTest {

    private static final String GOOD = "\"item_field\": \"product\", \"k\": 10, "
            + "\"weights\": {\"view\": 1, \"cart\": 3, \"purchase\": 5}, \"half_life\": \"P30D\", "
            + "\"exclude\": [\"purchase\"]";

    @Test
    void theIssueExampleParsesWithDefaults() {
        ModelsConfig c = ModelsConfig.fromJson("{\"recommend\": {" + GOOD + "}}");
        RecommendConfig r = c.recommend().orElseThrow();
        assertThat(r.itemField()).isEqualTo("product");
        assertThat(r.k()).isEqualTo(10);
        assertThat(r.weights()).isEqualTo(Map.of("cart", 3.0, "purchase", 5.0, "view", 1.0));
        assertThat(r.weights().keySet()).containsExactly("cart", "purchase", "view"); // sorted
        assertThat(r.halfLife()).isEqualTo(Duration.ofDays(30));
        assertThat(r.exclude()).containsExactly("purchase");
        assertThat(r.target()).isEqualTo("purchase");
        assertThat(r.maxNeighbours()).isEqualTo(50);
        assertThat(r.maxRecentItems()).isEqualTo(20);
        assertThat(r.fallback()).isEmpty();
        assertThat(c.propensity()).isEmpty();
        assertThat(r).isEqualTo(r.toBuilder().build());
        assertThat(ModelsConfig.builder().recommend(r).build()).isEqualTo(c);
    }

    @Test
    void boundsAndFallbackAreRead() {
        RecommendConfig r = ModelsConfig.fromJson("{\"recommend\": {" + GOOD + ", \"max_neighbours\": 7, "
                + "\"max_recent_items\": 3, \"target\": \"cart\", \"fallback\": {\"factors\": 4, \"seed\": 9}}}")
                .recommend().orElseThrow();
        assertThat(r.maxNeighbours()).isEqualTo(7);
        assertThat(r.maxRecentItems()).isEqualTo(3);
        assertThat(r.target()).isEqualTo("cart");
        RecommendConfig.Fallback d = RecommendConfig.Fallback.defaults();
        assertThat(r.fallback()).contains(new RecommendConfig.Fallback(4, d.alpha(), d.l2(), d.iterations(),
                d.retrainEvery(), d.trainingWindow(), d.swapMargin(), 9));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"k\": 10}|recommend.item_field: required string",
            "{\"item_field\": \"p\"}|recommend.weights: required non-empty object",
            "{\"item_field\": \"p\", \"weights\": {}}|recommend.weights: required non-empty object",
            "{\"item_field\": \"p\", \"weights\": {\"view\": -1}}|recommend.weights.view: must be a number > 0 and <= 1e6, was -1.0",
            "{\"item_field\": \"p\", \"weights\": {\"view\": \"x\"}}|recommend.weights.view: must be a number, was \"x\"",
            "{\"item_field\": \"p\", \"weights\": {\"view\": 1}, \"k\": 0}|recommend.k: must be between 1 and 1000, was 0",
            "{\"item_field\": \"p\", \"weights\": {\"view\": 1}, \"k\": 2.5}|recommend.k: must be a whole number, was 2.5",
            "{\"item_field\": \"p\", \"weights\": {\"view\": 1}, \"half_life\": \"30 days\"}|recommend.half_life: not an ISO-8601 duration",
            "{\"item_field\": \"p\", \"weights\": {\"view\": 1}, \"half_life\": \"-P1D\"}|recommend.half_life: must be a positive duration",
            "{\"item_field\": \"p\", \"weights\": {\"view\": 1}, \"exclude\": \"purchase\"}|recommend.exclude: must be an array of event types",
            "{\"item_field\": \"p\", \"weights\": {\"view\": 1}, \"exclude\": [\"a\", \"a\"]}|recommend.exclude: must not repeat a type",
            "{\"item_field\": \"p\", \"weights\": {\"view\": 1}, \"max_neighbours\": 0}|recommend.max_neighbours: must be between 1 and 10000, was 0",
            "{\"item_field\": \"p\", \"weights\": {\"view\": 1}, \"max_recent_items\": 5000}|recommend.max_recent_items: must be between 1 and 1000, was 5000",
            "{\"item_field\": \"p\", \"weights\": {\"view\": 1}, \"target\": \"purchase\"}|recommend.target: must be one of the weighted types [view], was \"purchase\"",
            "{\"item_field\": \"p\", \"weights\": {\"view\": 1}, \"neighbours\": 3}|recommend.neighbours: unknown key",
            "{\"item_field\": \"p\", \"weights\": {\"view\": 1}, \"fallback\": {\"factors\": 0}}|recommend.fallback.factors: must be between 1 and 256, was 0",
            "{\"item_field\": \"p\", \"weights\": {\"view\": 1}, \"fallback\": {\"rank\": 3}}|recommend.fallback.rank: unknown key",
    })
    void badValuesNameTheKey(String section, String message) {
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"recommend\": " + section + "}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void theBuilderChecksToo() {
        assertThatThrownBy(() -> RecommendConfig.builder(" ").weights(Map.of("view", 1.0)).build())
                .hasMessage("recommend.item_field: must be a non-blank string, was \" \"");
        assertThatThrownBy(() -> RecommendConfig.builder("p").build())
                .hasMessage("recommend.weights: must give at least one event type a weight, was null");
        assertThatThrownBy(() -> RecommendConfig.builder("p").weights(Map.of("view", Double.NaN)).build())
                .hasMessage("recommend.weights.view: must be a number > 0 and <= 1e6, was NaN");
        assertThatThrownBy(() -> RecommendConfig.builder("p").weights(Map.of("view", 1.0))
                .exclude(List.of("")).build()).hasMessageContaining("recommend.exclude: must be a list of non-blank");
    }
}
