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
 * What the profile operator tells the live models about one accepted event: to the trainer
 * ({@link ProfileFunction#TRAINING}) the steps of the propensity model's sampling and labelling and the segments'
 * samples, in the order the embedded engine takes them for the event; to the scorer ({@link ProfileFunction#SCORING})
 * the user's vectors with the profile line to score.
 *
 * @param kind    what the record is
 * @param user      the user key (empty for {@link Kind#TICK})
 * @param time      the time of the event that made the record (epoch ms)
 * @param vector    the user's raw model input vector ({@link Kind#SAMPLE}, {@link Kind#SEGMENT_SAMPLE},
 *                  {@link Kind#SCORE}), else null
 * @param line      the profile line to score ({@link Kind#SCORE}), the item of an {@link Kind#OBSERVE}, else null
 * @param sender    the index of the keyed operator instance that sent it
 * @param senders   the number of those instances (its parallelism)
 */
public record ModelRecord(Kind kind, String user, long time, double[] vector, String line, int sender,
                          int senders) {

    /** A record of the only instance (parallelism 1). */
    public ModelRecord(Kind kind, String user, long time, double[] vector, String line) {
        this(kind, user, time, vector, line, 0, 1);
    }

    /** What a record is. */
    public enum Kind {
        /** The user has an accepted label-type event at {@code time}: pending examples it falls after may turn 1. */
        LABEL,
        /** An example of the user sampled at {@code time} with {@code vector}, waiting for its label. */
        SAMPLE,
        /** Event time reached {@code time} (the embedded engine's step of label-0 resolution). */
        TICK,
        /** The user was forgotten: their pending and stored examples go. */
        FORGET,
        /** Score {@code vector} with the current version and add the scores to {@code line}. */
        SCORE,
        /** A segments sample of the user at {@code time} with {@code vector} (the segments' raw vector). */
        SEGMENT_SAMPLE,
        /**
         * An applied event the forecast or the recommender observes ({@link #observe}): its type id and whether it
         * is the user's latest event in {@code vector}, its item (or null) in {@code line}.
         */
        OBSERVE,
        /**
         * The user's profile expired (TTL) and starts again at {@code time}: the models forget the user's examples
         * and per-user state, as the embedded engine's reset of an expired state does; the user stays counted.
         */
        EXPIRE,
        /** The user has a profile from {@code time} on: the forecast pools over the users counted so. */
        USER
    }

    /**
     * An {@link Kind#OBSERVE} record: the user's applied event of type {@code typeId} at {@code time}.
     *
     * @param latest whether the event is the user's latest (the recommender evaluates only then)
     * @param item   the event's item ({@code item_field}), or null
     */
    static ModelRecord observe(String user, long time, int typeId, boolean latest, String item, int sender,
                               int senders) {
        return new ModelRecord(Kind.OBSERVE, user, time, new double[] {typeId, latest ? 1 : 0}, item, sender,
                senders);
    }

    /** The event type id of an {@link Kind#OBSERVE} record. */
    int typeId() {
        return (int) vector[0];
    }

    /** Whether an {@link Kind#OBSERVE} record's event is its user's latest. */
    boolean latest() {
        return vector[1] != 0;
    }

    /** Type information with {@link Serializer}. */
    public static final TypeInformation<ModelRecord> TYPE = new SerializerTypeInfo<>(ModelRecord.class,
            Serializer.INSTANCE);

    /** The serializer of model records. */
    public static final class Serializer extends TypeSerializerSingleton<ModelRecord> {
        private static final long serialVersionUID = 1L;

        /** The one instance. */
        public static final Serializer INSTANCE = new Serializer();

        private static final Kind[] KINDS = Kind.values();

        @Override
        public boolean isImmutableType() {
            return true;
        }

        @Override
        public ModelRecord createInstance() {
            return new ModelRecord(Kind.TICK, "", Long.MIN_VALUE, null, null);
        }

        @Override
        public ModelRecord copy(ModelRecord from) {
            return from;
        }

        @Override
        public ModelRecord copy(ModelRecord from, ModelRecord reuse) {
            return from;
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(ModelRecord r, DataOutputView out) throws IOException {
            out.writeByte(r.kind.ordinal());
            StringValue.writeString(r.user, out);
            out.writeLong(r.time);
            if (r.vector == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(r.vector.length);
                for (double v : r.vector) {
                    out.writeDouble(v);
                }
            }
            out.writeBoolean(r.line != null);
            if (r.line != null) {
                StringValue.writeString(r.line, out);
            }
            out.writeInt(r.sender);
            out.writeInt(r.senders);
        }

        @Override
        public ModelRecord deserialize(DataInputView in) throws IOException {
            int k = in.readByte();
            if (k < 0 || k >= KINDS.length) {
                throw new IOException("unknown model record kind " + k);
            }
            String user = StringValue.readString(in);
            long time = in.readLong();
            int n = in.readInt();
            double[] x = null;
            if (n >= 0) {
                x = new double[n];
                for (int i = 0; i < n; i++) {
                    x[i] = in.readDouble();
                }
            }
            String line = in.readBoolean() ? StringValue.readString(in) : null;
            return new ModelRecord(KINDS[k], user, time, x, line, in.readInt(), in.readInt());
        }

        @Override
        public ModelRecord deserialize(ModelRecord reuse, DataInputView in) throws IOException {
            return deserialize(in);
        }

        @Override
        public void copy(DataInputView in, DataOutputView out) throws IOException {
            serialize(deserialize(in), out);
        }

        @Override
        public TypeSerializerSnapshot<ModelRecord> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    /** The serializer's snapshot (it has no configuration). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ModelRecord> {
        /** For Flink's reflective instantiation. */
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
