package dev.profilekit.features.transform;

import dev.profilekit.features.Checks;

/**
 * An outlier rule for {@link OutlierClipper}: Tukey's fences {@code [Q1 - k IQR, Q3 + k IQR]} (quartiles by
 * numpy's linear rule; Tukey 1977, k = 1.5 customary) or z-score bounds {@code mean +- z * std}
 * (population std).
 *
 * @param kind       which rule
 * @param multiplier k for IQR, z for z-score; finite and > 0
 */
public record ClipRule(Kind kind, double multiplier) {

    /** The two rules. */
    public enum Kind {
        /** Tukey's fences on the interquartile range. */
        IQR,
        /** Mean plus or minus a multiple of the population standard deviation. */
        Z_SCORE
    }

    /** Validates the multiplier. */
    public ClipRule {
        Checks.requireNonNull(kind, "kind");
        Checks.requirePositive(multiplier, "multiplier");
    }

    /** Tukey's fences with multiplier {@code k} (1.5 is customary). */
    public static ClipRule iqr(double k) {
        return new ClipRule(Kind.IQR, k);
    }

    /** Bounds at {@code z} population standard deviations around the mean (3 is customary). */
    public static ClipRule zScore(double z) {
        return new ClipRule(Kind.Z_SCORE, z);
    }
}
