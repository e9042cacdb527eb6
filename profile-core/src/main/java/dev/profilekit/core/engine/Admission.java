package dev.profilekit.core.engine;

import dev.profilekit.core.privacy.Pseudonymiser;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.spi.LiveModel;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The acceptance step, one user's state at a time: whether an event may enter (the event limits, the clock's
 * {@code max_future_skew}), what of it the engine may keep (pseudonymisation of the user, the attribute
 * allow-list), whether it is accepted, a duplicate or late (with the dedup retention), applying an accepted event
 * all or nothing, and whether a state has expired (TTL). {@link ProfileUpdater#onEvent} runs it under the user's
 * lock on the states of its table; {@link ProfileKernel} runs it on states its host keeps. Both build it from the
 * same {@link ProfileUpdater.Builder} settings, so they decide alike.
 *
 * <p>Immutable but for the last clock reading it remembers; thread-safe. A state must be used by one thread at
 * a time (the caller holds its lock).
 */
final class Admission {

    final CompiledSchema compiled;
    /** The live models, or null without models (they observe every applied event). */
    private final LiveModel<?> live;
    final EventLimits limits;
    private final Clock clock;
    private final long maxSkewMs;
    /**
     * A time the clock has shown (epoch ms): events up to {@code clockSeen + maxSkewMs} pass without reading
     * the clock again, since the clock only moves forward (a clock that steps back makes the check looser
     * by that step, never stricter).
     */
    private volatile long clockSeen = Long.MIN_VALUE;
    private final Pseudonymiser pseudonymiser;
    /** Attributes kept at ingestion, or null: all. */
    private final Set<String> allowedAttributes;
    /** Whether {@link #privatise} can change an event (a pseudonymiser or an allow-list is configured). */
    final boolean privatising;
    private final DedupRetention retention;
    /** Only accepted events with a time up to this are applied to the features and the models. */
    final long applyUpTo;
    /** Idle time (event time) after which a profile expires, or -1 for never. */
    final long ttlMs;

    /**
     * The step of {@code b}'s settings over {@code compiled} (compiled from {@code b}'s schema), feeding
     * {@code live} (null: no models).
     *
     * @throws IllegalArgumentException if the dedup retention needs an allowed lateness the schema does not have
     */
    Admission(ProfileUpdater.Builder b, CompiledSchema compiled, LiveModel<?> live) {
        this.compiled = compiled;
        this.live = live;
        this.limits = b.limits;
        this.clock = b.clock;
        this.maxSkewMs = b.schema.maxFutureSkew().toMillis();
        this.pseudonymiser = b.pseudonymKey == null ? null : new Pseudonymiser(b.pseudonymKey);
        this.allowedAttributes = b.allowedAttributes;
        this.privatising = pseudonymiser != null || allowedAttributes != null;
        this.retention = b.retention != null ? b.retention
                : b.schema.allowedLateness().isPresent() ? DedupRetention.WITHIN_LATENESS : DedupRetention.ALL;
        if (retention == DedupRetention.WITHIN_LATENESS && compiled.latenessMs < 0) {
            throw new IllegalArgumentException("dedupRetention WITHIN_LATENESS needs a schema with allowed_lateness");
        }
        this.applyUpTo = b.applyUpTo;
        this.ttlMs = b.ttl == null ? -1 : b.ttl.toMillis();
    }

    /**
     * Checks that every feature of {@code schema} reads only attributes on the allow-list (null: no list).
     *
     * @throws IllegalArgumentException naming the first feature that reads an attribute off the list
     */
    static void checkAllowList(ProfileSchema schema, Set<String> allowedAttributes) {
        if (allowedAttributes == null) {
            return;
        }
        for (FeatureSpec f : schema.features()) {
            if (f.field() != null && !allowedAttributes.contains(f.field())) {
                throw new IllegalArgumentException("feature '" + f.name() + "' reads attribute '" + f.field()
                        + "', which is not on the attribute allow-list " + new TreeSet<>(allowedAttributes));
            }
        }
    }

    /** The key a raw user id is kept under: its pseudonym when pseudonymising, else the id itself. */
    String key(String user) {
        return pseudonymiser == null ? user : pseudonymiser.pseudonym(user);
    }

    /**
     * Rejects an event dated more than the allowed skew ahead of the clock, reading the clock only when the event
     * is later than the last reading allows.
     */
    void checkClock(Event event, long t) {
        if (t - maxSkewMs > clockSeen) {
            checkSkew(event, t);
        }
    }

    /** Reads the clock; rejects an event dated more than the allowed skew ahead of it. */
    void checkSkew(Event event, long t) {
        long now = clock.millis();
        if (now > clockSeen) {
            clockSeen = now;
        }
        if (t - maxSkewMs > now) {
            throw new InvalidEventException(InvalidEventException.Reason.TOO_FAR_AHEAD, "event '" + event.id()
                    + "' of user '" + event.user() + "' is dated " + Instant.ofEpochMilli(t)
                    + ", more than max_future_skew " + compiled.schema.maxFutureSkew() + " ahead of the clock ("
                    + Instant.ofEpochMilli(now) + ")");
        }
    }

    /**
     * The event as the engine may keep it: user pseudonymised, attributes not on the allow-list dropped
     * ({@code e} itself when nothing changes).
     */
    Event privatise(Event e) {
        if (!privatising) {
            return e;
        }
        Map<String, Object> attrs = e.attrs();
        if (allowedAttributes != null && !allowedAttributes.containsAll(attrs.keySet())) {
            Map<String, Object> kept = new HashMap<>();
            attrs.forEach((k, v) -> {
                if (allowedAttributes.contains(k)) {
                    kept.put(k, v);
                }
            });
            attrs = Map.copyOf(kept);
        }
        String user = key(e.user());
        return user.equals(e.user()) && attrs == e.attrs() ? e : e.with(user, attrs);
    }

    /** Whether {@code s} has been idle longer than the TTL at watermark {@code wm}. Caller holds the lock. */
    boolean expired(ProfileState s, long wm) {
        return ttlMs >= 0 && s.maxAccepted != Long.MIN_VALUE && wm - s.maxAccepted > ttlMs;
    }

    /**
     * The specification's acceptance rules, per user in arrival order, decided without changing anything but
     * {@code sc}'s id fingerprint (which {@link #apply} then reads) and, for a user's first event, the drawing of
     * its fingerprint key. Caller holds the lock.
     */
    Outcome decide(ProfileState s, String id, long t, CompiledSchema.Scratch sc) {
        long[] h = sc.idHash;
        s.idHash(id, h);
        long lateness = compiled.latenessMs;
        boolean hasMax = s.maxAccepted != Long.MIN_VALUE;
        if (retention == DedupRetention.ALL) {
            if (s.containsId(h[0], h[1], Long.MIN_VALUE)) {
                return Outcome.DUPLICATE;
            }
            if (lateness >= 0 && hasMax && t < s.maxAccepted - lateness) {
                return Outcome.LATE;
            }
        } else {
            long horizon = hasMax ? s.maxAccepted - lateness : Long.MIN_VALUE;
            if (t < horizon) {
                return Outcome.LATE;
            }
            if (s.containsId(h[0], h[1], horizon)) {
                return Outcome.DUPLICATE;
            }
        }
        return Outcome.ACCEPTED;
    }

    /** Ids older than this are of no use to the state as it is (MIN_VALUE: none). */
    private long forgetNow(ProfileState s) {
        return retention == DedupRetention.ALL || s.maxAccepted == Long.MIN_VALUE ? Long.MIN_VALUE
                : s.maxAccepted - compiled.latenessMs;
    }

    /** Ids older than this may be forgotten once an event at {@code t} is accepted (MIN_VALUE: none). */
    private long forgetBefore(ProfileState s, long t) {
        return retention == DedupRetention.ALL ? Long.MIN_VALUE : Math.max(forgetNow(s), t - compiled.latenessMs);
    }

    /**
     * Applies an accepted event all or nothing: everything that can fail (allocation, overflow, the models'
     * input check) happens before anything that cannot be put back; on failure the state is as before and the
     * failure is thrown. Then the models observe the event. {@code sc} holds the event id's fingerprint from
     * {@link #decide}. Caller holds the lock.
     */
    void apply(ProfileState s, Event event, int typeId, long t, CompiledSchema.Scratch sc) {
        long forget = forgetBefore(s, t);
        // may allocate; forgets only ids the state can no longer use without this event, which may still fail
        s.reserveId(forgetNow(s));
        long oldMaxAccepted = s.maxAccepted;
        long oldMaxApplied = s.maxApplied;
        boolean applies = t <= applyUpTo;
        s.maxAccepted = Math.max(oldMaxAccepted, t); // sessions close against the new maximum
        if (applies) {
            s.maxApplied = Math.max(oldMaxApplied, t);
            try {
                compiled.apply(s, event, typeId, s.maxApplied, live, sc);
            } catch (RuntimeException | Error failure) {
                s.maxAccepted = oldMaxAccepted;
                s.maxApplied = oldMaxApplied;
                throw failure;
            }
        }
        s.addId(sc.idHash[0], sc.idHash[1], t, forget); // room was reserved: cannot fail
        s.accepted++;
        if (applies && live != null) {
            live.observe(s, typeId, t, event.attrs());
        }
    }
}
