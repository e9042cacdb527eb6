package dev.profilekit.core.engine;

import dev.profilekit.core.engine.FeatureColumns.Column;
import dev.profilekit.core.engine.FeatureColumns.Type;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import dev.profilekit.features.streaming.DistinctCounter;
import java.util.List;

/**
 * {@code distinct_count}: an object slot holding a {@link DistinctCounter} of a string field (its values as
 * dictionary codes in an updater's profiles).
 */
final class DistinctKind extends CompiledFeature {
    private final int at;

    DistinctKind(FeatureSpec f, Layout l) {
        super(f);
        at = l.objects(1);
    }

    @Override
    void compile(UpdatePlan.Builder b) {
        b.string(spec.field()).distinct(at);
    }

    @Override
    Object value(ProfileState s, long asOf) {
        DistinctCounter c = (DistinctCounter) s.objects[at];
        return c == null ? 0L : c.count();
    }

    @Override
    double numeric(ProfileState s, long asOf) {
        DistinctCounter c = (DistinctCounter) s.objects[at];
        return c == null ? 0.0 : c.count();
    }

    @Override
    int objectSlot() {
        return at;
    }

    @Override
    void encodeObject(Object o, ByteWriter w) {
        ((DistinctCounter) o).encode(w);
    }

    @Override
    Object decodeObject(ByteReader r) {
        return DistinctCounter.decode(r, DistinctCounter.DEFAULT_EXACT_LIMIT);
    }

    @Override
    boolean codesStrings() {
        return true;
    }

    @Override
    List<Column> columns() {
        return one(Type.INTEGER);
    }
}
