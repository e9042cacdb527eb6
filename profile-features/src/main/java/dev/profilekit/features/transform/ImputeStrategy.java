package dev.profilekit.features.transform;

/** How {@link Imputer} chooses the fill value of a column from its non-missing values. */
public enum ImputeStrategy {
    /** The mean of the non-missing values. */
    MEAN,
    /** The median of the non-missing values (the mean of the two middle values for an even count). */
    MEDIAN,
    /** The most frequent non-missing value; the smallest such value on ties (as scikit-learn). */
    MOST_FREQUENT,
    /** A constant given at fit time, whatever the data. */
    CONSTANT
}
