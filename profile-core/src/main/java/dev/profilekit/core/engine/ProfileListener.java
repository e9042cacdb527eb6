package dev.profilekit.core.engine;

/**
 * Called for every accepted event, after it was applied, while the user's profile is locked (so the
 * profile it reads is exactly the state after this event). Keep it fast: events of the same user wait
 * for it. An exception thrown by a listener is logged and does not undo the update.
 */
@FunctionalInterface
public interface ProfileListener {

    /** Handles one accepted update. */
    void onUpdate(ProfileUpdate update);
}
