package dev.profilekit.core.live;

import dev.profilekit.core.schema.FeatureKind;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a profile's state into a feature vector, as declared by a list of {@link ModelsConfig.Input}s:
 * numeric features and components ({@code order_value.mean}) give one column each (capped if asked);
 * {@code top_k} (its leading value) and {@code last_value} give a one-hot block over a declared vocabulary
 * plus an "other" column, or a block of hashed buckets. Missing numeric values are written as NaN
 * ({@link ModelsConfig.Missing#MEAN}, imputed by the model's scaler) or 0 ({@link ModelsConfig.Missing#ZERO});
 * a capped input's missing value is its cap. Vectorising reads the state directly: no profile object, no
 * allocation. Immutable.
 */
final class FeatureVectorizer {

    private final Column[] columns;
    private final List<String> names;
    private final int dimension;

    FeatureVectorizer(FeatureAccess schema, List<ModelsConfig.Input> inputs, String where) {
        List<Column> cols = new ArrayList<>();
        List<String> n = new ArrayList<>();
        int at = 0;
        for (int i = 0; i < inputs.size(); i++) {
            ModelsConfig.Input in = inputs.get(i);
            String key = where + ".features[" + i + "]";
            FeatureReader slot = schema.reader(in.name());
            boolean part = false;
            if (slot == null) {
                int dot = in.name().lastIndexOf('.');
                FeatureReader whole = dot > 0 ? schema.reader(in.name().substring(0, dot)) : null;
                if (whole == null) {
                    throw new IllegalArgumentException(key + ": '" + in.name() + "' is not a feature of the schema");
                }
                slot = whole.part(in.name().substring(dot + 1));
                if (slot == null) {
                    throw new IllegalArgumentException(key + ": '" + in.name() + "' names no component of "
                            + whole.spec().kind().jsonName() + " feature '" + whole.spec().name() + "'");
                }
                part = true;
            }
            FeatureKind kind = slot.spec().kind();
            if (kind == FeatureKind.TOP_K || kind == FeatureKind.LAST_VALUE) {
                int width = in.values().isEmpty() ? in.buckets() : in.values().size() + 1;
                cols.add(new Column(slot, at, width, in));
                if (in.values().isEmpty()) {
                    for (int b = 0; b < width; b++) {
                        n.add(in.name() + "#" + b);
                    }
                } else {
                    for (String v : in.values()) {
                        n.add(in.name() + "=" + v);
                    }
                    n.add(in.name() + "=other");
                }
                at += width;
            } else {
                if (!part && (kind == FeatureKind.STATS || kind == FeatureKind.SESSIONS)) {
                    throw new IllegalArgumentException(key + ": '" + in.name() + "' is a " + kind.jsonName()
                            + " feature; name one of its parts, e.g. '" + in.name()
                            + (kind == FeatureKind.STATS ? ".mean'" : ".count'"));
                }
                cols.add(new Column(slot, at, 1, in));
                n.add(in.name());
                at++;
            }
        }
        this.columns = cols.toArray(new Column[0]);
        this.names = List.copyOf(n);
        this.dimension = at;
    }

    int dimension() {
        return dimension;
    }

    List<String> names() {
        return names;
    }

    /** Writes the vector of {@code s} as of {@code asOf} into {@code out[0..dimension)}. Caller holds the lock. */
    void vectorize(UserView s, long asOf, double[] out) {
        for (Column c : columns) {
            c.write(s, asOf, out);
        }
    }

    private record Column(FeatureReader slot, int at, int width, ModelsConfig.Input input) {
        void write(UserView s, long asOf, double[] out) {
            if (width > 1 || input.values().size() > 0 || slot.spec().kind() == FeatureKind.TOP_K
                    || slot.spec().kind() == FeatureKind.LAST_VALUE) {
                for (int b = 0; b < width; b++) {
                    out[at + b] = 0.0;
                }
                String v = slot.string(s);
                if (v == null) {
                    return;
                }
                int index;
                if (input.values().isEmpty()) {
                    index = Math.floorMod(v.hashCode(), width);
                } else {
                    index = input.values().indexOf(v);
                    if (index < 0) {
                        index = width - 1;
                    }
                }
                out[at + index] = 1.0;
                return;
            }
            double x = slot.numeric(s, asOf);
            double cap = input.cap();
            if (cap == cap) {
                x = x != x ? cap : Math.min(x, cap);
            } else if (x != x && input.missing() == ModelsConfig.Missing.ZERO) {
                x = 0.0;
            }
            out[at] = x;
        }
    }
}
