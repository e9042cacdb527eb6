package dev.profilekit.core.engine;

/**
 * Called for every accepted event, after it was applied and after the user's lock was released, on the
 * thread that called {@code onEvent}. A listener may call every read method of the updater ({@code profile},
 * {@code users}, {@code counts}, {@code modelStatus}, ...) for any user without risk of deadlock. The
 * profile {@link ProfileUpdate#profile()} returns is read when it is called: it includes this event, and,
 * when the same user's events are applied concurrently by other threads, possibly later ones (with one
 * thread per user partition, as in a keyed stream, it is exactly the state after this event). A listener
 * must not call {@code onEvent}: that throws {@link IllegalStateException} (hand the event to another
 * thread instead). Keep it fast: the calling thread waits for it. An exception thrown by a listener is
 * logged and does not undo the update.
 */
@FunctionalInterface
public interface ProfileListener {

    /** Handles one accepted update. */
    void onUpdate(ProfileUpdate update);
}
