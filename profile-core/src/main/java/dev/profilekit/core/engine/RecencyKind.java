package dev.profilekit.core.engine;

import dev.profilekit.core.engine.FeatureColumns.Column;
import dev.profilekit.core.engine.FeatureColumns.Type;
import dev.profilekit.core.schema.FeatureSpec;
import java.util.List;

/** {@code recency}: one value slot holding the latest matching time; read as seconds since it. */
final class RecencyKind extends CompiledFeature {
    private final int at;

    RecencyKind(FeatureSpec f, Layout l) {
        super(f);
        at = l.values(1);
    }

    @Override
    void init(ProfileState s) {
        s.page[s.base + at] = Double.NEGATIVE_INFINITY;
    }

    @Override
    void compile(UpdatePlan.Builder b) {
        b.latestTime(at);
    }

    @Override
    Object value(ProfileState s, long asOf) {
        double v = numeric(s, asOf);
        return v == v ? (Object) v : null;
    }

    @Override
    double numeric(ProfileState s, long asOf) {
        double t = s.page[s.base + at];
        return t == Double.NEGATIVE_INFINITY ? Double.NaN : (asOf - (long) t) / 1000.0;
    }

    @Override
    List<Column> columns() {
        return one(Type.NUMBER);
    }
}
