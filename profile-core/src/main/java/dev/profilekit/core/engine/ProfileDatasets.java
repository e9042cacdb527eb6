package dev.profilekit.core.engine;

import dev.profilekit.core.live.VectorPipeline;
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

    /**
     * The raw vectors of a {@link VectorPipeline} for every user as of {@code asOfMs}: one row per user (sorted,
     * as {@link ProfileUpdater#users()}), the pipeline's columns, NaN for a missing value the pipeline imputes by
     * the mean. The rows are read exactly as the live models read them (the same {@link VectorPipeline.Bound}
     * over the same per-user state), so a model fitted on them can be swapped into the updater's live models:
     * {@code fitted = pipeline.fit(data)}, model inputs
     * {@code fitted.transform(data.toArray())}. O(users × columns).
     *
     * @throws IllegalArgumentException if an argument is null, the pipeline's inputs do not fit the updater's
     *                                  schema, or {@code asOfMs} is before some user's latest event
     */
    public static Dataset vectors(ProfileUpdater updater, VectorPipeline pipeline, long asOfMs) {
        if (updater == null) {
            throw new IllegalArgumentException("updater must not be null");
        }
        if (pipeline == null) {
            throw new IllegalArgumentException("pipeline must not be null");
        }
        VectorPipeline.Bound bound = pipeline.bind(updater.compiled);
        Dataset.Builder b = Dataset.builder(bound.columns().toArray(new String[0]));
        double[] row = new double[bound.dimension()];
        for (String user : updater.users()) {
            ProfileState s = updater.state(user);
            synchronized (s) {
                if (asOfMs < s.maxApplied) {
                    throw new IllegalArgumentException("asOfMs " + asOfMs + " is before the latest event of user '"
                            + user + "' (" + s.maxApplied + "); vectors can be read only at or after it");
                }
                bound.raw(s, asOfMs, row);
            }
            b.addRow(row);
        }
        return b.build();
    }
}
