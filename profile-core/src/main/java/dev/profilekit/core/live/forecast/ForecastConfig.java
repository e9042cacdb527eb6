package dev.profilekit.core.live.forecast;

import static dev.profilekit.core.live.ConfigNodes.keys;
import static dev.profilekit.core.live.ConfigNodes.object;
import static dev.profilekit.core.live.ConfigNodes.require;
import static dev.profilekit.core.live.ConfigNodes.requiredText;
import static dev.profilekit.core.live.ConfigNodes.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * The activity forecast: each profile keeps its last {@code days} daily counts of {@code type} events; the
 * {@code model} predicts each user's count for the next day. With {@link ForecastKind#ARIMA} (the default) an
 * ARIMA model (order by AIC, p, q ≤ 2, d ≤ 1) is fitted on the pooled daily series; with
 * {@link ForecastKind#LSTM} an LSTM is trained on the pooled users' recent daily sequences (see
 * {@code LiveForecast}).
 *
 * @param type    the event type counted
 * @param days    number of daily counts kept per profile (and length of the pooled series), 7..366
 * @param model   the forecasting model
 */
public record ForecastConfig(String type, int days, ForecastKind model) {
    /** Validates. */
    public ForecastConfig {
        require(type != null && !type.isBlank(), "forecast.type", "must be a non-blank string", type);
        require(days >= 7 && days <= 366, "forecast.days", "must be between 7 and 366", days);
        require(model != null, "forecast.model", "must be \"arima\" or \"lstm\"", model);
    }

    /** An ARIMA forecast (the default model). */
    public ForecastConfig(String type, int days) {
        this(type, days, ForecastKind.ARIMA);
    }

    /**
     * The record's text, without {@code model} for the default ARIMA: the models configuration's text is part
     * of the state fingerprint, so snapshots written before {@code model} existed stay readable.
     */
    @Override
    public String toString() {
        return "Forecast[type=" + type + ", days=" + days + (model == ForecastKind.ARIMA ? "" : ", model=" + model)
                + "]";
    }

    /** Reads this section from the models file's {@code "forecast"} object; errors name the key path. */
    static ForecastConfig parse(JsonNode n) {
        String at = "forecast";
        object(n, at);
        keys(n, at + ".", Set.of("type", "days", "model"));
        JsonNode days = n.get("days");
        if (days == null || !days.isIntegralNumber() || !days.canConvertToInt()) {
            throw new IllegalArgumentException(at + ".days: required whole number between 7 and 366, was " + days);
        }
        String model = text(n, "model", at, "arima");
        ForecastKind kind = switch (model) {
            case "arima" -> ForecastKind.ARIMA;
            case "lstm" -> ForecastKind.LSTM;
            default -> throw new IllegalArgumentException(at + ".model: must be \"arima\" or \"lstm\", was \""
                    + model + "\"");
        };
        return new ForecastConfig(requiredText(n, "type", at), days.asInt(), kind);
    }
}
