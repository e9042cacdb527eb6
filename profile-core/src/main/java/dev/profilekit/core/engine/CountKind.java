package dev.profilekit.core.engine;

import dev.profilekit.core.engine.FeatureColumns.Column;
import dev.profilekit.core.engine.FeatureColumns.Type;
import dev.profilekit.core.schema.FeatureSpec;
import java.util.List;

/** {@code count}: one value slot, the sum of the constant 1 (a {@link Long} on read). */
final class CountKind extends CompiledFeature {
    private final int at;

    CountKind(FeatureSpec f, Layout l) {
        super(f);
        at = l.values(1);
    }

    @Override
    void compile(UpdatePlan.Builder b) {
        b.numeric(null).sum(at);
    }

    @Override
    Object value(ProfileState s, long asOf) {
        return (long) s.page[s.base + at];
    }

    @Override
    double numeric(ProfileState s, long asOf) {
        return s.page[s.base + at];
    }

    @Override
    List<Column> columns() {
        return one(Type.INTEGER);
    }
}
