package dev.profilekit.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.live.VectorPipeline;
import dev.profilekit.core.live.propensity.PropensityConfig;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.InvalidEventException;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileKitMetricsTest {

    private static final long NOW = 1_772_000_000_000L;
    private static final ProfileSchema SCHEMA = ProfileSchema.builder()
            .feature(FeatureSpec.count("views", "view"))
            .feature(FeatureSpec.count("purchases", "purchase")).build();

    @Test
    void countersFollowTheUpdater() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProfileUpdater u = ProfileUpdater.builder(SCHEMA)
                .clock(Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC)).build()) {
            new ProfileKitMetrics(u, Tags.of("service", "shop")).bindTo(registry);
            u.onEvent(Event.builder("e1", "a", "view", NOW).build());
            u.onEvent(Event.builder("e1", "a", "view", NOW).build());
            u.onEvent(Event.builder("e2", "b", "view", NOW).build());
            u.onEvent(Event.builder("e3", "b", "view", NOW - Duration.ofDays(1).toMillis()).build());
            u.countRejected(InvalidEventException.Reason.NOT_UTF8);

            assertThat(registry.get("profilekit.events").tags("outcome", "accepted", "service", "shop")
                    .functionCounter().count()).isEqualTo(3.0);
            assertThat(registry.get("profilekit.events").tag("outcome", "duplicate").functionCounter().count())
                    .isEqualTo(1.0);
            assertThat(registry.get("profilekit.events").tag("outcome", "late").functionCounter().count()).isZero();
            assertThat(registry.get("profilekit.rejects").tag("reason", "NOT_UTF8").functionCounter().count())
                    .isEqualTo(1.0);
            assertThat(registry.get("profilekit.rejects").tag("reason", "NOT_JSON").functionCounter().count())
                    .isZero();
            assertThat(registry.get("profilekit.profiles").tag("where", "memory").gauge().value()).isEqualTo(2.0);
            assertThat(registry.find("profilekit.profiles").tag("where", "store").gauge()).isNull();
            assertThat(registry.find("profilekit.model.version").gauge()).isNull();
        }
    }

    @Test
    void modelGaugesWithLiveModels() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ModelsConfig models = ModelsConfig.builder().propensity(PropensityConfig.builder("purchase")
                .horizon(Duration.ofDays(1)).sampleInterval(Duration.ofHours(1))
                .features(List.of(VectorPipeline.Input.of("views"))).build()).build();
        try (ProfileUpdater u = ProfileUpdater.builder(SCHEMA).models(models)
                .clock(Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC)).build()) {
            new ProfileKitMetrics(u).bindTo(registry);
            u.onEvent(Event.builder("e1", "a", "view", NOW).build());
            assertThat(registry.get("profilekit.model.version").gauge().value())
                    .isEqualTo((double) u.modelStatus().orElseThrow().modelVersion());
            assertThat(registry.get("profilekit.model.prequential.auc").gauge().value()).isNaN();
        }
    }

    @Test
    void checksArguments() {
        try (ProfileUpdater u = ProfileUpdater.builder(SCHEMA).build()) {
            assertThatThrownBy(() -> new ProfileKitMetrics(null)).hasMessageContaining("updater");
            assertThatThrownBy(() -> new ProfileKitMetrics(u, null)).hasMessageContaining("tags");
            assertThatThrownBy(() -> new ProfileKitMetrics(u).bindTo(null)).hasMessageContaining("registry");
        }
    }
}
