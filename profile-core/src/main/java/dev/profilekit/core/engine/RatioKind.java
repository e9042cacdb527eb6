package dev.profilekit.core.engine;

import dev.profilekit.core.engine.FeatureColumns.Column;
import dev.profilekit.core.engine.FeatureColumns.Type;
import dev.profilekit.core.schema.FeatureSpec;
import java.util.List;
import java.util.function.Function;

/** {@code ratio}: no slots of its own; one feature divided by another, computed on read. */
final class RatioKind extends CompiledFeature {
    private CompiledFeature num;
    private CompiledFeature den;

    RatioKind(FeatureSpec f, Layout l) {
        super(f);
    }

    @Override
    void link(Function<String, CompiledFeature> byName) {
        num = byName.apply(spec.numerator());
        den = byName.apply(spec.denominator());
    }

    /** The ratio changes whenever an operand does. */
    @Override
    List<CompiledFeature> operands() {
        return List.of(num, den);
    }

    /** An event that makes the ratio infinite as of its own time is still rejected ({@code OVERFLOW}). */
    @Override
    boolean overflowed(ProfileState s, long asOf) {
        return Double.isInfinite(quotient(s, asOf)); // NaN is a missing ratio (0 or null denominator)
    }

    @Override
    void compile(UpdatePlan.Builder b) {
        // computed on read
    }

    @Override
    Object value(ProfileState s, long asOf) {
        double d = numeric(s, asOf);
        return d == d ? (Object) d : null;
    }

    /** The ratio as of {@code asOf}; NaN (null) when an operand is null, the denominator 0 or the quotient not finite. */
    @Override
    double numeric(ProfileState s, long asOf) {
        return CompiledSchema.finiteOrMissing(quotient(s, asOf));
    }

    /**
     * The operands' values as read (a decayed operand may have underflowed to a subnormal or 0) divided; NaN
     * when an operand is null or the denominator 0, and possibly infinite.
     */
    private double quotient(ProfileState s, long asOf) {
        double a = num.numeric(s, asOf);
        double b = den.numeric(s, asOf);
        return a != a || b != b || b == 0.0 ? Double.NaN : a / b;
    }

    @Override
    List<Column> columns() {
        return one(Type.NUMBER);
    }
}
