package dev.profilekit.report;

import java.util.List;

/**
 * The unit and definition of each column the report's sections show, as the {@link FeatureGlossary} (the one source
 * of definitions and units, which the charts use too) gives them. Columns are named as in {@link ProfileColumns}:
 * a scalar feature by its name, a part of a {@code stats} or {@code sessions} feature as {@code name.part}, a
 * {@code top_k} by its name (its leading value).
 */
final class FeatureDefinitions {

    /**
     * The unit (empty when a value is shown as it is) and the definition of one column; {@code cumulative} when it
     * only grows with the length of a user's history ({@link FeatureGlossary#cumulative}); {@code divisor}: profile
     * values per unit shown (86,400 for a recency held in seconds and shown in days).
     */
    record Definition(String unit, String text, boolean cumulative, double divisor) {
        /** A profile value in the unit shown. */
        double shown(double profileValue) {
            return profileValue / divisor;
        }
    }

    private final FeatureGlossary glossary;

    FeatureDefinitions(FeatureGlossary glossary) {
        this.glossary = glossary;
    }

    /** The schema's feature names in schema order (empty without a schema). */
    List<String> order() {
        return glossary.order();
    }

    /** The definition of a column, or null when the glossary has none for it (or no schema was given). */
    Definition get(String column) {
        return get(column, Double.POSITIVE_INFINITY);
    }

    /**
     * As {@link #get(String)}, a time in seconds shown in minutes, hours or days as suits {@code typicalSeconds}
     * (e.g. the column's median), as the charts choose it.
     */
    Definition get(String column, double typicalSeconds) {
        FeatureGlossary.Entry e = glossary.entry(column, typicalSeconds);
        if (e.definition().isEmpty()) {
            return null;
        }
        return new Definition(e.unit(), e.definition(), glossary.cumulative(column), e.divisor());
    }
}
