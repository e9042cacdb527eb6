package dev.profilekit.core.models;

import dev.profilekit.core.live.forecast.ForecastExplanation;
import dev.profilekit.core.live.propensity.PropensityExplanation;
import dev.profilekit.core.live.segments.SegmentsExplanation;
import java.util.Optional;

/**
 * Why the live models give one profile its scores: the terms of the propensity logit, the distances behind the
 * segment, and the inputs and interval of the forecast, each evaluated with the same model version and the same
 * user state as the profile at {@code asOf} ({@code ProfileUpdater.explain}). Immutable.
 *
 * @param user       the key the profile is stored under (the pseudonym when the updater pseudonymises)
 * @param asOf       the time the profile was evaluated at (epoch ms)
 * @param propensity the propensity explanation; empty when no propensity model is configured or none is fitted
 * @param segments   the segments explanation; empty when no segments are configured or none are fitted
 * @param forecast   the forecast explanation; empty when no forecast is configured
 */
public record Explanation(String user, long asOf, Optional<PropensityExplanation> propensity,
                          Optional<SegmentsExplanation> segments, Optional<ForecastExplanation> forecast) {

    /** Validates: no null part (an absent part is an empty {@link Optional}). */
    public Explanation {
        if (user == null || propensity == null || segments == null || forecast == null) {
            throw new IllegalArgumentException("user, propensity, segments and forecast must not be null");
        }
    }

    /** An explanation with every part empty (no live models configured). */
    public static Explanation none(String user, long asOf) {
        return new Explanation(user, asOf, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
