package dev.profilekit.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class ArimaConformanceTest {

    /** README: loglike at least expected - 1e-3. */
    private static final double LOGLIKE_ABS_TOL = 1e-3;
    /** README: params and aic within 1e-2 relative (when loglike is within 1e-3). */
    private static final double PARAMS_REL_TOL = 1e-2;
    /** README: forecast and forecast_se within 1e-2 relative. */
    private static final double FORECAST_REL_TOL = 1e-2;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode fixture() throws IOException {
        return resource("/fixtures/sunspots-arima.json");
    }

    private static JsonNode resource(String path) throws IOException {
        try (InputStream in = ArimaConformanceTest.class.getResourceAsStream(path)) {
            assertThat(in).as("fixture %s on the classpath", path).isNotNull();
            return MAPPER.readTree(in);
        }
    }

    /** The fixture's inputs only: series, steps and each fit's order and trend. */
    private static ObjectNode inputsOnly(JsonNode fixture, double[] series) {
        ObjectNode input = MAPPER.createObjectNode();
        input.put("kind", "arima");
        ArrayNode s = input.putArray("series");
        for (double v : series) {
            s.add(v);
        }
        input.put("steps", fixture.get("steps").intValue());
        ArrayNode fits = input.putArray("fits");
        for (JsonNode f : fixture.get("fits")) {
            ObjectNode spec = fits.addObject();
            spec.set("order", f.get("order"));
            spec.set("trend", f.get("trend"));
        }
        return input;
    }

    private static double[] doubles(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).doubleValue();
        }
        return v;
    }

    private static void assertRelClose(String what, double[] actual, double[] expected, double tol) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("%s[%d]", what, i).isCloseTo(expected[i], within(tol * Math.abs(expected[i])));
        }
    }

    /** One expected fit, as the fixture states it or transformed by an affine map of the series. */
    private record Expected(double[] params, double loglike, double aic, double[] forecast, double[] se) {
    }

    private static void assertFit(JsonNode actual, JsonNode spec, Expected e, boolean checkForecasts) {
        assertThat(actual.get("order")).isEqualTo(spec.get("order"));
        double loglike = actual.get("loglike").doubleValue();
        assertThat(loglike).as("loglike of %s", spec.get("order")).isGreaterThanOrEqualTo(e.loglike() - LOGLIKE_ABS_TOL);
        if (loglike <= e.loglike() + LOGLIKE_ABS_TOL) {
            assertRelClose("params of " + spec.get("order"), doubles(actual.get("params")), e.params(), PARAMS_REL_TOL);
            assertThat(actual.get("aic").doubleValue()).isCloseTo(e.aic(), within(PARAMS_REL_TOL * Math.abs(e.aic())));
        }
        if (checkForecasts) {
            assertRelClose("forecast of " + spec.get("order"), doubles(actual.get("forecast")), e.forecast(),
                    FORECAST_REL_TOL);
            assertRelClose("forecast_se of " + spec.get("order"), doubles(actual.get("forecast_se")), e.se(),
                    FORECAST_REL_TOL);
        }
    }

    private static Expected expected(JsonNode f, int seriesLength, double shift, double scale) {
        boolean constant = "c".equals(f.get("trend").asText());
        double[] params = doubles(f.get("params"));
        if (constant) {
            params[0] = shift + scale * params[0];
        }
        params[params.length - 1] *= scale * scale;
        int d = f.get("order").get(1).intValue();
        int nEff = seriesLength - d;
        double loglike = f.get("loglike").doubleValue() - nEff * Math.log(scale);
        double aic = f.get("aic").doubleValue() + 2 * nEff * Math.log(scale);
        double[] forecast = doubles(f.get("forecast"));
        double[] se = doubles(f.get("forecast_se"));
        for (int i = 0; i < forecast.length; i++) {
            forecast[i] = shift + scale * forecast[i];
            se[i] *= scale;
        }
        return new Expected(params, loglike, aic, forecast, se);
    }

    @Test
    void sunspotsFixtureMatchesWithinTheReadmeTolerances() throws IOException {
        JsonNode fixture = fixture();
        ObjectNode actual = Conformance.run(inputsOnly(fixture, doubles(fixture.get("series"))));
        JsonNode fits = fixture.get("fits");
        assertThat(actual.get("fits")).hasSize(fits.size());
        for (int i = 0; i < fits.size(); i++) {
            JsonNode a = actual.get("fits").get(i);
            java.util.List<String> keys = new java.util.ArrayList<>();
            a.fieldNames().forEachRemaining(keys::add);
            java.util.List<String> expectedKeys = new java.util.ArrayList<>();
            fits.get(i).fieldNames().forEachRemaining(expectedKeys::add);
            assertThat(keys).containsExactlyInAnyOrderElementsOf(expectedKeys);
            assertThat(a.get("param_names")).isEqualTo(fits.get(i).get("param_names"));
            assertFit(a, fits.get(i), expected(fits.get(i), fixture.get("series").size(), 0, 1), true);
        }
        // the runner gives the same answer when handed the whole fixture, expected values included
        assertThat(Conformance.run(fixture)).isEqualTo(actual);
    }

    @Test
    void nileFixtureWithLargeValuesMatchesStatsmodelsApproximateDiffuseFits() throws IOException {
        // the Nile flows (~1000) with d = 1: statsmodels' approximate diffuse start of the integration state moves
        // the log-likelihood by ~8e-3 from the exact one, so this checks the runner reproduces the generator's
        // estimand (fixtures-extra/generate_nile_arima.py, run by hand with statsmodels)
        JsonNode fixture = resource("/fixtures-extra/nile-arima.json");
        ObjectNode actual = Conformance.run(inputsOnly(fixture, doubles(fixture.get("series"))));
        JsonNode fits = fixture.get("fits");
        assertThat(actual.get("fits")).hasSize(fits.size());
        for (int i = 0; i < fits.size(); i++) {
            JsonNode a = actual.get("fits").get(i);
            assertThat(a.get("param_names")).isEqualTo(fits.get(i).get("param_names"));
            assertFit(a, fits.get(i), expected(fits.get(i), fixture.get("series").size(), 0, 1), true);
        }
    }

    @Test
    void affineTransformOfTheSeriesTransformsEveryResult() throws IOException {
        // y' = 100 + 2 y: the mean maps the same way, AR/MA coefficients stay, sigma2 scales by 4, the log-likelihood
        // drops by n_eff ln 2 (the Jacobian), forecasts map like the series and their standard errors double
        JsonNode fixture = fixture();
        double[] y = doubles(fixture.get("series"));
        double[] t = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            t[i] = 100 + 2 * y[i];
        }
        ObjectNode actual = Conformance.run(inputsOnly(fixture, t));
        JsonNode fits = fixture.get("fits");
        for (int i = 0; i < fits.size(); i++) {
            assertFit(actual.get("fits").get(i), fits.get(i), expected(fits.get(i), y.length, 100, 2), true);
        }
    }

    @Test
    void reversedSeriesHasTheSameMaximumLikelihoodFit() throws IOException {
        // a stationary Gaussian ARMA is time-reversible: the exact likelihood of the reversed (differenced) series is
        // the same function of the parameters, so the estimates and the log-likelihood are those of the fixture
        // (with d = 1 the differences are reversed and negated, which a zero-mean likelihood does not see either)
        JsonNode fixture = fixture();
        double[] y = doubles(fixture.get("series"));
        double[] r = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            r[i] = y[y.length - 1 - i];
        }
        ObjectNode actual = Conformance.run(inputsOnly(fixture, r));
        JsonNode fits = fixture.get("fits");
        for (int i = 0; i < fits.size(); i++) {
            assertFit(actual.get("fits").get(i), fits.get(i), expected(fits.get(i), y.length, 0, 1), false);
        }
    }
}
