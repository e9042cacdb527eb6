package dev.profilekit.flink;

import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.engine.ProfileState;
import dev.profilekit.core.live.VectorPipeline;
import dev.profilekit.core.live.internal.Vectors;
import dev.profilekit.core.live.propensity.PropensityConfig;
import java.util.function.Consumer;

/**
 * The keyed half of the live propensity model, on one user's state after an accepted event: what the embedded
 * engine's {@code LivePropensity.observe} and {@code afterEvent} decide there, as {@link ModelRecord}s for the
 * trainer ({@link PropensityTraining} does the labelling and learning). In the engine's order: a label-type event
 * that may fall in a pending example's horizon ({@link ModelRecord.Kind#LABEL}), then the sample when one is due
 * ({@link ModelRecord.Kind#SAMPLE}: at most one per user per {@code sample_interval}, only at the user's latest
 * event, with the raw vector as of it), then the event-time step ({@link ModelRecord.Kind#TICK}, only when it
 * moves the instance's clock one step on; the trainer moves on when every instance has, so that no instance's
 * label comes after its example was labelled 0 because another instance ran ahead).
 */
final class PropensitySampler {

    private final VectorPipeline.Bound vectors;
    private final String labelType;
    private final long horizon;
    private final long interval;
    /** The last event time sent as a tick by this instance. */
    private long lastTick = Long.MIN_VALUE;
    /** This operator instance, as ticks name it ({@code "index/count"}). */
    private final String instance;

    PropensitySampler(ProfileKernel kernel, int index, int count) {
        this.instance = index + "/" + count;
        PropensityConfig p = PropensityTraining.requirePropensityOnly(kernel.models().orElseThrow()).propensity()
                .orElseThrow();
        this.vectors = VectorPipeline.of(p.features()).bind(kernel.features());
        this.labelType = p.labelType();
        this.horizon = p.horizon().toMillis();
        this.interval = p.sampleInterval().toMillis();
    }

    /**
     * After an accepted and applied event of {@code type} at {@code t} on {@code s}: sends the trainer's records.
     *
     * @param lastSample the user's last sampling time ({@code Long.MIN_VALUE}: never)
     * @return the user's last sampling time after this event
     */
    long observe(ProfileState s, String type, long t, long lastSample, Consumer<ModelRecord> trainer) {
        // a pending example is at or before the last sample: the trainer checks each one's horizon exactly
        if (lastSample != Long.MIN_VALUE && t <= lastSample + horizon && type.equals(labelType)) {
            trainer.accept(new ModelRecord(ModelRecord.Kind.LABEL, s.user(), t, null, null));
        }
        long latest = s.latestTime();
        long sampled = lastSample;
        if (t == latest && Vectors.due(lastSample, t, interval)) {
            trainer.accept(new ModelRecord(ModelRecord.Kind.SAMPLE, s.user(), t, vectors.raw(s, latest), null));
            sampled = t;
        }
        if (t >= lastTick + PropensityTraining.TICK_STEP_MS) {
            lastTick = t;
            trainer.accept(new ModelRecord(ModelRecord.Kind.TICK, instance, t, null, null));
        }
        return sampled;
    }

    /** The user's raw vector as of its latest applied event (for scoring). */
    double[] vector(ProfileState s) {
        return vectors.raw(s, s.latestTime());
    }
}
