package dev.profilekit.core.engine;

import dev.profilekit.core.engine.FeatureColumns.Column;
import dev.profilekit.core.engine.FeatureColumns.Type;
import dev.profilekit.core.schema.FeatureKind;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.features.streaming.ExponentialDecay;
import java.util.List;

/**
 * {@code decayed_count} and {@code decayed_sum}: the slots of {@link ExponentialDecay}, fed by the constant 1 or a
 * numeric field.
 */
final class DecayedKind extends CompiledFeature {
    private final int at;
    private final double rate;
    private final boolean weighted;

    DecayedKind(FeatureSpec f, Layout l) {
        super(f);
        at = l.values(ExponentialDecay.SLOTS);
        rate = ExponentialDecay.rate(f.halfLife().toMillis());
        weighted = f.kind() == FeatureKind.DECAYED_SUM;
    }

    @Override
    void init(ProfileState s) {
        ExponentialDecay.init(s.page, s.base + at);
    }

    @Override
    boolean canOverflow() {
        return true;
    }

    /**
     * The stored value decays towards the read time ({@code asOf} is never before its reference time), so
     * the read is finite exactly when the stored value is: no {@code Math.exp} needed.
     */
    @Override
    boolean overflowed(ProfileState s, long asOf) {
        return !Double.isFinite(s.page[s.base + at]);
    }

    @Override
    void compile(UpdatePlan.Builder b) {
        b.numeric(weighted ? spec.field() : null).decayed(at, rate);
    }

    @Override
    Object value(ProfileState s, long asOf) {
        return numeric(s, asOf);
    }

    @Override
    double numeric(ProfileState s, long asOf) {
        return ExponentialDecay.valueAt(s.page, s.base + at, asOf, rate);
    }

    @Override
    List<Column> columns() {
        return one(Type.NUMBER);
    }
}
