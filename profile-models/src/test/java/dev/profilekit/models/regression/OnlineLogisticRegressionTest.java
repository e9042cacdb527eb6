package dev.profilekit.models.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OnlineLogisticRegressionTest {

    private static final BreastCancerData DATA = BreastCancerData.load();
    private static final double[][] Z = BreastCancerData.standardise(DATA.x);

    /** After 100 shuffled passes (57k updates, eta 0.3) the mean log loss agrees with the batch minimiser's to this. */
    private static final double LOG_LOSS_TOLERANCE = 2e-3;
    /** ... the penalised objective is within this fraction above the batch minimum ... */
    private static final double OBJECTIVE_RELATIVE_TOLERANCE = 1e-3;
    /** ... and every parameter (30 coefficients and the intercept, range about +-1.3) within this. */
    private static final double COEFFICIENT_TOLERANCE = 0.1;

    @Test
    void severalPassesApproachTheBatchSolution() {
        int n = Z.length;
        double lambda = 1.0;
        LogisticModel batch = LogisticRegression.fit(Z, DATA.y, LogisticOptions.l2(lambda));
        // per-example penalty lambda / n makes the expected per-example objective the batch objective / n
        OnlineLogisticRegression online = OnlineLogisticRegression.create(DATA.names,
                OnlineLogisticOptions.learningRate(0.3).l2(lambda / n));
        SplittableRandom random = new SplittableRandom(7);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int pass = 0; pass < 100; pass++) {
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int i : order) {
                online.learn(Z[i], DATA.y[i]);
            }
        }
        LogisticModel model = online.snapshot();
        assertThat(model.info().rows()).isEqualTo(100 * n);
        assertThat(model.convergence()).isEmpty();

        double batchLoss = BreastCancerData.meanLogLoss(Z, DATA.y, batch.intercept(), batch.coefficients());
        double onlineLoss = BreastCancerData.meanLogLoss(Z, DATA.y, model.intercept(), model.coefficients());
        assertThat(onlineLoss).isCloseTo(batchLoss, within(LOG_LOSS_TOLERANCE));

        double batchObjective = n * batchLoss + 0.5 * lambda * squaredNorm(batch.coefficients());
        double onlineObjective = n * onlineLoss + 0.5 * lambda * squaredNorm(model.coefficients());
        // the batch fit is the minimiser: nothing may be below it (beyond roundoff)
        assertThat(onlineObjective).isGreaterThanOrEqualTo(batchObjective - 1e-9);
        assertThat(onlineObjective).isLessThan(batchObjective * (1 + OBJECTIVE_RELATIVE_TOLERANCE));

        assertThat(model.intercept()).isCloseTo(batch.intercept(), within(COEFFICIENT_TOLERANCE));
        for (int j = 0; j < 30; j++) {
            assertThat(model.coefficients()[j]).as("coefficient %d", j)
                    .isCloseTo(batch.coefficients()[j], within(COEFFICIENT_TOLERANCE));
        }
    }

    @Test
    void warmStartBeginsAtTheBatchModelAndStaysNearItOnTheSameData() {
        LogisticModel batch = LogisticRegression.fit(Z, DATA.y, DATA.names, LogisticOptions.l2(1.0));
        OnlineLogisticRegression online = OnlineLogisticRegression.warmStart(batch,
                OnlineLogisticOptions.learningRate(0.01).l2(1.0 / Z.length));
        LogisticModel start = online.snapshot();
        assertThat(start.intercept()).isEqualTo(batch.intercept());
        assertThat(start.coefficients()).containsExactly(batch.coefficients());
        assertThat(start.featureNames()).isEqualTo(batch.featureNames());
        assertThat(start.info().algorithm()).isEqualTo("logistic-regression/adagrad-sgd");
        assertThat(online.predictProbability(Z[3])).isEqualTo(batch.predictProbability(Z[3]));

        for (int i = 0; i < Z.length; i++) {
            online.learn(Z[i], DATA.y[i]);
        }
        LogisticModel after = online.snapshot();
        assertThat(after.coefficients()).isNotEqualTo(batch.coefficients());
        for (int j = 0; j < 30; j++) {
            // a step is at most eta per update in each coordinate, and the batch point has zero mean gradient
            assertThat(after.coefficients()[j]).isCloseTo(batch.coefficients()[j], within(0.1));
        }
    }

    @Test
    void learnAndPredictDoNotAllocate() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        OnlineLogisticRegression online = OnlineLogisticRegression.create(30, OnlineLogisticOptions.learningRate(0.1));
        double sink = 0;
        for (int i = 0; i < 20_000; i++) { // warm up, so that lazy JVM allocations are done before measuring
            online.learn(Z[i % Z.length], DATA.y[i % Z.length]);
            sink += online.predictProbability(Z[(i + 1) % Z.length]);
        }
        long baseline = threads.getThreadAllocatedBytes(thread);
        long baselineCost = threads.getThreadAllocatedBytes(thread) - baseline;
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 20_000; i++) {
            online.learn(Z[i % Z.length], DATA.y[i % Z.length]);
            sink += online.predictProbability(Z[(i + 1) % Z.length]);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before - baselineCost;
        assertThat(sink).isPositive();
        // one double[30] per call would be 20,000 x 256 bytes; allow only measurement noise
        assertThat(allocated).isLessThan(4_096);
    }

    @Test
    void badExamplesAreRejectedAndLeaveTheStateUnchanged() {
        OnlineLogisticRegression online = OnlineLogisticRegression.create(2, OnlineLogisticOptions.learningRate(0.1));
        online.learn(new double[] {1, 2}, 1);
        LogisticModel before = online.snapshot();

        assertThatThrownBy(() -> online.learn(new double[] {1, 2}, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("y must be 0 or 1, was 3");
        assertThatThrownBy(() -> online.learn(new double[] {1, 2, 3}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("x has 3 columns, model expects 2");
        assertThatThrownBy(() -> online.learn(new double[] {1, Double.POSITIVE_INFINITY}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("x column 'x1' (index 1) is Infinity");
        assertThatThrownBy(() -> online.learn(new double[] {1, 2}, 1, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("weight must be finite and > 0, was -1.0");
        assertThat(online.snapshot()).isEqualTo(before);
        assertThat(online.examplesSeen()).isEqualTo(1);
    }

    @Test
    void snapshotRoundTripsThroughJsonExactly() {
        OnlineLogisticRegression online = OnlineLogisticRegression.create(30, OnlineLogisticOptions.learningRate(0.2));
        for (int i = 0; i < 300; i++) {
            online.learn(Z[i], DATA.y[i]);
        }
        LogisticModel model = online.snapshot();
        assertThat(LogisticModel.fromJson(model.toJson())).isEqualTo(model);
        assertThat(model.toJson()).doesNotContain("convergence");
    }

    private static double squaredNorm(double[] v) {
        double s = 0;
        for (double e : v) {
            s += e * e;
        }
        return s;
    }
}
