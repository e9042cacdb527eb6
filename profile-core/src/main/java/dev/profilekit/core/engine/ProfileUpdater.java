package dev.profilekit.core.engine;

import dev.profilekit.core.live.LabelledExample;
import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.core.models.LiveModels;
import dev.profilekit.core.spi.ModelOutputs;
import dev.profilekit.core.audience.AudienceListener;
import dev.profilekit.core.audience.AudienceRule;
import dev.profilekit.core.spi.ModelStatus;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.live.propensity.PropensityModel;
import dev.profilekit.core.schema.ProfileSchema;

import dev.profilekit.core.privacy.AuditLog;
import dev.profilekit.core.privacy.Encryption;
import dev.profilekit.core.privacy.Pseudonymiser;
import dev.profilekit.core.snapshot.internal.Snapshots;
import dev.profilekit.core.store.ProfileStore;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

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
 *
 * <p>The updater is a facade over package-private rooms, one concern each: {@code Admission} (the acceptance
 * step, shared with {@link ProfileKernel}), {@code ProfileTable} (the live states), {@code StoreCache} (the
 * write-behind cache over a {@link ProfileStore}), {@code Expiry} (TTL), {@code ListenerDispatch} (profile
 * listeners), {@code HealthCounters} (counts and {@link #health()}), {@code CopyOnWriteCut} (a state's side of a
 * snapshot's cut), {@code AudienceBook} (audiences) and the live models ({@link LiveModels}). Snapshots are written
 * and restored by the snapshot code ({@code snapshot.internal}: {@code Snapshots}, {@code SnapshotFile}), which
 * reaches the updater's states only through {@code UpdaterSnapshotHost}.
 */
public final class ProfileUpdater implements AutoCloseable {

    final CompiledSchema compiled; // package-private: ProfileDatasets binds vector pipelines to it
    /** Live states: every profile without a backing store, the hot ones with one. */
    private final ProfileTable table;
    /** The fixed-size part of the states in {@link #table}: one stripe of doubles per user in shared pages. */
    private final Stripes stripes;
    /** The backing store of encoded states, or null (profiles live only in {@link #table}). */
    private final ProfileStore store;
    private final StateCodec codec;
    private final long fingerprint;
    /** The write-behind cache over {@link #store}, or null without a store. */
    private final StoreCache cache;
    /** Writes per batch to the store (the restore path batches by it). */
    private final int writeBatch;
    private final Function<String, ProfileState> loader;
    private final ProfileTable.Remover evictor;
    private final ProfileTable.Remover sweeper;
    /** The acceptance step: limits, clock skew, privacy, duplicates and lateness, applying, expiry. */
    private final Admission admission;
    /** Largest accepted event time over all users (for expiry), Long.MIN_VALUE before any. */
    private final java.util.concurrent.atomic.AtomicLong watermark = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
    /** Expiry (TTL): the watermark's advance, emptying an expired state, the table's sweeper. */
    private final Expiry expiry;
    private final boolean pseudonymising;
    private final Encryption encryption;
    private final AuditLog auditLog;
    /** The wall clock of audit entries: when an erasure was done, whatever time {@code clock} says. */
    private final java.time.Clock auditClock;
    private final Gate gate = new Gate();
    /** A state's side of a snapshot's copy-on-write cut (without a backing store). */
    private final CopyOnWriteCut cut;
    /** Writing and restoring snapshots. */
    private final Snapshots snapshots;
    private volatile boolean closed;
    /** The profile listeners of accepted updates. */
    private final ListenerDispatch listeners;
    /** The audiences and each user's memberships, or null without audiences. */
    private final AudienceBook audiences;
    private final Function<String, ProfileState> factory;
    /** The live models (one composite), or null without models: the updater knows them only as a LiveModel. */
    private final LiveModel<?> live;
    private final LiveModels models;
    private final java.time.Clock clock;
    /** Events by outcome, rejects by reason, the event rate: the health figures. */
    private final HealthCounters counters = new HealthCounters();

    private ProfileUpdater(Builder b) {
        List<String> watched = b.models == null ? List.of() : LiveModels.watchedTypes(b.models);
        this.compiled = new CompiledSchema(b.schema, watched, FeatureKinds.STANDARD,
                new dev.profilekit.features.streaming.StringDictionary(b.maxDictionaryEntries));
        this.store = b.store;
        this.table = new ProfileTable(b.expectedUsers, store == null ? Integer.MAX_VALUE : b.cacheSize);
        this.writeBatch = b.writeBatch;
        this.pseudonymising = b.pseudonymKey != null;
        this.encryption = b.encryptionKey == null ? null : new Encryption(b.encryptionKey);
        this.auditLog = b.auditLog;
        this.auditClock = b.auditClock;
        Admission.checkAllowList(b.schema, b.allowedAttributes);
        this.clock = b.clock;
        this.models = b.models == null ? null : new LiveModels(b.models, compiled,
                dev.profilekit.core.models.TrainingMode.of(b.training, b.modelExecutor != null, b.models)
                        == dev.profilekit.core.models.TrainingMode.DETERMINISTIC ? Runnable::run : b.modelExecutor,
                this::userCount, b.modelListener, b.exampleListener, this::preserve,
                dev.profilekit.core.live.UserDirectory.of(v -> !((ProfileState) v).evicted, this::state));
        this.live = models;
        this.listeners = new ListenerDispatch(b.listeners, compiled, live);
        this.admission = new Admission(b, compiled, live);
        this.fingerprint = fingerprint(b.schema, b.models);
        this.codec = new StateCodec(compiled, live, fingerprint);
        this.cut = new CopyOnWriteCut(codec);
        this.stripes = new Stripes(compiled.stride());
        this.factory = user -> {
            ProfileState s = compiled.newState(user, stripes);
            compiled.adopt(s);
            s.epoch = cut.epoch(); // a state made after a snapshot's cut is not in it
            if (live != null) {
                s.live = live.newUserState();
            }
            return s;
        };
        this.audiences = b.audiences == null ? null : new AudienceBook(compiled, fingerprint,
                b.retention == null ? DedupRetention.WITHIN_LATENESS : b.retention, b.audiences, b.audienceListener,
                admission.ttlMs);
        this.cache = store == null ? null
                : new StoreCache(store, table, codec, encryption, writeBatch, factory, admission, watermark, stripes,
                        live, audiences);
        this.loader = store == null ? factory : cache::load;
        this.evictor = store == null ? null : cache::writeBack;
        this.expiry = new Expiry(admission, compiled, live, cut, cache, watermark, stripes, audiences);
        this.sweeper = admission.ttlMs < 0 ? null : expiry::expireIfIdle;
        if (audiences != null) {
            codec.audiences = audiences;
            audiences.hooks(store == null ? null : this::state, s -> {
                cut.preserve(s);
                s.dirty = true;
            });
        }
        if (store != null && (audiences != null || cache.countsStoredUsers())) {
            // a store opened again, read once: the models' user count, the users' memberships and their timers
            store.scan((u, bytes) -> {
                cache.opened(u);
                if (audiences != null) {
                    audiences.park(cache.decodeStored(u, bytes), true);
                }
            });
        }
        this.snapshots = new Snapshots(new UpdaterSnapshotHost(table, stripes, store, cache, codec, compiled,
                writeBatch, gate, cut, live, audiences, counters, watermark, this::state), store, fingerprint, encryption);
    }

    /**
     * The fingerprint stamped on every encoded state and snapshot: the first 8 bytes of the SHA-256 of the
     * schema's and the models configuration's canonical text and of the state format versions (with models, also
     * {@link LiveModels#STATE_VERSION}). State of another schema or format is refused.
     */
    static long fingerprint(ProfileSchema schema, ModelsConfig models) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest((schema + "\n"
                    + (models == null ? "" : models + "\nmodels-state " + LiveModels.STATE_VERSION)
                    + "\nstate-format " + StateCodec.FORMAT_VERSION)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.nio.ByteBuffer.wrap(d).getLong();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** This updater's state fingerprint (see {@link #fingerprint(ProfileSchema, ModelsConfig)}). */
    public long fingerprint() {
        return fingerprint;
    }

    /** Profiles held in memory: every profile without a store, the cached ones with one. */
    public long profilesInMemory() {
        return table.size();
    }

    /** Users with a profile: in the table, plus (with a store) those only in the store. */
    private int userCount() {
        if (store == null) {
            return table.size();
        }
        return (int) Math.min(Integer.MAX_VALUE, cache.users());
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
    public dev.profilekit.core.spi.FeatureAccess features() {
        return compiled;
    }

    /** The bounds events are checked against. */
    public EventLimits limits() {
        return admission.limits;
    }

    /** The backing store, if one is configured. */
    public Optional<ProfileStore> store() {
        return Optional.ofNullable(store);
    }

    /** The live state of {@code key} (a stored user id), loading it from the store if needed, or null. */
    ProfileState state(String key) {
        int h = dev.profilekit.features.hash.KeyedHash.hash(key);
        while (true) {
            ProfileState s = table.get(key, h);
            if (s == null && store != null) {
                byte[] b = cache.storedBytes(key);
                if (b == null) {
                    return null;
                }
                s = table.getOrCreate(key, h, loader, evictor, sweeper);
            }
            if (s == null) {
                return null;
            }
            synchronized (s) {
                if (!s.evicted) {
                    return s;
                }
            }
        }
    }

    /**
     * With a backing store: how many times a profile was not in the cache and was read from the store (or found
     * absent there). The cache hit rate of a run is {@code 1 - cacheMisses / events}. Zero without a store.
     */
    public long cacheMisses() {
        return cache == null ? 0 : cache.cacheMisses();
    }

    /** The table of live states (tests and the memory benchmark). */
    ProfileTable table() {
        return table;
    }

    /** The slab of the table's stripes (tests and the memory benchmark). */
    Stripes stripes() {
        return stripes;
    }

    /** The key a raw user id is stored under: its pseudonym when pseudonymising. */
    private String key(String user) {
        return admission.key(user);
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
        try {
            return applyEvent(event);
        } catch (InvalidEventException e) {
            counters.reject(e.reason());
            throw e;
        }
    }

    private Outcome applyEvent(Event event) {
        admission.limits.check(event);
        long t = event.timestamp();
        admission.checkClock(event, t);
        listeners.checkNotInListener(event);
        if (admission.privatising) {
            event = admission.privatise(event);
        }
        int typeId = compiled.typeId(event.type());
        Outcome outcome;
        ProfileState s;
        gate.enter();
        try {
            if (closed) {
                throw new IllegalStateException("this updater is closed");
            }
            long wm = admission.ttlMs < 0 ? Long.MIN_VALUE : expiry.advanceWatermark(t);
            while (true) {
                s = table.getOrCreate(event.user(), event.userHash(), loader, evictor, sweeper);
                synchronized (s) {
                    if (s.evicted) {
                        continue; // it left the table between the lookup and the lock: look again
                    }
                    cut.preserve(s); // before anything of the state changes
                    s.referenced = true;
                    if (expired(s, wm)) {
                        expiry.reset(s);
                    }
                    CompiledSchema.Scratch sc = compiled.scratch();
                    outcome = admission.decide(s, event.id(), t, sc);
                    if (outcome == Outcome.ACCEPTED) {
                        if (audiences != null && t <= admission.applyUpTo) {
                            applyWithAudiences(s, event, typeId, t, sc);
                        } else {
                            admission.apply(s, event, typeId, t, sc);
                        }
                        s.dirty = true;
                    }
                }
                break;
            }
            // inside the gate, so that a snapshot sees the counts and the models' event-time progress of exactly
            // the events its profiles hold
            counters.count(outcome);
            if (live != null && outcome == Outcome.ACCEPTED && t <= admission.applyUpTo) {
                live.afterEvent(t); // outside the user's lock: event-time watermark, label-0 resolution
            }
        } finally {
            gate.exit();
        }
        if (listeners.any() && outcome == Outcome.ACCEPTED && t <= admission.applyUpTo) {
            listeners.notifyListeners(s, event); // outside the lock: listeners may read any profile
        }
        if (audiences != null && outcome == Outcome.ACCEPTED && t <= admission.applyUpTo) {
            audiences.advanceClock(t); // outside the lock: fires other users' timers
        }
        return outcome;
    }

    /** Applies an accepted event between the audiences' two steps (see {@link AudienceBook}). Caller holds the lock. */
    private void applyWithAudiences(ProfileState s, Event event, int typeId, long t, CompiledSchema.Scratch sc) {
        audiences.apply(s, event, typeId, () -> admission.apply(s, event, typeId, t, sc));
    }

    /** Whether {@code s} has been idle longer than the TTL at watermark {@code wm}. Caller holds the lock. */
    private boolean expired(ProfileState s, long wm) {
        return admission.expired(s, wm);
    }

    /**
     * The profile of {@code user} as of {@code asOfMs}. A user with no events gets the values of an
     * empty history (counts 0, nulls). Thread-safe.
     *
     * @throws IllegalArgumentException if {@code user} is null, {@code asOfMs} lies outside the years 1 to 9999
     *                                  ({@link Event#MIN_TIMESTAMP}..{@link Event#MAX_TIMESTAMP}), or
     *                                  {@code asOfMs} is before the user's latest applied event (profiles keep
     *                                  aggregates, not events)
     */
    public Profile profile(String user, long asOfMs) {
        if (user == null) {
            throw new IllegalArgumentException("user must not be null");
        }
        return profileByKey(key(user), asOfMs);
    }

    /**
     * As {@link #profile(String, long)} for a key of {@link #users()}: the id a profile is stored under, which is
     * the pseudonym when the updater pseudonymises (then the raw id is not known here).
     */
    public Profile profileByKey(String key, long asOfMs) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        TimeRange.require("asOf", asOfMs);
        return readAsOf(key, asOfMs, s -> new Profile(key, asOfMs, compiled.read(s, asOfMs), outputs(s, asOfMs)));
    }

    /**
     * {@code read} applied under the lock to the state of {@code key} (an empty history when it has none), after
     * checking that {@code asOfMs} is not before its latest applied event. Public callers check the time range first.
     */
    private <T> T readAsOf(String key, long asOfMs, Function<ProfileState, T> read) {
        ProfileState s = liveState(key);
        if (s == null) {
            s = factory.apply(key); // an empty history, not stored
        }
        synchronized (s) {
            if (asOfMs < s.maxApplied) {
                throw new IllegalArgumentException("asOf " + asOfMs + " is before the latest event of user '" + key
                        + "' (" + s.maxApplied + "); profiles can be evaluated only at or after it");
            }
            return read.apply(s);
        }
    }

    /**
     * The profile of {@code user} as of "now", for hosts whose clocks disagree: evaluated at the updater's clock
     * (see {@link Builder#clock}), or at the user's latest applied event when that is later (an event stamped by a
     * host whose clock runs ahead). It never throws for skew; {@link Profile#asOf()} says which time was used. A
     * user with no events gets the values of an empty history at the clock's time. Thread-safe.
     *
     * @throws IllegalArgumentException if {@code user} is null
     * @throws IllegalStateException    if the clock reads a time outside the years 1 to 9999
     */
    public Profile profileNow(String user) {
        if (user == null) {
            throw new IllegalArgumentException("user must not be null");
        }
        String key = key(user);
        long now = clock.millis();
        if (!TimeRange.contains(now)) {
            throw new IllegalStateException("the clock reads " + now + ", outside the supported time range, years 1 to"
                    + " 9999 (" + Event.MIN_TIMESTAMP + ".." + Event.MAX_TIMESTAMP + " ms)");
        }
        ProfileState s = liveState(key);
        if (s == null) {
            s = factory.apply(key); // an empty history, not stored
        }
        synchronized (s) {
            long asOf = Math.max(now, s.maxApplied);
            return new Profile(key, asOf, compiled.read(s, asOf), outputs(s, asOf));
        }
    }

    /** The profile of {@code user} as of its latest applied event, or empty if it has none. */
    public Optional<Profile> profile(String user) {
        if (user == null) {
            throw new IllegalArgumentException("user must not be null");
        }
        String key = key(user);
        ProfileState s = liveState(key);
        if (s == null) {
            return Optional.empty();
        }
        synchronized (s) {
            if (s.maxApplied == Long.MIN_VALUE) {
                return Optional.empty();
            }
            return Optional.of(new Profile(key, s.maxApplied, compiled.read(s, s.maxApplied), outputs(s, s.maxApplied)));
        }
    }

    /** The state of {@code key} unless it expired (then null, as if the user had no events). */
    private ProfileState liveState(String key) {
        ProfileState s = state(key);
        if (s != null && admission.ttlMs >= 0) {
            synchronized (s) {
                if (expired(s, watermark.get())) {
                    return null;
                }
            }
        }
        return s;
    }

    /**
     * Forgets {@code user} (the raw id; it is pseudonymised here when the updater pseudonymises): removes the
     * profile and its duplicate-detection state from memory, from the backing store and so from every later
     * snapshot, and the user's pending and stored training examples from the live models (models already
     * trained on them keep their weights). Records the action in the audit log, without the raw id. A later
     * event of the user starts a new profile. Thread-safe.
     *
     * @return whether the user had a profile
     */
    public boolean forget(String user) {
        if (user == null) {
            throw new IllegalArgumentException("user must not be null");
        }
        String key = key(user);
        boolean removed = false;
        int[] examples = {0};
        gate.enter();
        try {
            ProfileState s;
            // a state evicted between state() and remove() is loaded again and removed on the next round
            while (!removed && (s = state(key)) != null) {
                removed = table.remove(s, victim -> {
                    synchronized (victim) {
                        cut.preserve(victim); // a snapshot being written holds the user as of its cut
                        victim.evicted = true;
                        if (live != null) {
                            examples[0] += live.forget(victim);
                        }
                        if (audiences != null) {
                            audiences.forget(victim);
                        }
                        stripes.release(victim);
                        compiled.release(victim);
                    }
                    if (store != null) {
                        // still under the segment's lock: an event of the user on another thread cannot load the
                        // stored copy between the removal and its deletion, which would bring the profile back
                        cache.forget(key, true);
                    }
                    return true;
                });
            }
            if (!removed && store != null) {
                removed = cache.forget(key, false); // in neither the table nor the store: deletes nothing kept
            }
        } finally {
            gate.exit();
        }
        if (auditLog != null) {
            auditLog.record(new AuditLog.Entry(java.time.Instant.now(auditClock), "forget",
                    pseudonymising ? key : AuditLog.sha256(user), removed, examples[0]));
        }
        return removed;
    }

    /**
     * Writes every changed profile to the backing store and makes the store durable ({@link ProfileStore#flush()}):
     * every event accepted before this call survives a crash once it returns. Without a store, does nothing.
     */
    public void flush() {
        if (store == null) {
            return;
        }
        cache.flush();
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

    /**
     * One live model by type: the first configured model that is a {@code type} (a live model such as
     * {@link dev.profilekit.core.live.propensity.LivePropensity}), or else whose published version is one (a fitted
     * model such as {@link PropensityModel}, {@link dev.profilekit.core.live.segments.SegmentsModel} or
     * {@link dev.profilekit.core.live.forecast.ForecastModel}). For example
     * {@code updater.model(PropensityModel.class)} is the live propensity model. A fitted model is the version
     * published at the time of the call (immutable); a later call may return a newer one.
     *
     * @return the model, or empty when no configured model is of that type (no models, no such section) or its
     *         first version is not fitted yet
     * @throws IllegalArgumentException if type is null
     */
    public <M> Optional<M> model(Class<M> type) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        return models == null ? Optional.empty() : models.model(type);
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
     * Stops the live models' background thread (when the updater owns it) and flushes the backing store (the
     * host that passed the store closes it). Profiles stay readable; {@link #onEvent} then throws. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        gate.pause();
        try {
            closed = true;
        } finally {
            gate.resume();
        }
        if (live != null) {
            live.close();
        }
        flush();
    }

    /**
     * What a snapshot holds besides the profiles.
     *
     * @param pause   how long ingestion was paused for it: the synchronous part (the cut) without a backing store, the
     *                whole write with one
     * @param written the time from the call until the file was durable (for a restore, zero)
     */
    public record SnapshotInfo(Path file, long users, Counts counts, java.util.Map<String, String> metadata,
                               Duration pause, Duration written) {
    }

    /**
     * Writes a consistent snapshot of every profile, the duplicate and lateness state, the expiry watermark and
     * the live models (versions, learners, pending examples, statistics) to {@code file}, with {@code metadata}
     * (for example the input position it covers): all of them as of one cut, the same set of accepted events.
     *
     * <p>Without a backing store the cut is taken copy-on-write, so ingestion goes on while the file is written.
     * Ingestion pauses only for the synchronous part ({@link SnapshotInfo#pause()}: waiting for a running retrain
     * to end, encoding the models' state and the counts, and copying the references of the table's states, a few
     * milliseconds per million profiles, see BENCHMARKS.md); then {@link #onEvent}, {@link #forget} and expiry go on
     * while the writer encodes the states, and a state that is about to change before the writer reached it first
     * keeps its encoding as of the cut. So a user forgotten while a snapshot is being written is still in that
     * snapshot (it is as of its cut, before the forget), and in no snapshot whose call started after
     * {@code forget} returned. With a backing store, ingestion pauses for the whole write (the store gives no
     * consistent view to copy from).
     *
     * <p>One snapshot at a time: a call while another snapshot of this updater is being written waits until that
     * one is durable, then takes its own cut. The file goes to a temporary file, is forced to disk and renamed over
     * {@code file} atomically; this call returns once it is durable ({@link #snapshotAsync} writes it in the
     * background). Encrypted with AES-GCM when the updater has an encryption key.
     *
     * @throws UncheckedIOException if the file cannot be written (the previous file at {@code file} stays)
     */
    public SnapshotInfo snapshot(Path file, java.util.Map<String, String> metadata) {
        return snapshots.snapshot(file, metadata);
    }

    /**
     * As {@link #snapshot}, with the file written on {@code executor}: the cut is taken before this returns (so
     * the snapshot holds the events accepted before the call, and {@code metadata} can name the input position
     * reached), and the future completes with the snapshot's description once the file is durable, or
     * exceptionally with the {@link UncheckedIOException} that {@code snapshot} would throw. With a backing store
     * the whole snapshot is written, ingestion paused, before this returns.
     *
     * @throws IllegalArgumentException if {@code executor} is null
     */
    public java.util.concurrent.CompletableFuture<SnapshotInfo> snapshotAsync(
            Path file, java.util.Map<String, String> metadata, java.util.concurrent.Executor executor) {
        return snapshots.snapshotAsync(file, metadata, executor);
    }

    /**
     * Before a model changes a user's state outside {@link #onEvent} (label resolution); {@code user} is the
     * user's view, a {@link ProfileState}. Caller holds the lock.
     */
    private void preserve(Object user) {
        ProfileState s = (ProfileState) user;
        cut.preserve(s);
        s.dirty = true; // written back to the store when evicted
    }

    /** Tests: {@code hook} runs once in the middle of each copy-on-write snapshot's write, on the writing thread. */
    void midWriteHook(Runnable hook) {
        snapshots.midWriteHook(hook);
    }

    /**
     * Restores {@code file}, written by {@link #snapshot} of an updater with the same schema and models
     * configuration, into this updater, which must not have accepted any event. The whole file is checked
     * (header, fingerprint, checksum, every record; with encryption, every chunk's tag) before anything
     * changes, and the updater stays empty on failure: a truncated or corrupted file (damage) fails with a
     * {@link dev.profilekit.features.codec.StateFormatException}; an intact file that does not fit this updater
     * (another schema or models configuration, encrypted or not where this updater differs, another key) fails
     * with a {@link SnapshotMismatchException}. Both say what is wrong and name the file.
     *
     * @return the snapshot's counts and metadata
     * @throws UncheckedIOException if the file cannot be read
     */
    public SnapshotInfo restore(Path file) {
        return snapshots.restore(file);
    }

    /** The users with at least one accepted event, sorted: their stored keys (pseudonyms when pseudonymising). */
    public List<String> users() {
        java.util.TreeSet<String> users = new java.util.TreeSet<>();
        long wm = watermark.get();
        table.forEach((u, s) -> {
            synchronized (s) {
                if (!s.evicted && s.maxAccepted != Long.MIN_VALUE && !expired(s, wm)) {
                    users.add(u);
                }
            }
        });
        if (store != null) {
            cache.flushPendingOnly();
            store.scan((u, b) -> {
                if (!users.contains(u) && table.get(u, dev.profilekit.features.hash.KeyedHash.hash(u)) == null) {
                    ProfileState s = cache.decodeStored(u, b);
                    if (s.maxAccepted != Long.MIN_VALUE && !expired(s, wm)) {
                        users.add(u);
                    }
                }
            });
        }
        return new ArrayList<>(users);
    }

    /** The largest accepted event time over all users, or empty when nothing was accepted. */
    public Optional<Long> latestAcceptedTime() {
        long[] max = {Long.MIN_VALUE};
        table.forEach((u, s) -> {
            synchronized (s) {
                max[0] = Math.max(max[0], s.maxAccepted);
            }
        });
        if (store != null) {
            cache.flushPendingOnly();
            store.scan((u, b) -> max[0] = Math.max(max[0], cache.decodeStored(u, b).maxAccepted));
        }
        return max[0] == Long.MIN_VALUE ? Optional.empty() : Optional.of(max[0]);
    }

    /**
     * Counts of outcomes so far. A statistic for monitoring, not a snapshot: under concurrent {@code onEvent}
     * calls it may lag the profiles by the events being applied at that moment (the counters are striped so
     * that threads do not contend on them); once ingestion is quiet it is exact.
     */
    public Counts counts() {
        return counters.counts();
    }

    /** Outcome counts. */
    public record Counts(long accepted, long duplicate, long late) {
    }

    /**
     * Counts an event the host rejected before it reached {@link #onEvent} (a line that did not parse, for
     * example), so that {@link #health()} reports every reject by reason. Events that {@code onEvent} itself
     * rejects are counted without this call.
     *
     * @throws IllegalArgumentException if {@code reason} is null
     */
    public void countRejected(InvalidEventException.Reason reason) {
        if (reason == null) {
            throw new IllegalArgumentException("reason must not be null");
        }
        counters.reject(reason);
    }

    /**
     * The events rejected for {@code reason} so far, by onEvent or counted with {@link #countRejected}.
     *
     * @throws IllegalArgumentException if {@code reason} is null
     */
    public long rejectedCount(InvalidEventException.Reason reason) {
        if (reason == null) {
            throw new IllegalArgumentException("reason must not be null");
        }
        return counters.rejected(reason);
    }

    /**
     * What a host monitors: event counts by outcome, rejects by reason, the rate of events since the previous
     * call, the profiles held, and the live propensity model's version and prequential AUC. Cheap (a few counter
     * sums); thread-safe. Like {@link #counts()}, the counts may lag events being applied concurrently.
     */
    public Health health() {
        return counters.health(profilesInMemory(), store == null ? -1 : store.size(),
                live == null ? null : live.status());
    }

    /**
     * A reading of {@link #health()}.
     *
     * @param counts            accepted, duplicate and late events
     * @param rejected          events rejected, by onEvent or counted with {@link #countRejected}
     * @param rejectsByReason   the rejected events by reason (reasons never seen are absent)
     * @param eventsPerSecond   events (every outcome and reject) per second of wall time since the previous
     *                          {@code health()} call, or since the updater was built for the first call
     * @param profilesInMemory  profiles held in memory (all of them without a store, the cache with one)
     * @param profilesStored    profiles in the backing store, or -1 without one
     * @param modelVersion      the live propensity model's version, -1 without live models, 0 without a propensity section
     * @param prequentialAuc    its prequential AUC, NaN without a propensity model or before both classes are seen
     */
    public record Health(Counts counts, long rejected, java.util.Map<InvalidEventException.Reason, Long> rejectsByReason,
                         double eventsPerSecond, long profilesInMemory, long profilesStored, long modelVersion,
                         double prequentialAuc) {
    }

    /**
     * The {@code k} best items for {@code user} (see {@link dev.profilekit.core.live.recommend.RecommendConfig}), as
     * of the latest event the recommender has observed: scores non-increasing, never an item the user has an event of an excluded type
     * for; fewer than k when fewer items are known. A user with no events gets the fallback list. Thread-safe.
     *
     * @throws IllegalStateException    if no recommend section is configured
     * @throws IllegalArgumentException if {@code user} is null or k is not in [1, 10000]
     */
    public List<dev.profilekit.core.live.recommend.Recommendation> recommend(String user, int k) {
        if (user == null) {
            throw new IllegalArgumentException("user must not be null");
        }
        return recommendAt(key(user), k, Long.MAX_VALUE); // no time limit: every event observed
    }

    /**
     * {@link #recommend(String, int)} as of {@code asOfMs}: it uses no event after {@code asOfMs}, so
     * {@code asOfMs} must be at or after every event the recommender has observed and the user's latest event.
     *
     * @throws IllegalArgumentException if {@code asOfMs} is earlier than one of those events or lies outside the
     *                                  years 1 to 9999
     */
    public List<dev.profilekit.core.live.recommend.Recommendation> recommend(String user, int k, long asOfMs) {
        if (user == null) {
            throw new IllegalArgumentException("user must not be null");
        }
        return recommendByKey(key(user), k, asOfMs);
    }

    /** As {@link #recommend(String, int, long)} for a key of {@link #users()} (a pseudonym when pseudonymising). */
    public List<dev.profilekit.core.live.recommend.Recommendation> recommendByKey(String key, int k, long asOfMs) {
        TimeRange.require("asOf", asOfMs);
        return recommendAt(key, k, asOfMs);
    }

    /** {@link #recommendByKey} without the time range check ({@link Long#MAX_VALUE}: no limit). */
    private List<dev.profilekit.core.live.recommend.Recommendation> recommendAt(String key, int k, long asOfMs) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        if (models == null) {
            throw new IllegalStateException("no recommend section is configured");
        }
        return readAsOf(key, asOfMs, s -> models.recommend(s, k, asOfMs));
    }

    /**
     * Why the live models give {@code user} their scores, as of its latest applied event (see
     * {@link #explain(String, long)}); empty if the user has no events.
     *
     * @throws IllegalArgumentException if {@code user} is null
     */
    public Optional<dev.profilekit.core.models.Explanation> explain(String user) {
        if (user == null) {
            throw new IllegalArgumentException("user must not be null");
        }
        ProfileState s = liveState(key(user));
        if (s == null) {
            return Optional.empty();
        }
        synchronized (s) {
            return s.maxApplied == Long.MIN_VALUE ? Optional.empty() : Optional.of(explanation(s, s.maxApplied));
        }
    }

    /**
     * Why the live models give {@code user} the scores of {@link #profile(String, long) profile(user, asOfMs)}:
     * the intercept and each input's term of the propensity logit, the distances behind the segment, and the
     * forecast's inputs and interval, with the same model versions; a part is empty when its model is not
     * configured or not fitted. Empty if the user has no events. Thread-safe.
     *
     * @throws IllegalArgumentException as {@link #profile(String, long)}
     */
    public Optional<dev.profilekit.core.models.Explanation> explain(String user, long asOfMs) {
        if (user == null) {
            throw new IllegalArgumentException("user must not be null");
        }
        return explainByKey(key(user), asOfMs);
    }

    /** As {@link #explain(String, long)} for a key of {@link #users()} (a pseudonym when pseudonymising). */
    public Optional<dev.profilekit.core.models.Explanation> explainByKey(String key, long asOfMs) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        TimeRange.require("asOf", asOfMs);
        return Optional.ofNullable(readAsOf(key, asOfMs,
                s -> s.maxApplied == Long.MIN_VALUE ? null : explanation(s, asOfMs)));
    }

    /** The explanation of a state with events; the caller holds its lock. */
    private dev.profilekit.core.models.Explanation explanation(ProfileState s, long asOfMs) {
        return models == null ? dev.profilekit.core.models.Explanation.none(s.user, asOfMs) : models.explain(s, asOfMs);
    }


    // ------------------------------------------------------------------ audiences

    /** Refuses a snapshot without audiences when this updater has some (checked before its first profile). */
    /** Refuses changing the definitions at runtime with a backing store (the stored users would not follow). */
    private void refuseWithStore(String what) {
        if (store != null) {
            throw new IllegalStateException("audiences cannot be " + what + " on a running updater with a backing "
                    + "store yet: the users in the store would keep their memberships under the old definitions");
        }
    }

    private AudienceBook audienceBook() {
        if (audiences == null) {
            throw new IllegalStateException("this updater has no audiences (see Builder.audiences)");
        }
        return audiences;
    }

    /**
     * The audiences {@code user} is a member of as of {@code asOfMs} (the rule holds on the profile as of that time),
     * sorted by name; empty for an unknown user.
     *
     * @throws IllegalArgumentException if {@code user} is null or {@code asOfMs} is before the user's latest event
     * @throws IllegalStateException    without audiences
     */
    public List<String> audiences(String user, long asOfMs) {
        if (user == null) {
            throw new IllegalArgumentException("user must not be null");
        }
        return audiencesByKey(key(user), asOfMs);
    }

    /**
     * As {@link #audiences(String, long)} for the key a user is kept under (see {@link #users()}: the pseudonym
     * when pseudonymising).
     */
    public List<String> audiencesByKey(String key, long asOfMs) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        AudienceBook book = audienceBook();
        ProfileState s = state(key);
        if (s == null) {
            return List.of();
        }
        synchronized (s) {
            if (s.maxApplied == Long.MIN_VALUE) {
                return List.of();
            }
            if (asOfMs < s.maxApplied) {
                throw new IllegalArgumentException("asOf " + asOfMs + " is before the latest event of user '" + key
                        + "' (" + s.maxApplied + "); audiences can be read only at or after it");
            }
            return book.audiencesOf(s, asOfMs);
        }
    }

    /** As {@link #audiences(String, long)} as of the audience clock (or the user's latest event, if later). */
    public List<String> audiences(String user) {
        if (user == null) {
            throw new IllegalArgumentException("user must not be null");
        }
        AudienceBook book = audienceBook();
        ProfileState s = state(key(user));
        if (s == null) {
            return List.of();
        }
        long at;
        synchronized (s) {
            at = Math.max(book.clock(), s.maxApplied);
        }
        return audiences(user, at);
    }

    /**
     * The exact size of each audience as of the audience clock (the largest accepted event time, or a later
     * {@link #advanceClock} time), in definition order; time-driven changes up to the clock are applied first.
     */
    public java.util.Map<String, Long> audienceSizes() {
        return audienceBook().sizes();
    }

    /** The audience clock, epoch ms ({@code Long.MIN_VALUE} before the first accepted event). */
    public long audienceClock() {
        return audienceBook().clock();
    }

    /**
     * Moves the audience clock to {@code timeMs} (if later) and delivers every time-driven change up to it, as an
     * event at that time would: for the end of a replay ({@code --as-of}), or a host's wall clock.
     */
    public void advanceClock(long timeMs) {
        audienceBook().advanceClock(timeMs);
    }

    /**
     * Defines an audience on this running updater: its members as of the clock are delivered as ENTERs marked
     * {@link dev.profilekit.core.audience.AudienceChange#backfill()}, and it is kept exact from then on.
     *
     * @throws IllegalArgumentException if the rule was checked against another schema, the name is taken, or 64
     *                                  audiences are defined
     */
    public void defineAudience(AudienceRule rule) {
        if (rule == null) {
            throw new IllegalArgumentException("rule must not be null");
        }
        AudienceBook book = audienceBook();
        refuseWithStore("defined");
        gate.pause();
        try {
            int slot = book.define(rule);
            long at = book.clock();
            table.forEach((user, s) -> {
                synchronized (s) {
                    book.backfill(s, slot, at);
                }
            });
        } finally {
            gate.resume();
        }
    }

    /** Drops audience {@code name}; false when there is none. Its members get no EXIT. */
    public boolean dropAudience(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        AudienceBook book = audienceBook();
        refuseWithStore("dropped");
        gate.pause();
        try {
            int slot = book.slot(name);
            if (slot < 0) {
                return false;
            }
            book.drop(name);
            table.forEach((user, s) -> {
                synchronized (s) {
                    book.clearSlot(s, slot);
                }
            });
            return true;
        } finally {
            gate.resume();
        }
    }

    /** Configures a {@link ProfileUpdater}. */
    public static final class Builder {
        // the package-private settings are read by Admission and ProfileKernel
        final ProfileSchema schema;
        ProfileStore store;
        private int expectedUsers = 1024;
        private int cacheSize = 100_000;
        private int maxDictionaryEntries = dev.profilekit.features.streaming.StringDictionary.DEFAULT_MAX_ENTRIES;
        private int writeBatch = 1000;
        Duration ttl;
        byte[] pseudonymKey;
        java.util.Set<String> allowedAttributes;
        private byte[] encryptionKey;
        private AuditLog auditLog;
        private java.time.Clock auditClock = java.time.Clock.systemUTC();
        private final List<ProfileListener> listeners = new ArrayList<>();
        List<AudienceRule> audiences;
        AudienceListener audienceListener;
        DedupRetention retention;
        long applyUpTo = Long.MAX_VALUE;
        java.time.Clock clock = java.time.Clock.systemUTC();
        EventLimits limits = EventLimits.DEFAULT;
        ModelsConfig models;
        private java.util.concurrent.Executor modelExecutor;
        private dev.profilekit.core.models.TrainingMode training;
        private java.util.function.Consumer<PropensityModel> modelListener;
        private java.util.function.Consumer<LabelledExample> exampleListener;

        private Builder(ProfileSchema schema) {
            this.schema = schema;
        }

        /**
         * A backing store of encoded profiles (default: none; every profile lives in the heap). With a store the
         * updater keeps at most {@link #cacheSize(int)} profiles in memory, loads the others on demand, writes
         * changed ones back in batches when they are evicted and on {@link ProfileUpdater#flush()}, and deletes
         * forgotten and expired ones. With live models, each user's model state (examples waiting for a label,
         * recent items, daily counts) is part of the stored state; an example whose horizon ends while its user is
         * in the store is labelled on the stored state, which is loaded for it. A single-threaded replay with a
         * store gives the same profiles, scores and model figures as one without (without a TTL).
         */
        public Builder store(ProfileStore store) {
            if (store == null) {
                throw new IllegalArgumentException("store must not be null");
            }
            this.store = store;
            return this;
        }

        /** Users to size the in-memory table for (default 1024; it grows as needed). */
        public Builder expectedUsers(int users) {
            if (users < 0) {
                throw new IllegalArgumentException("expectedUsers must be >= 0, was " + users);
            }
            this.expectedUsers = users;
            return this;
        }

        /**
         * The most strings the profiles in memory code at a time (default {@value
         * dev.profilekit.features.streaming.StringDictionary#DEFAULT_MAX_ENTRIES}, at least 1): the values of
         * {@code distinct_count}, {@code top_k} and {@code last_value} features are kept once, in a dictionary shared
         * by all profiles, and each profile keeps 4-byte codes. A string no profile in memory keeps any more (after
         * {@link #forget}, expiry, eviction to the store) leaves the dictionary. Past the bound, a new string is kept
         * un-coded in each profile that holds it: results are the same, memory per such value is that of a string.
         */
        public Builder maxDictionaryEntries(int strings) {
            if (strings < 1) {
                throw new IllegalArgumentException("maxDictionaryEntries must be >= 1, was " + strings);
            }
            this.maxDictionaryEntries = strings;
            return this;
        }

        /** Profiles kept in memory with a backing store (default 100,000; at least 64). */
        public Builder cacheSize(int profiles) {
            if (profiles < 64) {
                throw new IllegalArgumentException("cacheSize must be >= 64, was " + profiles);
            }
            this.cacheSize = profiles;
            return this;
        }

        /** Writes per batch to the backing store (default 1000). */
        public Builder writeBatch(int writes) {
            if (writes < 1) {
                throw new IllegalArgumentException("writeBatch must be >= 1, was " + writes);
            }
            this.writeBatch = writes;
            return this;
        }

        /**
         * Expiry: a profile idle for longer than {@code ttl} in event time (the largest accepted event time over
         * all users minus the user's latest accepted event time) is gone, with its duplicate-detection state:
         * reads see no profile, the user's next event starts a new one, and its memory and stored copy are
         * reclaimed (memory stays bounded by the users active within the TTL). Should exceed the allowed
         * lateness. Default: never.
         */
        public Builder ttl(Duration ttl) {
            if (ttl == null || ttl.isNegative() || ttl.isZero() || ttl.compareTo(dev.profilekit.core.schema.FeatureSpec.MAX_DURATION) > 0) {
                throw new IllegalArgumentException("ttl must be positive and at most 100 years, was " + ttl);
            }
            this.ttl = ttl;
            return this;
        }

        /**
         * Pseudonymisation: user ids become their HMAC-SHA-256 under {@code key} (at least 32 bytes) before
         * anything is stored, logged or written; reads and {@code forget} take the raw id and map it.
         */
        public Builder pseudonymise(byte[] key) {
            new Pseudonymiser(key); // checks the key
            this.pseudonymKey = key.clone();
            return this;
        }

        /** Attributes kept at ingestion; others are dropped before anything reads them. Features must read only these. */
        public Builder allowAttributes(java.util.Collection<String> attributes) {
            if (attributes == null || attributes.stream().anyMatch(java.util.Objects::isNull)) {
                throw new IllegalArgumentException("attributes must be a collection of names without null");
            }
            this.allowedAttributes = java.util.Set.copyOf(attributes);
            return this;
        }

        /** AES-GCM encryption at rest of snapshots and stored profiles under {@code key} (16, 24 or 32 bytes). */
        public Builder encryptionKey(byte[] key) {
            new Encryption(key); // checks the key
            this.encryptionKey = key.clone();
            return this;
        }

        /** Where {@link ProfileUpdater#forget} records its actions (default: nowhere). */
        public Builder auditLog(AuditLog log) {
            if (log == null) {
                throw new IllegalArgumentException("auditLog must not be null");
            }
            this.auditLog = log;
            return this;
        }

        /**
         * The wall clock that dates the audit log's entries (default the system clock, UTC): an entry is evidence of
         * when an erasure was done, so it does not take the time of {@link #clock}, which a replay may fix to the
         * time of its data. Tests pass a fixed clock.
         */
        public Builder auditClock(java.time.Clock clock) {
            if (clock == null) {
                throw new IllegalArgumentException("auditClock must not be null");
            }
            this.auditClock = clock;
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
         * replay of data dated in the future passes a fixed clock ({@code Clock.fixed(...)}). Audit entries are
         * dated by {@link #auditClock}, not by this clock.
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
         * before the end of its input (the specification's "only accepted events with ts &lt;= T count").
         * {@link Long#MAX_VALUE}, the default, applies every event; reading the profiles as of the same time
         * requires it to lie in the supported range (see {@link #profile(String, long)}).
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
         * An executor given here overrides the models file's {@code training}.
         */
        public Builder modelExecutor(java.util.concurrent.Executor executor) {
            if (executor == null) {
                throw new IllegalArgumentException("executor must not be null");
            }
            this.modelExecutor = executor;
            return this;
        }

        /**
         * Where the live models train (default: the models file's {@code training}, else
         * {@link dev.profilekit.core.models.TrainingMode#BACKGROUND}: on the {@link #modelExecutor}, beside
         * ingestion). {@code DETERMINISTIC} trains on the event thread at the counts that trigger training, so that
         * a single-threaded replay gives the same bytes every time; it takes no model executor. Set here, it
         * overrides the models file.
         */
        public Builder training(dev.profilekit.core.models.TrainingMode mode) {
            if (mode == null) {
                throw new IllegalArgumentException("mode must not be null");
            }
            this.training = mode;
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

        /**
         * Audiences kept exact over this updater's profiles (see {@link AudienceRule} and the specification's
         * "Audiences"), checked against this builder's schema; at most 64.
         *
         * @throws IllegalArgumentException if {@code rules} is null, has a null or a duplicate name, or a rule checked
         *                                  against another schema
         */
        public Builder audiences(java.util.Collection<AudienceRule> rules) {
            if (rules == null) {
                throw new IllegalArgumentException("rules must not be null");
            }
            java.util.Set<String> names = new java.util.HashSet<>();
            for (AudienceRule r : rules) {
                if (r == null) {
                    throw new IllegalArgumentException("rules must not contain null");
                }
                if (!names.add(r.audience())) {
                    throw new IllegalArgumentException("two audiences are named '" + r.audience() + "'");
                }
                for (String f : r.features()) {
                    if (schema.feature(f).isEmpty()) {
                        throw new IllegalArgumentException("audience '" + r.audience() + "' reads feature '" + f
                                + "', which this schema does not have");
                    }
                }
            }
            if (rules.size() > AudienceBook.MAX_AUDIENCES) {
                throw new IllegalArgumentException("at most " + AudienceBook.MAX_AUDIENCES + " audiences, not "
                        + rules.size());
            }
            this.audiences = List.copyOf(rules);
            return this;
        }

        /**
         * Adds a receiver of every audience change (see {@link AudienceListener}); needs {@link #audiences}. Several
         * receivers are called in the order they were added, each with every change.
         */
        public Builder audienceListener(AudienceListener listener) {
            if (listener == null) {
                throw new IllegalArgumentException("listener must not be null");
            }
            AudienceListener before = this.audienceListener;
            this.audienceListener = before == null ? listener : c -> {
                before.onChange(c);
                listener.onChange(c);
            };
            return this;
        }

        /** Builds the updater (compiles the schema). */
        public ProfileUpdater build() {
            checkCombination();
            return new ProfileUpdater(this);
        }

        /** Refuses settings that do not go together. */
        void checkCombination() {
            if (training == dev.profilekit.core.models.TrainingMode.DETERMINISTIC && modelExecutor != null) {
                throw new IllegalArgumentException("training DETERMINISTIC trains on the event thread: it takes no "
                        + "modelExecutor (the executor given would never run)");
            }
            if (audienceListener != null && audiences == null) {
                throw new IllegalArgumentException("an audience listener needs audiences (Builder.audiences)");
            }
        }
    }
}
