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
 * moves the instance's clock one step on; the trainer applies the step rule again). Each record names its instance,
 * so that the trainer can merge several instances' records in event-time order ({@link ArrivalMerge}).
 */
final class PropensitySampler {

    private final VectorPipeline.Bound vectors;
    private final String labelType;
    private final long horizon;
    private final long interval;
    /** The last event time sent as a tick by this instance. */
    private long lastTick = Long.MIN_VALUE;
    /** This operator instance and the number of instances, which every record carries. */
    private final int index;
    private final int count;

    PropensitySampler(ProfileKernel kernel, int index, int count) {
        this.index = index;
        this.count = count;
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
            trainer.accept(new ModelRecord(ModelRecord.Kind.LABEL, s.user(), t, null, null, index, count));
        }
        long latest = s.latestTime();
        long sampled = lastSample;
        if (t == latest && Vectors.due(lastSample, t, interval)) {
            trainer.accept(new ModelRecord(ModelRecord.Kind.SAMPLE, s.user(), t, vectors.raw(s, latest), null, index,
                    count));
            sampled = t;
        }
        if (t >= lastTick + PropensityTraining.TICK_STEP_MS) {
            lastTick = t;
            trainer.accept(new ModelRecord(ModelRecord.Kind.TICK, "", t, null, null, index, count));
        }
        return sampled;
    }

    /** The last event time this instance sent as a tick ({@code Long.MIN_VALUE}: none), for checkpoints. */
    long lastTick() {
        return lastTick;
    }

    /**
     * Restores {@link #lastTick()} from a checkpoint, so that the instance goes on sending the ticks the trainer
     * takes (at parallelism 1 they are exactly the embedded engine's steps).
     */
    void restoreTick(long tick) {
        lastTick = tick;
    }

    /** A forget record of {@code user} from this instance. */
    ModelRecord forget(String user) {
        return new ModelRecord(ModelRecord.Kind.FORGET, user, Long.MIN_VALUE, null, null, index, count);
    }

    /** The user's raw vector as of its latest applied event (for scoring). */
    double[] vector(ProfileState s) {
        return vectors.raw(s, s.latestTime());
    }
}
