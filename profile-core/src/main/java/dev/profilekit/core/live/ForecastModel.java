package dev.profilekit.core.live;

import dev.profilekit.features.io.JsonCodec;

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

    /** The JSON format name. */
    public static final String FORMAT = "profilekit.forecast-model";

    /**
     * This version as JSON: {@code {"format":"profilekit.forecast-model","version":1,"model_version":..,
     * "last_complete_day":..,"next_day":..,"pooled_mean":..,"arima":{..ArimaModel..}}}.
     */
    public String toJson() {
        com.fasterxml.jackson.databind.node.ObjectNode root = JsonCodec.objectNode();
        root.put("format", FORMAT);
        root.put("version", 1);
        root.put("model_version", version);
        root.put("last_complete_day", lastCompleteDay);
        root.put("next_day", nextDay);
        root.put("pooled_mean", pooledMean);
        root.set("arima", VectorPipeline.readTree(arima.toJson()));
        return JsonCodec.write(root);
    }

    /**
     * Reads a version written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException if the text is not such a model
     */
    public static ForecastModel fromJson(String json) {
        if (json == null) {
            throw new IllegalArgumentException("json must not be null");
        }
        com.fasterxml.jackson.databind.JsonNode root = JsonCodec.read(json, FORMAT, 1);
        com.fasterxml.jackson.databind.JsonNode a = root.get("arima");
        if (a == null || !a.isObject()) {
            throw new IllegalArgumentException("json arima must be an ARIMA model object, was " + a);
        }
        return new ForecastModel(root.path("model_version").asLong(0), ArimaModel.fromJson(JsonCodec.write(a)),
                root.path("last_complete_day").asLong(), root.path("next_day").asDouble(Double.NaN),
                root.path("pooled_mean").asDouble(Double.NaN));
    }

    ForecastModel withVersion(long v) {
        return new ForecastModel(v, arima, lastCompleteDay, nextDay, pooledMean);
    }
}
