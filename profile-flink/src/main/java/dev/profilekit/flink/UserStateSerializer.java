package dev.profilekit.flink;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.CompositeTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink's serializer of a {@link UserState}: its {@link UserState#COUNTS} counts as longs, then whether it has an
 * engine state and, if so, that state as {@link ProfileStateSerializer} writes it. Its snapshot nests the profile
 * serializer's, so a restore under another schema or other audiences is refused as before.
 */
final class UserStateSerializer extends TypeSerializer<UserState> {

    private static final long serialVersionUID = 1L;

    private final ProfileStateSerializer profiles;

    /** @param profiles the serializer of the engine states */
    UserStateSerializer(ProfileStateSerializer profiles) {
        if (profiles == null) {
            throw new IllegalArgumentException("profiles must not be null");
        }
        this.profiles = profiles;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<UserState> duplicate() {
        return new UserStateSerializer((ProfileStateSerializer) profiles.duplicate());
    }

    @Override
    public UserState createInstance() {
        return new UserState();
    }

    @Override
    public UserState copy(UserState from) {
        return new UserState(from.profile == null ? null : profiles.copy(from.profile), from.counts.clone());
    }

    @Override
    public UserState copy(UserState from, UserState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(UserState state, DataOutputView out) throws IOException {
        for (long c : state.counts) {
            out.writeLong(c);
        }
        out.writeBoolean(state.profile != null);
        if (state.profile != null) {
            profiles.serialize(state.profile, out);
        }
    }

    @Override
    public UserState deserialize(DataInputView in) throws IOException {
        long[] counts = new long[UserState.COUNTS];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = in.readLong();
        }
        return new UserState(in.readBoolean() ? profiles.deserialize(in) : null, counts);
    }

    @Override
    public UserState deserialize(UserState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        out.write(in, UserState.COUNTS * Long.BYTES);
        boolean hasProfile = in.readBoolean();
        out.writeBoolean(hasProfile);
        if (hasProfile) {
            profiles.copy(in, out);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserStateSerializer other && other.profiles.equals(profiles);
    }

    @Override
    public int hashCode() {
        return profiles.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<UserState> snapshotConfiguration() {
        return new Snapshot(this);
    }

    /** The serializer's configuration in a checkpoint or savepoint: the profile serializer's snapshot, nested. */
    public static final class Snapshot extends CompositeTypeSerializerSnapshot<UserState, UserStateSerializer> {

        private static final int VERSION = 1;

        /** For Flink's reflective instantiation before the snapshot is read. */
        public Snapshot() {
        }

        Snapshot(UserStateSerializer serializer) {
            super(serializer);
        }

        @Override
        protected int getCurrentOuterSnapshotVersion() {
            return VERSION;
        }

        @Override
        protected TypeSerializer<?>[] getNestedSerializers(UserStateSerializer outer) {
            return new TypeSerializer<?>[] {outer.profiles};
        }

        @Override
        protected UserStateSerializer createOuterSerializerWithNestedSerializers(TypeSerializer<?>[] nested) {
            return new UserStateSerializer((ProfileStateSerializer) nested[0]);
        }
    }
}
