package dev.profilekit.features.transform;

/** What {@link OneHotEncoder#transform} does with a category it did not see at fit time. */
public enum UnseenPolicy {
    /** Fail with an IllegalArgumentException naming the column, row and value. */
    ERROR,
    /** Encode the column as all zeros. */
    IGNORE,
    /** Set an extra per-column {@code <name>=__other__} indicator (added at fit time). */
    OTHER
}
