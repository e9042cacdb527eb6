package dev.profilekit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.engine.Outcome;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.live.LabelledExample;
import dev.profilekit.core.live.VectorPipeline;
import dev.profilekit.core.live.propensity.PropensityModel;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.Prequential;
import dev.profilekit.core.testkit.SpecAssertions;
import dev.profilekit.features.transform.Split;
import dev.profilekit.features.transform.Splits;
import dev.profilekit.models.metrics.ClassificationMetrics;
import dev.profilekit.models.metrics.ClusteringMetrics;
import dev.profilekit.models.regression.LogisticModel;
import dev.profilekit.models.regression.LogisticOptions;
import dev.profilekit.models.regression.LogisticRegression;
import dev.profilekit.sim.EcommerceSimulator;
import dev.profilekit.sim.SimulationOptions;
import dev.profilekit.sim.SimulationResult;
import dev.profilekit.sim.UserTruth;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The live models on a simulated stream with a behaviour shift half way. The model configuration is the one
 * of {@code examples/live/} (tuned by hand on simulator seed 7); this test runs seed 11, which it was not
 * tuned on, with a different user count.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveModelsAcceptanceTest {

    static final int USERS = 1500;
    static final int DAYS = 30;
    static final int DRIFT_DAY = 15;
    static final long SEED = 11;
    /** The bounds. */
    static final double MAX_BELOW_HINDSIGHT = 0.02;
    static final double MIN_SPEARMAN = 0.8;
    static final double MIN_ARI = LiveSegmentsAriTest.MIN_ARI;
    /** Recovery: windowed AUC back within this of the pre-drift level ... */
    static final double RECOVERY_TOLERANCE = 0.03;
    /** ... within this many labelled examples after the shift. */
    static final int RECOVERY_EXAMPLES = 6000;
    static final int WINDOW = 1000;

    SimulationResult sim;
    ProfileUpdater updater;
    final List<LabelledExample> examples = new ArrayList<>();
    long end;

    @BeforeAll
    void replay() throws InterruptedException {
        sim = EcommerceSimulator.run(SimulationOptions.of(USERS, DAYS, SEED).driftDay(DRIFT_DAY));
        ProfileSchema schema = ProfileSchema.fromJson(SpecAssertions.text("/live-schema.json"));
        ModelsConfig models = ModelsConfig.fromJson(SpecAssertions.text("/live-models.json"));
        updater = ProfileUpdater.builder(schema).models(models).modelExecutor(Runnable::run)
                .exampleListener(examples::add).build();
        long[] max = {Long.MIN_VALUE};
        sim.forEachEvent(e -> {
            assertThat(updater.onEvent(e)).isEqualTo(Outcome.ACCEPTED);
            max[0] = Math.max(max[0], e.timestamp());
        });
        end = max[0];
        updater.finishReplay(end);
    }

    private static double auc(List<LabelledExample> xs, int from, int to, double[] scores) {
        int[] y = new int[to - from];
        double[] s = new double[to - from];
        for (int i = from; i < to; i++) {
            y[i - from] = xs.get(i).label();
            s[i - from] = scores[i];
        }
        return ClassificationMetrics.rocAuc(y, s);
    }

    /** A plain online logistic regression, standardising with running statistics: no retrains, no drift handling. */
    private double[] baselineScores() {
        return DriftingShopEvaluation.naiveScores(examples);
    }

    /** Out-of-fold scores of a batch model cross-validated (5 folds) over all examples, in hindsight. */
    private double[] hindsightScores() {
        int n = examples.size();
        int d = examples.get(0).features().length;
        double[] out = new double[n];
        VectorPipeline pipeline = updater.models().orElseThrow().propensityPipeline().orElseThrow();
        List<String> columns = updater.model(PropensityModel.class).orElseThrow().featureNames();
        List<Split> folds = Splits.kFold(n, 5, 99);
        for (Split f : folds) {
            double[][] train = new double[f.train().length][];
            int[] y = new int[f.train().length];
            for (int i = 0; i < train.length; i++) {
                train[i] = examples.get(f.train()[i]).features();
                y[i] = examples.get(f.train()[i]).label();
            }
            VectorPipeline sc = pipeline.fit(columns, train);
            double[][] z = sc.transform(train);
            LogisticModel m = LogisticRegression.fit(z, y, LogisticOptions.l2(1.0));
            double[] zi = new double[d];
            for (int i : f.test()) {
                sc.transform(examples.get(i).features(), zi);
                out[i] = m.predictProbability(zi);
            }
        }
        return out;
    }

    @Test
    void propensityBeatsThePlainOnlineBaselineAndIsCloseToTheHindsightModel() {
        int n = examples.size();
        assertThat(n).isGreaterThan(10_000);
        double[] ours = examples.stream().mapToDouble(LabelledExample::score).toArray();
        double live = auc(examples, 0, n, ours);
        double baseline = auc(examples, 0, n, baselineScores());
        double hindsight = auc(examples, 0, n, hindsightScores());
        Prequential p = updater.modelStatus().orElseThrow().prequential();
        System.out.printf("prequential AUC: live %.4f (binned %.4f), plain online %.4f, hindsight 5-fold %.4f; "
                        + "%d examples, model v%d, %d drift alarms, %d retrains, %d rejected%n", live, p.auc(), baseline,
                hindsight, n, updater.modelStatus().get().modelVersion(), updater.modelStatus().get().driftAlarms(),
                updater.modelStatus().get().retrains(), updater.modelStatus().get().rejectedRetrains());
        assertThat(p.examples()).isEqualTo(n);
        assertThat(p.auc()).isCloseTo(live, org.assertj.core.api.Assertions.within(1e-3));
        assertThat(live).isGreaterThan(baseline);
        assertThat(live).isGreaterThanOrEqualTo(hindsight - MAX_BELOW_HINDSIGHT);
        assertThat(updater.modelStatus().get().driftAlarms()).isPositive();
    }

    @Test
    void aucRecoversAfterTheDrift() {
        long driftMs = sim.options().driftMs();
        double[] ours = examples.stream().mapToDouble(LabelledExample::score).toArray();
        int firstAfter = 0;
        while (examples.get(firstAfter).time() < driftMs) {
            firstAfter++;
        }
        double before = auc(examples, Math.max(0, firstAfter - 3 * WINDOW), firstAfter, ours);
        List<Double> windows = new ArrayList<>();
        int recoveredAt = -1;
        for (int from = firstAfter; from + WINDOW <= examples.size(); from += WINDOW / 2) {
            double a = auc(examples, from, from + WINDOW, ours);
            windows.add(a);
            if (recoveredAt < 0 && a >= before - RECOVERY_TOLERANCE) {
                recoveredAt = from + WINDOW - firstAfter;
            }
        }
        System.out.printf("AUC before the drift %.4f; windows of %d after: %s; recovered after %d examples%n", before,
                WINDOW, windows.stream().map(a -> String.format("%.3f", a)).toList(), recoveredAt);
        assertThat(recoveredAt).isBetween(0, RECOVERY_EXAMPLES);
    }

    @Test
    void finalScoresRankUsersByTheirTrueProbability() {
        List<UserTruth> truth = sim.truth();
        double[] scores = new double[truth.size()];
        double[] p = new double[truth.size()];
        for (int i = 0; i < truth.size(); i++) {
            scores[i] = updater.profile(truth.get(i).user(), end).models().propensity();
            p[i] = truth.get(i).pPurchaseNextDay();
        }
        double rho = DriftingShopEvaluation.spearman(scores, p);
        System.out.printf("Spearman(final scores, true next-day purchase probability) = %.4f%n", rho);
        assertThat(rho).isGreaterThanOrEqualTo(MIN_SPEARMAN);
    }

    @Test
    void segmentsMatchTheLatentSegments() {
        List<UserTruth> truth = sim.truth();
        int[] ours = new int[truth.size()];
        int[] latent = new int[truth.size()];
        for (int i = 0; i < truth.size(); i++) {
            ours[i] = updater.profile(truth.get(i).user(), end).models().segment();
            latent[i] = truth.get(i).segment();
        }
        double ari = ClusteringMetrics.adjustedRandIndex(ours, latent);
        System.out.printf("ARI(segments, latent segments) = %.4f%n", ari);
        assertThat(ari).isGreaterThanOrEqualTo(MIN_ARI);
    }
}
