package dev.profilekit.models.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.ejml.data.Complex_F64;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;

class ArimaTest {

    /** An estimate must lie within this many of its standard errors of the true value. */
    private static final double SE_MULTIPLE = 3.0;
    /** Relative agreement of the Hessian standard errors with the asymptotic AR(2) formula. */
    private static final double ASYMPTOTIC_SE_REL_TOL = 0.10;
    /** Relative agreement of two exact computations of the same quantity. */
    private static final double EXACT_REL_TOL = 1e-8;

    /** y_t = mu + sum phi_i (y_{t-i} - mu) + e_t + sum theta_j e_{t-j}, e ~ N(0, sigma²), after a burn-in. */
    static double[] simulateArma(double mu, double[] phi, double[] theta, double sigma, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int burn = 500;
        double[] y = new double[n + burn];
        double[] e = new double[n + burn];
        for (int t = 0; t < y.length; t++) {
            e[t] = sigma * rng.nextGaussian();
            double v = e[t];
            for (int i = 0; i < phi.length && t - 1 - i >= 0; i++) {
                v += phi[i] * y[t - 1 - i];
            }
            for (int j = 0; j < theta.length && t - 1 - j >= 0; j++) {
                v += theta[j] * e[t - 1 - j];
            }
            y[t] = v;
        }
        double[] out = new double[n];
        for (int t = 0; t < n; t++) {
            out[t] = mu + y[burn + t];
        }
        return out;
    }

    static double[] cumulate(double start, double[] w) {
        double[] y = new double[w.length + 1];
        y[0] = start;
        for (int t = 0; t < w.length; t++) {
            y[t + 1] = y[t] + w[t];
        }
        return y;
    }

    @Test
    void simulatedAr2IsRecoveredWithinItsStandardErrors() {
        double[] phi = {0.6, -0.3};
        double mu = 10;
        double sigma = 2;
        int n = 2000;
        double[] y = simulateArma(mu, phi, new double[0], sigma, n, 2024);
        ArimaModel m = Arima.fit(y, ArimaOrder.of(2, 0, 0));
        assertThat(m.converged()).isTrue();
        assertThat(m.paramNames()).containsExactly("const", "ar.L1", "ar.L2", "sigma2");
        double[] est = m.params();
        double[] se = m.standardErrors();
        double[] truth = {mu, phi[0], phi[1], sigma * sigma};
        for (int i = 0; i < truth.length; i++) {
            assertThat(Math.abs(est[i] - truth[i])).as(m.paramNames().get(i))
                    .isLessThanOrEqualTo(SE_MULTIPLE * se[i]);
        }
        // asymptotic AR(2) theory: Var(phi1) = Var(phi2) = (1 - phi2²) / n
        double asymptotic = Math.sqrt((1 - phi[1] * phi[1]) / n);
        assertThat(se[1]).isCloseTo(asymptotic, within(ASYMPTOTIC_SE_REL_TOL * asymptotic));
        assertThat(se[2]).isCloseTo(asymptotic, within(ASYMPTOTIC_SE_REL_TOL * asymptotic));
        // and Var(mean) = sigma² / (n (1 - phi1 - phi2)²)
        double seMean = sigma / (Math.sqrt(n) * (1 - phi[0] - phi[1]));
        assertThat(se[0]).isCloseTo(seMean, within(ASYMPTOTIC_SE_REL_TOL * seMean));
    }

    @Test
    void arForecastsAreTheRecursionWithPsiWeightErrors() {
        double[] y = simulateArma(5, new double[] {0.6, -0.3}, new double[0], 1, 400, 7);
        ArimaModel m = Arima.fit(y, ArimaOrder.of(2, 0, 0));
        double mu = m.mean();
        double[] a = m.ar();
        int h = 12;
        ArimaForecast f = m.forecast(h);
        double prev1 = y[y.length - 1] - mu;
        double prev2 = y[y.length - 2] - mu;
        double[] psi = new double[h];
        double var = 0;
        for (int s = 0; s < h; s++) {
            double next = a[0] * prev1 + a[1] * prev2;
            assertThat(f.mean()[s]).isCloseTo(mu + next, within(EXACT_REL_TOL * Math.abs(mu + next)));
            prev2 = prev1;
            prev1 = next;
            psi[s] = s == 0 ? 1 : a[0] * psi[s - 1] + (s >= 2 ? a[1] * psi[s - 2] : 0);
            var += m.sigma2() * psi[s] * psi[s];
            assertThat(f.standardErrors()[s]).isCloseTo(Math.sqrt(var), within(EXACT_REL_TOL * Math.sqrt(var)));
        }
        double z = 1.959963984540054;
        assertThat(f.upper()[3] - f.mean()[3]).isCloseTo(z * f.standardErrors()[3], within(1e-9));
        assertThat(f.mean()[3] - f.lower()[3]).isCloseTo(z * f.standardErrors()[3], within(1e-9));
    }

    @Test
    void integratedForecastsCumulateTheDifferenceForecasts() {
        double[] w = simulateArma(0, new double[] {0.5}, new double[0], 1, 600, 11);
        double[] y = cumulate(100, w);
        ArimaModel m = Arima.fit(y, ArimaOrder.of(1, 1, 0));
        assertThat(m.hasConstant()).isFalse();
        assertThat(m.observations()).isEqualTo(w.length);
        double phi = m.ar()[0];
        int h = 8;
        ArimaForecast f = m.forecast(h);
        double level = y[y.length - 1];
        double lastW = w[w.length - 1];
        double var = 0;
        double psiStar = 0; // psi weights of (1 - phi B)(1 - B): partial sums of phi^j
        for (int s = 0; s < h; s++) {
            lastW = phi * lastW;
            level += lastW;
            psiStar += Math.pow(phi, s);
            var += m.sigma2() * psiStar * psiStar;
            assertThat(f.mean()[s]).isCloseTo(level, within(EXACT_REL_TOL * Math.abs(level)));
            assertThat(f.standardErrors()[s]).isCloseTo(Math.sqrt(var), within(EXACT_REL_TOL * Math.sqrt(var)));
        }
    }

    /** Concentrated Gaussian log-likelihood of y - mu under the autocovariances gamma (unit sigma²). */
    private static double denseConcentratedLogLik(double[] y, double mu, double[] gamma) {
        int n = y.length;
        DMatrixRMaj g = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int lag = Math.abs(i - j);
                g.set(i, j, lag < gamma.length ? gamma[lag] : 0.0);
            }
        }
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(n, true);
        assertThat(chol.decompose(g.copy())).isTrue(); // decompose may overwrite its input
        DMatrixRMaj l = chol.getT(null);
        double logDet = 0;
        for (int i = 0; i < n; i++) {
            logDet += 2 * Math.log(l.get(i, i));
        }
        DMatrixRMaj b = new DMatrixRMaj(n, 1);
        for (int i = 0; i < n; i++) {
            b.set(i, 0, y[i] - mu);
        }
        DMatrixRMaj x = new DMatrixRMaj(n, 1);
        CommonOps_DDRM.solve(g, b, x);
        double quad = CommonOps_DDRM.dot(b, x);
        double sigma2 = quad / n;
        return -0.5 * (n * Math.log(2 * Math.PI) + logDet + n * Math.log(sigma2) + n);
    }

    @Test
    void kalmanLikelihoodEqualsTheDenseGaussianDensity() {
        int n = 80;
        double[] y = simulateArma(3, new double[] {0.7}, new double[] {0.4}, 1.5, n, 3);
        // ARMA(1,1): gamma0 = (1 + 2 phi theta + theta²)/(1 - phi²), gamma1 = (1 + phi theta)(phi + theta)/(1 - phi²),
        // gamma_k = phi gamma_{k-1}
        double phi = 0.55;
        double theta = -0.3;
        double[] gamma = new double[n];
        gamma[0] = (1 + 2 * phi * theta + theta * theta) / (1 - phi * phi);
        gamma[1] = (1 + phi * theta) * (phi + theta) / (1 - phi * phi);
        for (int k = 2; k < n; k++) {
            gamma[k] = phi * gamma[k - 1];
        }
        double kalman = ArmaStateSpace.filter(y, 2.5, new double[] {phi}, new double[] {theta})
                .concentratedLogLikelihood();
        double dense = denseConcentratedLogLik(y, 2.5, gamma);
        assertThat(kalman).isCloseTo(dense, within(EXACT_REL_TOL * Math.abs(dense)));
        // MA(2): gamma0 = 1 + t1² + t2², gamma1 = t1 + t1 t2, gamma2 = t2
        double t1 = 0.5;
        double t2 = -0.25;
        double kalmanMa = ArmaStateSpace.filter(y, 3, new double[0], new double[] {t1, t2})
                .concentratedLogLikelihood();
        double denseMa = denseConcentratedLogLik(y, 3, new double[] {1 + t1 * t1 + t2 * t2, t1 + t1 * t2, t2});
        assertThat(kalmanMa).isCloseTo(denseMa, within(EXACT_REL_TOL * Math.abs(denseMa)));
    }

    @Test
    void fittedLikelihoodIsTheClosedFormAr1LikelihoodAtTheEstimate() {
        double[] y = simulateArma(-4, new double[] {0.8}, new double[0], 0.5, 300, 5);
        ArimaModel m = Arima.fit(y, ArimaOrder.of(1, 0, 0));
        double mu = m.mean();
        double phi = m.ar()[0];
        double s2 = m.sigma2();
        double ss = (1 - phi * phi) * (y[0] - mu) * (y[0] - mu);
        for (int t = 1; t < y.length; t++) {
            double e = y[t] - mu - phi * (y[t - 1] - mu);
            ss += e * e;
        }
        int n = y.length;
        double closed = -0.5 * n * Math.log(2 * Math.PI * s2) + 0.5 * Math.log(1 - phi * phi) - ss / (2 * s2);
        assertThat(m.logLikelihood()).isCloseTo(closed, within(EXACT_REL_TOL * Math.abs(closed)));
        assertThat(m.aic()).isCloseTo(2 * 3 - 2 * closed, within(1e-6));
        assertThat(m.bic()).isCloseTo(3 * Math.log(n) - 2 * closed, within(1e-6));
    }

    @Test
    void partialAutocorrelationTransformGivesStationaryPolynomialsAndInverts() {
        SplittableRandom rng = new SplittableRandom(42);
        for (int trial = 0; trial < 50; trial++) {
            int p = 1 + rng.nextInt(6);
            double[] u = new double[p];
            for (int i = 0; i < p; i++) {
                u[i] = 3 * rng.nextGaussian();
            }
            double[] phi = ArmaStateSpace.constrainAr(u, 0, p);
            // companion matrix eigenvalues inside the unit circle <=> stationary
            DMatrixRMaj companion = new DMatrixRMaj(p, p);
            for (int i = 0; i < p; i++) {
                companion.set(0, i, phi[i]);
                if (i > 0) {
                    companion.set(i, i - 1, 1.0);
                }
            }
            EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(p, false);
            assertThat(eig.decompose(companion)).isTrue();
            for (int i = 0; i < p; i++) {
                Complex_F64 ev = eig.getEigenvalue(i);
                assertThat(ev.getMagnitude()).isLessThan(1.0);
            }
            double[] back = ArmaStateSpace.unconstrainAr(phi);
            for (int i = 0; i < p; i++) {
                assertThat(back[i]).isCloseTo(u[i], within(1e-6 * Math.max(1, Math.abs(u[i]))));
            }
        }
        assertThat(ArmaStateSpace.unconstrainAr(new double[] {1.0})).isNull();
        assertThat(ArmaStateSpace.unconstrainAr(new double[] {0.5, 0.6})).isNull(); // 1 - .5z - .6z² has a root < 1
    }

    @Test
    void jsonRoundTripIsExactAndForecastsAgree() {
        double[] y = cumulate(0, simulateArma(0, new double[] {0.3}, new double[] {0.2}, 1, 300, 9));
        ArimaModel m = Arima.fit(y, ArimaOrder.of(1, 1, 1));
        String json = m.toJson();
        ArimaModel back = ArimaModel.fromJson(json);
        assertThat(back).isEqualTo(m);
        assertThat(back.params()).containsExactly(m.params());
        assertThat(back.toJson()).isEqualTo(json);
        assertThat(back.forecast(5).mean()).containsExactly(m.forecast(5).mean());
        assertThat(back.forecast(5).standardErrors()).containsExactly(m.forecast(5).standardErrors());
        assertThat(m.info().algorithm()).isEqualTo("arima/exact-ml");
        assertThat(m.info().options()).containsEntry("p", 1).containsEntry("d", 1).containsEntry("q", 1)
                .containsEntry("constant", false);
        assertThatThrownBy(() -> ArimaModel.fromJson(json.replace("\"version\":1", "\"version\":7")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 7");
    }

    @Test
    void badInputIsRejectedWithTheProblemAndValues() {
        assertThatThrownBy(() -> Arima.fit(new double[] {1, 2, Double.NaN, 4, 5, 6}, ArimaOrder.of(1, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("series[2] is NaN");
        assertThatThrownBy(() -> Arima.fit(new double[] {1, 2, 4, 3, 5}, ArimaOrder.of(2, 1, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("series too short for ARIMA(2,1,2): 5 observations leave 4 after differencing, need at "
                        + "least 6 (the 5 parameters + 1)");
        assertThatThrownBy(() -> Arima.fit(new double[] {1, 2, 4, 3, 5, 7, 6}, ArimaOrder.of(1, 1, 0),
                ArimaOptions.withConstant()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a constant is only supported when d = 0 (it is then the process mean), order was "
                        + "ARIMA(1,1,0)");
        assertThatThrownBy(() -> Arima.fit(new double[] {3, 3, 3, 3, 3, 3}, ArimaOrder.of(1, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("constant after 0 difference(s)");
        assertThatThrownBy(() -> ArimaOrder.of(-1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("p must be in [0, 20], was -1");
        ArimaModel m = Arima.fit(simulateArma(0, new double[] {0.5}, new double[0], 1, 50, 1), ArimaOrder.of(1, 0, 0));
        assertThatThrownBy(() -> m.forecast(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("steps must be >= 1, was 0");
    }

    @Test
    void iterationLimitIsReportedAsNotConverged() {
        double[] y = simulateArma(0, new double[] {0.6, -0.3}, new double[] {0.4}, 1, 500, 8);
        ArimaModel m = Arima.fit(y, ArimaOrder.of(2, 0, 1), ArimaOptions.withConstant().maxIterations(1));
        assertThat(m.converged()).isFalse();
        assertThat(m.iterations()).isEqualTo(1);
    }

    @Test
    void varianceRuleChoosesTheNumberOfDifferences() {
        double[] noise = simulateArma(0, new double[0], new double[0], 1, 500, 4);
        assertThat(Arima.chooseD(noise, 2)).isZero();
        assertThat(Arima.chooseD(cumulate(0, noise), 2)).isEqualTo(1);
        assertThat(Arima.chooseD(cumulate(0, cumulate(0, noise)), 2)).isEqualTo(2);
    }

    @Test
    void autoFitReturnsTheLowestAicOfItsGrid() {
        double[] y = simulateArma(1, new double[] {0.6, -0.3}, new double[0], 1, 300, 12);
        ArimaModel best = Arima.autoFit(y, ArimaSearchOptions.upTo(2, 2).withD(0));
        for (int p = 0; p <= 2; p++) {
            for (int q = 0; q <= 2; q++) {
                assertThat(best.aic()).isLessThanOrEqualTo(Arima.fit(y, ArimaOrder.of(p, 0, q)).aic());
            }
        }
        assertThat(best.info().algorithm()).isEqualTo("arima/auto-aic");
        assertThat(ArimaModel.fromJson(best.toJson())).isEqualTo(best);
    }

    @Test
    void unknownStandardErrorsRoundTripAsNull() {
        dev.profilekit.models.ModelInfo info = dev.profilekit.models.ModelInfo.of("arima/exact-ml",
                java.util.Map.of("p", 1), null, 10, 1);
        ArimaModel m = new ArimaModel(ArimaOrder.of(1, 0, 0), true, 2.0, new double[] {0.5}, new double[0], 1.5,
                new double[] {Double.NaN, 0.1, 0.2}, -12.5, 10, 4, true, new double[] {0.25},
                new double[][] {{1.5}}, new double[0], info);
        String json = m.toJson();
        assertThat(json).contains("\"standardErrors\":[null,0.1,0.2]");
        ArimaModel back = ArimaModel.fromJson(json);
        assertThat(back).isEqualTo(m);
        assertThat(Double.isNaN(back.standardErrors()[0])).isTrue();
        // forecasts of a stored model: mean + state, then phi * state; the state variance, then phi² P + sigma2
        ArimaForecast f = back.forecast(2);
        assertThat(f.mean()).containsExactly(2.25, 2.125);
        assertThat(f.standardErrors()[0]).isCloseTo(Math.sqrt(1.5), within(1e-15));
        assertThat(f.standardErrors()[1]).isCloseTo(Math.sqrt(0.25 * 1.5 + 1.5), within(1e-15));
    }
}
