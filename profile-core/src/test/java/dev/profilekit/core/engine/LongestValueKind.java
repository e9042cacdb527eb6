package dev.profilekit.core.engine;

import dev.profilekit.core.engine.FeatureColumns.Column;
import dev.profilekit.core.engine.FeatureColumns.Type;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import java.util.List;

/**
 * A test-only feature kind, written as a new kind would be: the longest value of a string field (the first one on
 * ties). It keeps the value in an object slot and its length in a value slot, updates them with its own
 * {@link UpdatePlan.StringOp}, encodes its object, and is output as two columns.
 */
final class LongestValueKind extends CompiledFeature {
    private final int length;
    private final int value;

    LongestValueKind(FeatureSpec f, Layout l) {
        super(f);
        length = l.values(1);
        value = l.objects(1);
    }

    @Override
    void compile(UpdatePlan.Builder b) {
        b.string(spec.field()).op(new UpdatePlan.StringOp() {
            @Override
            public void prepare(Object[] objects, String x) {
            }

            @Override
            public void commit(ProfileState s, long t, String x) {
                if (x.length() > s.page[s.base + length] || s.objects[value] == null) {
                    s.page[s.base + length] = x.length();
                    s.objects[value] = x;
                }
            }
        });
    }

    @Override
    Object value(ProfileState s, long asOf) {
        return s.objects[value];
    }

    @Override
    double numeric(ProfileState s, long asOf) {
        return s.objects[value] == null ? Double.NaN : s.page[s.base + length];
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
        return List.of(new Column(spec.name() + ".value", Type.STRING), new Column(spec.name() + ".length", Type.INTEGER));
    }

    @Override
    void cells(Object v, Object[] out, int from) {
        if (v instanceof String s) {
            out[from] = s;
            out[from + 1] = (long) s.length();
        }
    }
}
