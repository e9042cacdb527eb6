package dev.profilekit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.Outcome;
import dev.profilekit.core.engine.Profile;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.live.LabelledExample;
import dev.profilekit.core.live.VectorPipeline;
import dev.profilekit.core.live.propensity.PropensityConfig;
import dev.profilekit.core.live.propensity.PropensityModel;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.ModelOutputs;
import dev.profilekit.core.spi.ModelStatus;
import dev.profilekit.core.testkit.SpecAssertions;
import dev.profilekit.sim.EcommerceSimulator;
import dev.profilekit.sim.SimulationOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Sampling, delayed labels, leakage, bounds and concurrency of the live models. */
class LiveModelsTest {

    private static final long H = 3_600_000L;
    private static final long T0 = 1_767_225_600_000L;
    private static final double EXACT = 1e-12;

    static ProfileSchema schema() {
        return ProfileSchema.fromJson(SpecAssertions.text("/live-schema.json"));
    }

    static PropensityConfig propensity(Duration horizon, Duration interval, int minExamples) {
        return PropensityConfig.builder("purchase").horizon(horizon).sampleInterval(interval)
                .features(List.of(VectorPipeline.Input.of("purchases"), VectorPipeline.Input.of("purchases_3d"),
                        VectorPipeline.Input.of("order_value.mean"),
                        VectorPipeline.Input.builder("since_purchase").cap(86_400).build(),
                        VectorPipeline.Input.builder("fav_category").values(List.of("books", "toys")).build()))
                .learningRate(0.05).onlineL2(1e-4).batchL2(1.0).retrainEvery(500).trainingWindow(5000)
                .holdoutFraction(0.2).swapMargin(0.01).minExamples(minExamples).publishEvery(20).recentWindow(200)
                .drift("page_hinkley").build();
    }

    static Event ev(String id, String user, String type, long t) {
        Event.Builder b = Event.builder(id, user, type, t).attr("category", "books");
        if (type.equals("purchase")) {
            b.attr("amount", 10.0);
        }
        return b.build();
    }

    @Test
    void labelsFollowTheHorizonRuleAndFeaturesStopAtTheSampleTime() {
        List<LabelledExample> got = new ArrayList<>();
        ProfileUpdater u = ProfileUpdater.builder(schema())
                .models(new ModelsConfig(java.util.Optional.of(propensity(Duration.ofHours(10), Duration.ofHours(1), 1000)),
                        java.util.Optional.empty(), java.util.Optional.empty()))
                .modelExecutor(Runnable::run).exampleListener(got::add).build();
        u.onEvent(ev("a1", "a", "view", T0));                     // sample a@T0
        u.onEvent(ev("b1", "b", "purchase", T0));                 // sample b@T0 (its own purchase is at t, not after)
        u.onEvent(ev("a2", "a", "view", T0 + H / 2));             // within the interval: no sample
        u.onEvent(ev("a3", "a", "purchase", T0 + 2 * H));         // labels a@T0 = 1; sample a@T0+2h
        assertThat(got).extracting(LabelledExample::user, LabelledExample::time, LabelledExample::label)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", T0, 1));
        u.onEvent(ev("c1", "c", "view", T0 + 11 * H));            // event time reaches T0 + horizon + lateness
        assertThat(got).hasSize(1);                                // not past it yet
        // a's next purchase comes after a@T0+2h's horizon (so no label 1 for it) and moves the event time
        // past T0 + 10h + 1h: b@T0 gets its label 0
        u.onEvent(ev("a4", "a", "purchase", T0 + 12 * H + 1));
        assertThat(got).extracting(LabelledExample::user, LabelledExample::time, LabelledExample::label)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", T0, 1),
                        org.assertj.core.groups.Tuple.tuple("b", T0, 0));
        u.onEvent(ev("c3", "c", "view", T0 + 13 * H + 5));        // past T0 + 2h + 10h + 1h
        assertThat(got).extracting(LabelledExample::user, LabelledExample::time, LabelledExample::label)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", T0, 1),
                        org.assertj.core.groups.Tuple.tuple("b", T0, 0),
                        org.assertj.core.groups.Tuple.tuple("a", T0 + 2 * H, 0));
        // features as of the sample: a@T0 had no purchase yet; a@T0+2h includes the purchase at T0+2h
        LabelledExample first = got.get(0);
        assertThat(first.features()[0]).isZero();                  // purchases
        assertThat(first.features()[3]).isEqualTo(86_400.0);       // since_purchase: missing -> cap
        assertThat(first.features()[4]).isEqualTo(1.0);            // leading category books
        LabelledExample third = got.get(2);
        assertThat(third.features()[0]).isEqualTo(1.0);
        assertThat(third.features()[3]).isZero();
        assertThat(got.get(1).features()[2]).isEqualTo(10.0);      // b's order_value.mean
        assertThat(first.modelVersion()).isZero();
    }

    @Test
    void examplesNeverSeeEventsAfterTheirTimeAndLabelsMatchTheStream() {
        var sim = EcommerceSimulator.run(SimulationOptions.of(60, 6, 5));
        List<Event> events = sim.events().toList();
        List<LabelledExample> got = new ArrayList<>();
        PropensityConfig config = propensity(Duration.ofHours(24), Duration.ofHours(6), 50);
        ProfileUpdater u = ProfileUpdater.builder(schema())
                .models(new ModelsConfig(java.util.Optional.of(config), java.util.Optional.empty(),
                        java.util.Optional.empty()))
                .modelExecutor(Runnable::run).exampleListener(got::add).build();
        events.forEach(u::onEvent);
        long end = events.get(events.size() - 1).timestamp();
        Map<String, List<Event>> byUser = new HashMap<>();
        for (Event e : events) {
            byUser.computeIfAbsent(e.user(), k -> new ArrayList<>()).add(e);
        }
        assertThat(got).hasSizeGreaterThan(200);
        Map<String, Long> lastSample = new HashMap<>();
        for (LabelledExample x : got) {
            // independent reference: a fresh updater fed only this user's events up to the sample time
            ProfileUpdater ref = ProfileUpdater.builder(schema()).build();
            byUser.get(x.user()).stream().filter(e -> e.timestamp() <= x.time()).forEach(ref::onEvent);
            Profile p = ref.profile(x.user(), x.time());
            assertThat(x.features()[0]).isEqualTo((double) p.getLong("purchases"));
            assertThat(x.features()[1]).isCloseTo(p.getDouble("purchases_3d"), within(EXACT));
            assertThat(Double.valueOf(x.features()[2])).isEqualTo(Double.valueOf(p.getDouble("order_value.mean")));
            Object since = p.get("since_purchase");
            assertThat(x.features()[3]).isEqualTo(since == null ? 86_400 : Math.min(86_400, (Double) since));
            // the label from the stream itself: a purchase in (t, t + 24h]
            boolean bought = byUser.get(x.user()).stream().anyMatch(e -> e.type().equals("purchase")
                    && e.timestamp() > x.time() && e.timestamp() <= x.time() + 24 * H);
            assertThat(x.label()).as("label of %s@%d", x.user(), x.time()).isEqualTo(bought ? 1 : 0);
            assertThat(x.time() + 24 * H).isLessThanOrEqualTo(end + 24 * H);
            Long prev = lastSample.put(x.user() + "@" + x.time(), x.time());
            assertThat(prev).isNull();
        }
        // at most one example per user per sample interval
        Map<String, List<Long>> times = new HashMap<>();
        got.forEach(x -> times.computeIfAbsent(x.user(), k -> new ArrayList<>()).add(x.time()));
        times.values().forEach(ts -> {
            ts.sort(null);
            for (int i = 1; i < ts.size(); i++) {
                assertThat(ts.get(i) - ts.get(i - 1)).isGreaterThanOrEqualTo(6 * H);
            }
        });
        // pending examples are bounded by users x (ceil((horizon + lateness) / interval) + 1)
        int bound = 60 * ((int) Math.ceil((24.0 + 1.0) / 6.0) + 1);
        assertThat(u.modelStatus().orElseThrow().pendingExamples()).isLessThanOrEqualTo(bound);
    }

    @Test
    void aModelSwapUnderFourIngestingThreadsLosesNoEventAndEveryScoreComesFromOneVersion() throws Exception {
        var sim = EcommerceSimulator.run(SimulationOptions.of(400, 12, 9).driftDay(6));
        List<Event> events = sim.events().toList();
        Map<Long, PropensityModel> versions = new ConcurrentHashMap<>();
        List<Object[]> reads = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService trainer = Executors.newSingleThreadExecutor();
        ProfileUpdater u = ProfileUpdater.builder(schema())
                .models(new ModelsConfig(java.util.Optional.of(propensity(Duration.ofHours(12), Duration.ofHours(2), 100)),
                        java.util.Optional.empty(), java.util.Optional.empty()))
                .modelExecutor(trainer)
                .modelListener(m -> versions.put(m.version(), m))
                .listener(up -> {
                    ModelOutputs s = up.scores();
                    if (s.propensity() != null) {
                        double[] x = new double[5];
                        Profile p = up.profile();
                        x[0] = p.getLong("purchases");
                        x[1] = p.getDouble("purchases_3d");
                        x[2] = p.getDouble("order_value.mean");
                        Object since = p.get("since_purchase");
                        x[3] = since == null ? 86_400 : Math.min(86_400, (Double) since);
                        List<String> vocab = List.of("books", "toys");
                        int lead = p.getTopK("fav_category").isEmpty() ? -2
                                : vocab.indexOf(p.getTopK("fav_category").get(0).value());
                        reads.add(new Object[] {s.propensity(), s.propensityVersion(), x, lead});
                    }
                })
                .build();
        int threads = 4;
        // each thread owns a quarter of the users, in time order: the stream is valid per user
        List<List<Event>> parts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            parts.add(new ArrayList<>());
        }
        for (Event e : events) {
            parts.get(Math.floorMod(e.user().hashCode(), threads)).add(e);
        }
        AtomicLong accepted = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> fs = new ArrayList<>();
        for (List<Event> part : parts) {
            fs.add(pool.submit(() -> {
                go.await();
                for (Event e : part) {
                    if (u.onEvent(e) == Outcome.ACCEPTED) {
                        accepted.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        u.awaitModels();
        trainer.shutdown();
        assertThat(accepted.get()).isEqualTo(events.size());
        assertThat(u.counts().accepted()).isEqualTo(events.size());
        ModelStatus st = u.modelStatus().orElseThrow();
        assertThat(st.retrains()).as("batch swaps happened while ingesting").isGreaterThanOrEqualTo(2);
        assertThat(versions).hasSizeGreaterThan(5);
        assertThat(reads).hasSizeGreaterThan(1000);
        for (Object[] r : reads) {
            PropensityModel m = versions.get((Long) r[1]);
            assertThat(m).as("version %s was published", r[1]).isNotNull();
            double[] x = (double[]) r[2];
            int lead = (int) r[3];
            double[] full = new double[m.featureNames().size()];
            System.arraycopy(x, 0, full, 0, 4);
            if (lead != -2) {
                full[4 + (lead < 0 ? 2 : lead)] = 1.0;
            }
            assertThat((Double) r[0]).isCloseTo(m.score(full), within(EXACT));
        }
        // every user's final profile counts every one of its events
        Map<String, Long> perUser = new HashMap<>();
        events.forEach(e -> perUser.merge(e.user() + "/" + e.type(), 1L, Long::sum));
        long end = events.stream().mapToLong(Event::timestamp).max().orElseThrow();
        for (String user : u.users()) {
            Profile p = u.profile(user, end);
            assertThat(p.getLong("purchases")).isEqualTo(perUser.getOrDefault(user + "/purchase", 0L));
            assertThat(p.getLong("views")).isEqualTo(perUser.getOrDefault(user + "/view", 0L));
        }
    }

    @Test
    void configErrorsNameTheKey() {
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"propensity\":{\"label_type\":\"purchase\",\"horizon\":\"1 day\","
                + "\"sample_interval\":\"PT1H\",\"features\":[\"x\"]}}"))
                .hasMessageStartingWith("propensity.horizon: not an ISO-8601 duration");
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"propensity\":{\"label_type\":\"purchase\",\"horizon\":\"P1D\","
                + "\"sample_interval\":\"PT1H\",\"features\":[\"x\"],\"learning_rate\":0.1}}"))
                .hasMessageStartingWith("propensity.learning_rate: unknown key");
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"segment\":{}}")).hasMessageStartingWith("segment: unknown key");
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"segments\":{\"k\":1,\"features\":[\"x\"]}}"))
                .hasMessageStartingWith("segments.k: must be >= 2");
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"forecast\":{\"type\":\"view\",\"days\":3}}"))
                .hasMessageStartingWith("forecast.days: must be between 7 and 366");
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"segments\":{\"k\":3,\"features\":[{\"name\":\"a\",\"cap\":-1}]}}"))
                .hasMessageStartingWith("segments.features[0]: feature 'a': cap must be finite and > 0");
        ModelsConfig unknownFeature = ModelsConfig.fromJson("{\"segments\":{\"k\":3,\"features\":[\"order_value\"]}}");
        assertThatThrownBy(() -> ProfileUpdater.builder(schema()).models(unknownFeature).build())
                .hasMessageContaining("segments.features[0]").hasMessageContaining("order_value.mean");
        ModelsConfig missing = ModelsConfig.fromJson("{\"segments\":{\"k\":3,\"features\":[\"nope\"]}}");
        assertThatThrownBy(() -> ProfileUpdater.builder(schema()).models(missing).build())
                .hasMessageContaining("segments.features[0]: 'nope' is not a feature of the schema");
    }

    @Test
    void forecastScalesTheUsersMeanByThePooledForecast() {
        ProfileUpdater u = ProfileUpdater.builder(schema())
                .models(ModelsConfig.fromJson("{\"forecast\":{\"type\":\"view\",\"days\":14}}"))
                .modelExecutor(Runnable::run).build();
        // user "a" views 3 times a day, user "b" once a day, for 20 days; "b" also buys (not counted)
        for (int d = 0; d < 20; d++) {
            for (int k = 0; k < 3; k++) {
                u.onEvent(ev("a" + d + "-" + k, "a", "view", T0 + d * 24 * H + k * H));
            }
            u.onEvent(ev("b" + d, "b", "view", T0 + d * 24 * H + 5 * H));
            u.onEvent(ev("p" + d, "b", "purchase", T0 + d * 24 * H + 6 * H));
        }
        u.onEvent(ev("clock", "c", "search", T0 + 20 * 24 * H + H)); // day 20 starts: days 0..19 complete
        long asOf = T0 + 20 * 24 * H + H;
        double a = u.profile("a", asOf).models().forecastNextDay();
        double b = u.profile("b", asOf).models().forecastNextDay();
        // the pooled series (mean views per user) is constant, so any ARIMA forecasts that constant and the
        // user's expected count is its own mean: 3 and 1
        assertThat(a).isCloseTo(3.0, within(1e-6));
        assertThat(b).isCloseTo(1.0, within(1e-6));
        assertThat(u.profile("c", asOf).models().forecastNextDay()).isZero();
    }
}
