package dev.profilekit.flink;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * What the profile operator emits for one key at the end of a bounded input: the user's encoded state (the
 * engine's state codec; null when the user has none: forgotten, expired, or only rejected records) and the
 * key's outcome counts.
 *
 * @param key       the user key, or {@link Routed#NO_USER} for the counts of records that belong to no user
 * @param state     the encoded state ({@code ProfileKernel.encode}), or null
 * @param accepted  accepted events
 * @param duplicate duplicate events
 * @param late      late events
 * @param rejected  rejected lines and events
 * @param forgotten events dropped because their user was on the forget list
 */
public record FinalState(String key, byte[] state, long accepted, long duplicate, long late, long rejected,
                         long forgotten) {

    /**
     * The key of the live models' final state ({@link ModelTrainer}): its {@code state} is a part of the trainer's
     * encoded state, {@code accepted} the part's index and {@code duplicate} the number of parts (the other
     * counts are 0). Blank, so no user key (never blank) is it.
     */
    public static final String MODELS_KEY = " ";

    /** Part {@code index} of {@code parts} of the trainer's encoded state (see {@link #MODELS_KEY}). */
    static FinalState modelsPart(byte[] bytes, int index, int parts) {
        return new FinalState(MODELS_KEY, bytes, index, parts, 0, 0, 0);
    }

    /** Type information with {@link Serializer}. */
    public static final TypeInformation<FinalState> TYPE = new SerializerTypeInfo<>(FinalState.class, Serializer.INSTANCE);

    /** The serializer of final states. */
    public static final class Serializer extends TypeSerializerSingleton<FinalState> {
        private static final long serialVersionUID = 1L;

        /** The one instance. */
        public static final Serializer INSTANCE = new Serializer();

        @Override
        public boolean isImmutableType() {
            return true;
        }

        @Override
        public FinalState createInstance() {
            return new FinalState(Routed.NO_USER, null, 0, 0, 0, 0, 0);
        }

        @Override
        public FinalState copy(FinalState from) {
            return from;
        }

        @Override
        public FinalState copy(FinalState from, FinalState reuse) {
            return from;
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(FinalState s, DataOutputView out) throws IOException {
            StringValue.writeString(s.key, out);
            if (s.state == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(s.state.length);
                out.write(s.state);
            }
            out.writeLong(s.accepted);
            out.writeLong(s.duplicate);
            out.writeLong(s.late);
            out.writeLong(s.rejected);
            out.writeLong(s.forgotten);
        }

        @Override
        public FinalState deserialize(DataInputView in) throws IOException {
            String key = StringValue.readString(in);
            int n = in.readInt();
            byte[] state = null;
            if (n >= 0) {
                state = new byte[n];
                in.readFully(state);
            }
            return new FinalState(key, state, in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                    in.readLong());
        }

        @Override
        public FinalState deserialize(FinalState reuse, DataInputView in) throws IOException {
            return deserialize(in);
        }

        @Override
        public void copy(DataInputView in, DataOutputView out) throws IOException {
            serialize(deserialize(in), out);
        }

        @Override
        public TypeSerializerSnapshot<FinalState> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    /** The serializer's snapshot (it has no configuration). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<FinalState> {
        /** For Flink's reflective instantiation. */
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
