package dev.profilekit.flink;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Live models on the profile operator ({@link ProfilePipeline#profiles}): the models' trainer (propensity,
 * segments, forecast, recommend) with one parallel instance fed by the operator's {@link ProfileFunction#TRAINING} side output, its
 * versions broadcast to the keyed scorer ({@link ScoringFunction}) that adds the current outputs to each update
 * line, and the trainer's final state next to the profiles' ({@link FinalProfiles} ends the models as a replay does).
 * The update lines carry the propensity score, the segment and the forecast; the recommendations, whose
 * per-user state and shared table the trainer keeps ({@link ModelTraining}), are in the profile file written at
 * the end.
 *
 * <pre>
 * source → keyBy(user) → ProfileFunction ─ main/SCORING ─→ keyBy(user) → ScoringFunction → update lines
 *                              └─ TRAINING → ModelTrainer (parallelism 1) ─ versions (broadcast) ─┘
 * </pre>
 */
public final class ModelPipeline {

    /** The trainer's uid (kept from when it ran propensity only: savepoints map state to operators by uid). */
    public static final String TRAINER_UID = "profilekit-propensity-trainer";
    /** The scorer's uid. */
    public static final String SCORER_UID = "profilekit-propensity-scorer";

    private ModelPipeline() {
    }

    /**
     * The outputs of the profile operator with its models.
     *
     * @param updates the update lines (with emitUpdates): with models the scorer's, which carry scores
     * @param finals  the final states at the end of a bounded input, the trainer's among them with models
     */
    public record Outputs(DataStream<String> updates, DataStream<FinalState> finals) {
    }

    /**
     * Attaches the models (when {@code spec} has a models configuration) to {@code profiles}.
     *
     * @param profiles the profile operator, built with {@code spec}
     * @param spec     the kernel configuration
     */
    public static Outputs attach(SingleOutputStreamOperator<String> profiles, KernelSpec spec) {
        if (profiles == null || spec == null) {
            throw new IllegalArgumentException("profiles and spec must not be null");
        }
        DataStream<FinalState> finals = profiles.getSideOutput(ProfileFunction.FINAL);
        if (spec.kernel().models().isEmpty()) {
            return new Outputs(profiles, finals);
        }
        SingleOutputStreamOperator<String> versions = profiles.getSideOutput(ProfileFunction.TRAINING)
                .keyBy(r -> 0, Types.INT)
                .process(new ModelTrainer(spec), Types.STRING)
                .setParallelism(1).setMaxParallelism(1).uid(TRAINER_UID).name("models trainer");
        DataStream<String> scored = profiles.getSideOutput(ProfileFunction.SCORING)
                .keyBy(ModelRecord::user, Types.STRING)
                .connect(versions.broadcast(ScoringFunction.VERSIONS))
                .process(scorer(spec), Types.STRING)
                .uid(SCORER_UID).name("model scores");
        return new Outputs(scored, finals.union(versions.getSideOutput(ModelTrainer.FINAL)));
    }

    private static ScoringFunction scorer(KernelSpec spec) {
        var config = spec.kernel().models().orElseThrow();
        return new ScoringFunction(config.propensity().isPresent(),
                new ModelSampler(spec.kernel(), 0, 1).propensityDimension(), config.segments().isPresent(),
                spec.audiencesJson() != null, config.forecast().isPresent() ? spec : null);
    }
}
