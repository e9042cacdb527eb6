package dev.profilekit.core.engine;

import dev.profilekit.core.engine.FeatureColumns.Column;
import dev.profilekit.core.engine.FeatureColumns.Type;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import java.util.List;

/** {@code last_value}: a value slot for the latest time and an object slot for the string seen then. */
final class LastValueKind extends CompiledFeature {
    private final int time;
    private final int value;

    LastValueKind(FeatureSpec f, Layout l) {
        super(f);
        time = l.values(1);
        value = l.objects(1);
    }

    @Override
    void init(ProfileState s) {
        s.page[s.base + time] = Double.NEGATIVE_INFINITY;
    }

    @Override
    void compile(UpdatePlan.Builder b) {
        b.string(spec.field()).lastValue(time, value);
    }

    @Override
    Object value(ProfileState s, long asOf) {
        return s.objects[value];
    }

    @Override
    String string(ProfileState s) {
        return (String) s.objects[value];
    }

    @Override
    int objectSlot() {
        return value;
    }

    @Override
    void encodeObject(Object o, ByteWriter w) {
        w.string((String) o);
    }

    @Override
    Object decodeObject(ByteReader r) {
        return r.string();
    }

    @Override
    List<Column> columns() {
        return one(Type.STRING);
    }
}
