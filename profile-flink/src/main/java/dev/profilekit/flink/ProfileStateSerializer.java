package dev.profilekit.flink;

import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.engine.KernelState;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.schema.ProfileSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink's serializer of a user's {@link KernelState}: the engine's own versioned binary state codec (format
 * version and schema fingerprint first), length-prefixed. The state is mutable, so copies go through the codec
 * too. Its {@link Snapshot} records the schema, so that a restore checks the state was written under the same
 * schema (same fingerprint) and refuses another one instead of misreading it.
 */
public final class ProfileStateSerializer extends TypeSerializer<KernelState> {

    private static final long serialVersionUID = 1L;

    private final String schemaJson;
    /** The audiences file's text, or null: with audiences a state's encoding carries its audience state. */
    private final String audiencesJson;
    private final long fingerprint;
    private transient ProfileKernel kernel;

    /**
     * @param schemaJson the JSON text of the profile schema the states belong to
     * @throws IllegalArgumentException if the text is null or not a valid schema
     */
    public ProfileStateSerializer(String schemaJson) {
        this(schemaJson, null);
    }

    /**
     * @param schemaJson    the JSON text of the profile schema the states belong to
     * @param audiencesJson the audiences file's text (each state's audience state is encoded with it), or null
     * @throws IllegalArgumentException if the schema text is null or not a valid schema, or the audiences do not fit
     */
    public ProfileStateSerializer(String schemaJson, String audiencesJson) {
        if (schemaJson == null) {
            throw new IllegalArgumentException("schemaJson must not be null");
        }
        this.schemaJson = schemaJson;
        this.audiencesJson = audiencesJson;
        this.kernel = kernelOf(schemaJson, audiencesJson);
        this.fingerprint = kernel.fingerprint();
    }

    private static ProfileKernel kernelOf(String schemaJson, String audiencesJson) {
        // encoding depends only on the schema: no limits, privacy or lateness options enter the fingerprint; the
        // audience state is stamped with a hash of its definitions
        KernelSpec spec = KernelSpec.of(schemaJson);
        return (audiencesJson == null ? spec : spec.withAudiences(audiencesJson)).kernel();
    }

    private ProfileKernel kernel() {
        ProfileKernel k = kernel;
        if (k == null) {
            k = kernelOf(schemaJson, audiencesJson);
            kernel = k;
        }
        return k;
    }

    /** The fingerprint of the states this serializer reads and writes. */
    public long fingerprint() {
        return fingerprint;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<KernelState> duplicate() {
        return new ProfileStateSerializer(schemaJson, audiencesJson); // its kernel is not shared between threads
    }

    @Override
    public KernelState createInstance() {
        return kernel().newState(Routed.NO_USER);
    }

    @Override
    public KernelState copy(KernelState from) {
        return kernel().copy(from);
    }

    @Override
    public KernelState copy(KernelState from, KernelState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(KernelState state, DataOutputView out) throws IOException {
        byte[] b = kernel().encode(state);
        out.writeInt(b.length);
        out.write(b);
    }

    @Override
    public KernelState deserialize(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("negative length " + n + " of an encoded profile state");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return kernel().decode(b);
    }

    @Override
    public KernelState deserialize(KernelState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        int n = in.readInt();
        out.writeInt(n);
        out.write(in, n);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProfileStateSerializer other && other.fingerprint == fingerprint
                && java.util.Objects.equals(other.audiencesJson, audiencesJson);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(fingerprint);
    }

    @Override
    public TypeSerializerSnapshot<KernelState> snapshotConfiguration() {
        return new Snapshot(schemaJson, fingerprint, audiencesJson);
    }

    /**
     * The serializer's configuration in a checkpoint or savepoint: the schema text and its fingerprint, and the
     * audiences text. A state written under the same fingerprint and audiences is compatible as is; under another
     * schema it is incompatible (profiles are aggregates: another schema's features cannot be derived from them
     * without the events), and so under other audiences (a membership history cannot be derived either).
     */
    public static final class Snapshot implements TypeSerializerSnapshot<KernelState> {

        /**
         * Version 2: int length + UTF-8 schema text, the fingerprint, then int length (-1 for none) + UTF-8
         * audiences text. Version 1 (no audiences) is read too.
         */
        private static final int VERSION = 2;

        private String schemaJson;
        private long fingerprint;
        private String audiencesJson;

        /** For Flink's reflective instantiation before {@link #readSnapshot}. */
        public Snapshot() {
        }

        Snapshot(String schemaJson, long fingerprint, String audiencesJson) {
            this.schemaJson = schemaJson;
            this.fingerprint = fingerprint;
            this.audiencesJson = audiencesJson;
        }

        @Override
        public int getCurrentVersion() {
            return VERSION;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            byte[] b = schemaJson.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
            out.writeLong(fingerprint);
            if (audiencesJson == null) {
                out.writeInt(-1);
            } else {
                byte[] a = audiencesJson.getBytes(StandardCharsets.UTF_8);
                out.writeInt(a.length);
                out.write(a);
            }
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
            if (readVersion != 1 && readVersion != VERSION) {
                throw new IOException("profile state serializer snapshot version " + readVersion
                        + ", this library reads versions 1 and " + VERSION);
            }
            schemaJson = text(in, in.readInt(), "schema");
            fingerprint = in.readLong();
            if (readVersion >= 2) {
                int n = in.readInt();
                audiencesJson = n == -1 ? null : text(in, n, "audiences");
            }
        }

        private static String text(DataInputView in, int n, String what) throws IOException {
            if (n < 0) {
                throw new IOException("negative " + what + " length " + n + " in a profile state serializer snapshot");
            }
            byte[] b = new byte[n];
            in.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        @Override
        public TypeSerializer<KernelState> restoreSerializer() {
            return new ProfileStateSerializer(schemaJson, audiencesJson);
        }

        @Override
        public TypeSerializerSchemaCompatibility<KernelState> resolveSchemaCompatibility(
                TypeSerializerSnapshot<KernelState> oldSnapshot) {
            if (oldSnapshot instanceof Snapshot old && old.fingerprint == fingerprint
                    && java.util.Objects.equals(old.audiencesJson, audiencesJson)) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
