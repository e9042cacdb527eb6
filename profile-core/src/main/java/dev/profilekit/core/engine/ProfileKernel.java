package dev.profilekit.core.engine;

import dev.profilekit.core.audience.AudienceChange;
import dev.profilekit.core.audience.AudienceListener;
import dev.profilekit.core.audience.AudienceRule;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.spi.ModelOutputs;
import dev.profilekit.features.codec.StateFormatException;
import dev.profilekit.core.models.LiveModels;
import dev.profilekit.core.models.ModelsConfig;
import java.util.List;
import java.util.Optional;

/**
 * The engine's per-user step without its table: for hosts that keep each user's state themselves, keyed by user
 * (a stream processor's keyed state, for instance). It runs exactly the code of {@link ProfileUpdater#onEvent}
 * on one user's state: the event limits and clock-skew check, pseudonymisation and the attribute allow-list,
 * the duplicate and lateness decision and the update of every compiled feature; and it evaluates a profile of
 * such a state as {@link ProfileUpdater#profileByKey} does. States travel through the engine's versioned binary
 * state codec ({@link #encode}, {@link #decode}).
 *
 * <p>What it leaves to the host: expiry ({@link #expired} tells whether a state is idle past the TTL at a given
 * event-time watermark; the host chooses the watermark and drops the state), and everything across users. Live
 * models learn across users, so the kernel does not run them: with a models configuration it compiles the event
 * types they watch (their label types), exposes the configuration ({@link #models()}) and evaluates profiles with
 * the outputs its host computed ({@link #profile(KernelState, long, ModelOutputs)}); the host runs the models
 * (profile-flink's trainer and scorer). A backing store is refused.
 *
 * <p>Audiences ({@link ProfileUpdater.Builder#audiences}) run per user, by the embedded engine's own code: each
 * accepted event delivers the user's changes ({@link AudienceChange}: ENTER, EXIT, REVISE after a late event) to the
 * listener passed with it ({@link #apply(KernelState, Event, AudienceListener)}); the host keeps one timer per user
 * at {@link #audienceTimer} and, when its event-time clock reaches it, calls {@link #fireAudiences}; before it drops
 * a state idle past the TTL it calls {@link #expire}. The user's audience state (memberships, delivered frontier,
 * timer, the history a late event can revise) is part of the state and its encoding. The builder's audience
 * listener is not used.
 *
 * <p>A kernel is immutable and thread-safe; a {@link KernelState} must be used by one thread at a time.
 */
public final class ProfileKernel {

    private final Admission admission;
    private final CompiledSchema compiled;
    private final long fingerprint;
    private final StateCodec codec;
    private final ModelsConfig models;
    /** The audiences with host-kept timers, or null without audiences. */
    private final AudienceBook audiences;
    /** Where the audiences deliver during a call (the listener passed with it), per thread. */
    private final ThreadLocal<AudienceListener> delivery = new ThreadLocal<>();

    private ProfileKernel(Admission admission, long fingerprint, ProfileUpdater.Builder b) {
        this.admission = admission;
        this.models = b.models;
        this.compiled = admission.compiled;
        this.fingerprint = fingerprint;
        this.codec = new StateCodec(compiled, null, fingerprint);
        if (b.audiences == null) {
            this.audiences = null;
        } else {
            this.audiences = new AudienceBook(compiled, fingerprint,
                    b.retention == null ? DedupRetention.WITHIN_LATENESS : b.retention, b.audiences, c -> {
                        AudienceListener l = delivery.get();
                        if (l != null) {
                            l.onChange(c);
                        }
                    }, admission.ttlMs);
            this.audiences.hostTimers();
            this.codec.audiences = audiences;
        }
    }

    /**
     * A kernel configured as {@code builder} configures an updater: schema, limits, clock, dedup retention,
     * applyUpTo, TTL, pseudonymisation, allow-list and audiences; with live models, the event types they watch (the kernel
     * does not run them: see the class comment).
     *
     * @throws IllegalArgumentException if {@code builder} is null, or configures a backing store (the kernel keeps
     *                                  no state across users), or does not build
     */
    public static ProfileKernel of(ProfileUpdater.Builder builder) {
        if (builder == null) {
            throw new IllegalArgumentException("builder must not be null");
        }
        builder.checkCombination();
        Admission.checkAllowList(builder.schema, builder.allowedAttributes);
        List<String> watched = builder.models == null ? List.of() : LiveModels.watchedTypes(builder.models);
        Admission admission = new Admission(builder, new CompiledSchema(builder.schema, watched), null);
        if (builder.store != null) {
            throw new IllegalArgumentException("a ProfileKernel keeps no backing store: the host keeps the states");
        }
        // states carry no model state (the host keeps it), so the fingerprint is the schema's alone
        return new ProfileKernel(admission, ProfileUpdater.fingerprint(builder.schema, null), builder);
    }

    /** The schema. */
    public ProfileSchema schema() {
        return compiled.schema;
    }

    /** The compiled features, as the live models and audience rules read them from a state of this kernel. */
    public dev.profilekit.core.spi.FeatureAccess features() {
        return compiled;
    }

    /** The fingerprint stamped on every encoded state (see {@link ProfileUpdater#fingerprint()}). */
    public long fingerprint() {
        return fingerprint;
    }

    /** The live models configuration the host runs, or empty without models. */
    public Optional<ModelsConfig> models() {
        return Optional.ofNullable(models);
    }

    /** The TTL in event-time milliseconds, or -1 when profiles never expire. */
    public long ttlMillis() {
        return admission.ttlMs;
    }

    /** The key a raw user id is kept under: its pseudonym when pseudonymising, else the id itself. */
    public String key(String user) {
        if (user == null) {
            throw new IllegalArgumentException("user must not be null");
        }
        return admission.key(user);
    }

    /**
     * The event as the engine applies it, after the checks {@link ProfileUpdater#onEvent} makes before touching a
     * state: the event limits, the clock skew, then pseudonymisation of the user and the allow-list of attributes.
     * The result's {@link Event#user()} is the state's key.
     *
     * @throws IllegalArgumentException if {@code event} is null
     * @throws InvalidEventException    as {@link ProfileUpdater#onEvent} would throw it (the event changes nothing)
     */
    public Event admit(Event event) {
        if (event == null) {
            throw new IllegalArgumentException("event must not be null");
        }
        admission.limits.check(event);
        admission.checkSkew(event, event.timestamp());
        return admission.privatise(event);
    }

    /** A new, empty state for {@code key} (a key of {@link #key(String)}). */
    public KernelState newState(String key) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        return compiled.newState(key);
    }

    /**
     * Decides and applies an {@link #admit admitted} event to its user's state, exactly as
     * {@link ProfileUpdater#onEvent} does under the user's lock (no expiry: see {@link #expired}).
     *
     * @return {@link Outcome#ACCEPTED}, {@link Outcome#DUPLICATE} or {@link Outcome#LATE}
     * @throws IllegalArgumentException if an argument is null or the event's user is not the state's key
     */
    public Outcome apply(KernelState state, Event admitted) {
        return apply(state, admitted, null);
    }

    /**
     * As {@link #apply(KernelState, Event)}, delivering to {@code changes} the audience changes the embedded engine
     * delivers for this user and event (with audiences, for an accepted event at or before the applyUpTo time): the
     * time-driven changes before its time, then its own, or the REVISEs of history it changed. Afterwards the user's
     * next time-driven change is at {@link #audienceTimer}.
     *
     * @param changes receives the changes, or null to drop them
     */
    public Outcome apply(KernelState state, Event admitted, AudienceListener changes) {
        if (state == null || admitted == null) {
            throw new IllegalArgumentException("state and event must not be null");
        }
        ProfileState s = (ProfileState) state;
        if (!s.user.equals(admitted.user())) {
            throw new IllegalArgumentException("event '" + admitted.id() + "' of user '" + admitted.user()
                    + "' applied to the state of '" + s.user + "' (admit the event first)");
        }
        int typeId = compiled.typeId(admitted.type());
        long t = admitted.timestamp();
        CompiledSchema.Scratch sc = compiled.scratch();
        Outcome outcome = admission.decide(s, admitted.id(), t, sc);
        if (outcome == Outcome.ACCEPTED) {
            if (audiences == null || t > admission.applyUpTo) {
                admission.apply(s, admitted, typeId, t, sc);
            } else {
                delivery.set(changes);
                try {
                    audiences.apply(s, admitted, typeId, () -> admission.apply(s, admitted, typeId, t, sc));
                } finally {
                    delivery.remove();
                }
            }
        }
        return outcome;
    }

    /** The audiences' names in definition order (empty without audiences). */
    public List<String> audienceNames() {
        if (audiences == null) {
            return List.of();
        }
        return java.util.Arrays.stream(audiences.names()).filter(java.util.Objects::nonNull).toList();
    }

    /**
     * The time of the user's next time-driven audience change (a rule's flip as time passes, or the TTL's expiry):
     * the host's timer for this user. {@link AudienceRule#NEVER} when there is none or without audiences.
     */
    public long audienceTimer(KernelState state) {
        ProfileState s = own(state);
        return audiences == null ? AudienceRule.NEVER : audiences.timer(s);
    }

    /**
     * Delivers to {@code changes} the user's time-driven audience changes up to {@code upTo}, as the embedded engine
     * does when its clock (the largest accepted event time) reaches {@code upTo}; the next is then at
     * {@link #audienceTimer}. Nothing without audiences or when the timer lies after {@code upTo}.
     *
     * @param changes receives the changes, or null to drop them
     */
    public void fireAudiences(KernelState state, long upTo, AudienceListener changes) {
        ProfileState s = own(state);
        if (audiences != null) {
            delivery.set(changes);
            try {
                audiences.fire(s, upTo);
            } finally {
                delivery.remove();
            }
        }
    }

    /**
     * Before the host drops a state idle past the TTL ({@link #expired}): delivers the changes up to its expiry
     * millisecond (each membership ends with an EXIT then, as in the embedded engine) and clears its audiences.
     *
     * @param changes receives the changes, or null to drop them
     */
    public void expire(KernelState state, AudienceListener changes) {
        ProfileState s = own(state);
        if (audiences != null) {
            delivery.set(changes);
            try {
                audiences.expire(s);
            } finally {
                delivery.remove();
            }
        }
    }

    /** The audiences the state is a member of as of {@code asOfMs}, sorted by name (empty without audiences). */
    public List<String> audiences(KernelState state, long asOfMs) {
        ProfileState s = own(state);
        return audiences == null ? List.of() : audiences.audiencesOf(s, asOfMs);
    }

    /** Whether the state has at least one accepted event (only such users have a profile in a replay). */
    public boolean hasAccepted(KernelState state) {
        return latestAccepted(state) != Long.MIN_VALUE;
    }

    /** The state's largest accepted event time, or {@code Long.MIN_VALUE} when none. */
    public long latestAccepted(KernelState state) {
        ProfileState s = own(state);
        return s.maxAccepted;
    }

    /**
     * Whether the state has been idle longer than the TTL at event-time watermark {@code watermark} (the updater's
     * rule: watermark minus the latest accepted time exceeds the TTL). Always false without a TTL.
     */
    public boolean expired(KernelState state, long watermark) {
        ProfileState s = own(state);
        return admission.expired(s, watermark);
    }

    /**
     * The profile of the state as of {@code asOfMs}, as {@link ProfileUpdater#profileByKey} evaluates it.
     *
     * @throws IllegalArgumentException if {@code state} is null, {@code asOfMs} lies outside the years 1 to 9999 or
     *                                  is before its latest applied event
     */
    public Profile profile(KernelState state, long asOfMs) {
        return profile(state, asOfMs, ModelOutputs.NONE);
    }

    /**
     * The profile of the state as of {@code asOfMs} with the models' {@code outputs} (computed by the host for this
     * state and time), as {@link ProfileUpdater#profileByKey} evaluates it with live models.
     *
     * @throws IllegalArgumentException if {@code state} or {@code outputs} is null, {@code asOfMs} lies outside the
     *                                  years 1 to 9999 or is before its latest applied event
     */
    public Profile profile(KernelState state, long asOfMs, ModelOutputs outputs) {
        if (state == null || outputs == null) {
            throw new IllegalArgumentException("state and outputs must not be null");
        }
        ProfileState s = (ProfileState) state;
        TimeRange.require("asOf", asOfMs);
        if (asOfMs < s.maxApplied) {
            throw new IllegalArgumentException("asOf " + asOfMs + " is before the latest event of user '" + s.user
                    + "' (" + s.maxApplied + "); profiles can be evaluated only at or after it");
        }
        return new Profile(s.user, asOfMs, compiled.read(s, asOfMs), outputs);
    }

    /** The state in the engine's versioned binary format ({@link StateCodec}), under this kernel's fingerprint. */
    public byte[] encode(KernelState state) {
        ProfileState s = own(state);
        return codec.encode(s);
    }

    /**
     * A state from {@link #encode} bytes.
     *
     * @throws IllegalArgumentException if {@code bytes} is null
     * @throws StateFormatException     if the bytes are damaged, of another format version, or were written under
     *                                  another schema (fingerprint)
     */
    public KernelState decode(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("bytes must not be null");
        }
        try {
            return codec.decode(bytes, "encoded profile state");
        } catch (RuntimeException e) {
            throw StateCodec.wrap("encoded profile state", e);
        }
    }

    /** A deep copy of {@code state} (through the codec). */
    public KernelState copy(KernelState state) {
        return decode(encode(state));
    }

    /** The engine's state behind {@code state} (the only implementation of the sealed handle). */
    private static ProfileState own(KernelState state) {
        if (state == null) {
            throw new IllegalArgumentException("state must not be null");
        }
        return (ProfileState) state;
    }
}
