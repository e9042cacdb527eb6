package dev.profilekit.core.spi;

/**
 * The state of an updater's live models at one moment.
 *
 * @param prequential      prequential metrics of the propensity model (null without one)
 * @param modelVersion     version of the live propensity model (0: none yet)
 * @param driftAlarms      drift alarms raised on the prequential log loss
 * @param retrains         retrained models that replaced the live one
 * @param rejectedRetrains retrained models rejected by the holdout test
 * @param segmentsVersion  version of the live segments (0: none yet)
 * @param segmentRefits    batch refits of the segments
 * @param pendingExamples  sampled examples still waiting for their label
 */
public record ModelStatus(Prequential prequential, long modelVersion, long driftAlarms, long retrains,
                          long rejectedRetrains, long segmentsVersion, long segmentRefits, int pendingExamples) {
}
