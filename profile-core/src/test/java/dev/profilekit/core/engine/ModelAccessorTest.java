package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.live.forecast.ForecastModel;
import dev.profilekit.core.live.forecast.LiveForecast;
import dev.profilekit.core.live.propensity.LivePropensity;
import dev.profilekit.core.live.propensity.PropensityModel;
import dev.profilekit.core.live.recommend.LiveRecommender;
import dev.profilekit.core.live.segments.LiveSegments;
import dev.profilekit.core.live.segments.SegmentsModel;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.ModelStatus;
import dev.profilekit.core.testkit.SpecAssertions;
import org.junit.jupiter.api.Test;

/** {@link ProfileUpdater#model(Class)}: one typed accessor for every live model and its fitted versions. */
class ModelAccessorTest {

    private static final long H = 3_600_000L;
    private static final long T0 = 1_767_225_600_000L;

    private static ProfileUpdater updater(String models) {
        ProfileUpdater.Builder b = ProfileUpdater.builder(
                ProfileSchema.fromJson(SpecAssertions.text("/live-schema.json"))).modelExecutor(Runnable::run);
        return (models == null ? b : b.models(ModelsConfig.fromJson(models))).build();
    }

    /** 60 users, two sessions a day for 12 days; every third user buys. */
    private static void feed(ProfileUpdater u) {
        int id = 0;
        for (int d = 0; d < 12; d++) {
            for (int s = 0; s < 2; s++) {
                for (int user = 0; user < 60; user++) {
                    long t = T0 + d * 24 * H + s * 12 * H + user * 1000L;
                    u.onEvent(Event.builder("e" + id++, "u" + user, "view", t).attr("category", "books").build());
                    if ((user + d) % 3 == 0) {
                        u.onEvent(Event.builder("e" + id++, "u" + user, "purchase", t + 500).attr("amount", 20)
                                .attr("category", "books").build());
                    }
                }
            }
        }
    }

    @Test
    void withoutModelsEveryTypeIsEmptyAndNullIsRefused() {
        ProfileUpdater u = updater(null);
        assertThat(u.model(PropensityModel.class)).isEmpty();
        assertThat(u.model(LiveSegments.class)).isEmpty();
        assertThat(u.model(Object.class)).isEmpty();
        assertThatThrownBy(() -> u.model(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("type must not be null");
    }

    @Test
    void aModelThatIsNotConfiguredIsEmptyAndAConfiguredOneHasItsType() throws InterruptedException {
        ProfileUpdater u = updater("""
                {"segments": {"k": 2, "features": ["views", "purchases"], "sample_interval": "PT1H",
                              "refit_every": 100}}""");
        assertThat(u.model(PropensityModel.class)).as("no propensity section").isEmpty();
        assertThat(u.model(LivePropensity.class)).isEmpty();
        assertThat(u.model(LiveRecommender.class)).isEmpty();
        assertThat(u.model(ForecastModel.class)).isEmpty();
        assertThat(u.model(LiveSegments.class).orElseThrow()).isSameAs(u.models().orElseThrow().segments().orElseThrow());
        assertThat(u.model(SegmentsModel.class)).as("configured, not fitted yet").isEmpty();
        assertThatThrownBy(() -> u.model(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("type must not be null");

        feed(u);
        u.finishReplay(T0 + 12 * 24 * H);
        SegmentsModel fitted = u.model(SegmentsModel.class).orElseThrow();
        ModelStatus status = u.modelStatus().orElseThrow();
        assertThat(fitted.version()).isEqualTo(status.segmentsVersion()).isPositive();
        assertThat(fitted).isSameAs(u.models().orElseThrow().segments().orElseThrow().snapshot());
        assertThat(u.model(PropensityModel.class)).isEmpty();
    }

    @Test
    void theFittedPropensityModelIsThePublishedVersion() throws InterruptedException {
        ProfileUpdater u = updater("""
                {"propensity": {"label_type": "purchase", "horizon": "P1D", "sample_interval": "PT12H",
                                "features": ["views", "purchases"], "min_examples": 50, "publish_every": 10},
                 "forecast": {"type": "view", "days": 7}}""");
        assertThat(u.model(LivePropensity.class).orElseThrow()).isSameAs(u.models().orElseThrow().propensity().orElseThrow());
        assertThat(u.model(LiveForecast.class).orElseThrow()).isSameAs(u.models().orElseThrow().forecast().orElseThrow());
        assertThat(u.model(PropensityModel.class)).isEmpty();
        feed(u);
        u.finishReplay(T0 + 12 * 24 * H);
        PropensityModel m = u.model(PropensityModel.class).orElseThrow();
        assertThat(m.version()).isEqualTo(u.modelStatus().orElseThrow().modelVersion()).isPositive();
        assertThat(u.model(SegmentsModel.class)).as("no segments section").isEmpty();
    }
}
