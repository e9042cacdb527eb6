package dev.profilekit.core.engine;

import dev.profilekit.core.engine.FeatureColumns.Column;
import dev.profilekit.core.engine.FeatureColumns.Type;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.features.streaming.RunningMoments;
import java.util.List;

/**
 * {@code stats}: the slots of {@link RunningMoments} over a numeric field, read as a {@link StatsValue} with the
 * components {@code count, mean, std, min, max}.
 */
final class StatsKind extends CompiledFeature {
    private final int at;

    StatsKind(FeatureSpec f, Layout l) {
        super(f);
        at = l.values(RunningMoments.SLOTS);
    }

    @Override
    void init(ProfileState s) {
        RunningMoments.init(s.page, s.base + at);
    }

    @Override
    boolean canOverflow() {
        return true;
    }

    /** Mean, standard deviation (from M2), min and max are finite exactly when the stored moments are. */
    @Override
    boolean overflowed(ProfileState s, long asOf) {
        double[] v = s.page;
        int at = s.base + this.at;
        if (v[at] == 0) {
            return false; // no value yet (the event may lack the attribute): nothing to overflow
        }
        for (int i = 1; i < RunningMoments.SLOTS; i++) {
            if (!Double.isFinite(v[at + i])) {
                return true;
            }
        }
        return false;
    }

    @Override
    void compile(UpdatePlan.Builder b) {
        b.numeric(spec.field()).moments(at);
    }

    @Override
    Object value(ProfileState s, long asOf) {
        long n = RunningMoments.count(s.page, s.base + at);
        if (n == 0) {
            return null;
        }
        return new StatsValue(n, RunningMoments.mean(s.page, s.base + at), RunningMoments.populationStd(s.page, s.base + at),
                RunningMoments.min(s.page, s.base + at), RunningMoments.max(s.page, s.base + at));
    }

    @Override
    int partIndex(String part) {
        return StatsValue.PARTS.indexOf(part);
    }

    @Override
    double component(ProfileState s, long asOf, int part) {
        double n = s.page[s.base + at];
        return switch (part) {
            case 0 -> n;
            case 1 -> RunningMoments.mean(s.page, s.base + at);
            case 2 -> RunningMoments.populationStd(s.page, s.base + at);
            case 3 -> n == 0 ? Double.NaN : RunningMoments.min(s.page, s.base + at);
            default -> n == 0 ? Double.NaN : RunningMoments.max(s.page, s.base + at);
        };
    }

    /** {@code name.count} (integer), then {@code name.mean, .std, .min, .max}. */
    @Override
    List<Column> columns() {
        return partColumns(StatsValue.PARTS, p -> p.equals("count") ? Type.INTEGER : Type.NUMBER);
    }

    @Override
    void cells(Object value, Object[] out, int from) {
        partCells(value, out, from);
    }
}
