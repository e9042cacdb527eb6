package dev.profilekit.models.drift;

import dev.profilekit.features.Checks;

/**
 * The Page-Hinkley test (Page 1954, "Continuous inspection schemes") for an increase of the mean of a
 * stream, in the form of Gama, Sebastião and Rodrigues (2013, "On evaluating stream learning algorithms")
 * and scikit-multiflow's {@code PageHinkley}:
 *
 * <pre>
 *   x̄_T = x̄_{T-1} + (x_T - x̄_{T-1}) / T                 running mean, x_T included
 *   m_T = max(0, α m_{T-1} + (x_T - x̄_T - δ))             cumulative deviation above the mean
 *   alarm when T ≥ minInstances and m_T > λ; then reset
 * </pre>
 *
 * With α = 1, m_T equals the classical statistic U_T - min_{t≤T} U_t with U_T = Σ (x_t - x̄_t - δ).
 * {@code delta} (δ) is the size of an increase that is tolerated (the drift of the statistic is negative by δ
 * while nothing changes, so noise has to work against it); {@code lambda} (λ) is the alarm threshold in the
 * units of x. An increase of the mean by Δ > δ is detected after roughly λ / (Δ - δ) values; with a stationary
 * stream of standard deviation σ the mean time between false alarms grows like exp(2δλ/σ²) (Siegmund's
 * approximation for the CUSUM). {@code alpha} (α ≤ 1) is the fading factor of the cumulative deviation: α &lt; 1
 * lets old evidence fade so that a long stationary stretch cannot build a near-threshold statistic.
 *
 * <p>O(1) time per value, no allocation, 4 numbers of state. Mutable and not thread-safe.
 *
 * <pre>{@code
 * PageHinkley ph = PageHinkley.of(0.02, 30.0).withMinInstances(200);
 * if (ph.update(logLoss)) { retrain(); }
 * }</pre>
 */
public final class PageHinkley implements DriftDetector {

    private final double delta;
    private final double lambda;
    private final double alpha;
    private final int minInstances;

    private long n;
    private double mean;
    private double sum;
    private long alarms;

    private PageHinkley(double delta, double lambda, double alpha, int minInstances) {
        Checks.requireArgument(delta >= 0 && Double.isFinite(delta), "delta must be finite and >= 0, was %s", delta);
        Checks.requirePositive(lambda, "lambda");
        Checks.requireArgument(alpha > 0 && alpha <= 1, "alpha must be in (0, 1], was %s", alpha);
        Checks.requireAtLeast(minInstances, 1, "minInstances");
        this.delta = delta;
        this.lambda = lambda;
        this.alpha = alpha;
        this.minInstances = minInstances;
    }

    /**
     * A detector with tolerance {@code delta} and threshold {@code lambda}, no fading (α = 1) and
     * {@code minInstances} 30 (scikit-multiflow's default).
     *
     * @param delta  tolerated increase of the mean, finite and >= 0 (units of x)
     * @param lambda alarm threshold, finite and > 0 (units of x)
     * @throws IllegalArgumentException on a bad parameter, naming it and its value
     */
    public static PageHinkley of(double delta, double lambda) {
        return new PageHinkley(delta, lambda, 1.0, 30);
    }

    /** A fresh detector with the same parameters and fading factor {@code alpha} in (0, 1] (1 = no fading). */
    public PageHinkley withAlpha(double alpha) {
        return new PageHinkley(delta, lambda, alpha, minInstances);
    }

    /** A fresh detector with the same parameters that raises no alarm before {@code minInstances} (>= 1) values. */
    public PageHinkley withMinInstances(int minInstances) {
        return new PageHinkley(delta, lambda, alpha, minInstances);
    }

    /** {@inheritDoc} O(1), allocates nothing. After an alarm the detector starts over from the next value. */
    @Override
    public boolean update(double x) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("x must be finite, was " + x);
        }
        n++;
        mean += (x - mean) / n;
        sum = Math.max(0.0, alpha * sum + (x - mean - delta));
        if (n >= minInstances && sum > lambda) {
            alarms++;
            reset();
            return true;
        }
        return false;
    }

    @Override
    public void reset() {
        n = 0;
        mean = 0;
        sum = 0;
    }

    @Override
    public long alarms() {
        return alarms;
    }

    /** The current statistic m_T (compare with {@link #lambda()}). */
    public double statistic() {
        return sum;
    }

    /** Running mean of the values since the last reset (0 before any). */
    public double mean() {
        return mean;
    }

    /** Number of values since the last reset. */
    public long count() {
        return n;
    }

    /** The tolerance δ. */
    public double delta() {
        return delta;
    }

    /** The threshold λ. */
    public double lambda() {
        return lambda;
    }

    /** The fading factor α. */
    public double alpha() {
        return alpha;
    }

    /** Values needed before an alarm can be raised. */
    public int minInstances() {
        return minInstances;
    }

    @Override
    public String toString() {
        return "PageHinkley{delta=" + delta + ", lambda=" + lambda + ", alpha=" + alpha + ", minInstances="
                + minInstances + ", n=" + n + ", statistic=" + sum + ", alarms=" + alarms + '}';
    }

    @Override
    public void writeState(dev.profilekit.features.codec.ByteWriter out) {
        out.varLong(n).f64(mean).f64(sum).varLong(alarms);
    }

    @Override
    public void readState(dev.profilekit.features.codec.ByteReader in) {
        long nn = in.varLong();
        double m = in.f64();
        double s = in.f64();
        long a = in.varLong();
        n = nn;
        mean = m;
        sum = s;
        alarms = a;
    }
}
