package dev.profilekit.flink;

import dev.profilekit.core.engine.Event;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The wire format of {@link Routed} records between Flink tasks: kind, then for events id, user, type, time and
 * the attributes (each a string, a double or a boolean). Events are rebuilt through {@link Event#builder}, which
 * validates them again; for other records the key.
 */
public final class RoutedSerializer extends TypeSerializerSingleton<Routed> {

    private static final long serialVersionUID = 1L;

    /** The one instance. */
    public static final RoutedSerializer INSTANCE = new RoutedSerializer();

    /** Type information that uses this serializer. */
    public static final TypeInformation<Routed> TYPE = new SerializerTypeInfo<>(Routed.class, INSTANCE);

    private static final Routed.Kind[] KINDS = Routed.Kind.values();

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public Routed createInstance() {
        return Routed.rejected();
    }

    @Override
    public Routed copy(Routed from) {
        return from;
    }

    @Override
    public Routed copy(Routed from, Routed reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Routed r, DataOutputView out) throws IOException {
        out.writeByte(r.kind().ordinal());
        switch (r.kind()) {
            case EVENT -> {
                Event e = r.event();
                StringValue.writeString(e.id(), out);
                StringValue.writeString(e.user(), out);
                StringValue.writeString(e.type(), out);
                out.writeLong(e.timestamp());
                Map<String, Object> attrs = e.attrs();
                out.writeInt(attrs.size());
                for (Map.Entry<String, Object> a : attrs.entrySet()) {
                    StringValue.writeString(a.getKey(), out);
                    Object v = a.getValue();
                    if (v instanceof String s) {
                        out.writeByte(0);
                        StringValue.writeString(s, out);
                    } else if (v instanceof Double d) {
                        out.writeByte(1);
                        out.writeDouble(d);
                    } else if (v instanceof Boolean b) {
                        out.writeByte(2);
                        out.writeBoolean(b);
                    } else {
                        throw new IOException("attribute '" + a.getKey() + "' of event '" + e.id()
                                + "' has a value of type " + v.getClass().getName());
                    }
                }
            }
            default -> StringValue.writeString(r.key(), out); // a mark's key may be another blank than NO_USER
        }
    }

    @Override
    public Routed deserialize(DataInputView in) throws IOException {
        int k = in.readByte();
        if (k < 0 || k >= KINDS.length) {
            throw new IOException("unknown routed record kind " + k);
        }
        Routed.Kind kind = KINDS[k];
        switch (kind) {
            case EVENT -> {
                String id = StringValue.readString(in);
                String user = StringValue.readString(in);
                String type = StringValue.readString(in);
                long ts = in.readLong();
                int n = in.readInt();
                Map<String, Object> attrs = new HashMap<>(Math.max(4, n * 2));
                for (int i = 0; i < n; i++) {
                    String name = StringValue.readString(in);
                    int tag = in.readByte();
                    switch (tag) {
                        case 0 -> attrs.put(name, StringValue.readString(in));
                        case 1 -> attrs.put(name, in.readDouble());
                        case 2 -> attrs.put(name, in.readBoolean());
                        default -> throw new IOException("unknown attribute tag " + tag + " of '" + name + "'");
                    }
                }
                return Routed.event(Event.builder(id, user, type, ts).attrs(attrs).build());
            }
            default -> {
                return Routed.of(kind, StringValue.readString(in), null);
            }
        }
    }

    @Override
    public Routed deserialize(Routed reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<Routed> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer's snapshot (it has no configuration). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Routed> {
        /** For Flink's reflective instantiation. */
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
