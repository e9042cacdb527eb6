package dev.profilekit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The logistic regression contenders solve the same problem: with the penalty mapped (Smile's lambda = ours,
 * liblinear C = 1 / lambda) they reach the same training log loss; Tribuo's SGD (no penalty, 5 epochs) is near.
 */
class LogisticRegressionPeersBenchmarkTest {

    /** Relative agreement of the penalised optimum's log loss: ours and Smile both converge tightly. */
    private static final double SAME_OPTIMUM_REL = 1e-7;
    /** liblinear also penalises the intercept (Tribuo's bias feature) and stops on its own relative test. */
    private static final double LIBLINEAR_REL = 1e-4;
    /** SGD with a fixed budget: within 10% of the optimum's log loss. */
    private static final double SGD_REL = 0.10;

    @Test
    void penalisedContendersReachTheSameLogLoss() {
        Map<String, Double> q = LogisticRegressionPeersBenchmark.quality(3000, 10);
        double ours = q.get("log_loss.ours");
        assertThat(ours).isPositive().isLessThan(Math.log(2));
        assertThat(q.get("log_loss.smile")).isCloseTo(ours, within(SAME_OPTIMUM_REL * ours));
        assertThat(q.get("log_loss.tribuoLiblinear")).isCloseTo(ours, within(LIBLINEAR_REL * ours));
        assertThat(q.get("log_loss.tribuoSgd")).isCloseTo(ours, within(SGD_REL * ours));
    }

    @Test
    void meanLogLossMatchesTheDefinition() {
        // -(log 0.8 + log(1 - 0.4)) / 2
        double expected = -(Math.log(0.8) + Math.log(0.6)) / 2;
        assertThat(LogisticRegressionPeersBenchmark.meanLogLoss(new int[] {1, 0}, new double[] {0.8, 0.4}))
                .isCloseTo(expected, within(1e-15));
    }

    @Test
    void dataAreSeededAndBalancedEnough() {
        LogisticRegressionPeersBenchmark.Data a = LogisticRegressionPeersBenchmark.data(500, 5);
        LogisticRegressionPeersBenchmark.Data b = LogisticRegressionPeersBenchmark.data(500, 5);
        assertThat(a.x()).isDeepEqualTo(b.x());
        assertThat(a.y()).containsExactly(b.y());
        int ones = 0;
        for (int v : a.y()) {
            ones += v;
        }
        assertThat(ones).isBetween(100, 400);
    }
}
