package dev.profilekit.core.engine;

/** How long a user's event ids are remembered for duplicate detection. */
public enum DedupRetention {
    /**
     * Every accepted id, forever: exactly the specification's rule (a redelivery is a duplicate however
     * late it comes). Memory grows with the number of accepted events per user.
     */
    ALL,
    /**
     * Only ids of events that could still be accepted (event time at or after the user's latest time
     * minus the allowed lateness). Profiles are identical to {@link #ALL}, because an older redelivery
     * would be rejected as late anyway; the difference is that such a redelivery is counted as
     * {@link Outcome#LATE} instead of {@link Outcome#DUPLICATE}, and that an old id reused by an event
     * with a newer time is accepted. Memory is bounded by the events per user within the lateness.
     * Requires an allowed lateness in the schema.
     */
    WITHIN_LATENESS
}
