package dev.profilekit.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.Outcome;
import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.engine.KernelState;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.features.codec.StateFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serializers Flink uses for the engine's types: round trips, copies, and the schema-evolution snapshot. */
class SerializersTest {

    @TempDir
    Path dir;

    private String schema() throws IOException {
        return Files.readString(FlinkTestSupport.resource("ecommerce/schema.json", dir));
    }

    private static <T> T roundTrip(TypeSerializer<T> s, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(value, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getSharedBuffer(), 0, out.length());
        T back = s.deserialize(in);
        assertThat(in.available()).isZero();
        return back;
    }

    @Test
    void profileStateRoundTripsThroughTheEngineCodecAndCopiesDeeply() throws IOException {
        String schema = schema();
        ProfileKernel k = KernelSpec.of(schema).kernel();
        KernelState s = k.newState("u1");
        long t = 1_767_225_600_000L;
        k.apply(s, Event.builder("e1", "u1", "purchase", t).attr("category", "books").attr("product", "p1")
                .attr("amount", 12.5).build());
        ProfileStateSerializer ser = new ProfileStateSerializer(schema);
        KernelState back = roundTrip(ser, s);
        assertThat(ProfileJson.toJson(k.profile(back, t + 1000))).isEqualTo(ProfileJson.toJson(k.profile(s, t + 1000)));
        assertThat(k.encode(back)).isEqualTo(k.encode(s));

        KernelState copy = ser.copy(s);
        // a change to the copy leaves the original alone (the heap backend relies on it)
        assertThat(k.apply(copy, Event.builder("e2", "u1", "view", t + 1).attr("category", "books")
                .attr("product", "p2").build())).isEqualTo(Outcome.ACCEPTED);
        assertThat(ProfileJson.toJson(k.profile(s, t + 1000))).contains("\"views\":0");
        assertThat(ProfileJson.toJson(k.profile(copy, t + 1000))).contains("\"views\":1");
    }

    @Test
    void snapshotAcceptsTheSameSchemaAndRefusesAnother() throws IOException {
        String schema = schema();
        ProfileStateSerializer ser = new ProfileStateSerializer(schema);
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(out, ser.snapshotConfiguration());
        TypeSerializerSnapshot<KernelState> old = TypeSerializerSnapshotSerializationUtil.readSerializerSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertThat(old.restoreSerializer()).isEqualTo(ser);

        TypeSerializerSchemaCompatibility<KernelState> same =
                new ProfileStateSerializer(schema).snapshotConfiguration().resolveSchemaCompatibility(old);
        assertThat(same.isCompatibleAsIs()).isTrue();

        String other = schema.replace("\"PT6H\"", "\"PT7H\""); // another allowed lateness: another fingerprint
        assertThat(other).isNotEqualTo(schema);
        ProfileStateSerializer otherSer = new ProfileStateSerializer(other);
        assertThat(otherSer.snapshotConfiguration().resolveSchemaCompatibility(old).isIncompatible()).isTrue();

        // state bytes of one schema are refused by the other's serializer, never misread
        ProfileKernel k = KernelSpec.of(schema).kernel();
        DataOutputSerializer state = new DataOutputSerializer(64);
        ser.serialize(k.newState("u1"), state);
        assertThatThrownBy(() -> otherSer.deserialize(new DataInputDeserializer(state.getCopyOfBuffer())))
                .isInstanceOf(StateFormatException.class).hasMessageContaining("fingerprint");
    }

    @Test
    void userStateHoldsCountsAndProfileInOneStateAndNestsTheSchemaCheck() throws IOException {
        String schema = schema();
        ProfileKernel k = KernelSpec.of(schema).kernel();
        KernelState s = k.newState("u1");
        long t = 1_767_225_600_000L;
        k.apply(s, Event.builder("e1", "u1", "view", t).attr("category", "books").attr("product", "p1").build());
        UserStateSerializer ser = new UserStateSerializer(new ProfileStateSerializer(schema));
        UserState back = roundTrip(ser, new UserState(s, new long[] {1, 2, 3, 4, 5}));
        assertThat(back.counts).containsExactly(1, 2, 3, 4, 5);
        assertThat(k.encode(back.profile)).isEqualTo(k.encode(s));
        UserState none = roundTrip(ser, new UserState(null, new long[] {0, 0, 0, 7, 0}));
        assertThat(none.profile).isNull();
        assertThat(none.counts).containsExactly(0, 0, 0, 7, 0);
        // a copy is deep: the heap backend's copy-on-write during a snapshot relies on it
        UserState copy = ser.copy(back);
        copy.counts[0]++;
        k.apply(copy.profile, Event.builder("e2", "u1", "view", t + 1).attr("category", "books")
                .attr("product", "p2").build());
        assertThat(back.counts[0]).isEqualTo(1);
        assertThat(k.encode(back.profile)).isEqualTo(k.encode(s));
        // the byte copy of a serialized state reads back the same
        DataOutputSerializer out = new DataOutputSerializer(64);
        ser.serialize(back, out);
        DataOutputSerializer copied = new DataOutputSerializer(out.length()); // it writes no more than it reads
        ser.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());

        // the snapshot: the same schema is compatible as is, another one is refused (the profile serializer's rule)
        DataOutputSerializer snap = new DataOutputSerializer(256);
        TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(snap, ser.snapshotConfiguration());
        TypeSerializerSnapshot<UserState> old = TypeSerializerSnapshotSerializationUtil.readSerializerSnapshot(
                new DataInputDeserializer(snap.getCopyOfBuffer()), getClass().getClassLoader());
        assertThat(old.restoreSerializer()).isEqualTo(ser);
        assertThat(new UserStateSerializer(new ProfileStateSerializer(schema)).snapshotConfiguration()
                .resolveSchemaCompatibility(old).isCompatibleAsIs()).isTrue();
        String other = schema.replace("\"PT6H\"", "\"PT7H\"");
        assertThat(new UserStateSerializer(new ProfileStateSerializer(other)).snapshotConfiguration()
                .resolveSchemaCompatibility(old).isIncompatible()).isTrue();
    }

    @Test
    void routedRecordsRoundTripWithEveryAttributeType() throws IOException {
        Event e = Event.builder("e1", "u1", "purchase", -5L).attr("s", "text").attr("d", 2.5).attr("b", true)
                .build();
        for (Routed r : List.of(Routed.event(e), Routed.forget("u9"), Routed.rejected(), Routed.forgotten())) {
            Routed back = roundTrip(RoutedSerializer.INSTANCE, r);
            assertThat(back.kind()).isEqualTo(r.kind());
            assertThat(back.key()).isEqualTo(r.key());
            assertThat(back.event()).isEqualTo(r.event());
        }
        FinalState f = new FinalState("u1", new byte[] {1, 2, 3}, 4, 5, 6, 7, 8);
        FinalState g = roundTrip(FinalState.Serializer.INSTANCE, f);
        assertThat(g.state()).containsExactly(1, 2, 3);
        assertThat(List.of(g.key(), g.accepted(), g.duplicate(), g.late(), g.rejected(), g.forgotten()))
                .isEqualTo(List.<Object>of("u1", 4L, 5L, 6L, 7L, 8L));
        assertThat(roundTrip(FinalState.Serializer.INSTANCE, new FinalState("", null, 0, 0, 0, 0, 0)).state()).isNull();
    }

    @Test
    void linesAreRoutedAsReplayTreatsThem() throws IOException {
        ProfileKernel k = KernelSpec.of(schema()).kernel();
        assertThat(Routed.ofLine(k, "   ", java.util.Set.of())).isNull();
        assertThat(Routed.ofLine(k, "{not json", java.util.Set.of()).kind()).isEqualTo(Routed.Kind.REJECTED);
        String line = "{\"id\":\"e1\",\"user\":\"u1\",\"type\":\"view\",\"ts\":1767225600000,\"attrs\":{}}";
        assertThat(Routed.ofLine(k, line, java.util.Set.of()).kind()).isEqualTo(Routed.Kind.EVENT);
        assertThat(Routed.ofLine(k, line, java.util.Set.of("u1")).kind()).isEqualTo(Routed.Kind.FORGOTTEN);
        assertThatThrownBy(() -> Routed.forget(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jobReportsBadUsageOnOneLineWithExitCode2() {
        var err = new java.io.ByteArrayOutputStream();
        int code = ProfileFlinkJob.run(new String[] {"--schema", "x.json"}, new java.io.PrintStream(
                new java.io.ByteArrayOutputStream()), new java.io.PrintStream(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip()).contains("--out").doesNotContain("\n");
        code = ProfileFlinkJob.run(new String[] {"--schema", "x.json", "--events", "y", "--out", "z",
                "--parallelism", "0"}, new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
                new java.io.PrintStream(err));
        assertThat(code).isEqualTo(2);
    }
}
