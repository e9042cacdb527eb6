package dev.profilekit.features.transform;

/** What a fitted {@link Scaler} does with a missing value (NaN) when it transforms a row. */
public enum MissingValues {
    /** NaN stays NaN (impute before or after scaling). */
    PROPAGATE,
    /**
     * NaN becomes the centre, i.e. 0 after scaling: for a z-score scaler this imputes the training mean. The
     * inverse of 0 is the centre again.
     */
    IMPUTE_CENTER
}
