package dev.profilekit.core.engine;

import dev.profilekit.core.engine.FeatureColumns.Column;
import dev.profilekit.core.engine.FeatureColumns.Type;
import dev.profilekit.core.schema.FeatureSpec;
import java.util.List;

/** {@code first_seen}: one value slot holding the earliest matching time, epoch ms. */
final class FirstSeenKind extends CompiledFeature {
    private final int at;

    FirstSeenKind(FeatureSpec f, Layout l) {
        super(f);
        at = l.values(1);
    }

    @Override
    void init(ProfileState s) {
        s.page[s.base + at] = Double.POSITIVE_INFINITY;
    }

    @Override
    void compile(UpdatePlan.Builder b) {
        b.earliestTime(at);
    }

    @Override
    Object value(ProfileState s, long asOf) {
        double t = s.page[s.base + at];
        return t == Double.POSITIVE_INFINITY ? null : (Object) (long) t;
    }

    @Override
    double numeric(ProfileState s, long asOf) {
        double t = s.page[s.base + at];
        return t == Double.POSITIVE_INFINITY ? Double.NaN : t;
    }

    @Override
    List<Column> columns() {
        return one(Type.INTEGER);
    }
}
