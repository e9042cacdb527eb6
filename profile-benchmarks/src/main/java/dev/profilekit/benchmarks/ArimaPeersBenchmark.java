package dev.profilekit.benchmarks;

import dev.profilekit.models.timeseries.Arima;
import dev.profilekit.models.timeseries.ArimaModel;
import dev.profilekit.models.timeseries.ArimaOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ARIMA(2,1,2) fit on the seeded simulated series of {@link ArimaBenchmark} (n = {@value #N}; the differences
 * follow phi = (0.5, -0.3), theta = (0.4, 0.2), sigma = 1): ours (CSS start, then exact maximum likelihood by
 * BFGS over the Kalman-filter likelihood, no constant as R and statsmodels do for d = 1) against Smile 3.1.1
 * {@code smile.timeseries.ARMA.fit(w, 2, 2)} on the differenced series w (Hannan-Rissanen: a long AR by least
 * squares, then a regression on its residuals; it always fits an intercept). Smile's method is not maximum
 * likelihood, so {@link #quality()} reports, for both, the conditional Gaussian log-likelihood of the
 * differences under the fitted parameters (the same formula for both, see {@link #conditionalLogLikelihood}),
 * plus our exact log-likelihood, the figure statsmodels reports (compared once by hand in
 * {@code profile-benchmarks/statsmodels}; {@link ArimaSeries} writes this series for it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Djava.util.concurrent.ForkJoinPool.common.parallelism=0"})
public class ArimaPeersBenchmark {

    /** Series length. */
    public static final int N = 1_000;
    /** Seed of the simulation (as {@link ArimaBenchmark}). */
    public static final long SEED = 7L;
    /** The order fitted. */
    public static final ArimaOrder ORDER = ArimaOrder.of(2, 1, 2);
    /** Absolute target for our fit, in milliseconds. */
    public static final double TARGET_MILLIS = 2.0;

    private double[] series;
    private double[] differences;

    /** Simulates the series. */
    @Setup(Level.Trial)
    public void setUp() {
        series = series(N);
        differences = difference(series);
    }

    /**
     * The simulated series: an ARMA(2, 2) of the differences (phi = (0.5, -0.3), theta = (0.4, 0.2), N(0, 1)
     * innovations, 200 burn-in steps, seed {@value #SEED}) integrated from 50.
     */
    public static double[] series(int n) {
        SplittableRandom rng = new SplittableRandom(SEED);
        double[] phi = {0.5, -0.3};
        double[] theta = {0.4, 0.2};
        int burn = 200;
        double[] w = new double[n - 1 + burn];
        double[] e = new double[w.length];
        for (int t = 0; t < w.length; t++) {
            e[t] = rng.nextGaussian();
            double v = e[t];
            for (int i = 0; i < 2 && t - 1 - i >= 0; i++) {
                v += phi[i] * w[t - 1 - i] + theta[i] * e[t - 1 - i];
            }
            w[t] = v;
        }
        double[] y = new double[n];
        y[0] = 50;
        for (int t = 1; t < n; t++) {
            y[t] = y[t - 1] + w[burn + t - 1];
        }
        return y;
    }

    static double[] difference(double[] y) {
        double[] w = new double[y.length - 1];
        for (int t = 1; t < y.length; t++) {
            w[t - 1] = y[t] - y[t - 1];
        }
        return w;
    }

    /** Ours: exact maximum likelihood. */
    @Benchmark
    public ArimaModel ours() {
        return Arima.fit(series, ORDER);
    }

    /** Smile 3.1.1: Hannan-Rissanen ARMA(2, 2) on the differences. */
    @Benchmark
    public smile.timeseries.ARMA smile() {
        return smile.timeseries.ARMA.fit(differences, 2, 2);
    }

    /**
     * Log-likelihoods on the default series: {@code css_loglike.<name>} (conditional, same formula for both,
     * higher is better) and {@code exact_loglike.ours} (ours' exact Gaussian log-likelihood).
     */
    public static Map<String, Double> quality() {
        double[] y = series(N);
        double[] w = difference(y);
        ArimaModel ours = Arima.fit(y, ORDER);
        smile.timeseries.ARMA peer = smile.timeseries.ARMA.fit(w, 2, 2);
        double oursConstant = ours.mean() * (1 - sum(ours.ar()));
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("css_loglike.ours", conditionalLogLikelihood(w, oursConstant, ours.ar(), ours.ma()));
        out.put("css_loglike.smile", conditionalLogLikelihood(w, peer.intercept(), peer.ar(), peer.ma()));
        out.put("exact_loglike.ours", ours.logLikelihood());
        return out;
    }

    private static double sum(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s;
    }

    /**
     * Conditional Gaussian log-likelihood of {@code w} under {@code w_t = c + sum_i phi_i w_{t-i} +
     * sum_j theta_j e_{t-j} + e_t}: residuals by the recursion from t = p with zero pre-sample residuals, the
     * variance concentrated out ({@code sigma^2 = RSS / m} over the m residuals), so
     * {@code -m / 2 (log(2 pi RSS / m) + 1)}.
     */
    static double conditionalLogLikelihood(double[] w, double c, double[] phi, double[] theta) {
        int p = phi.length;
        double[] e = new double[w.length];
        double rss = 0;
        for (int t = p; t < w.length; t++) {
            double v = w[t] - c;
            for (int i = 0; i < p; i++) {
                v -= phi[i] * w[t - 1 - i];
            }
            for (int j = 0; j < theta.length && t - 1 - j >= p; j++) {
                v -= theta[j] * e[t - 1 - j];
            }
            e[t] = v;
            rss += v * v;
        }
        int m = w.length - p;
        return -m / 2.0 * (Math.log(2 * Math.PI * rss / m) + 1);
    }
}
