package dev.profilekit.core.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.live.VectorPipeline;
import dev.profilekit.core.live.propensity.PropensityConfig;
import dev.profilekit.core.live.segments.SegmentsConfig;
import dev.profilekit.core.testkit.SpecAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The models file and the section builders: defaults, 64-bit seeds, ISO-8601 durations, error messages. */
class ModelsConfigTest {

    private static final List<VectorPipeline.Input> X = List.of(VectorPipeline.Input.of("x"));

    @Test
    void buildersHoldTheDefaultsAndTheParsedFileEqualsTheBuiltSections() {
        ModelsConfig parsed = ModelsConfig.fromJson("{\"propensity\":{\"label_type\":\"purchase\",\"horizon\":\"P1D\","
                + "\"sample_interval\":\"PT12H\",\"features\":[\"x\",{\"name\":\"since\",\"cap\":2592000},"
                + "{\"name\":\"cat\",\"buckets\":4,\"signed\":false,\"missing\":\"zero\"}],"
                + "\"learner\":{\"learning_rate\":0.1},\"retrain_every\":300},"
                + "\"segments\":{\"k\":4,\"features\":[{\"name\":\"cat\",\"values\":[\"a\",\"b\"]}],"
                + "\"half_life_samples\":500,\"seed\":8589934593,\"restarts\":3,\"sample_interval\":\"PT30M\"}}");
        PropensityConfig p = PropensityConfig.builder("purchase").horizon(Duration.ofDays(1))
                .sampleInterval(Duration.ofHours(12))
                .features(List.of(VectorPipeline.Input.of("x"), VectorPipeline.Input.builder("since").cap(2_592_000).build(),
                        VectorPipeline.Input.builder("cat").buckets(4).signedHash(false)
                                .missing(VectorPipeline.Missing.ZERO).build()))
                .learningRate(0.1).retrainEvery(300).build();
        assertThat(parsed.propensity()).contains(p);
        assertThat(p.onlineL2()).isEqualTo(1e-4);
        assertThat(p.batchL2()).isEqualTo(1.0);
        assertThat(p.trainingWindow()).isEqualTo(20_000);
        assertThat(p.minExamples()).isEqualTo(200);
        assertThat(p.publishEvery()).isEqualTo(50);
        assertThat(p.drift()).isEqualTo("page_hinkley");
        assertThat(p.toBuilder().build()).isEqualTo(p);
        SegmentsConfig s = parsed.segments().orElseThrow();
        assertThat(s.seed()).isEqualTo(8_589_934_593L);               // beyond 32 bits: parsed as a long
        assertThat(s.halfLifeSamples()).isEqualTo(500.0);
        assertThat(s.restarts()).isEqualTo(3);
        assertThat(s.sampleInterval()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.refitEvery()).isEqualTo(5000);
        assertThat(SegmentsConfig.builder(4).features(X).build().restarts()).isEqualTo(10);
        assertThat(SegmentsConfig.builder(4).features(X).build().seed()).isEqualTo(42L);
        assertThat(s.toBuilder().build()).isEqualTo(s);
        assertThat(VectorPipeline.Input.of("x").signedHash()).isTrue();
        assertThat(VectorPipeline.Input.of("x").buckets()).isEqualTo(8);
    }

    @Test
    void theOldNumericHalfLifeIsRefusedWithOneLineNamingTheKeyAndItsReplacement() {
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"segments\":{\"k\":4,\"features\":[\"x\"],\"half_life\":20000}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("segments.half_life: no longer accepted (was 20000); the online k-means half-life is a "
                        + "number of samples: use \"half_life_samples\"");
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"segments\":{\"k\":4,\"features\":[\"x\"],\"half_life\":\"P1D\"}}"))
                .hasMessageStartingWith("segments.half_life: no longer accepted (was \"P1D\")");
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"segments\":{\"k\":4,\"features\":[\"x\"],\"seed\":1.5}}"))
                .hasMessage("segments.seed: must be a whole number (64-bit), was 1.5");
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"segments\":{\"k\":4,\"features\":[\"x\"],\"sample_interval\":60}}"))
                .hasMessage("segments.sample_interval: must be an ISO-8601 duration string, was 60");
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"segments\":{\"k\":4,\"features\":[\"x\"],\"half_life_samples\":0}}"))
                .hasMessage("segments.half_life_samples: must be > 0 and <= 1e12 (a number of samples), was 0.0");
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"segments\":{\"k\":4,\"features\":[{\"name\":\"x\",\"signed\":1}]}}"))
                .hasMessage("segments.features[0].signed: must be true or false, was 1");
    }

    @Test
    void buildersNameTheKeyAndTheValue() {
        PropensityConfig.Builder b = PropensityConfig.builder("purchase").horizon(Duration.ofDays(1))
                .sampleInterval(Duration.ofHours(1)).features(X);
        assertThatThrownBy(() -> PropensityConfig.builder(" ").horizon(Duration.ofDays(1))
                .sampleInterval(Duration.ofHours(1)).features(X).build())
                .hasMessage("propensity.label_type: must be a non-blank string, was \" \"");
        assertThatThrownBy(() -> PropensityConfig.builder("p").sampleInterval(Duration.ofHours(1)).features(X).build())
                .hasMessage("propensity.horizon: must be a positive duration of whole ms, at most 100 years, was null");
        assertThatThrownBy(() -> PropensityConfig.builder("p").horizon(Duration.ofNanos(1)).sampleInterval(Duration.ofHours(1)).features(X).build())
                .hasMessage("propensity.horizon: must be a positive duration of whole ms, at most 100 years, was PT0.000000001S");
        assertThatThrownBy(() -> b.retrainEvery(0).build()).hasMessage("propensity.retrain_every: must be >= 1, was 0");
        assertThatThrownBy(() -> b.retrainEvery(10).holdoutFraction(1.0).build())
                .hasMessage("propensity.holdout_fraction: must be in (0, 1), was 1.0");
        assertThatThrownBy(() -> b.holdoutFraction(0.2).drift("cusum").build())
                .hasMessage("propensity.drift: must be page_hinkley, adwin or none, was \"cusum\"");
        assertThatThrownBy(() -> b.drift("none").features(List.of()).build())
                .hasMessage("propensity.features: must list at least one feature, was []");
        assertThatThrownBy(() -> SegmentsConfig.builder(1).features(X).build())
                .hasMessage("segments.k: must be >= 2, was 1");
        assertThatThrownBy(() -> SegmentsConfig.builder(4).features(X).trainingWindow(39).build())
                .hasMessage("segments.training_window: must be between 10 k = 40 and 1000000, was 39");
        assertThatThrownBy(() -> SegmentsConfig.builder(4).features(X).restarts(0).build())
                .hasMessage("segments.restarts: must be between 1 and 1000, was 0");
        assertThatThrownBy(() -> VectorPipeline.Input.builder("c").buckets(0).build())
                .hasMessage("feature 'c': buckets (and values) must be between 1 and 1000000, was 0");
        assertThatThrownBy(() -> VectorPipeline.Input.builder("c").values(List.of("a", "a")).build())
                .hasMessage("feature 'c': values must be distinct, was [a, a]");
        assertThatThrownBy(() -> VectorPipeline.Input.of(null)).hasMessage("name must be a non-blank string, was null");
    }

    @Test
    void theExampleModelsFilesParse() throws Exception {
        // examples/live/models.json (in this repository) and the copy the tests replay
        Path example = Path.of("..", "examples", "live", "models.json");
        assertThat(example).exists();
        ModelsConfig fromExample = ModelsConfig.fromJson(Files.readString(example));
        assertThat(fromExample.segments().orElseThrow().halfLifeSamples()).isEqualTo(20_000.0);
        assertThat(ModelsConfig.fromJson(SpecAssertions.text("/live-models.json"))).isEqualTo(fromExample);
    }
}
