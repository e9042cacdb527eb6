package dev.profilekit.core.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.Profile;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.live.forecast.ForecastExplanation;
import dev.profilekit.core.live.propensity.PropensityExplanation;
import dev.profilekit.core.live.propensity.PropensityModel;
import dev.profilekit.core.live.segments.SegmentsExplanation;
import dev.profilekit.core.live.segments.SegmentsModel;
import dev.profilekit.core.models.Explanation;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.testkit.SpecAssertions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ProfileUpdater.explain}: the propensity terms add up to the model's logit to 1e-12 and to the logit of the
 * profile's score, one term recomputed by hand from the published weights and z-score, the segment's distances
 * recomputed by hand, the forecast's value and inputs.
 */
class ExplainTest {

    private static final long H = 3_600_000L;
    /** 2026-01-01T00:00Z. */
    private static final long T0 = 1_767_225_600_000L;
    private static final String[] SEGMENT_NUMERIC = {"views_1d", "carts_3d", "purchases_7d"};

    /** The live-models example's propensity with the favourite category one-hot encoded, and segments on both. */
    private static final String MODELS = """
            {"propensity": {"label_type": "purchase", "horizon": "P1D", "sample_interval": "PT12H",
              "features": ["purchases_3d", "purchases_7d", "carts_3d", "views_1d", "events_2d", "spend_7d", "purchases",
                           {"name": "since_purchase", "cap": 2592000}, {"name": "since_event", "cap": 2592000},
                           {"name": "fav_category", "values": ["books", "electronics", "fashion"]}],
              "learner": {"learning_rate": 0.05, "l2": 0.0001}, "retrain_every": 2000},
             "segments": {"k": 4, "features": ["views_1d", "carts_3d", "purchases_7d",
                           {"name": "fav_category", "values": ["books", "electronics", "fashion", "home"]}],
                          "half_life_samples": 20000},
             "forecast": {"type": "view", "days": 14}}
            """;

    private static ProfileUpdater updater;
    private static long end;

    @BeforeAll
    static void replay() throws InterruptedException {
        updater = ProfileUpdater.builder(ProfileSchema.fromJson(SpecAssertions.text("/live-schema.json")))
                .models(ModelsConfig.fromJson(MODELS)).modelExecutor(Runnable::run).build();
        List<Event> events = DiagnosticsSnapshotTest.stream(300, 16);
        for (Event e : events) {
            updater.onEvent(e);
        }
        end = events.get(events.size() - 1).timestamp();
        updater.finishReplay(end);
    }

    private static String favourite(Profile p) {
        var top = p.getTopK("fav_category");
        return top.isEmpty() ? null : top.get(0).value();
    }

    @Test
    void theInterceptPlusTheContributionsIsTheLogitOfEveryUsersScore() {
        PropensityModel model = updater.model(PropensityModel.class).orElseThrow();
        int columns = model.featureNames().size();
        assertThat(columns).isEqualTo(9 + 4);
        int checked = 0;
        for (String user : updater.users()) {
            long asOf = end + (checked % 3) * H; // also later than the user's latest event
            Profile p = updater.profileByKey(user, asOf);
            PropensityExplanation e = updater.explainByKey(user, asOf).orElseThrow().propensity().orElseThrow();
            double score = p.models().propensity();
            assertThat(e.score()).isEqualTo(score);
            assertThat(e.version()).isEqualTo(p.models().propensityVersion());
            assertThat(e.contributions()).hasSize(columns);
            double sum = e.intercept();
            for (PropensityExplanation.Contribution c : e.contributions()) {
                sum += c.contribution();
            }
            assertThat(sum).as("intercept + contributions of %s", user).isCloseTo(e.logit(), within(1e-12));
            // the logit of the printed probability: its rounding costs about ulp / (p (1 - p)) in the logit
            double tolerance = Math.max(1e-12, 8 * Math.ulp(1.0) / (score * (1 - score)));
            assertThat(sum).isCloseTo(Math.log(score / (1 - score)), within(tolerance));
            for (int i = 1; i < e.contributions().size(); i++) {
                PropensityExplanation.Contribution a = e.contributions().get(i - 1);
                PropensityExplanation.Contribution b = e.contributions().get(i);
                assertThat(Math.abs(a.contribution())).isGreaterThanOrEqualTo(Math.abs(b.contribution()));
                if (Math.abs(a.contribution()) == Math.abs(b.contribution())) {
                    assertThat(a.input()).isLessThan(b.input());
                }
            }
            checked++;
        }
        assertThat(checked).isEqualTo(300);
    }

    @Test
    void oneContributionRecomputedFromThePublishedWeightsAndZScore() {
        PropensityModel model = PropensityModel.fromJson(updater.model(PropensityModel.class).orElseThrow().toJson());
        List<String> names = model.featureNames();
        double[] w = model.coefficients();
        double[] mean = model.pipeline().scaler().center();
        double[] scale = model.pipeline().scaler().scale();
        int spend = names.indexOf("spend_7d");
        int books = names.indexOf("fav_category=books");
        int other = names.indexOf("fav_category=other");
        assertThat(other).isEqualTo(names.size() - 1);
        for (String user : List.of("u3", "u17", "u250")) {
            Profile p = updater.profileByKey(user, end);
            PropensityExplanation e = updater.explainByKey(user, end).orElseThrow().propensity().orElseThrow();
            double x = p.getDouble("spend_7d");
            PropensityExplanation.Contribution c = find(e, "spend_7d");
            assertThat(c.feature()).isEqualTo("spend_7d");
            assertThat(c.raw()).isEqualTo(x);
            assertThat(c.contribution()).isCloseTo(w[spend] * (x - mean[spend]) / scale[spend], within(1e-12));
            double isBooks = "books".equals(favourite(p)) ? 1.0 : 0.0;
            PropensityExplanation.Contribution b = find(e, "fav_category=books");
            assertThat(b.feature()).isEqualTo("fav_category");
            assertThat(b.raw()).isEqualTo(isBooks);
            assertThat(b.contribution()).isCloseTo(w[books] * (isBooks - mean[books]) / scale[books], within(1e-12));
            assertThat(b.weight()).isEqualTo(w[books]);
        }
    }

    private static PropensityExplanation.Contribution find(PropensityExplanation e, String input) {
        return e.contributions().stream().filter(c -> c.input().equals(input)).findFirst().orElseThrow();
    }

    @Test
    void theSegmentIsTheNearestCentroidRecomputedByHand() {
        SegmentsModel model = updater.model(SegmentsModel.class).orElseThrow();
        double[] mean = model.pipeline().scaler().center();
        double[] scale = model.pipeline().scaler().scale();
        List<String> names = model.featureNames();
        int compared = 0;
        for (String user : updater.users()) {
            Profile p = updater.profileByKey(user, end);
            SegmentsExplanation e = updater.explainByKey(user, end).orElseThrow().segments().orElseThrow();
            double[] raw = new double[names.size()];
            for (int j = 0; j < SEGMENT_NUMERIC.length; j++) {
                raw[j] = p.getDouble(SEGMENT_NUMERIC[j]);
            }
            String fav = favourite(p);
            for (int j = SEGMENT_NUMERIC.length; j < names.size(); j++) {
                raw[j] = fav != null && names.get(j).equals("fav_category=" + fav) ? 1.0 : 0.0;
            }
            double[] distance = new double[model.k()];
            for (int c = 0; c < model.k(); c++) {
                double[] centroid = model.kmeans().centroid(c);
                double sq = 0;
                for (int j = 0; j < raw.length; j++) {
                    double z = (raw[j] - mean[j]) / scale[j];
                    sq += (z - centroid[j]) * (z - centroid[j]);
                }
                distance[model.segmentOf(c)] = Math.sqrt(sq);
            }
            int nearest = 0;
            for (int s = 0; s < distance.length; s++) {
                assertThat(e.distances().get(s).segment()).isEqualTo(s);
                assertThat(e.distances().get(s).distance()).isCloseTo(distance[s], within(1e-9));
                if (distance[s] < distance[nearest]) {
                    nearest = s;
                }
            }
            assertThat(e.segment()).isEqualTo(p.models().segment()).isEqualTo(nearest);
            double gap = e.distances().get(e.nextNearest()).distance();
            double own = e.distances().get(e.segment()).distance();
            double sum = e.separating().stream().mapToDouble(SegmentsExplanation.Separation::difference).sum();
            assertThat(sum).isCloseTo(gap * gap - own * own, within(1e-9));
            assertThat(e.separating()).hasSize(names.size());
            assertThat(e.separating().get(0).difference())
                    .isGreaterThanOrEqualTo(e.separating().get(names.size() - 1).difference());
            compared++;
        }
        assertThat(compared).isEqualTo(300);
    }

    @Test
    void theForecastIsTheProfilesWithItsDailyInputsAndAnInterval() {
        Profile p = updater.profileByKey("u42", end);
        ForecastExplanation f = updater.explainByKey("u42", end).orElseThrow().forecast().orElseThrow();
        assertThat(f.nextDay()).isEqualTo(p.models().forecastNextDay());
        assertThat(f.method()).isEqualTo("arima");
        ForecastExplanation.Input userMean = f.inputs().stream().filter(i -> i.name().equals("user_mean"))
                .findFirst().orElseThrow();
        double counted = f.inputs().stream().filter(i -> i.name().matches("\\d{4}-\\d\\d-\\d\\d"))
                .mapToDouble(ForecastExplanation.Input::value).average().orElseThrow();
        assertThat(userMean.value()).isCloseTo(counted, within(1e-12));
        double pooledNext = f.inputs().stream().filter(i -> i.name().equals("pooled_next_day")).findFirst()
                .orElseThrow().value();
        double pooledMean = f.inputs().stream().filter(i -> i.name().equals("pooled_mean")).findFirst()
                .orElseThrow().value();
        assertThat(f.nextDay()).isCloseTo(userMean.value() * pooledNext / pooledMean, within(1e-12));
        // u42 views once or twice per session, twice a day, every day of the window: 2 to 4 a day
        assertThat(userMean.value()).isBetween(2.0, 4.0);
        ForecastExplanation.Interval i = f.interval().orElseThrow();
        assertThat(i.lower()).isLessThanOrEqualTo(f.nextDay());
        assertThat(i.upper()).isGreaterThan(f.nextDay());
    }

    @Test
    void anUnknownUserHasNoExplanationAndUnconfiguredModelsGiveEmptyParts() {
        assertThat(updater.explain("nobody")).isEmpty();
        assertThat(updater.explain("nobody", end)).isEmpty();
        Explanation e = updater.explain("u7").orElseThrow();
        assertThat(e.asOf()).isEqualTo(updater.profile("u7").orElseThrow().asOf());

        ProfileUpdater plain = ProfileUpdater.builder(ProfileSchema.fromJson(SpecAssertions.text("/live-schema.json")))
                .build();
        plain.onEvent(Event.builder("x", "u1", "view", T0).attr("category", "books").build());
        Optional<Explanation> none = plain.explain("u1");
        assertThat(none).isPresent();
        assertThat(none.get().propensity()).isEmpty();
        assertThat(none.get().segments()).isEmpty();
        assertThat(none.get().forecast()).isEmpty();

        ProfileUpdater unfitted = ProfileUpdater.builder(ProfileSchema.fromJson(SpecAssertions.text("/live-schema.json")))
                .models(ModelsConfig.fromJson(MODELS)).modelExecutor(Runnable::run).build();
        unfitted.onEvent(Event.builder("x", "u1", "view", T0).attr("category", "books").build());
        Explanation early = unfitted.explain("u1", T0 + H).orElseThrow();
        assertThat(early.propensity()).isEmpty();
        assertThat(early.segments()).isEmpty();
        ForecastExplanation f = early.forecast().orElseThrow();
        assertThat(f.method()).isEqualTo("user_mean");
        assertThat(f.interval()).isEmpty();
        assertThat(f.inputs()).hasSize(14);
    }
}
