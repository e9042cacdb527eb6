package dev.profilekit.core.spi;

/**
 * What the live models say about one profile, evaluated with the current model versions.
 *
 * @param propensityOn      whether a propensity model is configured
 * @param propensity        P(label event within the horizon), null before the first model
 * @param propensityVersion the model version that produced it (0: none)
 * @param segmentsOn        whether segments are configured
 * @param segment           the segment id, null before the first segment model
 * @param segmentsVersion   the segments version that produced it (0: none)
 * @param forecastOn        whether a forecast is configured
 * @param forecastNextDay   expected count of the forecast type for the next day
 */
public record ModelOutputs(boolean propensityOn, Double propensity, long propensityVersion, boolean segmentsOn,
                           Integer segment, long segmentsVersion, boolean forecastOn, Double forecastNextDay) {

    /** No models configured. */
    public static final ModelOutputs NONE = new ModelOutputs(false, null, 0, false, null, 0, false, null);
}
