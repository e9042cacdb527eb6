package dev.profilekit.core.live.forecast;

import java.util.List;
import java.util.Optional;

/**
 * The next-day forecast of one profile explained: what it was computed from and a 95% interval.
 *
 * @param version  the forecast version (0 before the first fit)
 * @param method   {@code "user_mean"} before the first model (the user's mean daily count), {@code "arima"}
 *                 ({@code user_mean × pooled_next_day / pooled_mean}) or {@code "lstm"} (the network over the
 *                 user's last days, as {@code log1p(count)} and a weekend flag per day)
 * @param nextDay  the forecast: exactly the profile's {@code forecast.next_day}
 * @param inputs   in order: the user's count per day of the window (named by the UTC date), then for ARIMA
 *                 {@code user_mean}, {@code pooled_next_day} and {@code pooled_mean}
 * @param interval the 95% interval of the pooled forecast's next day scaled by {@code nextDay / pooled_next_day}
 *                 (ARIMA: the model's forecast variance; LSTM: the spread of the pooled series' day-to-day
 *                 changes); empty before the first model or when the pooled forecast is 0
 */
public record ForecastExplanation(long version, String method, double nextDay, List<Input> inputs,
                                  Optional<Interval> interval) {

    /**
     * One input of the forecast.
     *
     * @param name  a UTC date ({@code 2026-01-31}) for a daily count, or a named quantity
     * @param value its value
     */
    public record Input(String name, double value) {
    }

    /**
     * An interval.
     *
     * @param lower the lower bound, at least 0
     * @param upper the upper bound
     * @param level its nominal coverage (0.95)
     */
    public record Interval(double lower, double upper, double level) {
    }

    /** Copies the list. */
    public ForecastExplanation {
        if (method == null || inputs == null || interval == null) {
            throw new IllegalArgumentException("method, inputs and interval must not be null");
        }
        inputs = List.copyOf(inputs);
    }
}
