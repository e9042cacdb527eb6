package dev.profilekit.core.engine;

import dev.profilekit.core.engine.FeatureColumns.Column;
import dev.profilekit.core.engine.FeatureColumns.Type;
import dev.profilekit.core.schema.FeatureSpec;
import java.util.List;

/**
 * A test-only feature kind, written as a new kind would be: the largest value of a numeric field, in one value slot,
 * updated by its own {@link UpdatePlan.NumericOp} (restored with the fused kernels when an event fails).
 */
final class MaxValueKind extends CompiledFeature {
    private final int at;

    MaxValueKind(FeatureSpec f, Layout l) {
        super(f);
        at = l.values(1);
    }

    @Override
    void init(ProfileState s) {
        s.page[s.base + at] = Double.NEGATIVE_INFINITY;
    }

    @Override
    void compile(UpdatePlan.Builder b) {
        int slot = at;
        b.numeric(spec.field()).op((v, base, t, x) -> v[base + slot] = Math.max(v[base + slot], x));
    }

    @Override
    Object value(ProfileState s, long asOf) {
        double v = numeric(s, asOf);
        return v == v ? (Object) v : null;
    }

    @Override
    double numeric(ProfileState s, long asOf) {
        double v = s.page[s.base + at];
        return v == Double.NEGATIVE_INFINITY ? Double.NaN : v;
    }

    @Override
    List<Column> columns() {
        return one(Type.NUMBER);
    }
}
