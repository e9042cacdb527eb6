package dev.profilekit.core.engine;

/** What {@link ProfileUpdater#onEvent(Event)} did with a valid event. */
public enum Outcome {
    /** The event was new and in time; it updated the profile. */
    ACCEPTED,
    /** An accepted event of the same user had the same id; ignored. */
    DUPLICATE,
    /** The event is older than the user's latest event by more than the allowed lateness; ignored. */
    LATE
}
