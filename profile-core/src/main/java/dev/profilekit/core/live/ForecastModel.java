package dev.profilekit.core.live;

import dev.profilekit.models.timeseries.ArimaModel;

/**
 * One immutable version of the activity forecast: an ARIMA model of the pooled series of mean daily counts per
 * user, and what the per-user forecast needs from it.
 *
 * @param version         the version number (1 for the first fit; a swap takes the next one)
 * @param arima           the pooled model (profile-models)
 * @param lastCompleteDay the last complete UTC day of its series (days since the epoch)
 * @param nextDay         the pooled forecast for the day after, clipped at 0
 * @param pooledMean      the mean of the pooled series over the model's window
 */
public record ForecastModel(long version, ArimaModel arima, long lastCompleteDay, double nextDay,
                            double pooledMean) {

    /** Validates. */
    public ForecastModel {
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, was " + version);
        }
        if (arima == null) {
            throw new IllegalArgumentException("arima must not be null");
        }
        if (!(nextDay >= 0) || Double.isInfinite(nextDay)) {
            throw new IllegalArgumentException("nextDay must be finite and >= 0, was " + nextDay);
        }
        if (!(pooledMean >= 0) || Double.isInfinite(pooledMean)) {
            throw new IllegalArgumentException("pooledMean must be finite and >= 0, was " + pooledMean);
        }
    }

    ForecastModel withVersion(long v) {
        return new ForecastModel(v, arima, lastCompleteDay, nextDay, pooledMean);
    }
}
