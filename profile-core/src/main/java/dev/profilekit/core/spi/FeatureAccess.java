package dev.profilekit.core.spi;

/**
 * The compiled schema as the live models see it: readers for features by name and the small integer ids
 * that event types are resolved to on the hot path. Implemented by the engine.
 */
public interface FeatureAccess {

    /** The reader of feature {@code name}, or null when the schema has no such feature. */
    FeatureReader reader(String name);

    /** The id of an event type ({@code 0} for a type neither the schema nor the models name). */
    int typeId(String type);

    /** Allowed lateness in ms, or -1 when the schema sets none. */
    long latenessMs();
}
