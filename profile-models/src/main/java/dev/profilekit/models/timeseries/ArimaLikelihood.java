package dev.profilekit.models.timeseries;

/**
 * Which likelihood {@link Arima#fit(double[], ArimaOrder, ArimaOptions)} maximises when d >= 1. For d = 0 both
 * are the exact Gaussian likelihood of the stationary ARMA and give the same fit.
 */
public enum ArimaLikelihood {

    /**
     * The exact Gaussian likelihood of the ARMA(p, q) of the d-times differenced series (R's
     * {@code arima(method = "ML")} estimand; Box, Jenkins and Reinsel, ch. 7): the n - d differences are the
     * data, the ARMA state starts from its stationary distribution, and sigma2 is concentrated out. The result
     * does not depend on the level of the series.
     */
    EXACT,

    /**
     * statsmodels' estimand (0.13.5, {@code ARIMA(...).fit()}, i.e. {@code SARIMAX} with
     * {@code simple_differencing=False}): the undifferenced series is the data, the d integration states are kept
     * in the state vector with an approximate diffuse initialisation (mean 0, variance
     * {@value #DIFFUSE_VARIANCE}, independent of the stationary ARMA state), the first d one-step prediction
     * errors are left out of the log-likelihood ({@code loglikelihood_burn = d}), and sigma2 is an ordinary
     * parameter (not concentrated out). Because the prior variance is finite, the first observations leak a
     * little information into the ARMA state: on series whose values are not small next to sqrt(1e6) = 1000
     * (e.g. the Nile flows, ~1000) the maximised log-likelihood differs from {@link #EXACT} by ~1e-2 and the parameters by
     * ~1e-3 relative. Use it to reproduce statsmodels' reported params, loglike, aic and forecasts.
     */
    APPROXIMATE_DIFFUSE;

    /** Initial variance of the integration states in {@link #APPROXIMATE_DIFFUSE} (statsmodels' default). */
    public static final double DIFFUSE_VARIANCE = 1e6;
}
