package dev.profilekit.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.models.timeseries.Arima;
import dev.profilekit.models.timeseries.ArimaForecast;
import dev.profilekit.models.timeseries.ArimaModel;
import dev.profilekit.models.timeseries.ArimaOptions;
import dev.profilekit.models.timeseries.ArimaOrder;

/**
 * The {@code arima} fixture kind: for each entry of {@code fits} (its {@code order} and {@code trend}, 'c' for a
 * constant, 'n' for none), exact maximum likelihood of the ARMA of the differenced {@code series}, and
 * {@code steps} forecasts of the original series. Reads only {@code series}, {@code steps} and each fit's
 * {@code order} and {@code trend}.
 */
public final class ArimaConformance {

    private ArimaConformance() {
    }

    /**
     * Computes the ARIMA results of a fixture.
     *
     * @return {@code {"fits":[..]}}, each entry with the keys of the fixture's fits: order, trend, param_names,
     *         params, loglike, aic, forecast, forecast_se
     * @throws IllegalArgumentException if an input is missing or malformed, or a trend is not 'c' or 'n'
     */
    public static ObjectNode run(JsonNode fixture) {
        double[] series = FixtureInput.vector(fixture, "series");
        int steps = FixtureInput.intField(fixture, "steps");
        JsonNode fits = fixture.get("fits");
        if (fits == null || !fits.isArray()) {
            throw new IllegalArgumentException("arima fixture has no array field 'fits'");
        }
        ObjectNode out = FixtureOutput.object();
        ArrayNode outFits = out.putArray("fits");
        for (int i = 0; i < fits.size(); i++) {
            JsonNode spec = fits.get(i);
            JsonNode o = spec.get("order");
            if (o == null || !o.isArray() || o.size() != 3) {
                throw new IllegalArgumentException("fits[" + i + "].order must be [p, d, q], was " + o);
            }
            ArimaOrder order = ArimaOrder.of(o.get(0).intValue(), o.get(1).intValue(), o.get(2).intValue());
            String trend = spec.path("trend").asText(order.d() == 0 ? "c" : "n");
            ArimaOptions options = switch (trend) {
                case "c" -> ArimaOptions.withConstant();
                case "n" -> ArimaOptions.noConstant();
                default -> throw new IllegalArgumentException("fits[" + i + "].trend must be 'c' or 'n', was '"
                        + trend + "'");
            };
            ArimaModel m = Arima.fit(series, order, options);
            ArimaForecast fc = m.forecast(steps);
            ObjectNode r = outFits.addObject();
            r.putArray("order").add(order.p()).add(order.d()).add(order.q());
            r.put("trend", trend);
            ArrayNode names = r.putArray("param_names");
            m.paramNames().forEach(names::add);
            r.set("params", FixtureOutput.array(m.params()));
            r.put("loglike", m.logLikelihood());
            r.put("aic", m.aic());
            r.set("forecast", FixtureOutput.array(fc.mean()));
            r.set("forecast_se", FixtureOutput.array(fc.standardErrors()));
        }
        return out;
    }
}
