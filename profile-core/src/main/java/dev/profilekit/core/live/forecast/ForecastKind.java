package dev.profilekit.core.live.forecast;

/** The model of the activity forecast, as {@code forecast.model} names it in a models file. */
public enum ForecastKind {
    /** {@code "arima"}: ARIMA on the pooled series of mean daily counts per user (the default). */
    ARIMA,
    /** {@code "lstm"}: an LSTM on the pooled users' sequences of daily counts (log1p) and weekend flags. */
    LSTM
}
