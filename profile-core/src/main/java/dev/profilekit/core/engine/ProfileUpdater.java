package dev.profilekit.core.engine;

import dev.profilekit.core.live.LabelledExample;
import dev.profilekit.core.live.LiveModel;
import dev.profilekit.core.live.LiveModels;
import dev.profilekit.core.live.ModelOutputs;
import dev.profilekit.core.live.ModelStatus;
import dev.profilekit.core.live.ModelsConfig;
import dev.profilekit.core.live.PropensityModel;
import dev.profilekit.core.live.SegmentsModel;
import dev.profilekit.core.schema.ProfileSchema;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an exact profile per user, updated in-process on every event.
 *
 * <p>{@link #onEvent(Event)} runs: find the user's state -> lock that state (one monitor per user,
 * never a global lock) -> duplicate and lateness check -> update every compiled feature -> notify
 * listeners. Events of different users proceed in parallel; events of one user are serialised. An event
 * on an existing user allocates nothing for scalar features.
 *
 * <p>Profiles are aggregates, not event logs: {@link #profile(String, long)} can evaluate them as of
 * any time at or after the user's latest applied event (decays and windows move forward exactly), but
 * not before it. For replaying history up to a time, see {@link Builder#applyUpTo(long)}.
 */
public final class ProfileUpdater implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProfileUpdater.class);

    final CompiledSchema compiled; // package-private: ProfileDatasets binds vector pipelines to it
    private final ProfileStore store;
    private final ProfileListener[] listeners;
    private final DedupRetention retention;
    private final long applyUpTo;
    private final Function<String, ProfileState> factory;
    /** The live models (one composite), or null without models: the updater knows them only as a LiveModel. */
    private final LiveModel<?> live;
    private final LiveModels models;
    private final EventLimits limits;
    private final java.time.Clock clock;
    private final long maxSkewMs;
    /**
     * A time the clock has shown (epoch ms): events up to {@code clockSeen + maxSkewMs} pass without reading
     * the clock again, since the clock only moves forward (a clock that steps back makes the check looser
     * by that step, never stricter).
     */
    private volatile long clockSeen = Long.MIN_VALUE;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder late = new LongAdder();

    private ProfileUpdater(Builder b) {
        List<String> watched = b.models == null ? List.of() : LiveModels.watchedTypes(b.models);
        this.compiled = new CompiledSchema(b.schema, watched);
        this.store = b.store != null ? b.store : ProfileStores.inMemory();
        this.listeners = b.listeners.toArray(new ProfileListener[0]);
        this.retention = b.retention != null ? b.retention
                : b.schema.allowedLateness().isPresent() ? DedupRetention.WITHIN_LATENESS : DedupRetention.ALL;
        this.clock = b.clock;
        this.limits = b.limits;
        this.maxSkewMs = b.schema.maxFutureSkew().toMillis();
        this.applyUpTo = b.applyUpTo;
        this.models = b.models == null ? null : new LiveModels(b.models, compiled, b.modelExecutor,
                this.store::size, b.modelListener, b.exampleListener);
        this.live = models;
        this.factory = live == null ? compiled::newState : user -> {
            ProfileState s = compiled.newState(user);
            s.live = live.newUserState();
            return s;
        };
        if (retention == DedupRetention.WITHIN_LATENESS && compiled.latenessMs < 0) {
            throw new IllegalArgumentException("dedupRetention WITHIN_LATENESS needs a schema with allowed_lateness");
        }
    }

    /** Starts an updater for {@code schema}. */
    public static Builder builder(ProfileSchema schema) {
        if (schema == null) {
            throw new IllegalArgumentException("schema must not be null");
        }
        return new Builder(schema);
    }

    /** The schema. */
    public ProfileSchema schema() {
        return compiled.schema;
    }

    /**
     * The compiled schema as models read it: feature readers by name and event type ids. A
     * {@link dev.profilekit.core.live.VectorPipeline} binds to it to read this updater's profiles.
     */
    public dev.profilekit.core.live.FeatureAccess features() {
        return compiled;
    }

    /** The bounds events are checked against. */
    public EventLimits limits() {
        return limits;
    }

    /** The store holding the profiles. */
    public ProfileStore store() {
        return store;
    }

    /**
     * Applies one event. Thread-safe.
     *
     * @return {@link Outcome#ACCEPTED}, {@link Outcome#DUPLICATE} or {@link Outcome#LATE}
     * @throws IllegalArgumentException if {@code event} is null (events are validated when built)
     * @throws InvalidEventException    if the event breaks this updater's {@link EventLimits}
     *                                  ({@code TEXT_TOO_LONG}, {@code TOO_MANY_ATTRIBUTES}) or is dated more
     *                                  than the schema's {@code max_future_skew} ahead of the clock
     *                                  ({@code TOO_FAR_AHEAD}); such an event changes nothing
     */
    public Outcome onEvent(Event event) {
        if (event == null) {
            throw new IllegalArgumentException("event must not be null");
        }
        limits.check(event);
        long t = event.timestamp();
        if (t - maxSkewMs > clockSeen) {
            checkSkew(event, t);
        }
        ProfileState s = store.getOrCreate(event.user(), event.userHash(), factory);
        int typeId = compiled.typeId(event.type());
        if (listeners.length > 0 && IN_LISTENER.get() == Boolean.TRUE) {
            throw new IllegalStateException("a ProfileListener must not call onEvent (event '" + event.id()
                    + "'): hand the event to another thread instead");
        }
        Outcome outcome;
        synchronized (s) {
            outcome = decide(s, event.id(), event.idHash(), t);
            if (outcome == Outcome.ACCEPTED) {
                apply(s, event, typeId, t);
            }
        }
        if (listeners.length > 0 && outcome == Outcome.ACCEPTED && t <= applyUpTo) {
            notifyListeners(s, event); // outside the lock: listeners may read any profile
        }
        if (live != null && outcome == Outcome.ACCEPTED && t <= applyUpTo) {
            live.afterEvent(t);
        }
        switch (outcome) {
            case ACCEPTED -> accepted.increment();
            case DUPLICATE -> duplicates.increment();
            default -> late.increment();
        }
        return outcome;
    }

    /** Reads the clock; rejects an event dated more than the allowed skew ahead of it. */
    private void checkSkew(Event event, long t) {
        long now = clock.millis();
        if (now > clockSeen) {
            clockSeen = now;
        }
        if (t - maxSkewMs > now) {
            throw new InvalidEventException(InvalidEventException.Reason.TOO_FAR_AHEAD, "event '" + event.id()
                    + "' of user '" + event.user() + "' is dated " + java.time.Instant.ofEpochMilli(t)
                    + ", more than max_future_skew " + compiled.schema.maxFutureSkew() + " ahead of the clock ("
                    + java.time.Instant.ofEpochMilli(now) + ")");
        }
    }

    /**
     * The specification's acceptance rules, per user in arrival order, decided without changing anything.
     * Caller holds the lock.
     */
    private Outcome decide(ProfileState s, String id, int idHash, long t) {
        long lateness = compiled.latenessMs;
        boolean hasMax = s.maxAccepted != Long.MIN_VALUE;
        if (retention == DedupRetention.ALL) {
            if (s.containsId(id, idHash, Long.MIN_VALUE)) {
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
            if (s.containsId(id, idHash, horizon)) {
                return Outcome.DUPLICATE;
            }
        }
        return Outcome.ACCEPTED;
    }

    /** Ids older than this may be forgotten once an event at {@code t} is accepted (MIN_VALUE: none). */
    private long forgetBefore(ProfileState s, long t) {
        if (retention == DedupRetention.ALL) {
            return Long.MIN_VALUE;
        }
        long lateness = compiled.latenessMs;
        long horizon = s.maxAccepted != Long.MIN_VALUE ? s.maxAccepted - lateness : Long.MIN_VALUE;
        return Math.max(horizon, t - lateness);
    }

    /**
     * Applies an accepted event all or nothing: everything that can fail (allocation, overflow, the models'
     * input check) happens before anything that cannot be put back; on failure the state is as before and the
     * failure is thrown. Then the models observe the event and the listeners hear of it. Caller holds the lock.
     */
    private void apply(ProfileState s, Event event, int typeId, long t) {
        long forget = forgetBefore(s, t);
        s.reserveId(forget); // may allocate; changes no answer
        long oldMaxAccepted = s.maxAccepted;
        long oldMaxApplied = s.maxApplied;
        boolean applies = t <= applyUpTo;
        s.maxAccepted = Math.max(oldMaxAccepted, t); // sessions close against the new maximum
        if (applies) {
            s.maxApplied = Math.max(oldMaxApplied, t);
            try {
                compiled.apply(s, event, typeId, s.maxApplied, live, compiled.scratch());
            } catch (RuntimeException | Error failure) {
                s.maxAccepted = oldMaxAccepted;
                s.maxApplied = oldMaxApplied;
                throw failure;
            }
        }
        s.addId(event.id(), event.idHash(), t, forget); // room was reserved: cannot fail
        s.accepted++;
        if (applies && live != null) {
            live.observe(s, typeId, t, event.attrs());
        }
    }

    private void notifyListeners(ProfileState s, Event event) {
        ProfileUpdate update = new ProfileUpdate() {
            @Override
            public String user() {
                return s.user;
            }

            @Override
            public Event event() {
                return event;
            }

            @Override
            public Profile profile() {
                synchronized (s) {
                    return new Profile(s.user, s.maxApplied, compiled.read(s, s.maxApplied), outputs(s, s.maxApplied));
                }
            }

            @Override
            public ModelOutputs scores() {
                if (live == null) {
                    return ModelOutputs.NONE;
                }
                synchronized (s) {
                    return live.lastScores(s);
                }
            }
        };
        IN_LISTENER.set(Boolean.TRUE);
        try {
            for (ProfileListener l : listeners) {
                try {
                    l.onUpdate(update);
                } catch (RuntimeException e) {
                    LOG.warn("profile listener {} failed on event {} of user {}", l, event.id(), s.user, e);
                }
            }
        } finally {
            IN_LISTENER.set(Boolean.FALSE);
        }
    }

    /** Set while this thread runs listeners: they must not call {@link #onEvent} (it would recurse). */
    private static final ThreadLocal<Boolean> IN_LISTENER = ThreadLocal.withInitial(() -> Boolean.FALSE);

    /**
     * The profile of {@code user} as of {@code asOfMs}. A user with no events gets the values of an
     * empty history (counts 0, nulls). Thread-safe.
     *
     * @throws IllegalArgumentException if {@code user} is null, or {@code asOfMs} is before the user's
     *                                  latest applied event (profiles keep aggregates, not events)
     */
    public Profile profile(String user, long asOfMs) {
        if (user == null) {
            throw new IllegalArgumentException("user must not be null");
        }
        ProfileState s = store.get(user);
        if (s == null) {
            s = factory.apply(user); // an empty history, not stored
        }
        synchronized (s) {
            if (asOfMs < s.maxApplied) {
                throw new IllegalArgumentException("asOf " + asOfMs + " is before the latest event of user '" + user
                        + "' (" + s.maxApplied + "); profiles can be evaluated only at or after it");
            }
            return new Profile(user, asOfMs, compiled.read(s, asOfMs), outputs(s, asOfMs));
        }
    }

    /** The profile of {@code user} as of its latest applied event, or empty if it has none. */
    public Optional<Profile> profile(String user) {
        if (user == null) {
            throw new IllegalArgumentException("user must not be null");
        }
        ProfileState s = store.get(user);
        if (s == null) {
            return Optional.empty();
        }
        synchronized (s) {
            if (s.maxApplied == Long.MIN_VALUE) {
                return Optional.empty();
            }
            return Optional.of(new Profile(user, s.maxApplied, compiled.read(s, s.maxApplied), outputs(s, s.maxApplied)));
        }
    }

    /** The live models' view of {@code s} as of {@code asOf}, with the current versions. Caller holds the lock. */
    private ModelOutputs outputs(ProfileState s, long asOf) {
        return live == null ? ModelOutputs.NONE : live.score(s, asOf);
    }

    /** The state of the live models, or empty when none are configured. */
    public Optional<ModelStatus> modelStatus() {
        return live == null ? Optional.empty() : Optional.of(live.status());
    }

    /** The live models, or empty when none are configured. */
    public Optional<LiveModels> models() {
        return Optional.ofNullable(models);
    }

    /** The live propensity model, if one is configured and fitted. */
    public Optional<PropensityModel> propensityModel() {
        return models == null ? Optional.empty() : models.propensityModel();
    }

    /** The live segments, if configured and fitted. */
    public Optional<SegmentsModel> segmentsModel() {
        return models == null ? Optional.empty() : models.segmentsModel();
    }

    /**
     * Ends a replay at {@code endTimeMs}: every pending example whose horizon ended by then gets its label (all
     * events are in, so no later label can come), then waits until no retrain or refit is running.
     */
    public void finishReplay(long endTimeMs) throws InterruptedException {
        if (live != null) {
            live.finish(endTimeMs);
        }
    }

    /** Waits until no retrain or refit is running (for tests and replays); returns at once without models. */
    public void awaitModels() throws InterruptedException {
        if (live != null) {
            live.awaitIdle();
        }
    }

    /**
     * Stops the live models' background thread (when the updater owns it). Profiles stay readable and
     * {@link #onEvent} keeps working; retrains that would start later run nowhere. Idempotent.
     */
    @Override
    public void close() {
        if (live != null) {
            live.close();
        }
    }

    /** The users with at least one accepted event, sorted. */
    public List<String> users() {
        List<String> users = new ArrayList<>(store.size());
        store.forEach((u, s) -> users.add(u));
        users.sort(null);
        return users;
    }

    /** The largest accepted event time over all users, or empty when nothing was accepted. */
    public Optional<Long> latestAcceptedTime() {
        long[] max = {Long.MIN_VALUE};
        store.forEach((u, s) -> {
            synchronized (s) {
                max[0] = Math.max(max[0], s.maxAccepted);
            }
        });
        return max[0] == Long.MIN_VALUE ? Optional.empty() : Optional.of(max[0]);
    }

    /**
     * Counts of outcomes so far. A statistic for monitoring, not a snapshot: under concurrent {@code onEvent}
     * calls it may lag the profiles by the events being applied at that moment (the counters are striped so
     * that threads do not contend on them); once ingestion is quiet it is exact.
     */
    public Counts counts() {
        return new Counts(accepted.sum(), duplicates.sum(), late.sum());
    }

    /** Outcome counts. */
    public record Counts(long accepted, long duplicate, long late) {
    }

    /**
     * The {@code k} best items for {@code user} (see {@link ModelsConfig.Recommend}), as of the latest event the
     * recommender has observed: scores non-increasing, never an item the user has an event of an excluded type
     * for; fewer than k when fewer items are known. A user with no events gets the fallback list. Thread-safe.
     *
     * @throws IllegalStateException    if no recommend section is configured
     * @throws IllegalArgumentException if {@code user} is null or k is not in [1, 10000]
     */
    public List<dev.profilekit.core.live.Recommendation> recommend(String user, int k) {
        return recommend(user, k, Long.MAX_VALUE);
    }

    /**
     * {@link #recommend(String, int)} as of {@code asOfMs}: it uses no event after {@code asOfMs}, so
     * {@code asOfMs} must be at or after every event the recommender has observed and the user's latest event.
     *
     * @throws IllegalArgumentException if {@code asOfMs} is earlier than one of those events
     */
    public List<dev.profilekit.core.live.Recommendation> recommend(String user, int k, long asOfMs) {
        if (user == null) {
            throw new IllegalArgumentException("user must not be null");
        }
        if (models == null) {
            throw new IllegalStateException("no recommend section is configured");
        }
        ProfileState s = store.get(user);
        if (s == null) {
            s = factory.apply(user); // an empty history, not stored
        }
        synchronized (s) {
            if (asOfMs < s.maxApplied) {
                throw new IllegalArgumentException("asOf " + asOfMs + " is before the latest event of user '" + user
                        + "' (" + s.maxApplied + ")");
            }
            return models.recommend(s, k, asOfMs);
        }
    }

    /** Configures a {@link ProfileUpdater}. */
    public static final class Builder {
        private final ProfileSchema schema;
        private ProfileStore store;
        private final List<ProfileListener> listeners = new ArrayList<>();
        private DedupRetention retention;
        private long applyUpTo = Long.MAX_VALUE;
        private java.time.Clock clock = java.time.Clock.systemUTC();
        private EventLimits limits = EventLimits.DEFAULT;
        private ModelsConfig models;
        private java.util.concurrent.Executor modelExecutor;
        private java.util.function.Consumer<PropensityModel> modelListener;
        private java.util.function.Consumer<LabelledExample> exampleListener;

        private Builder(ProfileSchema schema) {
            this.schema = schema;
        }

        /** The store (default: {@link ProfileStores#inMemory()}). */
        public Builder store(ProfileStore store) {
            if (store == null) {
                throw new IllegalArgumentException("store must not be null");
            }
            this.store = store;
            return this;
        }

        /** Adds a listener for accepted updates. */
        public Builder listener(ProfileListener listener) {
            if (listener == null) {
                throw new IllegalArgumentException("listener must not be null");
            }
            listeners.add(listener);
            return this;
        }

        /**
         * The clock that events dated in the future are checked against (default the system clock): an event
         * more than the schema's {@code max_future_skew} ahead of it is rejected ({@code TOO_FAR_AHEAD}). A
         * replay of data dated in the future passes a fixed clock ({@code Clock.fixed(...)}).
         */
        public Builder clock(java.time.Clock clock) {
            if (clock == null) {
                throw new IllegalArgumentException("clock must not be null");
            }
            this.clock = clock;
            return this;
        }

        /** Bounds on the strings and attributes of one event (default {@link EventLimits#DEFAULT}). */
        public Builder limits(EventLimits limits) {
            if (limits == null) {
                throw new IllegalArgumentException("limits must not be null");
            }
            this.limits = limits;
            return this;
        }

        /**
         * How long event ids are remembered. Default: {@link DedupRetention#WITHIN_LATENESS} (bounded memory)
         * when the schema has an allowed lateness, {@link DedupRetention#ALL} when it has none (then every id
         * can still matter).
         */
        public Builder dedupRetention(DedupRetention retention) {
            if (retention == null) {
                throw new IllegalArgumentException("retention must not be null");
            }
            this.retention = retention;
            return this;
        }

        /**
         * Applies to the features only accepted events with time {@code <= asOfMs}; later events still
         * count for duplicate and lateness decisions. This is how a replay evaluates profiles as of a time
         * before the end of its input (the specification's "only accepted events with ts <= T count").
         */
        public Builder applyUpTo(long asOfMs) {
            this.applyUpTo = asOfMs;
            return this;
        }

        /**
         * Live models: propensity scores, segments and activity forecasts kept current on every event (see
         * {@link ModelsConfig}). Feature names in the configuration are checked against the schema.
         */
        public Builder models(ModelsConfig models) {
            if (models == null) {
                throw new IllegalArgumentException("models must not be null");
            }
            this.models = models;
            return this;
        }

        /**
         * Where retrains and refits run (default: one background daemon thread, so ingestion never waits for
         * training). {@code Runnable::run} runs them inline, which makes a single-threaded replay deterministic.
         */
        public Builder modelExecutor(java.util.concurrent.Executor executor) {
            if (executor == null) {
                throw new IllegalArgumentException("executor must not be null");
            }
            this.modelExecutor = executor;
            return this;
        }

        /**
         * Called with every newly published propensity model version, in order, outside every lock of the
         * engine (after an event on the ingesting thread, or when waiting for the models), so it may call any
         * read method of the updater. Delivery can trail the publication by one event.
         */
        public Builder modelListener(java.util.function.Consumer<PropensityModel> listener) {
            this.modelListener = listener;
            return this;
        }

        /** Called with every labelled example, after it was scored and learned from. */
        public Builder exampleListener(java.util.function.Consumer<LabelledExample> listener) {
            this.exampleListener = listener;
            return this;
        }

        /** Builds the updater (compiles the schema). */
        public ProfileUpdater build() {
            return new ProfileUpdater(this);
        }
    }
}
