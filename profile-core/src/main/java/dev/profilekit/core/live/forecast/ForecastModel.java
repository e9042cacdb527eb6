package dev.profilekit.core.live.forecast;

import dev.profilekit.core.live.VectorPipeline;
import dev.profilekit.features.io.JsonCodec;
import dev.profilekit.models.sequence.LstmModel;
import dev.profilekit.models.timeseries.ArimaModel;

/**
 * One immutable version of the activity forecast and what the per-user forecast needs from it: either an ARIMA
 * model of the pooled series of mean daily counts per user, or an LSTM of users' recent daily sequences
 * ({@code forecast.model} {@code "lstm"}).
 *
 * @param version         the version number (1 for the first fit; a swap takes the next one)
 * @param arima           the pooled ARIMA model (profile-models), or null for an LSTM version
 * @param lstm            the LSTM (profile-models), or null for an ARIMA version: input per day
 *                        {@code [log1p(count), weekend ? 1 : 0]} over the {@code lookback} days up to the last
 *                        complete one, output log1p of the next day's count
 * @param lookback        the LSTM's sequence length in days (0 for an ARIMA version)
 * @param lastCompleteDay the last complete UTC day of its series (days since the epoch)
 * @param nextDay         the pooled forecast for the day after, clipped at 0 (for an LSTM version: the mean of its
 *                        forecasts over the training users)
 * @param pooledMean      the mean of the pooled series over the model's window
 */
public record ForecastModel(long version, ArimaModel arima, LstmModel lstm, int lookback, long lastCompleteDay,
                            double nextDay, double pooledMean) {

    /** Validates. */
    public ForecastModel {
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, was " + version);
        }
        if ((arima == null) == (lstm == null)) {
            throw new IllegalArgumentException(arima == null ? "arima must not be null (or give an lstm)"
                    : "arima and lstm must not both be given");
        }
        if (lstm != null && (lookback < 1 || lstm.inputSize() != 2)) {
            throw new IllegalArgumentException("an lstm version needs lookback >= 1 and an LSTM of input size 2, was "
                    + "lookback " + lookback + ", input size " + lstm.inputSize());
        }
        if (arima != null && lookback != 0) {
            throw new IllegalArgumentException("lookback must be 0 for an arima version, was " + lookback);
        }
        if (!(nextDay >= 0) || Double.isInfinite(nextDay)) {
            throw new IllegalArgumentException("nextDay must be finite and >= 0, was " + nextDay);
        }
        if (!(pooledMean >= 0) || Double.isInfinite(pooledMean)) {
            throw new IllegalArgumentException("pooledMean must be finite and >= 0, was " + pooledMean);
        }
    }

    /** An ARIMA version. */
    public ForecastModel(long version, ArimaModel arima, long lastCompleteDay, double nextDay, double pooledMean) {
        this(version, arima, null, 0, lastCompleteDay, nextDay, pooledMean);
    }

    /** An LSTM version. */
    public static ForecastModel ofLstm(long version, LstmModel lstm, int lookback, long lastCompleteDay,
                                       double nextDay, double pooledMean) {
        if (lstm == null) {
            throw new IllegalArgumentException("lstm must not be null");
        }
        return new ForecastModel(version, null, lstm, lookback, lastCompleteDay, nextDay, pooledMean);
    }

    /** The JSON format name. */
    public static final String FORMAT = "profilekit.forecast-model";

    /**
     * This version as JSON: {@code {"format":"profilekit.forecast-model","version":1,"model_version":..,
     * "last_complete_day":..,"next_day":..,"pooled_mean":..,"arima":{..ArimaModel..}}}, or for an LSTM version
     * {@code .."lookback":..,"lstm":{..LstmModel..}} in place of {@code "arima"}.
     */
    public String toJson() {
        com.fasterxml.jackson.databind.node.ObjectNode root = JsonCodec.objectNode();
        root.put("format", FORMAT);
        root.put("version", 1);
        root.put("model_version", version);
        root.put("last_complete_day", lastCompleteDay);
        root.put("next_day", nextDay);
        root.put("pooled_mean", pooledMean);
        if (arima != null) {
            root.set("arima", VectorPipeline.readTree(arima.toJson()));
        } else {
            root.put("lookback", lookback);
            root.set("lstm", VectorPipeline.readTree(lstm.toJson()));
        }
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
        com.fasterxml.jackson.databind.JsonNode l = root.get("lstm");
        if (l != null && root.get("arima") == null) {
            if (!l.isObject()) {
                throw new IllegalArgumentException("json lstm must be an LSTM model object, was " + l);
            }
            return ofLstm(root.path("model_version").asLong(0), LstmModel.fromJson(JsonCodec.write(l)),
                    JsonCodec.readInt(root, "lookback"), root.path("last_complete_day").asLong(),
                    root.path("next_day").asDouble(Double.NaN), root.path("pooled_mean").asDouble(Double.NaN));
        }
        com.fasterxml.jackson.databind.JsonNode a = root.get("arima");
        if (a == null || !a.isObject()) {
            throw new IllegalArgumentException("json arima must be an ARIMA model object, was " + a);
        }
        return new ForecastModel(root.path("model_version").asLong(0), ArimaModel.fromJson(JsonCodec.write(a)),
                root.path("last_complete_day").asLong(), root.path("next_day").asDouble(Double.NaN),
                root.path("pooled_mean").asDouble(Double.NaN));
    }

    ForecastModel withVersion(long v) {
        return new ForecastModel(v, arima, lstm, lookback, lastCompleteDay, nextDay, pooledMean);
    }
}
