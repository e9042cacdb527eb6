package dev.profilekit.core.live.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.core.testkit.SpecAssertions;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code "forecast": {.., "model": "lstm"}}: parsing, errors, and a forecast produced by the background LSTM. */
class LstmForecastTest {

    private static final long H = 3_600_000L;
    private static final long DAY = 24 * H;
    /** 2026-01-01T00:00Z, a Thursday. */
    private static final long T0 = 1_767_225_600_000L;
    private static final int USERS = 60;
    private static final int DAYS = 30;

    @Test
    void modelIsParsedAndArimaStaysTheDefault() {
        ModelsConfig lstm = ModelsConfig.fromJson("{\"forecast\":{\"type\":\"view\",\"days\":28,\"model\":\"lstm\"}}");
        assertThat(lstm.forecast()).contains(new ForecastConfig("view", 28, ForecastKind.LSTM));
        ModelsConfig arima = ModelsConfig.fromJson("{\"forecast\":{\"type\":\"view\",\"days\":28,\"model\":\"arima\"}}");
        assertThat(arima.forecast().orElseThrow().model()).isEqualTo(ForecastKind.ARIMA);
        assertThat(ModelsConfig.fromJson("{\"forecast\":{\"type\":\"view\",\"days\":28}}").forecast())
                .contains(new ForecastConfig("view", 28));
        assertThat(new ForecastConfig("view", 28).model()).isEqualTo(ForecastKind.ARIMA);
        assertThat(ModelsConfig.builder().forecast(new ForecastConfig("view", 28, ForecastKind.LSTM))
                .build()).isEqualTo(lstm);
    }

    @Test
    void badModelValuesFailWithMessagesNamingTheKey() {
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"forecast\":{\"type\":\"view\",\"days\":28,\"model\":\"gru\"}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("forecast.model: must be \"arima\" or \"lstm\", was \"gru\"");
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"forecast\":{\"type\":\"view\",\"days\":28,\"model\":1}}"))
                .hasMessage("forecast.model: must be a string, was 1");
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"forecast\":{\"type\":\"view\",\"days\":28,\"model\":\"LSTM\"}}"))
                .hasMessage("forecast.model: must be \"arima\" or \"lstm\", was \"LSTM\"");
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"forecast\":{\"type\":\"view\",\"days\":28,\"modell\":\"lstm\"}}"))
                .hasMessageStartingWith("forecast.modell: unknown key");
        assertThatThrownBy(() -> new ForecastConfig("view", 28, null))
                .hasMessage("forecast.model: must be \"arima\" or \"lstm\", was null");
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"forecast\":{\"type\":\"view\",\"days\":6,\"model\":\"lstm\"}}"))
                .hasMessage("forecast.days: must be between 7 and 366, was 6");
    }

    /** User u's views on day d: a level per user, doubled on UTC weekends. */
    private static int views(int user, long day) {
        int level = user % 6;
        return LiveForecast.weekend(day) ? 2 * level : level;
    }

    private static ProfileUpdater lstmUpdater() {
        return ProfileUpdater.builder(ProfileSchema.fromJson(SpecAssertions.text("/live-schema.json")))
                .models(ModelsConfig.fromJson("{\"forecast\":{\"type\":\"view\",\"days\":14,\"model\":\"lstm\"}}"))
                .modelExecutor(Runnable::run).build();
    }

    /** Days [from, to) of the stream: every user is seen every day (a search), views follow the user's level. */
    private static void feed(ProfileUpdater u, int from, int to) {
        long day0 = Math.floorDiv(T0, DAY);
        for (int d = from; d < to; d++) {
            for (int user = 0; user < USERS; user++) {
                long t = T0 + d * DAY + user * 60_000L;
                u.onEvent(Event.builder("s" + d + "-" + user, "u" + user, "search", t).build());
                for (int k = 0; k < views(user, day0 + d); k++) {
                    u.onEvent(Event.builder("v" + d + "-" + user + "-" + k, "u" + user, "view", t + 1 + k)
                            .attr("category", "books").build());
                }
            }
        }
    }

    @Test
    void aSnapshotRestoresTheLstmVersionItsWindowsAndTheUsersDaysExactly(@TempDir Path dir) {
        ProfileUpdater first = lstmUpdater();
        feed(first, 0, 20);
        Path file = dir.resolve("lstm.snap");
        first.snapshot(file, Map.of());
        ProfileUpdater second = lstmUpdater();
        second.restore(file);
        LiveForecast a = (LiveForecast) first.models().orElseThrow().forecast().orElseThrow();
        LiveForecast b = (LiveForecast) second.models().orElseThrow().forecast().orElseThrow();
        assertThat(a.snapshot().lstm()).isNotNull();
        assertThat(b.snapshot()).isEqualTo(a.snapshot());
        assertThat(b.keptWindows()).isEqualTo(a.keptWindows()).isEqualTo(USERS);
        // both go on with the same days: every later refit and every forecast is the same, bit for bit
        feed(first, 20, DAYS);
        feed(second, 20, DAYS);
        long asOf = T0 + DAYS * DAY + H;
        first.onEvent(Event.builder("clock", "clock", "search", asOf).build());
        second.onEvent(Event.builder("clock", "clock", "search", asOf).build());
        assertThat(b.snapshot()).isEqualTo(a.snapshot());
        assertThat(b.snapshot().version()).isGreaterThan(1);
        for (int user = 0; user < USERS; user++) {
            assertThat(second.profile("u" + user, asOf).models().forecastNextDay())
                    .isEqualTo(first.profile("u" + user, asOf).models().forecastNextDay());
        }
        // the default ARIMA section keeps the text (and so the snapshot fingerprint) it had before "model"
        assertThat(new ForecastConfig("view", 28).toString()).isEqualTo("Forecast[type=view, days=28]");
        assertThat(new ForecastConfig("view", 28, ForecastKind.LSTM).toString())
                .isEqualTo("Forecast[type=view, days=28, model=LSTM]");
    }

    @Test
    void anLstmVersionIsTrainedInTheBackgroundAndForecastsEachUser() {
        ProfileUpdater u = lstmUpdater();
        long day0 = Math.floorDiv(T0, DAY);
        feed(u, 0, DAYS);
        long asOf = T0 + DAYS * DAY + H;
        u.onEvent(Event.builder("clock", "clock", "search", asOf).build()); // day 30 starts: days 0..29 complete
        LiveModel<ForecastModel> live = u.models().orElseThrow().forecast().orElseThrow();
        ForecastModel f = live.snapshot();
        assertThat(f).isNotNull();
        assertThat(f.arima()).isNull();
        assertThat(f.lstm()).isNotNull();
        assertThat(f.lstm().hiddenSize()).isEqualTo(LiveForecast.LSTM_HIDDEN);
        assertThat(f.lstm().inputSize()).isEqualTo(2);
        assertThat(f.lookback()).isEqualTo(14 - 7);
        assertThat(f.lastCompleteDay()).isEqualTo(day0 + DAYS - 1);
        assertThat(f.version()).isGreaterThan(1); // refitted on each completed day from day 10 on
        assertThat(f.lstm().info().algorithm()).isEqualTo("lstm/adam");

        // each user's forecast is expm1 of the network on its last 7 complete days: [log1p(views), weekend]
        double[] forecasts = new double[USERS];
        for (int user = 0; user < USERS; user++) {
            double got = u.profile("u" + user, asOf).models().forecastNextDay();
            double[][] seq = new double[f.lookback()][];
            for (int t = 0; t < f.lookback(); t++) {
                long day = f.lastCompleteDay() - f.lookback() + 1 + t;
                seq[t] = new double[] {Math.log1p(views(user, day)), LiveForecast.weekend(day) ? 1 : 0};
            }
            assertThat(got).as("user %d", user).isEqualTo(Math.max(0, Math.expm1(f.lstm().predict(seq))));
            forecasts[user] = got;
        }
        // it learned the levels: a user with 5 views a day is forecast more than a user with none
        for (int user = 0; user + 5 < USERS; user += 6) {
            assertThat(forecasts[user + 5]).as("user %d vs %d", user + 5, user).isGreaterThan(forecasts[user] + 1);
        }
        // the weekend flag: 2026-01-31 (day 30) is a Saturday
        assertThat(LiveForecast.weekend(day0 + 30)).isTrue();
        assertThat(LiveForecast.weekend(day0 + 29)).isFalse();
        assertThat(LiveForecast.weekend(day0)).isFalse();

        // the version saves and loads exactly, and a loaded version can be swapped in
        ForecastModel back = ForecastModel.fromJson(f.toJson());
        assertThat(back).isEqualTo(f);
        live.swap(back);
        assertThat(live.snapshot().version()).isEqualTo(f.version() + 1);
        assertThat(u.profile("u5", asOf).models().forecastNextDay()).isEqualTo(forecasts[5]);
        // forgetting a user drops the window kept for training (the weights stay)
        LiveForecast forecast = (LiveForecast) live;
        assertThat(forecast.keptWindows()).isEqualTo(USERS);
        assertThat(u.forget("u3")).isTrue();
        assertThat(forecast.keptWindows()).isEqualTo(USERS - 1);
        assertThat(live.snapshot().lstm()).isEqualTo(f.lstm());
        assertThatThrownBy(() -> ForecastModel.ofLstm(1, f.lstm(), 0, 0, 1, 1))
                .hasMessageContaining("lookback >= 1");
        assertThatThrownBy(() -> new ForecastModel(1, null, null, 0, 0, 1, 1))
                .hasMessage("arima must not be null (or give an lstm)");
    }
}
