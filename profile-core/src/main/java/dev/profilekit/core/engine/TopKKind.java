package dev.profilekit.core.engine;

import dev.profilekit.core.engine.FeatureColumns.Column;
import dev.profilekit.core.engine.FeatureColumns.Type;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import dev.profilekit.features.streaming.TopKCounter;
import dev.profilekit.features.streaming.TopKCounter.WeightedValue;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code top_k}: an object slot holding a {@link TopKCounter} of a string field (plain or decayed counts), read as
 * the k heaviest values (its values as dictionary codes in an updater's profiles).
 */
final class TopKKind extends CompiledFeature {
    private final int at;
    /** The half-life in ms, 0 for plain counts. */
    private final long halfLifeMs;

    TopKKind(FeatureSpec f, Layout l) {
        super(f);
        at = l.objects(1);
        halfLifeMs = f.halfLife() == null ? 0L : f.halfLife().toMillis();
    }

    @Override
    void compile(UpdatePlan.Builder b) {
        b.string(spec.field()).topK(at, spec.capacity(), halfLifeMs);
    }

    @Override
    Object value(ProfileState s, long asOf) {
        TopKCounter c = (TopKCounter) s.objects[at];
        return c == null ? List.of() : List.copyOf(c.top(spec.k(), asOf));
    }

    @Override
    String string(ProfileState s) {
        TopKCounter c = (TopKCounter) s.objects[at];
        return c == null ? null : c.leading();
    }

    @Override
    int objectSlot() {
        return at;
    }

    @Override
    void encodeObject(Object o, ByteWriter w) {
        ((TopKCounter) o).encode(w);
    }

    @Override
    Object decodeObject(ByteReader r) {
        return TopKCounter.decode(r, spec.capacity(), halfLifeMs);
    }

    @Override
    boolean codesStrings() {
        return true;
    }

    /** {@code name.1.value}, {@code name.1.weight}, ... up to {@code name.k.weight}, in rank order. */
    @Override
    List<Column> columns() {
        List<Column> cols = new ArrayList<>(2 * spec.k());
        for (int i = 1; i <= spec.k(); i++) {
            cols.add(new Column(spec.name() + "." + i + ".value", Type.STRING));
            cols.add(new Column(spec.name() + "." + i + ".weight", Type.NUMBER));
        }
        return cols;
    }

    /** Empty cells past the values the user has. */
    @Override
    void cells(Object value, Object[] out, int from) {
        List<?> list = value == null ? List.of() : (List<?>) value;
        for (int i = 0; i < list.size() && i < spec.k(); i++) {
            WeightedValue wv = (WeightedValue) list.get(i);
            out[from + 2 * i] = wv.value();
            out[from + 2 * i + 1] = wv.weight();
        }
    }
}
