package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.snapshot.internal.SnapshotFile;
import dev.profilekit.features.codec.ByteWriter;
import dev.profilekit.features.hash.KeyedHash128;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Duplicate detection keeps 128-bit keyed fingerprints of event ids, not the ids: the encoded state holds no id,
 * the fingerprint key travels with the state (so duplicates are found after a decode or a restore anywhere), and a
 * snapshot of the format that kept ids as strings is refused with one clear line.
 */
class SeenIdFingerprintsTest {

    private static final long T0 = 1_767_225_600_000L;
    private static final String ID = "order-7f3a9c-2026-unique";

    @TempDir
    Path tmp;

    private static ProfileSchema schema() {
        return ProfileSchema.builder().feature(FeatureSpec.count("events")).build();
    }

    private static ProfileKernel kernel() {
        return ProfileKernel.of(ProfileUpdater.builder(schema()));
    }

    private static Event event(String id, long t) {
        return Event.of(id, "u1", "view", t, Map.of());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    /** Bytes of the state's encoding after its seen ids: the model-state tag (no models). */
    private static final int AFTER_IDS = 1;

    /** The length of the encoded seen ids of a state holding one id at time {@code t}. */
    private static int oneIdLength(long t) {
        return 1 + 16 + 16 + new ByteWriter(16).zigZag(t).size();
    }

    @Test
    void theEncodedStateHoldsNoEventId() {
        ProfileKernel k = kernel();
        KernelState s = k.newState("u1");
        assertThat(k.apply(s, k.admit(event(ID, T0)))).isEqualTo(Outcome.ACCEPTED);
        byte[] encoded = k.encode(s);
        assertThat(indexOf(encoded, ID.getBytes(StandardCharsets.UTF_8))).as("the id's UTF-8 in the encoding").isEqualTo(-1);
        assertThat(indexOf(encoded, ID.getBytes(StandardCharsets.UTF_16LE))).as("the id's UTF-16 in the encoding").isEqualTo(-1);
        // and yet a decoded copy knows the id
        assertThat(k.apply(k.decode(encoded), k.admit(event(ID, T0 + 5)))).isEqualTo(Outcome.DUPLICATE);
    }

    @Test
    void theFingerprintKeyTravelsWithTheState() {
        ProfileKernel k = kernel();
        KernelState s = k.newState("u1");
        k.apply(s, k.admit(event("first", T0)));
        byte[] encoded = k.encode(s);
        // replace the state's key and fingerprint by ones computed here under a key of our own choosing
        long k0 = 0x0123456789abcdefL;
        long k1 = 0x0fedcba987654321L;
        long[] h = new long[2];
        KeyedHash128.hash(ID, k0, k1, h, 0);
        int ids = encoded.length - AFTER_IDS - oneIdLength(T0);
        ByteWriter w = new ByteWriter(64);
        w.bytes(encoded, 0, ids + 1); // everything before the ids, and their count (1)
        w.fixedLong(k0).fixedLong(k1).fixedLong(h[0]).fixedLong(h[1]).zigZag(T0);
        w.bytes(encoded, encoded.length - AFTER_IDS, AFTER_IDS);
        KernelState decoded = k.decode(w.toByteArray());
        assertThat(k.apply(decoded, k.admit(event(ID, T0 + 1)))).isEqualTo(Outcome.DUPLICATE);
        assertThat(k.apply(decoded, k.admit(event("first", T0 + 2)))).isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void duplicatesAreFoundAfterASnapshotIsRestoredInAnotherUpdater() {
        ProfileSchema schema = ProfileSchema.builder().feature(FeatureSpec.count("events"))
                .allowedLateness(Duration.ofMinutes(10)).build();
        ProfileUpdater a = ProfileUpdater.builder(schema).build();
        for (int i = 0; i < 200; i++) {
            a.onEvent(Event.of("e" + i, "u" + (i % 7), "view", T0 + i * 1000L, Map.of()));
        }
        Path file = tmp.resolve("s.snap");
        a.snapshot(file, Map.of());
        ProfileUpdater b = ProfileUpdater.builder(schema).build();
        b.restore(file);
        for (int i = 0; i < 200; i++) {
            // every event lies within the lateness of its user's latest: each redelivery is a duplicate
            Outcome o = b.onEvent(Event.of("e" + i, "u" + (i % 7), "view", T0 + i * 1000L, Map.of()));
            assertThat(o).as("event e%d", i).isEqualTo(Outcome.DUPLICATE);
        }
        assertThat(b.onEvent(Event.of("new", "u1", "view", T0 + 200_000L, Map.of()))).isEqualTo(Outcome.ACCEPTED);
    }

    /**
     * A snapshot as the previous format wrote it (version 1: event ids kept as strings), built byte by byte: an
     * intact file of one user who saw one event. It is refused as a mismatch (the file is kept), in one line.
     */
    @Test
    void aSnapshotOfTheFormatThatKeptIdStringsIsRefusedInOneLine() throws Exception {
        ProfileSchema schema = schema();
        // the previous fingerprint: the same recipe over state format 1
        long oldFingerprint = java.nio.ByteBuffer.wrap(java.security.MessageDigest.getInstance("SHA-256")
                .digest((schema + "\n\nstate-format 1").getBytes(StandardCharsets.UTF_8))).getLong();
        // user u1 after one event at T0: one value slot (the count, 1.0), its id as a string
        ByteWriter user = new ByteWriter(128);
        user.u8(1).fixedLong(oldFingerprint).string("u1").zigZag(T0).zigZag(T0).varLong(1);
        user.varInt(1).u8(1).f64(1.0);
        user.varInt(1).string(ID).zigZag(T0).u8(0);
        ByteWriter records = new ByteWriter(256);
        records.u8(SnapshotFile.META).varInt(1).u8(0); // no metadata
        ByteWriter counts = new ByteWriter(32).varLong(1).varLong(0).varLong(0).zigZag(T0);
        records.u8(SnapshotFile.COUNTS).varInt(counts.size()).bytes(counts.buffer(), 0, counts.size());
        records.u8(SnapshotFile.USER).varInt(user.size()).bytes(user.buffer(), 0, user.size());
        ByteWriter file = new ByteWriter(512);
        file.bytes(SnapshotFile.MAGIC, 0, SnapshotFile.MAGIC.length).u8(1).u8(0).fixedLong(oldFingerprint);
        file.u8(2).fixedInt(records.size()).bytes(records.buffer(), 0, records.size());
        CRC32C crc = new CRC32C();
        crc.update(file.buffer(), 0, file.size());
        file.fixedInt((int) crc.getValue());
        Path old = tmp.resolve("v1.snap");
        Files.write(old, file.toByteArray());

        ProfileUpdater u = ProfileUpdater.builder(schema).build();
        assertThatThrownBy(() -> u.restore(old))
                .isInstanceOf(SnapshotMismatchException.class)
                .hasMessage("snapshot " + old + ": it has format version 1; this library reads only version 3 (the file "
                        + "was written by an older ProfileKit: replay its events into a new snapshot)");
        assertThat(u.users()).isEmpty();
        assertThat(Files.exists(old)).isTrue();
    }
}
