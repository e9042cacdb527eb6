package dev.profilekit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileDatasets;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.live.LabelledExample;
import dev.profilekit.core.live.VectorPipeline;
import dev.profilekit.core.live.forecast.ForecastModel;
import dev.profilekit.core.live.propensity.PropensityConfig;
import dev.profilekit.core.live.propensity.PropensityModel;
import dev.profilekit.core.live.segments.SegmentsConfig;
import dev.profilekit.core.live.segments.SegmentsModel;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.features.transform.Dataset;
import dev.profilekit.models.cluster.KMeans;
import dev.profilekit.models.cluster.KMeansModel;
import dev.profilekit.models.cluster.KMeansOptions;
import dev.profilekit.models.regression.LogisticModel;
import dev.profilekit.models.regression.LogisticOptions;
import dev.profilekit.models.regression.LogisticRegression;
import dev.profilekit.models.regression.OnlineLogisticOptions;
import dev.profilekit.models.regression.OnlineLogisticRegression;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Models fitted in batch on {@link ProfileDatasets} and swapped into a running updater: they score exactly what
 * the profile-models model gives on the pipeline's vector, and online learning continues from them.
 */
class LiveModelSwapTest {

    private static final long DAY = 86_400_000L;
    private static final int PUBLISH_EVERY = 25;
    private static final double LEARNING_RATE = 0.05;
    private static final double ONLINE_L2 = 1e-4;

    static List<VectorPipeline.Input> propensityInputs() {
        return List.of(VectorPipeline.Input.of("purchases_3d"), VectorPipeline.Input.of("purchases_7d"),
                VectorPipeline.Input.of("carts_3d"), VectorPipeline.Input.of("views_1d"), VectorPipeline.Input.of("spend_7d"),
                VectorPipeline.Input.of("order_value.mean"),
                VectorPipeline.Input.builder("since_purchase").cap(2_592_000).build(),
                VectorPipeline.Input.builder("fav_category").buckets(4).build());        // signed Murmur3 hashing
    }

    static ModelsConfig propensityOnly() {
        return ModelsConfig.builder().propensity(PropensityConfig.builder("purchase")
                .horizon(Duration.ofDays(1)).sampleInterval(Duration.ofHours(6)).features(propensityInputs())
                .minExamples(100).retrainEvery(1_000_000).drift("none").publishEvery(PUBLISH_EVERY)
                .learningRate(LEARNING_RATE).onlineL2(ONLINE_L2).build()).build();
    }

    private static long[] bits(double[] x) {
        long[] b = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            b[i] = Double.doubleToLongBits(x[i]);
        }
        return b;
    }

    @Test
    void aBatchFittedPropensityModelSwappedInScoresExactlyAndOnlineLearningContinuesFromIt() {
        SimulationResult sim = EcommerceSimulator.run(SimulationOptions.of(300, 10, 21));
        List<Event> events = sim.events().toList();
        long start = events.get(0).timestamp();
        long cut = start + 6 * DAY;
        List<LabelledExample> examples = new ArrayList<>();
        List<PropensityModel> published = new ArrayList<>();
        ProfileUpdater u = ProfileUpdater.builder(LiveModelsTest.schema()).models(propensityOnly())
                .modelExecutor(Runnable::run).exampleListener(examples::add).modelListener(published::add).build();
        events.stream().filter(e -> e.timestamp() <= cut).forEach(u::onEvent);
        LiveModel<PropensityModel> live = u.models().orElseThrow().propensity().orElseThrow();
        long before = live.snapshot().version();
        assertThat(before).as("the live model exists before the swap").isPositive();

        // batch: the profiles as of the cut, labels from the stream (a purchase within the next day)
        VectorPipeline pipeline = u.models().orElseThrow().propensityPipeline().orElseThrow();
        Dataset raw = ProfileDatasets.vectors(u, pipeline, cut);
        List<String> users = u.users();
        int[] y = new int[users.size()];
        for (int i = 0; i < y.length; i++) {
            String user = users.get(i);
            y[i] = events.stream().anyMatch(e -> e.user().equals(user) && e.type().equals("purchase")
                    && e.timestamp() > cut && e.timestamp() <= cut + DAY) ? 1 : 0;
        }
        VectorPipeline fitted = pipeline.fit(raw);
        double[][] z = fitted.transform(raw.toArray());
        LogisticModel lr = LogisticRegression.fit(z, y, fitted.columns(), LogisticOptions.l2(1.0));
        PropensityModel exported = PropensityModel.fromJson(PropensityModel.of(fitted, lr, y.length).toJson());

        live.swap(exported);
        PropensityModel swapped = live.snapshot();
        assertThat(swapped.version()).isEqualTo(before + 1);
        assertThat(swapped.origin()).isEqualTo("swap");
        assertThat(swapped.logistic()).isEqualTo(lr);
        assertThat(published.get(published.size() - 1)).isSameAs(swapped);
        for (int i = 0; i < users.size(); i++) {
            var out = u.profile(users.get(i), cut).models();
            assertThat(out.propensity()).as(users.get(i)).isEqualTo(lr.predictProbability(z[i]));
            assertThat(out.propensityVersion()).isEqualTo(before + 1);
        }

        // online learning continues from the swapped-in coefficients: replay the learner on the examples
        int first = examples.size();
        events.stream().filter(e -> e.timestamp() > cut && e.timestamp() <= cut + 3 * DAY).forEach(u::onEvent);
        PropensityModel next = published.stream().filter(m -> m.version() == before + 2).findFirst().orElseThrow();
        assertThat(next.origin()).isEqualTo("online");
        OnlineLogisticRegression reference = OnlineLogisticRegression.warmStart(lr,
                OnlineLogisticOptions.learningRate(LEARNING_RATE).l2(ONLINE_L2));
        double[] zi = new double[fitted.dimension()];
        for (int i = first; i < first + PUBLISH_EVERY; i++) {
            LabelledExample x = examples.get(i);
            assertThat(x.modelVersion()).isEqualTo(before + 1);
            fitted.transform(x.features(), zi);
            assertThat(x.score()).isEqualTo(lr.predictProbability(zi));     // prequential: the swapped version
            reference.learn(zi, x.label());
        }
        assertThat(next.coefficients()).containsExactly(reference.snapshot().coefficients());
        assertThat(next.intercept()).isEqualTo(reference.snapshot().intercept());
        assertThat(live.snapshot().version()).isGreaterThan(before + 1);
        assertThat(published).extracting(PropensityModel::version).isSorted().doesNotHaveDuplicates();

        // a model over other inputs is refused, naming both column lists
        VectorPipeline other = VectorPipeline.of(List.of(VectorPipeline.Input.of("views_1d")));
        Dataset otherRaw = ProfileDatasets.vectors(u, other, cut + 3 * DAY);
        VectorPipeline otherFitted = other.fit(otherRaw);
        int[] alternating = new int[otherRaw.rowCount()];
        for (int i = 0; i < alternating.length; i++) {
            alternating[i] = i % 2;
        }
        PropensityModel wrong = PropensityModel.of(otherFitted, LogisticRegression.fit(
                otherFitted.transform(otherRaw.toArray()), alternating, otherFitted.columns(), LogisticOptions.l2(1.0)), 1);
        assertThatThrownBy(() -> live.swap(wrong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[views_1d] do not match the configured [purchases_3d");
        assertThatThrownBy(() -> live.swap(null)).hasMessage("version must not be null");
    }

    @Test
    void liveExampleVectorsEqualBatchVectorsOfTheSameUserAsOfTheSampleTime() {
        SimulationResult sim = EcommerceSimulator.run(SimulationOptions.of(80, 5, 4));
        List<Event> events = sim.events().toList();
        List<LabelledExample> examples = new ArrayList<>();
        ProfileUpdater u = ProfileUpdater.builder(LiveModelsTest.schema()).models(propensityOnly())
                .modelExecutor(Runnable::run).exampleListener(examples::add).build();
        events.forEach(u::onEvent);
        VectorPipeline pipeline = u.models().orElseThrow().propensityPipeline().orElseThrow();
        assertThat(examples).hasSizeGreaterThan(100);
        int nonZeroHash = 0;
        for (int i = 0; i < examples.size(); i += 3) {
            LabelledExample x = examples.get(i);
            // batch: a fresh updater (no models) fed this user's events up to the sample time
            ProfileUpdater ref = ProfileUpdater.builder(LiveModelsTest.schema()).build();
            events.stream().filter(e -> e.user().equals(x.user()) && e.timestamp() <= x.time()).forEach(ref::onEvent);
            Dataset batch = ProfileDatasets.vectors(ref, pipeline, x.time());
            assertThat(batch.rowCount()).isEqualTo(1);
            assertThat(bits(batch.row(0))).as("%s@%d", x.user(), x.time()).containsExactly(bits(x.features()));
            nonZeroHash += x.features()[7] != 0 || x.features()[8] != 0 || x.features()[9] != 0
                    || x.features()[10] != 0 ? 1 : 0;
        }
        assertThat(nonZeroHash).as("the hashed block is exercised").isPositive();
    }

    @Test
    void batchSegmentsSwappedInAssignWhatKMeansPredictsAndVersionsKeepIncreasing() {
        SimulationResult sim = EcommerceSimulator.run(SimulationOptions.of(300, 8, 22));
        List<Event> events = sim.events().toList();
        long cut = events.get(0).timestamp() + 4 * DAY;
        ModelsConfig config = new ModelsConfig(Optional.empty(), Optional.of(SegmentsConfig.builder(4)
                .features(List.of(VectorPipeline.Input.builder("fav_category").values(List.of("books", "electronics",
                        "fashion", "home")).build(), VectorPipeline.Input.of("events_2d")))
                .refitEvery(400).build()), Optional.empty());
        ProfileUpdater u = ProfileUpdater.builder(LiveModelsTest.schema()).models(config).modelExecutor(Runnable::run)
                .build();
        events.stream().filter(e -> e.timestamp() <= cut).forEach(u::onEvent);
        LiveModel<SegmentsModel> live = u.models().orElseThrow().segments().orElseThrow();
        long before = live.snapshot() == null ? 0 : live.snapshot().version();
        VectorPipeline pipeline = u.models().orElseThrow().segmentsPipeline().orElseThrow();
        Dataset raw = ProfileDatasets.vectors(u, pipeline, cut);
        VectorPipeline fitted = pipeline.fit(raw);
        double[][] z = fitted.transform(raw.toArray());
        KMeansModel km = KMeans.fit(z, KMeansOptions.k(4).restarts(10).seed(5));
        live.swap(SegmentsModel.fromJson(SegmentsModel.of(fitted, km).toJson()));
        assertThat(live.snapshot().version()).isEqualTo(before + 1);
        assertThat(live.snapshot().kmeans()).isEqualTo(km);
        List<String> users = u.users();
        for (int i = 0; i < users.size(); i++) {
            var out = u.profile(users.get(i), cut).models();
            assertThat(out.segment()).isEqualTo(km.predict(z[i]));
            assertThat(out.segmentsVersion()).isEqualTo(before + 1);
        }
        events.stream().filter(e -> e.timestamp() > cut).forEach(u::onEvent);
        assertThat(live.snapshot().version()).isGreaterThan(before + 1);
        assertThatThrownBy(() -> live.swap(SegmentsModel.of(fitted, KMeans.fit(z, KMeansOptions.k(3).seed(1)))))
                .hasMessage("version must have k = 4 segments, was 3");
    }

    @Test
    void aSwappedForecastIsTheOneUsedAndTakesTheNextVersion() {
        ProfileUpdater u = ProfileUpdater.builder(LiveModelsTest.schema())
                .models(ModelsConfig.fromJson("{\"forecast\":{\"type\":\"view\",\"days\":14}}"))
                .modelExecutor(Runnable::run).build();
        SimulationResult sim = EcommerceSimulator.run(SimulationOptions.of(50, 16, 6));
        long[] end = {Long.MIN_VALUE};
        sim.forEachEvent(e -> {
            u.onEvent(e);
            end[0] = Math.max(end[0], e.timestamp());
        });
        LiveModel<ForecastModel> live = u.models().orElseThrow().forecast().orElseThrow();
        ForecastModel f = live.snapshot();
        assertThat(f).isNotNull();
        assertThat(f.nextDay()).isPositive();
        String user = u.users().get(0);
        double now = u.profile(user, end[0]).models().forecastNextDay();
        ForecastModel back = ForecastModel.fromJson(f.toJson());
        assertThat(back.arima().toJson()).isEqualTo(f.arima().toJson());
        assertThat(back.version()).isEqualTo(f.version());
        assertThat(back.nextDay()).isEqualTo(f.nextDay());
        assertThat(back.pooledMean()).isEqualTo(f.pooledMean());
        live.swap(ForecastModel.fromJson(new ForecastModel(0, f.arima(), f.lastCompleteDay(), 2 * f.nextDay(),
                f.pooledMean()).toJson()));
        assertThat(live.snapshot().version()).isEqualTo(f.version() + 1);
        assertThat(u.profile(user, end[0]).models().forecastNextDay()).isCloseTo(2 * now, within(1e-12 * now));
        assertThat(u.models().orElseThrow().snapshot().forecast()).isSameAs(live.snapshot());
        assertThatThrownBy(() -> new ForecastModel(1, f.arima(), 0, -1, 1)).hasMessage("nextDay must be finite and >= 0, was -1.0");
    }
}
