package dev.profilekit.flink;

import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.engine.KernelState;
import dev.profilekit.core.live.VectorPipeline;
import dev.profilekit.core.live.internal.Vectors;
import dev.profilekit.core.live.propensity.PropensityConfig;
import dev.profilekit.core.live.segments.SegmentsConfig;
import dev.profilekit.core.models.ModelsConfig;
import java.util.function.Consumer;

/**
 * The keyed half of the live models, on one user's state after an accepted event: what the embedded engine's
 * {@code LivePropensity} and {@code LiveSegments} decide there ({@code observe}, {@code afterEvent}), as
 * {@link ModelRecord}s for the trainer ({@link ModelTraining} does the labelling and learning). In the engine's
 * order: a label-type event that may fall in a pending example's horizon ({@link ModelRecord.Kind#LABEL}), then the
 * propensity sample when one is due ({@link ModelRecord.Kind#SAMPLE}: at most one per user per
 * {@code sample_interval}, only at the user's latest event, with the raw vector as of it), then the segments sample
 * by the same rule with the segments' interval and vector ({@link ModelRecord.Kind#SEGMENT_SAMPLE}), then the
 * event-time step ({@link ModelRecord.Kind#TICK}, only when it moves the instance's clock one step on; the trainer
 * applies the step rule again). Each record names its instance, so that the trainer can merge several instances'
 * records in event-time order ({@link ArrivalMerge}).
 */
final class ModelSampler {

    /** A section's sampling: its raw vector and its sampling interval. */
    private record Section(VectorPipeline.Bound vectors, long interval) {
    }

    /** The propensity section's sampling, or null. */
    private final Section propensity;
    /** The segments section's sampling, or null. */
    private final Section segments;
    private final String labelType;
    private final long horizon;
    /** The last event time sent as a tick by this instance. */
    private long lastTick = Long.MIN_VALUE;
    /** This operator instance and the number of instances, which every record carries. */
    private final int index;
    private final int count;

    ModelSampler(ProfileKernel kernel, int index, int count) {
        this.index = index;
        this.count = count;
        ModelsConfig config = ModelTraining.requireSupported(kernel.models().orElseThrow());
        PropensityConfig p = config.propensity().orElse(null);
        SegmentsConfig g = config.segments().orElse(null);
        this.propensity = p == null ? null : new Section(VectorPipeline.of(p.features()).bind(kernel.features()),
                p.sampleInterval().toMillis());
        this.segments = g == null ? null : new Section(VectorPipeline.of(g.features()).bind(kernel.features()),
                g.sampleInterval().toMillis());
        this.labelType = p == null ? null : p.labelType();
        this.horizon = p == null ? 0 : p.horizon().toMillis();
    }

    /**
     * After an accepted and applied event of {@code type} at {@code t} on {@code s}: sends the trainer's records.
     *
     * @param lastSample the user's last sampling times, propensity's then the segments'
     *                   ({@code Long.MIN_VALUE}: never); updated in place
     * @return whether {@code lastSample} changed
     */
    boolean observe(KernelState s, String type, long t, long[] lastSample, Consumer<ModelRecord> trainer) {
        // a pending example is at or before the last sample: the trainer checks each one's horizon exactly
        if (propensity != null && lastSample[0] != Long.MIN_VALUE && t <= lastSample[0] + horizon
                && type.equals(labelType)) {
            trainer.accept(new ModelRecord(ModelRecord.Kind.LABEL, s.user(), t, null, null, index, count));
        }
        boolean changed = sample(propensity, ModelRecord.Kind.SAMPLE, s, t, lastSample, 0, trainer);
        changed |= sample(segments, ModelRecord.Kind.SEGMENT_SAMPLE, s, t, lastSample, 1, trainer);
        if (t >= lastTick + ModelTraining.TICK_STEP_MS) {
            lastTick = t;
            trainer.accept(new ModelRecord(ModelRecord.Kind.TICK, "", t, null, null, index, count));
        }
        return changed;
    }

    /** A section's sample when one is due (at the user's latest event, once per interval). */
    private boolean sample(Section section, ModelRecord.Kind kind, KernelState s, long t, long[] lastSample,
                           int slot, Consumer<ModelRecord> trainer) {
        long latest = s.latestTime();
        if (section == null || t != latest || !Vectors.due(lastSample[slot], t, section.interval())) {
            return false;
        }
        trainer.accept(new ModelRecord(kind, s.user(), t, section.vectors().raw(s, latest), null, index, count));
        lastSample[slot] = t;
        return true;
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

    /**
     * The user's raw vectors as of its latest applied event, to score: the propensity section's followed by the
     * segments' (each present only with its section).
     */
    double[] vector(KernelState s) {
        double[] p = propensity == null ? new double[0] : propensity.vectors().raw(s, s.latestTime());
        if (segments == null) {
            return p;
        }
        double[] g = segments.vectors().raw(s, s.latestTime());
        double[] both = java.util.Arrays.copyOf(p, p.length + g.length);
        System.arraycopy(g, 0, both, p.length, g.length);
        return both;
    }

    /** The length of the propensity part of {@link #vector} (0 without a propensity section). */
    int propensityDimension() {
        return propensity == null ? 0 : propensity.vectors().dimension();
    }
}
