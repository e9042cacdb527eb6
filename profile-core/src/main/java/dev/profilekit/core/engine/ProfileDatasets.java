package dev.profilekit.core.engine;

import dev.profilekit.features.transform.Dataset;
import java.util.List;

/**
 * Turns profiles into a {@link Dataset} for the batch transforms and models: one row per user (sorted by
 * user, the order of {@link ProfileUpdater#users()}), one column per named value. A column is a numeric
 * feature or a part written {@code feature.part} ({@code order_value.mean}, {@code sessions.count}); a null
 * value (no purchase yet, no session) becomes NaN, the Dataset's missing value.
 */
public final class ProfileDatasets {

    private ProfileDatasets() {
    }

    /**
     * The named values of every user's profile as of {@code asOfMs}.
     *
     * @throws IllegalArgumentException if a column names no numeric feature or part, or {@code asOfMs} is
     *                                  before some user's latest event
     */
    public static Dataset of(ProfileUpdater updater, List<String> columns, long asOfMs) {
        if (updater == null) {
            throw new IllegalArgumentException("updater must not be null");
        }
        if (columns == null || columns.isEmpty()) {
            throw new IllegalArgumentException("columns must name at least one feature");
        }
        Dataset.Builder b = Dataset.builder(columns.toArray(new String[0]));
        double[] row = new double[columns.size()];
        for (String user : updater.users()) {
            Profile p = updater.profile(user, asOfMs);
            for (int j = 0; j < row.length; j++) {
                row[j] = p.getDouble(columns.get(j));
            }
            b.addRow(row);
        }
        return b.build();
    }
}
