package dev.profilekit.flink;

import dev.profilekit.core.audience.AudienceChange;
import dev.profilekit.core.audience.AudienceListener;
import dev.profilekit.core.audience.AudienceRule;
import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.Outcome;
import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.engine.KernelState;
import dev.profilekit.core.io.ProfileExtras;
import dev.profilekit.core.io.ProfileJson;
import org.apache.flink.api.common.functions.OpenContext;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The profile engine as a Flink keyed operator, keyed by user ({@link Routed#key()}): each user's compiled state
 * lives in Flink keyed state with the key's outcome counts, one state per key ({@link UserStateSerializer}: the
 * counts, then the engine's state codec through {@link ProfileStateSerializer}) and every event goes through
 * the engine's own decision and feature code ({@link ProfileKernel#apply}), so a user's profile is exactly the
 * embedded engine's for the same events in the same order.
 *
 * <ul>
 *   <li>Main output: with {@code emitUpdates}, one line per accepted event: the user's profile as of its latest
 *       applied event, in the profile file format ({@link ProfileJson}).</li>
 *   <li>Side output {@link #FINAL}: when the watermark reaches {@code Long.MAX_VALUE} (the end of a bounded
 *       input), one {@link FinalState} per key with its encoded state and outcome counts.</li>
 *   <li>{@link Routed.Kind#FORGET} records remove the user's profile and duplicate state (its counts stay, as the
 *       embedded engine's counters do).</li>
 *   <li>Expiry with a TTL, as the embedded engine defines it: before an event is decided, the user's state is
 *       started again when its latest accepted time lies more than the TTL before the expiry clock, the largest
 *       time of the events that arrived so far including this one. The clock is the larger of the largest event
 *       time this instance has seen and the watermark; with {@link ArrivalClock}'s watermarks (a watermark after
 *       every record that raises the clock) that is exactly the embedded engine's clock at any parallelism, and at
 *       parallelism 1 it is exact with any watermarks. An event-time timer at the user's latest accepted time +
 *       TTL + 1 drops a state that is still idle then (the watermark never runs ahead of the clock, so this drops
 *       only what the next event would start again). At the end of input nothing is expired by timers: the final
 *       writer applies the TTL against the final time, as a replay does.</li>
 *   <li>Audiences (a spec {@link KernelSpec#withAudiences with audiences}): the engine's own audience code runs per
 *       user in the kernel ({@link ProfileKernel#apply(KernelState, Event, dev.profilekit.core.audience.AudienceListener)}),
 *       its state in the user's keyed state (encoded with the profile, so checkpoints and savepoints keep it). Each
 *       change (ENTER, EXIT, REVISE) goes to the side output {@link #AUDIENCES} as its {@code --audience-log} line.
 *       One event-time timer per user sits at its next time-driven change ({@link ProfileKernel#audienceTimer},
 *       replacing the previous one); when the watermark reaches it, the changes up to the watermark (never past
 *       the applyUpTo time) are delivered, as the embedded engine delivers them when its clock passes; a timer
 *       already due after an event (a late event's revision moved it behind the watermark) fires at once, as the
 *       engine's clock moving to the event's time fires it. At the end of a bounded input (the watermark at
 *       {@code Long.MAX_VALUE}) each user's changes up to the applyUpTo time are delivered when there is one (an
 *       as-of time), before its final state; without one the timers do not fire then: the final writer fires them
 *       up to the final time, as a replay does ({@link FinalProfiles#finishAudiences}). A state expired by the TTL
 *       ends its memberships first ({@link ProfileKernel#expire}). Each update line (with {@code emitUpdates})
 *       ends with the user's {@code "audiences":[...]} as of the line's time, as the profile file's lines do.</li>
 * </ul>
 */
public final class ProfileFunction extends KeyedProcessFunction<String, Routed, String>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    /** With live models: the models trainer's records ({@link ModelSampler}), in the engine's order. */
    public static final OutputTag<ModelRecord> TRAINING = new OutputTag<>("profilekit-training", ModelRecord.TYPE);
    /** With live models and updates: each accepted event's profile line and vector, to score. */
    public static final OutputTag<ModelRecord> SCORING = new OutputTag<>("profilekit-scoring", ModelRecord.TYPE);

    /** With audiences: each audience change as its {@code --audience-log} line ({@link AudienceChange#toJson}). */
    public static final OutputTag<String> AUDIENCES = new OutputTag<>("profilekit-audiences", Types.STRING);

    /** The side output of final states at the end of a bounded input. */
    public static final OutputTag<FinalState> FINAL = new OutputTag<>("profilekit-final", FinalState.TYPE);

    private static final int ACCEPTED = UserState.ACCEPTED;
    private static final int DUPLICATE = UserState.DUPLICATE;
    private static final int LATE = UserState.LATE;
    private static final int REJECTED = UserState.REJECTED;
    private static final int FORGOTTEN = UserState.FORGOTTEN;

    private final KernelSpec spec;
    private final boolean emitUpdates;
    /** Whether the spec has audiences. */
    private final boolean audiences;
    private transient ProfileKernel kernel;
    /** Each key's engine state and counts, read and written once per record. */
    private transient ValueState<UserState> user;
    /**
     * The layout of savepoints written before {@link #user} (two states per key): read once per key after such a
     * restore ({@link #user()}), then cleared.
     */
    private transient ValueState<KernelState> profile;
    private transient ValueState<long[]> counts;
    /** The largest event time this instance has seen (the expiry clock's local part). */
    private transient long clock = Long.MIN_VALUE;
    private transient ListState<Long> clockState;
    /** With live models: the sampler's last tick (operator state), and its value restored before {@code open}. */
    private transient ListState<Long> tickState;
    private transient long restoredTick;
    /** With live models: the keyed half of the models, else null. */
    private transient ModelSampler sampler;
    /** With live models: the user's last sampling times (propensity, segments). */
    private transient ValueState<long[]> sampled;

    /**
     * @param spec        the kernel's configuration
     * @param emitUpdates whether to emit a profile line per accepted event on the main output
     */
    public ProfileFunction(KernelSpec spec, boolean emitUpdates) {
        if (spec == null) {
            throw new IllegalArgumentException("spec must not be null");
        }
        this.spec = spec;
        this.emitUpdates = emitUpdates;
        this.audiences = spec.audiencesJson() != null;
    }

    @Override
    public void open(OpenContext context) {
        kernel = spec.kernel();
        user = getRuntimeContext().getState(new ValueStateDescriptor<>("user",
                new UserStateSerializer(new ProfileStateSerializer(spec.schemaJson(), spec.audiencesJson()))));
        profile = getRuntimeContext().getState(
                new ValueStateDescriptor<>("profile", new ProfileStateSerializer(spec.schemaJson(),
                        spec.audiencesJson())));
        counts = getRuntimeContext().getState(
                new ValueStateDescriptor<>("counts", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        if (kernel.models().isPresent()) {
            sampler = new ModelSampler(kernel, getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                    getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
            sampler.restoreTick(restoredTick);
            sampled = getRuntimeContext().getState(new ValueStateDescriptor<>("sampled",
                    PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        }
    }

    @Override
    public void processElement(Routed r, Context ctx, Collector<String> out) throws Exception {
        UserState u = user();
        if (u == null) {
            u = new UserState();
            ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE); // the end of a bounded input
        }
        long[] c = u.counts;
        switch (r.kind()) {
            case REJECTED -> c[REJECTED]++;
            case FORGOTTEN -> c[FORGOTTEN]++;
            case FORGET -> {
                u.profile = null;
                if (sampler != null) {
                    sampled.clear();
                    ctx.output(TRAINING, sampler.forget(ctx.getCurrentKey()));
                }
            }
            case EVENT -> {
                Event e = r.event();
                clock = Math.max(clock, e.timestamp());
                KernelState s = u.profile;
                AudienceListener changes = audiences ? ch -> ctx.output(AUDIENCES, ch.toJson()) : null;
                boolean expired = s != null && kernel.expired(s, Math.max(clock, ctx.timerService().currentWatermark()));
                if (s == null || expired) {
                    if (s != null) {
                        kernel.expire(s, changes);
                    }
                    s = kernel.newState(ctx.getCurrentKey()); // idle past the TTL: a new profile
                }
                boolean fresh = expired || u.profile == null;
                long[] last = sampler == null ? null : startModels(ctx, e.timestamp(), fresh);
                long timerBefore = kernel.audienceTimer(s);
                Outcome o = kernel.apply(s, e, changes);
                switch (o) {
                    case ACCEPTED -> {
                        c[ACCEPTED]++;
                        if (audiences && e.timestamp() <= spec.applyUpTo()) {
                            // as the engine's clock moving to the event's time: a timer already due fires now
                            long wm = ctx.timerService().currentWatermark();
                            kernel.fireAudiences(s, Math.min(Math.max(wm, e.timestamp()), spec.applyUpTo()), changes);
                        }
                        u.profile = s;
                        replaceAudienceTimer(ctx.timerService(), timerBefore, kernel.audienceTimer(s));
                        long ttl = kernel.ttlMillis();
                        long latest = kernel.latestAccepted(s);
                        if (ttl >= 0 && latest < Long.MAX_VALUE - ttl - 1) {
                            ctx.timerService().registerEventTimeTimer(latest + ttl + 1);
                        }
                        boolean applied = e.timestamp() <= spec.applyUpTo();
                        if (sampler != null && applied
                                && sampler.observe(s, e, last, m -> ctx.output(TRAINING, m))) {
                            sampled.update(last);
                        }
                        if (emitUpdates && kernel.hasAccepted(s)) {
                            long asOf = latestApplied(s);
                            String line = ProfileJson.toJson(kernel.profile(s, asOf));
                            if (audiences) {
                                line = ProfileExtras.with(line, ProfileExtras.audiences(kernel.audiences(s, asOf)));
                            }
                            if (sampler == null) {
                                out.collect(line);
                            } else { // the scorer adds the current version's score
                                ctx.output(SCORING, new ModelRecord(ModelRecord.Kind.SCORE, s.user(), asOf,
                                        sampler.scoreVector(s, e, applied, fresh), line));
                            }
                        }
                    }
                    case DUPLICATE -> c[DUPLICATE]++;
                    default -> c[LATE]++;
                }
            }
            default -> throw new IllegalStateException("unknown record kind " + r.kind());
        }
        user.update(u);
    }

    /**
     * With live models, before an event of the current key at {@code t} is decided: the user's last sampling times,
     * after telling the trainer what the embedded engine's table does to the user's model state here. A user
     * without sampling state is new to the models (never seen, or forgotten since): the trainer counts it (with a
     * forecast, which pools over the users). A user whose profile starts again ({@code fresh}) after its state
     * expired (found expired now, or dropped idle by its TTL timer: it still has sampling state) has its model
     * state reset, as the engine resets an expired state at the user's next event: the trainer forgets the user's
     * examples and per-user state ({@link ModelRecord.Kind#EXPIRE}) and sampling starts again.
     */
    private long[] startModels(Context ctx, long t, boolean fresh) throws java.io.IOException {
        long[] last = sampled.value();
        if (last != null && !fresh) {
            return last;
        }
        String key = ctx.getCurrentKey();
        if (last == null) {
            if (sampler.countsUsers()) {
                ctx.output(TRAINING, sampler.user(key, t));
            }
        } else {
            ctx.output(TRAINING, sampler.expire(key, t));
        }
        last = new long[] {Long.MIN_VALUE, Long.MIN_VALUE};
        sampled.update(last);
        return last;
    }

    /**
     * The current key's state, or null for a key not seen yet. A key restored from a savepoint of the earlier layout
     * (its engine state and its counts in two states) is read from there once and moved to {@link #user}.
     */
    private UserState user() throws java.io.IOException {
        UserState u = user.value();
        if (u == null) {
            long[] c = counts.value();
            if (c != null) {
                u = new UserState(profile.value(), c);
                profile.clear();
                counts.clear();
                user.update(u);
            }
        }
        return u;
    }

    /**
     * Moves the user's audience timer from {@code before} to {@code after}. A TTL timer at the same time is
     * registered again by the caller after this (Flink keeps one timer per key and time).
     */
    private static void replaceAudienceTimer(TimerService timers, long before, long after) {
        if (before == after) {
            return;
        }
        if (before != AudienceRule.NEVER) {
            timers.deleteEventTimeTimer(before);
        }
        if (after != AudienceRule.NEVER) {
            timers.registerEventTimeTimer(after);
        }
    }

    /** The time of the state's latest applied event (a profile cannot be read before it). */
    private long latestApplied(KernelState s) {
        return s.latestTime() == Long.MIN_VALUE ? kernel.latestAccepted(s) : s.latestTime();
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        clockState.update(List.of(clock));
        tickState.update(List.of(sampler == null ? Long.MIN_VALUE : sampler.lastTick()));
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // a union: after rescaling, every instance starts from the largest clock of all
        clockState = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("clock", Types.LONG));
        clock = Long.MIN_VALUE;
        for (Long c : clockState.get()) {
            clock = Math.max(clock, c);
        }
        tickState = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("tick", Types.LONG));
        restoredTick = Long.MIN_VALUE;
        for (Long t : tickState.get()) {
            restoredTick = Math.max(restoredTick, t);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out) throws Exception {
        UserState u = user();
        if (timestamp == Long.MAX_VALUE) {
            KernelState s = u == null ? null : u.profile;
            if (audiences && s != null && spec.applyUpTo() != Long.MAX_VALUE) {
                // the end of a bounded input with an as-of time: every change up to it, as replay's end delivers
                kernel.fireAudiences(s, spec.applyUpTo(), ch -> ctx.output(AUDIENCES, ch.toJson()));
            }
            long[] c = u == null ? new long[UserState.COUNTS] : u.counts;
            ctx.output(FINAL, new FinalState(ctx.getCurrentKey(), s == null ? null : kernel.encode(s),
                    c[ACCEPTED], c[DUPLICATE], c[LATE], c[REJECTED], c[FORGOTTEN]));
            return;
        }
        long wm = ctx.timerService().currentWatermark();
        if (wm == Long.MAX_VALUE) {
            return; // end of input: the final writer applies the TTL against the final time
        }
        KernelState s = u == null ? null : u.profile;
        if (s == null) {
            return;
        }
        AudienceListener changes = audiences ? ch -> ctx.output(AUDIENCES, ch.toJson()) : null;
        if (audiences && kernel.audienceTimer(s) <= Math.min(wm, spec.applyUpTo())) {
            kernel.fireAudiences(s, Math.min(wm, spec.applyUpTo()), changes);
            user.update(u);
            long next = kernel.audienceTimer(s);
            if (next != AudienceRule.NEVER) {
                ctx.timerService().registerEventTimeTimer(next);
            }
        }
        if (kernel.expired(s, wm)) {
            kernel.expire(s, changes);
            u.profile = null;
            user.update(u);
        }
    }
}
