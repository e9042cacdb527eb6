package dev.profilekit.core.models;

/**
 * Where the live models train: retrains of the propensity model, refits of the segments, the forecast and the
 * recommender's fallback, and the hand-over of sampled vectors to a trainer. Every one of them is triggered at a
 * fixed count (labelled examples, samples, completed days of event time, interactions); the mode decides only
 * whether the work then runs beside ingestion or at that very point.
 */
public enum TrainingMode {

    /**
     * The default: training runs on the model executor (the updater's own daemon thread unless one is given), beside
     * ingestion. Event threads never wait for a fit; a fitted version replaces the live one when the fit ends, so
     * which events are scored by which version depends on how long fits take, and two runs of one stream may differ
     * in their scores and model figures.
     */
    BACKGROUND,

    /**
     * Training runs on the event thread whose event reaches the count, before that event's call returns, and its
     * result is live for the next event. With one ingesting thread, two runs of the same stream give byte-identical
     * profiles, scores, explanations and diagnostics (as do a run with and without a backing store, and a run resumed
     * from a snapshot). The event that triggers a fit waits for it (a propensity retrain over the training window
     * takes milliseconds to a second). For replays, tests and parity checks; {@code replay --models} trains so.
     */
    DETERMINISTIC
}
