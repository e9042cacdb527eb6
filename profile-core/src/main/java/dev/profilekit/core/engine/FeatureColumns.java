package dev.profilekit.core.engine;

import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * The flat output columns of a schema's features, for CSV and training rows, as each feature kind declares them:
 * a scalar feature is one column named as the feature; {@code stats} gives {@code name.count}, {@code name.mean},
 * {@code name.std}, {@code name.min}, {@code name.max}; {@code sessions} gives {@code name.count},
 * {@code name.mean_duration_s}; {@code top_k} gives {@code name.1.value}, {@code name.1.weight}, ... up to
 * {@code name.k.weight} (rank order; empty cells past the values the user has).
 */
public final class FeatureColumns {

    /** The type of a column's cells. */
    public enum Type {
        /** A whole number ({@link Long}). */
        INTEGER,
        /** A double. */
        NUMBER,
        /** A string. */
        STRING
    }

    /**
     * One output column.
     *
     * @param name the column's name (the feature's name, or a dotted name under it)
     * @param type the type of its non-empty cells
     */
    public record Column(String name, Type type) {
    }

    private final CompiledFeature[] features;
    private final int[] widths;
    private final List<Column> columns;

    private FeatureColumns(ProfileSchema schema) {
        features = new CompiledFeature[schema.features().size()];
        widths = new int[features.length];
        List<Column> cols = new ArrayList<>();
        Layout scratch = new Layout();
        for (int i = 0; i < features.length; i++) {
            FeatureSpec f = schema.features().get(i);
            features[i] = FeatureKinds.STANDARD.compile(f, scratch);
            List<Column> own = features[i].columns();
            widths[i] = own.size();
            cols.addAll(own);
        }
        columns = List.copyOf(cols);
    }

    /** The columns of {@code schema}'s features, in schema order. */
    public static FeatureColumns of(ProfileSchema schema) {
        if (schema == null) {
            throw new IllegalArgumentException("schema must not be null");
        }
        return new FeatureColumns(schema);
    }

    /** Every column, in schema order. */
    public List<Column> columns() {
        return columns;
    }

    /**
     * The cells of {@code profile} (a profile of this schema) for {@link #columns()}, in order: a {@link Long},
     * {@link Double}, {@link String}, or null for an empty cell.
     */
    public Object[] cells(Profile profile) {
        Object[] out = new Object[columns.size()];
        int at = 0;
        for (int i = 0; i < features.length; i++) {
            features[i].cells(profile.get(features[i].spec.name()), out, at);
            at += widths[i];
        }
        return out;
    }
}
