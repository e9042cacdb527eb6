package dev.profilekit.models.timeseries;

import dev.profilekit.features.Checks;

/**
 * Options of {@link Arima#fit(double[], ArimaOrder, ArimaOptions)}.
 *
 * <pre>{@code
 * ArimaOptions.noConstant().likelihood(ArimaLikelihood.APPROXIMATE_DIFFUSE)   // statsmodels-compatible, d >= 1
 * }</pre>
 *
 * @param constant      whether to estimate a constant; allowed only when d = 0, where it is the process mean
 * @param maxIterations iteration limit of each quasi-Newton optimisation (CSS, then exact ML)
 * @param likelihood    the likelihood maximised when d >= 1 ({@link ArimaLikelihood#EXACT} by default); it makes
 *                      no difference when d = 0
 */
public record ArimaOptions(boolean constant, int maxIterations, ArimaLikelihood likelihood) {

    /** Default iteration limit. */
    public static final int DEFAULT_MAX_ITERATIONS = 500;

    /** Validates the options. */
    public ArimaOptions {
        Checks.requireAtLeast(maxIterations, 1, "maxIterations");
        Checks.requireNonNull(likelihood, "likelihood");
    }

    /** Options with the {@link ArimaLikelihood#EXACT} likelihood. */
    public ArimaOptions(boolean constant, int maxIterations) {
        this(constant, maxIterations, ArimaLikelihood.EXACT);
    }

    /** The defaults of R and statsmodels for an order: a constant (mean) exactly when d = 0. */
    public static ArimaOptions defaultsFor(ArimaOrder order) {
        Checks.requireNonNull(order, "order");
        return new ArimaOptions(order.d() == 0, DEFAULT_MAX_ITERATIONS);
    }

    /** With a constant (mean), for d = 0. */
    public static ArimaOptions withConstant() {
        return new ArimaOptions(true, DEFAULT_MAX_ITERATIONS);
    }

    /** Without a constant: the (differenced) series is taken to have mean zero. */
    public static ArimaOptions noConstant() {
        return new ArimaOptions(false, DEFAULT_MAX_ITERATIONS);
    }

    /** A copy with another iteration limit. */
    public ArimaOptions maxIterations(int maxIterations) {
        return new ArimaOptions(constant, maxIterations, likelihood);
    }

    /** A copy that maximises {@code likelihood} (see {@link ArimaLikelihood}). */
    public ArimaOptions likelihood(ArimaLikelihood likelihood) {
        return new ArimaOptions(constant, maxIterations, likelihood);
    }
}
