package dev.profilekit.models.timeseries;

import dev.profilekit.features.Checks;

/**
 * The order of an ARIMA(p, d, q) model: p autoregressive lags, d differences, q moving-average lags.
 *
 * @param p autoregressive order, 0..{@link #MAX_LAG}
 * @param d number of differences, 0..{@link #MAX_D}
 * @param q moving-average order, 0..{@link #MAX_LAG}
 */
public record ArimaOrder(int p, int d, int q) {

    /** Largest p or q accepted (the state dimension, and so the cost, grows with them). */
    public static final int MAX_LAG = 20;
    /** Largest number of differences accepted. */
    public static final int MAX_D = 3;

    /** Validates the orders. */
    public ArimaOrder {
        Checks.requireArgument(p >= 0 && p <= MAX_LAG, "p must be in [0, %d], was %d", MAX_LAG, p);
        Checks.requireArgument(d >= 0 && d <= MAX_D, "d must be in [0, %d], was %d", MAX_D, d);
        Checks.requireArgument(q >= 0 && q <= MAX_LAG, "q must be in [0, %d], was %d", MAX_LAG, q);
    }

    /** ARIMA(p, d, q). */
    public static ArimaOrder of(int p, int d, int q) {
        return new ArimaOrder(p, d, q);
    }

    @Override
    public String toString() {
        return "ARIMA(" + p + "," + d + "," + q + ")";
    }
}
