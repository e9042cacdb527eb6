package dev.profilekit.core.engine;

import dev.profilekit.core.engine.FeatureColumns.Column;
import dev.profilekit.core.engine.FeatureColumns.Type;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import dev.profilekit.features.streaming.SessionTracker;
import java.util.List;

/**
 * {@code sessions}: an object slot holding a {@link SessionTracker}, read as a {@link SessionsValue} with the
 * components {@code count, mean_duration_s}.
 */
final class SessionsKind extends CompiledFeature {
    private final int at;
    private final long gap;

    SessionsKind(FeatureSpec f, Layout l) {
        super(f);
        at = l.objects(1);
        gap = f.gap().toMillis();
    }

    @Override
    void compile(UpdatePlan.Builder b) {
        b.sessions(at, gap);
    }

    @Override
    Object value(ProfileState s, long asOf) {
        SessionTracker t = (SessionTracker) s.objects[at];
        if (t == null || t.count() == 0) {
            return new SessionsValue(0, null);
        }
        return new SessionsValue(t.count(), t.totalDurationMs() / 1000.0 / t.count());
    }

    @Override
    int partIndex(String part) {
        return SessionsValue.PARTS.indexOf(part);
    }

    @Override
    double component(ProfileState s, long asOf, int part) {
        SessionTracker t = (SessionTracker) s.objects[at];
        long n = t == null ? 0 : t.count();
        if (part == 0) {
            return n;
        }
        return n == 0 ? Double.NaN : t.totalDurationMs() / 1000.0 / n;
    }

    @Override
    int objectSlot() {
        return at;
    }

    @Override
    void encodeObject(Object o, ByteWriter w) {
        ((SessionTracker) o).encode(w);
    }

    @Override
    Object decodeObject(ByteReader r) {
        return SessionTracker.decode(r, gap);
    }

    /** {@code name.count} (integer) and {@code name.mean_duration_s}. */
    @Override
    List<Column> columns() {
        return partColumns(SessionsValue.PARTS, p -> p.equals("count") ? Type.INTEGER : Type.NUMBER);
    }

    @Override
    void cells(Object value, Object[] out, int from) {
        partCells(value, out, from);
    }
}
