package dev.profilekit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.live.forecast.ForecastModel;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.spi.LiveModel;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The live activity forecast with {@code "model": "arima"} against {@code "model": "lstm"} on the simulator's
 * stream, prequentially over its last week: at the start of each day (days 0..D-1 complete, both models refitted
 * in the background on them) every user's forecast of the day's views is recorded, then the day's events are
 * applied and counted. Prints MAE and RMSE per user (each user's errors over the 7 days, then averaged over users),
 * overall and by activity tercile (the simulator's true events per day), beside the user's own 28-day mean.
 * Asserts only what must hold whatever the figures: every forecast is finite and non-negative, each day's models
 * are those of the day before, and both forecasters beat forecasting zero.
 *
 * <p>Slow (the LSTM is retrained every day on the pooled users' windows): excluded from the default build; run
 * with {@code mvn -B -o -pl profile-sim -am test -Dtest=ForecastComparisonTest -Dgroups=slow
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("slow")
class ForecastComparisonTest {

    private static final int USERS = 1_000;
    private static final int DAYS = 42;
    private static final int WEEK = 7;
    private static final int WINDOW = 28;
    private static final long SEED = 42L;
    private static final long DAY_MS = 86_400_000L;

    private static ProfileUpdater updater(String model) {
        return ProfileUpdater.builder(LiveModelsTest.schema())
                .models(ModelsConfig.fromJson("{\"forecast\":{\"type\":\"view\",\"days\":" + WINDOW + ",\"model\":\""
                        + model + "\"}}"))
                .modelExecutor(Runnable::run).build();
    }

    @Test
    void lstmAndArimaNextDayForecastsOverTheLastWeek() {
        SimulationResult sim = EcommerceSimulator.run(SimulationOptions.of(USERS, DAYS, SEED));
        List<UserTruth> truth = sim.truth();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < truth.size(); i++) {
            index.put(truth.get(i).user(), i);
        }
        String[] names = {"arima", "lstm"};
        ProfileUpdater[] updaters = {updater("arima"), updater("lstm")};
        double[][][] forecast = new double[2][USERS][WEEK];
        double[][] userMean = new double[USERS][WEEK];
        int[][] daily = new int[USERS][DAYS];
        int[][] actual = new int[USERS][WEEK];
        long start = sim.options().startMs();
        int firstEval = DAYS - WEEK;
        int day = -1;
        Iterator<Event> events = sim.iterator();
        long t0 = System.nanoTime();
        while (events.hasNext()) {
            Event e = events.next();
            int d = (int) Math.floorDiv(e.timestamp() - start, DAY_MS);
            while (day < d) {
                day++;
                if (day >= firstEval) {
                    int k = day - firstEval;
                    long clock = start + day * DAY_MS + 1_000;
                    for (int m = 0; m < 2; m++) {
                        updaters[m].onEvent(Event.builder("clock-" + day, "clock", "search", clock).build());
                        LiveModel<ForecastModel> live = updaters[m].models().orElseThrow().forecast().orElseThrow();
                        ForecastModel f = live.snapshot();
                        assertThat(f.lastCompleteDay()).as("%s model on day %d", names[m], day)
                                .isEqualTo(Math.floorDiv(start, DAY_MS) + day - 1);
                        assertThat(m == 1 ? f.lstm() : f.arima()).isNotNull();
                        for (int u = 0; u < USERS; u++) {
                            double v = updaters[m].profile(truth.get(u).user(), clock).models().forecastNextDay();
                            assertThat(v).as("%s forecast of user %d on day %d", names[m], u, day).isFinite()
                                    .isGreaterThanOrEqualTo(0);
                            forecast[m][u][k] = v;
                        }
                    }
                    for (int u = 0; u < USERS; u++) {
                        double s = 0;
                        for (int j = day - WINDOW; j < day; j++) {
                            s += daily[u][j];
                        }
                        userMean[u][k] = s / WINDOW;
                    }
                }
            }
            for (ProfileUpdater up : updaters) {
                up.onEvent(e);
            }
            if (e.type().equals("view")) {
                int u = index.get(e.user());
                daily[u][d]++;
                if (d >= firstEval) {
                    actual[u][d - firstEval]++;
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;

        // activity terciles by the simulator's true events per day
        Integer[] byActivity = new Integer[USERS];
        for (int u = 0; u < USERS; u++) {
            byActivity[u] = u;
        }
        java.util.Arrays.sort(byActivity, java.util.Comparator.comparingDouble(u -> truth.get(u).eventsPerDay()));
        int[] tercile = new int[USERS];
        for (int r = 0; r < USERS; r++) {
            tercile[byActivity[r]] = Math.min(2, 3 * r / USERS);
        }
        String[] rows = {"arima", "lstm", "user 28-day mean", "zero"};
        double[][][] f = {forecast[0], forecast[1], userMean, new double[USERS][WEEK]};
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Forecast of next-day views, %d users, days %d..%d of %d (seed %d), "
                + "window %d days; %.0f s%n", USERS, firstEval, DAYS - 1, DAYS, SEED, WINDOW, seconds));
        out.append(String.format(Locale.ROOT, "%-18s %9s %9s | %9s %9s | %9s %9s | %9s %9s%n", "model", "MAE", "RMSE",
                "MAE low", "RMSE low", "MAE mid", "RMSE mid", "MAE high", "RMSE high"));
        double[][] summary = new double[rows.length][2];
        for (int r = 0; r < rows.length; r++) {
            double[] mae = new double[4];
            double[] rmse = new double[4];
            int[] count = new int[4];
            for (int u = 0; u < USERS; u++) {
                double a = 0;
                double s = 0;
                for (int k = 0; k < WEEK; k++) {
                    double err = f[r][u][k] - actual[u][k];
                    a += Math.abs(err);
                    s += err * err;
                }
                double userMae = a / WEEK;
                double userRmse = Math.sqrt(s / WEEK);
                for (int g : new int[] {0, 1 + tercile[u]}) {
                    mae[g] += userMae;
                    rmse[g] += userRmse;
                    count[g]++;
                }
            }
            out.append(String.format(Locale.ROOT, "%-18s", rows[r]));
            for (int g = 0; g < 4; g++) {
                out.append(String.format(Locale.ROOT, " %9.4f %9.4f%s", mae[g] / count[g], rmse[g] / count[g],
                        g < 3 ? " |" : ""));
            }
            out.append('\n');
            summary[r][0] = mae[0] / count[0];
            summary[r][1] = rmse[0] / count[0];
        }
        int lstmBetter = 0;
        for (int u = 0; u < USERS; u++) {
            double a0 = 0;
            double a1 = 0;
            for (int k = 0; k < WEEK; k++) {
                a0 += Math.abs(forecast[0][u][k] - actual[u][k]);
                a1 += Math.abs(forecast[1][u][k] - actual[u][k]);
            }
            if (a1 < a0) {
                lstmBetter++;
            }
        }
        out.append(String.format(Locale.ROOT, "users whose week MAE is lower with the LSTM: %d of %d%n", lstmBetter,
                USERS));
        System.out.print(out);
        // both forecasters beat forecasting zero views
        for (int r = 0; r < 2; r++) {
            assertThat(summary[r][0]).as("%s MAE vs zero", rows[r]).isLessThan(summary[3][0]);
            assertThat(summary[r][1]).as("%s RMSE vs zero", rows[r]).isLessThan(summary[3][1]);
        }
    }
}
