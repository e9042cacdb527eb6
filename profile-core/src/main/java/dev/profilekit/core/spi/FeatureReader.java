package dev.profilekit.core.spi;

import dev.profilekit.core.schema.FeatureSpec;

/**
 * Reads one compiled feature (or one part of one, such as {@code order_value.mean}) from a user's state
 * without building a profile object: the input side of the vector pipeline. Obtained from
 * {@link FeatureAccess#reader(String)}; reads allocate nothing. Callers hold the user's lock.
 */
public interface FeatureReader {

    /** The feature this reads. */
    FeatureSpec spec();

    /** The part read ({@code "mean"}, {@code "count"}, ...), or null for the whole feature. */
    String part();

    /** The numeric value as of {@code asOf}; NaN when the value is null or not numeric. */
    double numeric(UserView user, long asOf);

    /**
     * The string value (a {@code last_value}, or the leading value of a {@code top_k}), or null.
     *
     * @throws IllegalStateException for a feature kind that has no string value
     */
    String string(UserView user);

    /**
     * A reader of one part of this feature.
     *
     * @return the reader, or null when this feature kind has no part {@code part}
     */
    FeatureReader part(String part);
}
