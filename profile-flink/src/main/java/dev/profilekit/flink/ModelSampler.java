package dev.profilekit.flink;

import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.KernelState;
import dev.profilekit.core.live.VectorPipeline;
import dev.profilekit.core.live.forecast.ForecastConfig;
import dev.profilekit.core.live.forecast.ForecastKind;
import dev.profilekit.core.live.recommend.RecommendConfig;
import dev.profilekit.core.live.internal.Vectors;
import dev.profilekit.core.live.propensity.PropensityConfig;
import dev.profilekit.core.live.segments.SegmentsConfig;
import dev.profilekit.core.models.ModelsConfig;
import java.util.function.Consumer;

/**
 * The keyed half of the live models, on one user's state after an accepted event: what the embedded engine's
 * live models decide there ({@code observe}, {@code afterEvent}), as
 * {@link ModelRecord}s for the trainer ({@link ModelTraining} does the labelling and learning). In the engine's
 * order: a label-type event that may fall in a pending example's horizon ({@link ModelRecord.Kind#LABEL}), then the
 * propensity sample when one is due ({@link ModelRecord.Kind#SAMPLE}: at most one per user per
 * {@code sample_interval}, only at the user's latest event, with the raw vector as of it), then the segments sample
 * by the same rule with the segments' interval and vector ({@link ModelRecord.Kind#SEGMENT_SAMPLE}), then, with
 * a forecast or a recommend section, the event itself when one of them observes it
 * ({@link ModelRecord.Kind#OBSERVE}: an event of the forecast's type, every event for the LSTM forecast, an event
 * of a type the recommender weights or excludes, with its item), then the event-time step ({@link ModelRecord.Kind#TICK}, only when it moves the instance's clock one step on; the trainer
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
    /** Event type ids, as the models read them. */
    private final dev.profilekit.core.spi.FeatureAccess typeIds;
    private final long horizon;
    /** The forecast's event type id, or -1 without a forecast section. */
    private final int forecastType;
    /** Whether the forecast is the LSTM, which observes every event (its users' windows). */
    private final boolean forecastEveryEvent;
    /** By event type id: whether the recommender observes it (a weighted or excluded type); null without one. */
    private final boolean[] recommendTypes;
    /** The recommender's item attribute, or null. */
    private final String itemField;
    /** The last event time sent as a tick by this instance. */
    private long lastTick = Long.MIN_VALUE;
    /** This operator instance and the number of instances, which every record carries. */
    private final int index;
    private final int count;

    ModelSampler(ProfileKernel kernel, int index, int count) {
        this.index = index;
        this.count = count;
        this.typeIds = kernel.features();
        ModelsConfig config = kernel.models().orElseThrow();
        PropensityConfig p = config.propensity().orElse(null);
        SegmentsConfig g = config.segments().orElse(null);
        this.propensity = p == null ? null : new Section(VectorPipeline.of(p.features()).bind(kernel.features()),
                p.sampleInterval().toMillis());
        this.segments = g == null ? null : new Section(VectorPipeline.of(g.features()).bind(kernel.features()),
                g.sampleInterval().toMillis());
        this.labelType = p == null ? null : p.labelType();
        this.horizon = p == null ? 0 : p.horizon().toMillis();
        var features = kernel.features();
        ForecastConfig f = config.forecast().orElse(null);
        this.forecastType = f == null ? -1 : features.typeId(f.type());
        this.forecastEveryEvent = f != null && f.model() == ForecastKind.LSTM;
        RecommendConfig r = config.recommend().orElse(null);
        this.itemField = r == null ? null : r.itemField();
        if (r == null) {
            this.recommendTypes = null;
        } else {
            java.util.Set<String> types = new java.util.HashSet<>(r.weights().keySet());
            types.addAll(r.exclude());
            int max = 0;
            for (String type : types) {
                max = Math.max(max, features.typeId(type));
            }
            this.recommendTypes = new boolean[max + 1];
            for (String type : types) {
                recommendTypes[features.typeId(type)] = true;
            }
        }
    }

    /** Whether the forecast pools over the users: the trainer must be told of each user ({@link #user}). */
    boolean countsUsers() {
        return forecastType >= 0;
    }

    /**
     * After an accepted and applied event of {@code type} at {@code t} on {@code s}: sends the trainer's records.
     *
     * @param lastSample the user's last sampling times, propensity's then the segments'
     *                   ({@code Long.MIN_VALUE}: never); updated in place
     * @return whether {@code lastSample} changed
     */
    boolean observe(KernelState s, Event e, long[] lastSample, Consumer<ModelRecord> trainer) {
        String type = e.type();
        long t = e.timestamp();
        // a pending example is at or before the last sample: the trainer checks each one's horizon exactly
        if (propensity != null && lastSample[0] != Long.MIN_VALUE && t <= lastSample[0] + horizon
                && type.equals(labelType)) {
            trainer.accept(new ModelRecord(ModelRecord.Kind.LABEL, s.user(), t, null, null, index, count));
        }
        boolean changed = sample(propensity, ModelRecord.Kind.SAMPLE, s, t, lastSample, 0, trainer);
        changed |= sample(segments, ModelRecord.Kind.SEGMENT_SAMPLE, s, t, lastSample, 1, trainer);
        int typeId = typeId(type);
        boolean recommended = recommendTypes != null && typeId > 0 && typeId < recommendTypes.length
                && recommendTypes[typeId];
        if (forecastEveryEvent || (typeId == forecastType && typeId > 0) || recommended) {
            Object item = recommended ? e.attrs().get(itemField) : null;
            trainer.accept(ModelRecord.observe(s.user(), t, typeId, t == s.latestTime(),
                    item instanceof String i ? i : null, index, count));
        }
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

    private int typeId(String type) {
        return typeIds.typeId(type);
    }

    /** An expiry record: {@code user}'s profile expired and starts again at {@code t} (see {@link ModelRecord.Kind#EXPIRE}). */
    ModelRecord expire(String user, long t) {
        return new ModelRecord(ModelRecord.Kind.EXPIRE, user, t, null, null, index, count);
    }

    /** A record telling the trainer that {@code user} has a profile from {@code t} on ({@link #countsUsers()}). */
    ModelRecord user(String user, long t) {
        return new ModelRecord(ModelRecord.Kind.USER, user, t, null, null, index, count);
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

    /**
     * What the scorer needs of an accepted event: without a forecast section, the user's raw vectors
     * ({@link #vector}) when the event was applied, else null; with one, always the raw vectors (zeros when not
     * applied) followed by the {@value #FORECAST_TAIL} numbers the scorer's forecast reads: the event's type id,
     * whether the user's profile started again at it ({@code fresh}: 1, else 0), its time and whether it was applied
     * (1, else 0).
     */
    double[] scoreVector(KernelState s, Event e, boolean applied, boolean fresh) {
        if (forecastType < 0) {
            return applied ? vector(s) : null;
        }
        double[] head = applied ? vector(s) : new double[propensityDimension() + segmentsDimension()];
        double[] x = java.util.Arrays.copyOf(head, head.length + FORECAST_TAIL);
        x[head.length] = typeId(e.type());
        x[head.length + 1] = fresh ? 1 : 0;
        x[head.length + 2] = e.timestamp(); // epoch ms, below 2^53: exact
        x[head.length + 3] = applied ? 1 : 0;
        return x;
    }

    /** The number of values a score vector carries for the forecast after the raw vectors ({@link #scoreVector}). */
    static final int FORECAST_TAIL = 4;

    private int segmentsDimension() {
        return segments == null ? 0 : segments.vectors().dimension();
    }

    /** The length of the propensity part of {@link #vector} (0 without a propensity section). */
    int propensityDimension() {
        return propensity == null ? 0 : propensity.vectors().dimension();
    }
}
