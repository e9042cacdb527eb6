package dev.profilekit.core.engine;

import dev.profilekit.core.engine.FeatureColumns.Column;
import dev.profilekit.core.engine.FeatureColumns.Type;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import dev.profilekit.features.streaming.StringDictionary;
import java.util.List;

/**
 * {@code last_value}: a value slot for the latest time and an object slot for the string seen then. In an updater's
 * profiles that string is the {@link StringDictionary}'s canonical instance, with one reference per slot (a shared
 * instance instead of a copy per user); a string the dictionary refused is kept as it came.
 */
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
    boolean codesStrings() {
        return true;
    }

    @Override
    Object adopt(Object o, StringDictionary d) {
        int c = d.acquire((String) o);
        return c < 0 ? o : d.string(c);
    }

    @Override
    Object release(Object o, StringDictionary d) {
        drop(o, d);
        return new String((String) o); // not the canonical instance: the slot no longer holds a code
    }

    /** The string to keep for {@code x}: with a pinned code, the canonical instance with a reference of its own. */
    static String keep(String x, StringDictionary d, int pin) {
        if (pin < 0) {
            return x;
        }
        d.retain(pin);
        return d.string(pin);
    }

    /** Gives back the reference of a kept string {@code old} (null: none) when it is coded. */
    static void drop(Object old, StringDictionary d) {
        if (d != null && old != null) {
            int c = d.codeOfCanonical((String) old);
            if (c >= 0) {
                d.release(c);
            }
        }
    }

    @Override
    List<Column> columns() {
        return one(Type.STRING);
    }
}
