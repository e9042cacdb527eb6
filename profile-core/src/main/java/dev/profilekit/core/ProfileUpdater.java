package dev.profilekit.core;

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
public final class ProfileUpdater {

    private static final Logger LOG = LoggerFactory.getLogger(ProfileUpdater.class);

    private final CompiledSchema compiled;
    private final ProfileStore store;
    private final ProfileListener[] listeners;
    private final DedupRetention retention;
    private final long applyUpTo;
    private final Function<String, ProfileState> factory;
    private final LiveModels live;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder late = new LongAdder();

    private ProfileUpdater(Builder b) {
        List<String> watched = new ArrayList<>();
        if (b.models != null) {
            b.models.propensity().ifPresent(p -> watched.add(p.labelType()));
            b.models.forecast().ifPresent(f -> watched.add(f.type()));
        }
        this.compiled = new CompiledSchema(b.schema, watched);
        this.store = b.store != null ? b.store : ProfileStores.inMemory();
        this.listeners = b.listeners.toArray(new ProfileListener[0]);
        this.retention = b.retention;
        this.applyUpTo = b.applyUpTo;
        this.live = b.models == null ? null : new LiveModels(b.models, compiled,
                b.modelExecutor != null ? b.modelExecutor : defaultExecutor(), this.store::size, b.modelListener,
                b.exampleListener);
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

    /** The store holding the profiles. */
    public ProfileStore store() {
        return store;
    }

    /**
     * Applies one event. Thread-safe.
     *
     * @return {@link Outcome#ACCEPTED}, {@link Outcome#DUPLICATE} or {@link Outcome#LATE}
     * @throws IllegalArgumentException if {@code event} is null (events are validated when built)
     */
    public Outcome onEvent(Event event) {
        if (event == null) {
            throw new IllegalArgumentException("event must not be null");
        }
        ProfileState s = store.getOrCreate(event.user(), factory);
        int typeId = compiled.typeId(event.type());
        long t = event.timestamp();
        Outcome outcome;
        synchronized (s) {
            outcome = admit(s, event.id(), t);
            if (outcome == Outcome.ACCEPTED) {
                s.accepted++;
                if (t <= applyUpTo) {
                    if (t > s.maxApplied) {
                        s.maxApplied = t;
                    }
                    compiled.apply(s, event, typeId);
                    if (live != null) {
                        live.onAccepted(s, event, typeId);
                    }
                    if (listeners.length > 0) {
                        notifyListeners(s, event);
                    }
                }
            }
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

    /** The specification's acceptance rules, per user in arrival order. Caller holds the lock. */
    private Outcome admit(ProfileState s, String id, long t) {
        long lateness = compiled.latenessMs;
        boolean hasMax = s.maxAccepted != Long.MIN_VALUE;
        if (retention == DedupRetention.ALL) {
            if (s.containsId(id, Long.MIN_VALUE)) {
                return Outcome.DUPLICATE;
            }
            if (lateness >= 0 && hasMax && t < s.maxAccepted - lateness) {
                return Outcome.LATE;
            }
            s.addId(id, t, Long.MIN_VALUE);
        } else {
            long horizon = hasMax ? s.maxAccepted - lateness : Long.MIN_VALUE;
            if (t < horizon) {
                return Outcome.LATE;
            }
            if (s.containsId(id, horizon)) {
                return Outcome.DUPLICATE;
            }
            s.addId(id, t, Math.max(horizon, t - lateness));
        }
        if (t > s.maxAccepted) {
            s.maxAccepted = t;
        }
        return Outcome.ACCEPTED;
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
                return new Profile(s.user, s.maxApplied, compiled.read(s, s.maxApplied), outputs(s, s.maxApplied));
            }

            @Override
            public ModelOutputs scores() {
                if (s.live == null) {
                    return ModelOutputs.NONE;
                }
                LiveUserState u = s.live;
                return new ModelOutputs(live.propensity != null, u.score == u.score ? u.score : null,
                        u.scoreVersion, live.segments != null, u.segment >= 0 ? u.segment : null, u.segmentVersion,
                        live.forecast != null, live.forecast == null ? null : live.forecast.nextDay(u, s.maxApplied));
            }
        };
        for (ProfileListener l : listeners) {
            try {
                l.onUpdate(update);
            } catch (RuntimeException e) {
                LOG.warn("profile listener {} failed on event {} of user {}", l, event.id(), s.user, e);
            }
        }
    }

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
        if (live == null) {
            return ModelOutputs.NONE;
        }
        Double p = null;
        long pv = 0;
        if (live.propensity != null) {
            PropensityModel m = live.propensity.live();
            if (m != null) {
                double[] x = new double[live.propensity.vectorizer.dimension()];
                live.propensity.vectorizer.vectorize(s, asOf, x);
                p = m.score(x);
                pv = m.version();
            }
        }
        Integer seg = null;
        long sv = 0;
        if (live.segments != null) {
            SegmentsModel m = live.segments.live();
            if (m != null) {
                double[] x = new double[live.segments.vectorizer.dimension()];
                live.segments.vectorizer.vectorize(s, asOf, x);
                seg = m.assign(x);
                sv = m.version();
            }
        }
        Double next = live.forecast == null ? null : live.forecast.nextDay(s.live, asOf);
        return new ModelOutputs(live.propensity != null, p, pv, live.segments != null, seg, sv,
                live.forecast != null, next);
    }

    /**
     * The state of the live models, or empty when none are configured.
     */
    public Optional<ModelStatus> modelStatus() {
        if (live == null) {
            return Optional.empty();
        }
        LivePropensity p = live.propensity;
        LiveSegments g = live.segments;
        PropensityModel pm = p == null ? null : p.live();
        SegmentsModel sm = g == null ? null : g.live();
        return Optional.of(new ModelStatus(p == null ? null : p.prequential(), pm == null ? 0 : pm.version(),
                p == null ? 0 : p.driftAlarms(), p == null ? 0 : p.retrains(), p == null ? 0 : p.rejectedRetrains(),
                sm == null ? 0 : sm.version(), g == null ? 0 : g.refits(), live.pendingExamples()));
    }

    /** The live propensity model, if one is configured and fitted. */
    public Optional<PropensityModel> propensityModel() {
        return live == null || live.propensity == null ? Optional.empty() : Optional.ofNullable(live.propensity.live());
    }

    /** The live segments, if configured and fitted. */
    public Optional<SegmentsModel> segmentsModel() {
        return live == null || live.segments == null ? Optional.empty() : Optional.ofNullable(live.segments.live());
    }

    /**
     * Ends a replay at {@code endTimeMs}: every pending example whose horizon ended by then gets its label (all
     * events are in, so no later label can come), then waits until no retrain or refit is running.
     */
    public void finishReplay(long endTimeMs) throws InterruptedException {
        if (live == null) {
            return;
        }
        live.resolveAllAtEnd(endTimeMs);
        awaitModels();
    }

    /** Waits until no retrain or refit is running (for tests and replays). */
    public void awaitModels() throws InterruptedException {
        while (live != null && ((live.propensity != null && live.propensity.retraining())
                || (live.segments != null && live.segments.refitting()))) {
            Thread.sleep(5);
        }
    }

    private static java.util.concurrent.Executor defaultExecutor() {
        return java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "profilekit-models");
            t.setDaemon(true);
            return t;
        });
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

    /** Counts of outcomes so far. */
    public Counts counts() {
        return new Counts(accepted.sum(), duplicates.sum(), late.sum());
    }

    /** Outcome counts. */
    public record Counts(long accepted, long duplicate, long late) {
    }

    /** Configures a {@link ProfileUpdater}. */
    public static final class Builder {
        private final ProfileSchema schema;
        private ProfileStore store;
        private final List<ProfileListener> listeners = new ArrayList<>();
        private DedupRetention retention = DedupRetention.ALL;
        private long applyUpTo = Long.MAX_VALUE;
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

        /** How long event ids are remembered (default {@link DedupRetention#ALL}, the specification's rule). */
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

        /** Called with every newly published propensity model version (under the learner's lock: keep it short). */
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
