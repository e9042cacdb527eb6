package dev.profilekit.core.engine;

import dev.profilekit.core.engine.FeatureColumns.Column;
import dev.profilekit.core.engine.FeatureColumns.Type;
import dev.profilekit.core.schema.FeatureSpec;
import java.util.List;

/** {@code sum}: one value slot, the sum of a numeric field. */
final class SumKind extends CompiledFeature {
    private final int at;

    SumKind(FeatureSpec f, Layout l) {
        super(f);
        at = l.values(1);
    }

    @Override
    boolean canOverflow() {
        return true;
    }

    @Override
    void compile(UpdatePlan.Builder b) {
        b.numeric(spec.field()).sum(at);
    }

    @Override
    Object value(ProfileState s, long asOf) {
        return s.page[s.base + at];
    }

    @Override
    double numeric(ProfileState s, long asOf) {
        return s.page[s.base + at];
    }

    @Override
    List<Column> columns() {
        return one(Type.NUMBER);
    }
}
