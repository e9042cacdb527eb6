package dev.profilekit.core.engine;

import dev.profilekit.core.engine.FeatureColumns.Column;
import dev.profilekit.core.engine.FeatureColumns.Type;
import dev.profilekit.core.schema.FeatureKind;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.features.streaming.BucketRing;
import java.util.List;

/**
 * {@code window_count} and {@code window_sum}: the slots of a {@link BucketRing} of epoch-aligned buckets, fed by the
 * constant 1 or a numeric field.
 */
final class WindowKind extends CompiledFeature {
    private final int at;
    private final int n;
    private final long width;
    private final boolean weighted;

    WindowKind(FeatureSpec f, Layout l) {
        super(f);
        n = f.buckets();
        width = f.window().toMillis() / n;
        at = l.values(BucketRing.slots(n));
        weighted = f.kind() == FeatureKind.WINDOW_SUM;
    }

    @Override
    void init(ProfileState s) {
        BucketRing.init(s.page, s.base + at, n);
    }

    @Override
    boolean canOverflow() {
        return true;
    }

    @Override
    void compile(UpdatePlan.Builder b) {
        b.numeric(weighted ? spec.field() : null).ring(at, n, width);
    }

    /** A window sum whose buckets overflow when summed as of {@code asOf} reads as null (not Infinity). */
    @Override
    Object value(ProfileState s, long asOf) {
        double v = numeric(s, asOf);
        if (!Double.isFinite(v)) {
            return null;
        }
        return weighted ? (Object) v : (Object) Math.round(v);
    }

    @Override
    double numeric(ProfileState s, long asOf) {
        return BucketRing.sum(s.page, s.base + at, n, Math.floorDiv(asOf, width));
    }

    @Override
    List<Column> columns() {
        return one(weighted ? Type.NUMBER : Type.INTEGER);
    }
}
