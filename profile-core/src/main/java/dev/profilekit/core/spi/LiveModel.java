package dev.profilekit.core.spi;

/**
 * The seam between the engine and the models it keeps current: the one interface
 * {@link dev.profilekit.core.engine.ProfileUpdater} knows. The updater calls, per accepted event:
 * {@link #observe} under the user's lock (after the event was applied to the profile), then
 * {@link #afterEvent} once the lock is released; it calls {@link #score} under the lock whenever a profile
 * is read. Implementations publish immutable model versions through a volatile reference, so scoring never
 * waits for training, and train in the background on the executor they were built with.
 *
 * <p>{@code V} is the type of one published model version: immutable, readable by any thread, saved and
 * loaded as JSON by the model's own codec. {@link #snapshot()} returns the live version and {@link #swap}
 * replaces it, for example with a model fitted in batch on {@code ProfileDatasets}.
 *
 * <p>Threading: {@code observe} and {@code score} run concurrently for different users; everything a model
 * shares across users must be thread-safe. A model must not call back into the updater.
 */
public interface LiveModel<V> extends AutoCloseable {

    /** The per-user state a new user starts with (kept in the profile's state), or null for none. */
    Object newUserState();

    /**
     * Checks, before an event is committed, that the user's profile as it now reads gives this model finite
     * inputs: called under the lock after the event's numeric features were applied. A model whose input
     * would be non-finite throws {@link InvalidEventException} with reason
     * {@code OVERFLOW}, and the engine puts the profile back. Changes nothing.
     */
    default void checkInputs(UserView user, long asOf) {
    }

    /**
     * An accepted event was applied to the user's profile. Called under the user's lock.
     *
     * @param user      the user, as of {@code time} when {@code time == user.latestTime()}
     * @param typeId    the event type's id ({@link FeatureAccess#typeId(String)})
     * @param time      the event time, epoch ms
     */
    void observe(UserView user, int typeId, long time);

    /**
     * The same call, with the accepted event's attributes (immutable; the recommender reads the item), so that
     * {@code live} needs no class of the engine. The engine calls this one; the default ignores the attributes.
     * Called under the user's lock.
     */
    default void observe(UserView user, int typeId, long time, java.util.Map<String, Object> attrs) {
        observe(user, typeId, time);
    }

    /** After the user's lock was released: global bookkeeping such as event-time progress. */
    void afterEvent(long time);

    /** The models' outputs for the user as of {@code asOf} (at or after its latest event), under the lock. */
    ModelOutputs score(UserView user, long asOf);

    /** The outputs computed at the user's latest event (no new vector or score), under the lock. */
    ModelOutputs lastScores(UserView user);

    /** The published version, or null before the first one. */
    V snapshot();

    /**
     * Makes {@code version} the live one, without stopping ingestion: later scores use it; online learning
     * continues from it.
     *
     * @throws IllegalArgumentException if {@code version} is null or does not fit this model's inputs
     */
    void swap(V version);

    /** The published model versions and learning statistics. */
    ModelStatus status();

    /**
     * Labels every pending example whose horizon ended by {@code endTime} (a replay ended: no later label
     * can come) and waits for background training to finish.
     */
    void finish(long endTime) throws InterruptedException;

    /** Waits until no background retrain or refit is running. */
    void awaitIdle() throws InterruptedException;

    /**
     * Writes a per-user state this model made ({@link #newUserState()}) in the engine's binary state codec, for
     * snapshots. Called under the user's lock (while other users' events go on: a snapshot is a copy-on-write cut).
     */
    void encodeUserState(Object state, dev.profilekit.features.codec.ByteWriter out);

    /**
     * Reads what {@link #encodeUserState} wrote, for the user {@code owner} (whose feature state is decoded).
     *
     * @throws dev.profilekit.features.codec.StateFormatException if the bytes are not such a state
     */
    Object decodeUserState(dev.profilekit.features.codec.ByteReader in, UserView owner);

    /**
     * Writes the model's global state (published version, learner, pending examples, statistics, counters,
     * recorded diagnostics), enough for {@link #restoreState} to continue exactly as this model would. The caller
     * has paused ingestion and waited for background work ({@link #awaitIdle()}).
     */
    void encodeState(dev.profilekit.features.codec.ByteWriter out);

    /**
     * Replaces this model's global state with the encoded one. Called on a model that has seen no event, after
     * every user's state was decoded; {@code users} finds a user's view by its key (for state that refers to
     * users, such as pending examples).
     *
     * @throws dev.profilekit.features.codec.StateFormatException if the bytes are not such a state
     */
    void restoreState(dev.profilekit.features.codec.ByteReader in, java.util.function.Function<String, UserView> users);

    /**
     * The user is being forgotten or expired: drop everything the model keeps about them besides the trained
     * weights (pending examples, stored training examples, cached samples). Called under the user's lock.
     *
     * @return how many pending and stored training examples were removed
     */
    int forget(UserView user);

    /**
     * Why {@link #score} gives {@code user} its outputs as of {@code asOf}: an immutable value of the model's own
     * explanation type, or null when the model explains nothing (or has no fitted version). Called under the lock.
     */
    default Object explain(UserView user, long asOf) {
        return null;
    }

    /** Stops background work; models stay readable. */
    @Override
    void close();
}
