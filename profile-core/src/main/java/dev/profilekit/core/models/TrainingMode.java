package dev.profilekit.core.models;

/**
 * Where the live models train: retrains of the propensity model, refits of the segments, the forecast and the
 * recommender's fallback, and the hand-over of sampled vectors to a trainer. Every one of them is triggered at a
 * fixed count (labelled examples, samples, completed days of event time, interactions); the mode decides only
 * whether the work then runs beside ingestion or at that very point.
 *
 * <p>Set it in the models file ({@code "training": "deterministic"}, see {@link ModelsConfig}) or on the updater's
 * builder ({@code ProfileUpdater.Builder.training}); see {@link #of} for which one applies.
 */
public enum TrainingMode {

    /**
     * The default: training runs on the model executor (the updater's own daemon thread unless one is given), beside
     * ingestion. Event threads never wait for a fit; a fitted version replaces the live one when the fit ends, so
     * which events are scored by which version depends on how long fits take, and two runs of one stream may differ
     * in their scores and model figures. A count reached while a fit of the same model still runs triggers nothing
     * (the next count triggers again), so under load a model fits less often than its counts say.
     */
    BACKGROUND,

    /**
     * Training runs on the event thread whose event reaches the count, before that event's call returns, and its
     * result is live for the next event. With one ingesting thread, two runs of the same stream give byte-identical
     * profiles, scores, explanations and diagnostics (as do a run with and without a backing store, and a run resumed
     * from a snapshot). The event that triggers a fit waits for it (a propensity retrain over the training window
     * takes milliseconds to a second), and every count triggers its fit, so with small counts ingestion is several
     * times slower than in the background. For replays, tests and parity checks; {@code replay --models} trains so.
     */
    DETERMINISTIC;

    /** The value of the models file's {@code training} key. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The mode a {@code ProfileUpdater} trains in: the one set on its builder if any; else {@link #BACKGROUND} when
     * the builder was given a model executor (the executor says where background training runs; {@code Runnable::run}
     * makes it run inline); else the models file's {@code training}; else {@link #BACKGROUND}.
     *
     * @param onBuilder     the mode set on the builder, or null
     * @param executorGiven whether the builder was given a model executor
     * @param models        the models configuration
     */
    public static TrainingMode of(TrainingMode onBuilder, boolean executorGiven, ModelsConfig models) {
        if (onBuilder != null) {
            return onBuilder;
        }
        if (executorGiven) {
            return BACKGROUND;
        }
        return models.training().orElse(BACKGROUND);
    }
}
