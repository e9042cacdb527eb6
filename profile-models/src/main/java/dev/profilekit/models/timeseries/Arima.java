package dev.profilekit.models.timeseries;

import dev.profilekit.features.Checks;
import dev.profilekit.models.ModelInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * ARIMA(p, d, q) by exact Gaussian maximum likelihood, as R's {@code arima(method = "CSS-ML")}: the series is
 * differenced d times, and the ARMA(p, q) of the differences (with a mean when d = 0 and a constant is asked
 * for) is fitted.
 *
 * <pre>{@code
 * ArimaModel m = Arima.fit(series, ArimaOrder.of(2, 1, 1));
 * ArimaForecast f = m.forecast(10);           // f.mean(), f.standardErrors(), f.lower(), f.upper()
 * ArimaModel best = Arima.autoFit(series, ArimaSearchOptions.upTo(3, 3));
 * }</pre>
 *
 * <p>Estimation: the AR and MA coefficients are optimised over unconstrained reals mapped through the
 * Jones/Monahan partial-autocorrelation transform, so every candidate is stationary and invertible. Starting
 * values come from minimising the conditional sum of squares (CSS) by BFGS with its analytic gradient (the
 * residuals' derivative recursions, one O(n (p + q) q) pass); the exact likelihood is then computed by a Kalman
 * filter on Harvey's state-space form with the stationary initial covariance, sigma2 concentrated out, and
 * maximised by BFGS with central-difference gradients from the CSS estimate, and also from zero (the better
 * optimum is kept) when the first run did not converge or zero is already better than its optimum. Each
 * likelihood evaluation costs O(r^6) for the initial covariance plus O(r²) per step until the covariance reaches
 * its fixed point and O(r) per step after (for a stationary, invertible model within tens of steps), r = max(p,
 * q + 1). On n = 1000 an ARIMA(2,1,2) fit takes ~16 CSS iterations and ~150 likelihood evaluations (the numerical
 * Hessian for the standard errors included).
 *
 * <p>With {@link ArimaOptions#likelihood(ArimaLikelihood) likelihood(APPROXIMATE_DIFFUSE)} and d >= 1 the exact
 * estimate is then refined by BFGS over (AR and MA reals, log sigma2) to the maximum of statsmodels' likelihood,
 * in which the d integration states stay in the state vector with an approximate diffuse start (see
 * {@link ArimaLikelihood}); each evaluation costs O(n (d + r)³).
 */
public final class Arima {

    private Arima() {
    }

    /** Fits with the defaults for the order (a constant exactly when d = 0). */
    public static ArimaModel fit(double[] series, ArimaOrder order) {
        return fit(series, order, ArimaOptions.defaultsFor(order));
    }

    /**
     * Fits ARIMA(p, d, q) by maximum likelihood: exact, or statsmodels' approximate diffuse likelihood when the
     * options ask for it and d >= 1.
     *
     * @param series  the observations, oldest first, all finite
     * @param order   p, d, q
     * @param options constant, iteration limit and likelihood
     * @return the fitted model; {@code converged()} is false if the optimiser hit its limit without meeting its
     *         convergence test
     * @throws IllegalArgumentException if the series has a non-finite value, is too short for the order (fewer
     *                                  than k + 1 observations after differencing, k counting sigma2), is constant
     *                                  after differencing, or a constant is asked for with d > 0
     */
    public static ArimaModel fit(double[] series, ArimaOrder order, ArimaOptions options) {
        Checks.requireNonNull(order, "order");
        Checks.requireNonNull(options, "options");
        requireSeries(series);
        int p = order.p();
        int d = order.d();
        int q = order.q();
        boolean constant = options.constant();
        Checks.requireArgument(!constant || d == 0,
                "a constant is only supported when d = 0 (it is then the process mean), order was %s", order);
        int k = (constant ? 1 : 0) + p + q + 1;
        int nEff = series.length - d;
        Checks.requireArgument(nEff >= k + 1,
                "series too short for %s%s: %d observations leave %d after differencing, need at least %d "
                        + "(the %d parameters + 1)", order, constant ? " with constant" : "", series.length,
                Math.max(nEff, 0), k + 1, k);
        double[] w = series.clone();
        double[] levels = new double[d];
        for (int j = 0; j < d; j++) {
            levels[j] = w[w.length - 1];
            w = difference(w);
        }
        double mean = mean(w);
        double var = sumOfSquaredDeviations(w, mean) / w.length;
        Checks.requireArgument(var > 0, "series is constant after %d difference(s): variance 0, nothing to fit", d);
        Params layout = new Params(constant, p, q, mean, Math.sqrt(var));
        double[] finalW = w;
        int n = w.length;
        double[] zero = new double[layout.size()];

        // The CSS start, with the analytic gradient of the residual recursion (one pass instead of 2 (p + q)
        // evaluations of the sum of squares per gradient).
        Bfgs.Result css = Bfgs.minimize(x -> {
            double ss = ArmaStateSpace.conditionalSumOfSquares(finalW, layout.mean(x), layout.ar(x), layout.ma(x));
            return 0.5 * Math.log(ss / (n - p));
        }, (x, fx) -> layout.cssGradient(finalW, x), zero, options.maxIterations());

        java.util.function.ToDoubleFunction<double[]> negLogLik = x -> {
            ArmaStateSpace.FilterResult fr = ArmaStateSpace.filter(finalW, layout.mean(x), layout.ar(x), layout.ma(x));
            return fr == null ? Double.POSITIVE_INFINITY : -fr.concentratedLogLikelihood() / n;
        };
        // From the CSS estimate (R's CSS-ML); from zero (white noise) as well only when that start is in doubt: the
        // CSS start could not be evaluated, its run did not converge, or zero is already better than its optimum.
        // Each BFGS run is ~100+ likelihood evaluations, so the second start used to be half the cost of a fit.
        Bfgs.Result best = Double.isFinite(css.value())
                ? Bfgs.minimize(negLogLik, css.x(), options.maxIterations()) : null;
        if (best == null || !best.converged() || negLogLik.applyAsDouble(zero) < best.value()) {
            Bfgs.Result r = Bfgs.minimize(negLogLik, zero, options.maxIterations());
            if (best == null || r.value() < best.value()) {
                best = r;
            }
        }
        if (!Double.isFinite(best.value())) {
            throw new IllegalStateException("the exact likelihood of " + order + " could not be evaluated at any "
                    + "starting value");
        }
        double mu = layout.mean(best.x());
        double[] ar = layout.ar(best.x());
        double[] ma = layout.ma(best.x());
        ArmaStateSpace.FilterResult fr = ArmaStateSpace.filter(w, mu, ar, ma);
        double sigma2 = fr.sigma2();
        double loglike = fr.concentratedLogLikelihood();
        int r = fr.state.length;
        double[] state = fr.state;
        double[][] cov = new double[r][r];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                cov[i][j] = sigma2 * fr.covariance[i][j];
            }
        }
        int iterations = best.iterations();
        boolean converged = best.converged();
        boolean diffuse = options.likelihood() == ArimaLikelihood.APPROXIMATE_DIFFUSE && d > 0;
        double[] se;
        if (diffuse) {
            // statsmodels' estimand: refine the exact-likelihood optimum (it is close) over (AR and MA reals,
            // log sigma2), sigma2 not concentrated out since the diffuse prior variance is not scaled by it.
            double[] start = java.util.Arrays.copyOf(best.x(), p + q + 1);
            start[p + q] = Math.log(sigma2);
            java.util.function.ToDoubleFunction<double[]> negDiffuse = x -> {
                ArmaStateSpace.DiffuseResult dr = ArmaStateSpace.filterApproximateDiffuse(series, d,
                        ArmaStateSpace.constrainAr(x, 0, p), ArmaStateSpace.constrainMa(x, p, q), Math.exp(x[p + q]),
                        ArimaLikelihood.DIFFUSE_VARIANCE);
                return dr == null ? Double.POSITIVE_INFINITY : -dr.logLikelihood() / n;
            };
            Bfgs.Result opt = Bfgs.minimize(negDiffuse, start, options.maxIterations());
            if (!(opt.value() <= negDiffuse.applyAsDouble(start))) {
                throw new IllegalStateException("the approximate diffuse likelihood of " + order
                        + " could not be evaluated at the exact-likelihood estimate");
            }
            ar = ArmaStateSpace.constrainAr(opt.x(), 0, p);
            ma = ArmaStateSpace.constrainMa(opt.x(), p, q);
            sigma2 = Math.exp(opt.x()[p + q]);
            ArmaStateSpace.DiffuseResult dr = ArmaStateSpace.filterApproximateDiffuse(series, d, ar, ma, sigma2,
                    ArimaLikelihood.DIFFUSE_VARIANCE);
            loglike = dr.logLikelihood();
            // the integration states after the last observation are the last differences exactly (the data are
            // observed without noise), so levels stay as computed; the ARMA block is the filter's
            state = dr.state();
            cov = dr.covariance();
            iterations += opt.iterations();
            converged = converged && opt.converged();
            double s2 = sigma2;
            se = standardErrors(n, false, mu, ar, ma, sigma2, Math.sqrt(var), (c, a, b) -> {
                ArmaStateSpace.DiffuseResult x = ArmaStateSpace.filterApproximateDiffuse(series, d, a, b, s2,
                        ArimaLikelihood.DIFFUSE_VARIANCE);
                return x == null ? Double.NaN : x.logLikelihood();
            });
        } else {
            se = standardErrors(n, constant, mu, ar, ma, sigma2, Math.sqrt(var), (c, a, b) -> {
                ArmaStateSpace.FilterResult x = ArmaStateSpace.filter(finalW, c, a, b);
                return x == null ? Double.NaN : x.concentratedLogLikelihood();
            });
        }
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("p", p);
        opts.put("d", d);
        opts.put("q", q);
        opts.put("constant", constant);
        opts.put("maxIterations", options.maxIterations());
        opts.put("likelihood", options.likelihood().name());
        opts.put("method", diffuse
                ? "CSS start, exact ML, then ML with approximate diffuse integration states (Kalman filter), BFGS"
                : "CSS start, exact ML (Kalman filter), BFGS");
        ModelInfo info = ModelInfo.of(diffuse ? "arima/approximate-diffuse-ml" : "arima/exact-ml", opts, null,
                series.length, 1);
        return new ArimaModel(order, constant, mu, ar, ma, sigma2, se, loglike, n, iterations, converged, state, cov,
                levels, info);
    }

    /** A log-likelihood as a function of the natural parameters (mean, AR, MA). */
    @FunctionalInterface
    private interface LogLikelihood {
        double at(double mean, double[] ar, double[] ma);
    }

    /**
     * Searches p in 0..maxP and q in 0..maxQ for the lowest AIC, with d given or chosen by
     * {@link #chooseD(double[], int)}; a constant is fitted exactly when d = 0. Orders the series is too short
     * for are skipped. AIC is only comparable at one d, which is why d is fixed before the search.
     *
     * @throws IllegalArgumentException on a bad series or if the series is too short for every order
     */
    public static ArimaModel autoFit(double[] series, ArimaSearchOptions search) {
        Checks.requireNonNull(search, "search");
        requireSeries(series);
        int d = search.d().isPresent() ? search.d().getAsInt() : chooseD(series, search.maxD());
        ArimaModel best = null;
        IllegalArgumentException lastProblem = null;
        for (int p = 0; p <= search.maxP(); p++) {
            for (int q = 0; q <= search.maxQ(); q++) {
                ArimaModel m;
                try {
                    m = fit(series, ArimaOrder.of(p, d, q));
                } catch (IllegalArgumentException e) {
                    lastProblem = e;
                    continue;
                }
                if (best == null || m.aic() < best.aic()) {
                    best = m;
                }
            }
        }
        if (best == null) {
            throw lastProblem;
        }
        Map<String, Object> opts = new LinkedHashMap<>(best.info().options());
        opts.put("search", "min AIC over p <= " + search.maxP() + ", q <= " + search.maxQ());
        opts.put("dChosenBy", search.d().isPresent() ? "given" : "minimum variance of the differenced series");
        return best.withInfo(ModelInfo.of("arima/auto-aic", opts, null, series.length, 1));
    }

    /**
     * The variance rule for the number of differences: the d in 0..maxD whose d-times differenced series has the
     * smallest sample variance (differencing a non-stationary series lowers its variance, over-differencing a
     * stationary one raises it). Ties go to the smaller d. O(n maxD).
     *
     * @throws IllegalArgumentException on a bad series, or one too short to difference maxD times and keep 2 values
     */
    public static int chooseD(double[] series, int maxD) {
        requireSeries(series);
        Checks.requireArgument(maxD >= 0 && maxD <= ArimaOrder.MAX_D, "maxD must be in [0, %d], was %d",
                ArimaOrder.MAX_D, maxD);
        Checks.requireArgument(series.length >= maxD + 2,
                "series has %d values, choosing d among 0..%d needs at least %d", series.length, maxD, maxD + 2);
        double[] w = series.clone();
        int bestD = 0;
        double bestVar = Double.POSITIVE_INFINITY;
        for (int d = 0; d <= maxD; d++) {
            double var = sumOfSquaredDeviations(w, mean(w)) / (w.length - 1);
            if (var < bestVar) {
                bestVar = var;
                bestD = d;
            }
            w = difference(w);
        }
        return bestD;
    }

    private static double mean(double[] x) {
        double m = 0;
        for (double v : x) {
            m += v;
        }
        return m / x.length;
    }

    private static double sumOfSquaredDeviations(double[] x, double mean) {
        double s = 0;
        for (double v : x) {
            s += (v - mean) * (v - mean);
        }
        return s;
    }

    static double[] difference(double[] x) {
        double[] out = new double[x.length - 1];
        for (int i = 0; i < out.length; i++) {
            out[i] = x[i + 1] - x[i];
        }
        return out;
    }

    private static void requireSeries(double[] series) {
        Checks.requireNonNull(series, "series");
        for (int i = 0; i < series.length; i++) {
            if (!Double.isFinite(series[i])) {
                throw new IllegalArgumentException("series[" + i + "] is " + series[i]);
            }
        }
    }

    /**
     * Standard errors from the inverse of minus the numerical (central-difference) Hessian of
     * {@code logLikelihood} in the natural parameters (const, ar, ma): the profile log-likelihood (sigma2
     * concentrated out) for the exact likelihood, the log-likelihood at the estimated sigma2 for the approximate
     * diffuse one; sigma2 gets its asymptotic sigma2 sqrt(2/n).
     */
    private static double[] standardErrors(int n, boolean constant, double mu, double[] ar, double[] ma,
                                           double sigma2, double scale, LogLikelihood logLikelihood) {
        int p = ar.length;
        int q = ma.length;
        int m = (constant ? 1 : 0) + p + q;
        double[] se = new double[m + 1];
        se[m] = sigma2 * Math.sqrt(2.0 / n);
        if (m == 0) {
            return se;
        }
        double[] theta = new double[m];
        double[] h = new double[m];
        int i0 = 0;
        if (constant) {
            theta[0] = mu;
            h[0] = 1e-4 * Math.max(Math.abs(mu), scale);
            i0 = 1;
        }
        for (int i = 0; i < p; i++) {
            theta[i0 + i] = ar[i];
        }
        for (int i = 0; i < q; i++) {
            theta[i0 + p + i] = ma[i];
        }
        for (int i = i0; i < m; i++) {
            h[i] = 1e-4;
        }
        java.util.function.ToDoubleFunction<double[]> ll = t -> {
            int j = 0;
            double mean = constant ? t[j++] : 0.0;
            double[] a = java.util.Arrays.copyOfRange(t, j, j + p);
            double[] b = java.util.Arrays.copyOfRange(t, j + p, j + p + q);
            return logLikelihood.at(mean, a, b);
        };
        double f0 = ll.applyAsDouble(theta);
        DMatrixRMaj hess = new DMatrixRMaj(m, m);
        double[] t = theta.clone();
        for (int i = 0; i < m; i++) {
            for (int j = i; j < m; j++) {
                double v;
                if (i == j) {
                    t[i] = theta[i] + h[i];
                    double fp = ll.applyAsDouble(t);
                    t[i] = theta[i] - h[i];
                    double fm = ll.applyAsDouble(t);
                    t[i] = theta[i];
                    v = (fp - 2 * f0 + fm) / (h[i] * h[i]);
                } else {
                    double[] f = new double[4];
                    int idx = 0;
                    for (int si = 1; si >= -1; si -= 2) {
                        for (int sj = 1; sj >= -1; sj -= 2) {
                            t[i] = theta[i] + si * h[i];
                            t[j] = theta[j] + sj * h[j];
                            f[idx++] = ll.applyAsDouble(t);
                        }
                    }
                    t[i] = theta[i];
                    t[j] = theta[j];
                    v = (f[0] - f[1] - f[2] + f[3]) / (4 * h[i] * h[j]);
                }
                hess.set(i, j, -v);
                hess.set(j, i, -v);
            }
        }
        DMatrixRMaj inv = new DMatrixRMaj(m, m);
        boolean ok = !Double.isNaN(CommonOps_DDRM.elementSum(hess)) && CommonOps_DDRM.invert(hess, inv);
        for (int i = 0; i < m; i++) {
            double v = ok ? inv.get(i, i) : Double.NaN;
            se[i] = v > 0 ? Math.sqrt(v) : Double.NaN;
        }
        return se;
    }

    /** Layout of the unconstrained optimisation vector: [mean offset?, AR reals, MA reals]. */
    private record Params(boolean constant, int p, int q, double center, double scale) {

        int size() {
            return (constant ? 1 : 0) + p + q;
        }

        double mean(double[] x) {
            return constant ? center + scale * x[0] : 0.0;
        }

        double[] ar(double[] x) {
            return ArmaStateSpace.constrainAr(x, constant ? 1 : 0, p);
        }

        double[] ma(double[] x) {
            return ArmaStateSpace.constrainMa(x, (constant ? 1 : 0) + p, q);
        }

        /**
         * The gradient in x of the CSS objective 0.5 log(SS / (n - p)): 0.5 / SS times d SS / d x, the chain rule
         * through the mean's affine map and the Jacobians of the AR and MA transforms.
         */
        double[] cssGradient(double[] w, double[] x) {
            int c = constant ? 1 : 0;
            double[] dss = new double[1 + p + q];
            double ss = ArmaStateSpace.conditionalSumOfSquaresGradient(w, mean(x), ar(x), ma(x), dss);
            double half = 0.5 / ss;
            double[] g = new double[size()];
            if (constant) {
                g[0] = half * dss[0] * scale;
            }
            double[][] jar = ArmaStateSpace.constrainArJacobian(x, c, p);
            for (int k = 0; k < p; k++) {
                double s = 0;
                for (int i = 0; i < p; i++) {
                    s += dss[1 + i] * jar[i][k];
                }
                g[c + k] = half * s;
            }
            double[][] jma = ArmaStateSpace.constrainArJacobian(x, c + p, q); // theta = -(AR transform)
            for (int k = 0; k < q; k++) {
                double s = 0;
                for (int j = 0; j < q; j++) {
                    s -= dss[1 + p + j] * jma[j][k];
                }
                g[c + p + k] = half * s;
            }
            return g;
        }
    }
}
