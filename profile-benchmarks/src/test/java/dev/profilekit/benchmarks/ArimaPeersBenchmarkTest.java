package dev.profilekit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ARIMA contenders fit the same model to the same differences: their conditional log-likelihoods (one
 * formula) are close, and our exact log-likelihood is near the conditional one.
 */
class ArimaPeersBenchmarkTest {

    /**
     * Hannan-Rissanen estimates are consistent but not maximum likelihood; over 999 differences the
     * log-likelihoods differ by O(1): a wrong sign convention or the undifferenced series would cost hundreds.
     */
    private static final double LOGLIKE_GAP = 5.0;

    @Test
    void logLikelihoodsAgree() {
        Map<String, Double> q = ArimaPeersBenchmark.quality();
        double ours = q.get("css_loglike.ours");
        // sigma = 1: the log-likelihood per observation is near -(log(2 pi) + 1) / 2 = -1.419
        assertThat(ours / 999).isCloseTo(-1.419, within(0.1));
        assertThat(q.get("css_loglike.smile")).isCloseTo(ours, within(LOGLIKE_GAP));
        assertThat(q.get("exact_loglike.ours")).isCloseTo(ours, within(LOGLIKE_GAP));
    }

    @Test
    void conditionalLogLikelihoodOfWhiteNoise() {
        // phi = theta = 0, c = 0: the residuals are the data, RSS / m = 1
        double[] w = {1, -1, 1, -1};
        double expected = -4 / 2.0 * (Math.log(2 * Math.PI * 1.0) + 1);
        assertThat(ArimaPeersBenchmark.conditionalLogLikelihood(w, 0, new double[0], new double[0]))
                .isCloseTo(expected, within(1e-12));
        // an AR(1) with phi = -1 predicts every value after the first exactly: RSS = 0 over m = 3
        assertThat(ArimaPeersBenchmark.conditionalLogLikelihood(w, 0, new double[] {-1}, new double[0]))
                .isEqualTo(Double.POSITIVE_INFINITY);
        double[] series = ArimaPeersBenchmark.series(50);
        assertThat(series[0]).isEqualTo(50.0);
        assertThat(ArimaPeersBenchmark.difference(series)).hasSize(49);
    }
}
