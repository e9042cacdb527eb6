package dev.profilekit.models.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The {@link ArimaLikelihood#APPROXIMATE_DIFFUSE} (statsmodels-compatible) mode against the exact one. */
class ArimaLikelihoodTest {

    /** A diffuse variance large enough that the prior carries practically no information. */
    private static final double NEARLY_DIFFUSE = 1e9;
    /** Log-likelihood agreement as the diffuse variance grows: the leaked information is O(sigma2 / variance). */
    private static final double LIMIT_ABS_TOL = 1e-4;

    /** The exact log-likelihood of the stationary ARMA at (ar, ma, sigma2), not concentrated. */
    private static double exactLogLikelihood(double[] w, double[] ar, double[] ma, double sigma2) {
        ArmaStateSpace.FilterResult fr = ArmaStateSpace.filter(w, 0, ar, ma);
        int n = w.length;
        return -0.5 * (n * Math.log(2 * Math.PI) + fr.sumLogF + n * Math.log(sigma2) + fr.sumSquares / sigma2);
    }

    @Test
    void defaultIsExactAndTheWitherChangesOnlyTheLikelihood() {
        ArimaOptions o = ArimaOptions.noConstant();
        assertThat(o.likelihood()).isEqualTo(ArimaLikelihood.EXACT);
        ArimaOptions s = o.maxIterations(50).likelihood(ArimaLikelihood.APPROXIMATE_DIFFUSE);
        assertThat(s).isEqualTo(new ArimaOptions(false, 50, ArimaLikelihood.APPROXIMATE_DIFFUSE));
        assertThat(s.maxIterations(60).likelihood()).isEqualTo(ArimaLikelihood.APPROXIMATE_DIFFUSE);
        assertThatThrownBy(() -> o.likelihood(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("likelihood");
    }

    @Test
    void withNoDifferencingBothLikelihoodsAreTheSameFit() {
        double[] y = ArimaTest.simulateArma(0, new double[] {0.6, -0.2}, new double[] {0.3}, 1, 200, 11);
        for (int i = 0; i < y.length; i++) {
            y[i] += 1000;
        }
        ArimaOrder order = ArimaOrder.of(2, 0, 1);
        ArimaModel exact = Arima.fit(y, order, ArimaOptions.withConstant());
        ArimaModel diffuse = Arima.fit(y, order, ArimaOptions.withConstant()
                .likelihood(ArimaLikelihood.APPROXIMATE_DIFFUSE));
        assertThat(diffuse.params()).containsExactly(exact.params());
        assertThat(diffuse.logLikelihood()).isEqualTo(exact.logLikelihood());
        assertThat(diffuse.forecast(5).mean()).containsExactly(exact.forecast(5).mean());
        assertThat(diffuse.forecast(5).standardErrors()).containsExactly(exact.forecast(5).standardErrors());
    }

    @Test
    void asTheDiffuseVarianceGrowsTheLikelihoodTendsToTheExactOneOfTheDifferences() {
        // with an uninformative prior on the integration states the first d observations only fix them, and what
        // is left is the likelihood of the d-times differenced series (the diffuse likelihood of an ARIMA model)
        double[] ar = {0.4};
        double[] ma = {-0.3};
        double sigma2 = 2.5;
        double[] w2 = ArimaTest.simulateArma(0, ar, ma, 1, 150, 5);
        for (int d = 1; d <= 2; d++) {
            double[] w = w2.clone();
            double[] y = d == 1 ? ArimaTest.cumulate(40, w) : ArimaTest.cumulate(40, ArimaTest.cumulate(3, w));
            double limit = exactLogLikelihood(w, ar, ma, sigma2);
            double nearly = ArmaStateSpace.filterApproximateDiffuse(y, d, ar, ma, sigma2, NEARLY_DIFFUSE)
                    .logLikelihood();
            assertThat(nearly).as("d = %d", d).isCloseTo(limit, within(LIMIT_ABS_TOL));
            // with statsmodels' 1e6 and a level near 1000 the prior is informative and the value moves away
            double[] far = y.clone();
            for (int i = 0; i < far.length; i++) {
                far[i] += 3000;
            }
            double informative = ArmaStateSpace.filterApproximateDiffuse(far, d, ar, ma, sigma2,
                    ArimaLikelihood.DIFFUSE_VARIANCE).logLikelihood();
            assertThat(Math.abs(informative - limit)).as("d = %d", d).isGreaterThan(LIMIT_ABS_TOL);
        }
    }

    @Test
    void diffuseFitIsRecordedAndRoundTripsThroughJson() {
        double[] y = ArimaTest.cumulate(900,
                ArimaTest.simulateArma(0, new double[] {0.3}, new double[] {0.2}, 1, 150, 9));
        for (int i = 0; i < y.length; i++) {
            y[i] *= 30;
        }
        ArimaModel m = Arima.fit(y, ArimaOrder.of(1, 1, 1),
                ArimaOptions.noConstant().likelihood(ArimaLikelihood.APPROXIMATE_DIFFUSE));
        ArimaModel exact = Arima.fit(y, ArimaOrder.of(1, 1, 1));
        assertThat(m.info().algorithm()).isEqualTo("arima/approximate-diffuse-ml");
        assertThat(m.info().options()).containsEntry("likelihood", "APPROXIMATE_DIFFUSE");
        assertThat(exact.info().options()).containsEntry("likelihood", "EXACT");
        assertThat(m.logLikelihood()).isNotEqualTo(exact.logLikelihood());
        ArimaModel back = ArimaModel.fromJson(m.toJson());
        assertThat(back).isEqualTo(m);
        assertThat(back.forecast(3).mean()).containsExactly(m.forecast(3).mean());
    }
}
