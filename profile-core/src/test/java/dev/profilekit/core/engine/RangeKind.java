package dev.profilekit.core.engine;

import dev.profilekit.core.engine.FeatureColumns.Column;
import dev.profilekit.core.engine.FeatureColumns.Type;
import dev.profilekit.core.schema.FeatureSpec;
import java.util.List;

/**
 * A test-only feature kind with a structured value, written as a new kind would be: the smallest and largest value
 * of a numeric field, in two value slots, read as a {@link PartsValue} with parts {@code min} and {@code max}, so
 * that profile JSON, CSV output and {@link Profile#get(String)} handle it with no change.
 */
final class RangeKind extends CompiledFeature {
    private final int at;

    RangeKind(FeatureSpec f, Layout l) {
        super(f);
        at = l.values(2);
    }

    /** The value: null before the first number. */
    record Range(double min, double max) implements PartsValue {
        @Override
        public List<String> parts() {
            return List.of("min", "max");
        }

        @Override
        public Object part(String name) {
            return switch (name) {
                case "min" -> min;
                case "max" -> max;
                default -> throw new IllegalArgumentException("no part " + name);
            };
        }
    }

    @Override
    void init(ProfileState s) {
        s.page[s.base + at] = Double.POSITIVE_INFINITY;
        s.page[s.base + at + 1] = Double.NEGATIVE_INFINITY;
    }

    @Override
    void compile(UpdatePlan.Builder b) {
        int min = at;
        int max = at + 1;
        b.numeric(spec.field()).op((v, base, t, x) -> {
            v[base + min] = Math.min(v[base + min], x);
            v[base + max] = Math.max(v[base + max], x);
        });
    }

    @Override
    Object value(ProfileState s, long asOf) {
        double min = s.page[s.base + at];
        return min == Double.POSITIVE_INFINITY ? null : new Range(min, s.page[s.base + at + 1]);
    }

    @Override
    List<Column> columns() {
        return partColumns(List.of("min", "max"), p -> Type.NUMBER);
    }

    @Override
    void cells(Object value, Object[] out, int from) {
        partCells(value, out, from);
    }
}
