package dev.profilekit.core.engine;

import dev.profilekit.core.engine.FeatureColumns.Column;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.spi.FeatureReader;
import dev.profilekit.core.spi.UserView;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import dev.profilekit.features.streaming.StringDictionary;
import java.util.List;
import java.util.function.Function;

/**
 * One compiled feature: the room of one feature kind. A kind is one subclass in its own file ({@code CountKind},
 * {@code StatsKind}, ...), registered in {@link FeatureKinds}; it
 * <ul>
 *   <li>takes the value and object slots it needs from the {@link Layout} in its constructor and sets their
 *       initial values ({@link #init});</li>
 *   <li>adds its update for an event type to the fused {@link UpdatePlan} ({@link #compile}): one of the kernels
 *       of {@code profile-features/streaming}, or its own op;</li>
 *   <li>reads its value as of a time ({@link #value}, {@link #numeric}, {@link #component}, {@link #string});</li>
 *   <li>encodes and decodes the object it keeps, if any ({@link #objectSlot}, {@link #encodeObject});</li>
 *   <li>says its output columns and their cells ({@link #columns}, {@link #cells}).</li>
 * </ul>
 * A feature's state lives only in the profile's arrays, so these objects are shared by every profile.
 */
abstract class CompiledFeature implements FeatureReader {
    final FeatureSpec spec;

    CompiledFeature(FeatureSpec spec) {
        this.spec = spec;
    }

    /** Sets this feature's slots of a new state to their "nothing yet" values (all zero by default). */
    void init(ProfileState s) {
    }

    /**
     * Resolves the features this one is computed from, once every feature of the schema is compiled (a ratio
     * may name features declared after it).
     */
    void link(Function<String, CompiledFeature> byName) {
    }

    /** The features this one is computed from on read: an event that changes one of them is checked for overflow. */
    List<CompiledFeature> operands() {
        return List.of();
    }

    /** Adds this feature's updates to the plan of one event type it counts. */
    abstract void compile(UpdatePlan.Builder plan);

    /** Whether a finite update can make this feature's value non-finite (sums, decays, windows, moments). */
    boolean canOverflow() {
        return false;
    }

    /** Whether this feature reads as non-finite as of {@code asOf} (NaN counts where it cannot mean "none"). */
    boolean overflowed(ProfileState s, long asOf) {
        return !Double.isFinite(numeric(s, asOf));
    }

    /** The value as of {@code asOf}, as {@link Profile} holds it. */
    abstract Object value(ProfileState s, long asOf);

    /** The value as a double for ratios; NaN when it is null. */
    double numeric(ProfileState s, long asOf) {
        Object v = value(s, asOf);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** Component {@code part} (see {@link #partIndex(String)}) as of {@code asOf}; NaN when missing. */
    double component(ProfileState s, long asOf, int part) {
        throw new IllegalStateException(spec.name() + " has no components");
    }

    /** Index of a component name, or -1 when this kind has no such component. */
    int partIndex(String part) {
        return -1;
    }

    /** The index in {@code ProfileState.objects} this feature owns, or -1 when it keeps only doubles. */
    int objectSlot() {
        return -1;
    }

    /** Writes this feature's (non-null) object for the state codec. */
    void encodeObject(Object o, ByteWriter w) {
        throw new IllegalStateException(spec.name() + " keeps no object");
    }

    /** Reads what {@link #encodeObject} wrote. */
    Object decodeObject(ByteReader r) {
        throw new IllegalStateException(spec.name() + " keeps no object");
    }

    /**
     * Whether this feature's object keeps strings that an updater's {@link StringDictionary} codes (see
     * {@link CompiledSchema#adopt}).
     */
    boolean codesStrings() {
        return false;
    }

    /**
     * This feature's (non-null) object with its strings coded in {@code d}: the object to keep in the slot. By
     * default a {@link StringDictionary.Coded} object adopts {@code d} in place.
     */
    Object adopt(Object o, StringDictionary d) {
        if (o instanceof StringDictionary.Coded c) {
            c.adopt(d);
        }
        return o;
    }

    /**
     * This feature's (non-null) object with every code it holds in {@code d} given back, reading the same: the object
     * to keep in the slot. By default a {@link StringDictionary.Coded} object releases its codes in place.
     */
    Object release(Object o, StringDictionary d) {
        if (o instanceof StringDictionary.Coded c) {
            c.release();
        }
        return o;
    }

    /** The string value (last_value, leading top_k value), or null. Allocates nothing. */
    String string(ProfileState s) {
        throw new IllegalStateException(spec.name() + " has no string value");
    }

    /**
     * The columns this feature's value is flattened into in CSV and dataset output, in order, named from the
     * feature's name (see {@link FeatureColumns}).
     */
    abstract List<Column> columns();

    /** The one column of a scalar kind: named as the feature. */
    final List<Column> one(FeatureColumns.Type type) {
        return List.of(new Column(spec.name(), type));
    }

    /**
     * Writes the cells of {@code value} (as {@link #value} reads it, possibly null) for {@link #columns()} into
     * {@code out} from {@code from}: a {@link Long}, {@link Double}, {@link String}, or null for an empty cell.
     */
    void cells(Object value, Object[] out, int from) {
        out[from] = value;
    }

    /** The columns of a {@link PartsValue} kind: {@code name.part} for each of {@code parts}, of type {@code type}. */
    final List<Column> partColumns(List<String> parts, Function<String, FeatureColumns.Type> type) {
        return parts.stream().map(p -> new Column(spec.name() + "." + p, type.apply(p))).toList();
    }

    /** The cells of a {@link PartsValue} (none for null): its parts in order. */
    static void partCells(Object value, Object[] out, int from) {
        if (value instanceof PartsValue v) {
            List<String> parts = v.parts();
            for (int i = 0; i < parts.size(); i++) {
                out[from + i] = v.part(parts.get(i));
            }
        }
    }

    @Override
    public FeatureSpec spec() {
        return spec;
    }

    @Override
    public String part() {
        return null;
    }

    /** The value a live model reads: NaN (missing) when it is null or not finite as of {@code asOf}. */
    @Override
    public double numeric(UserView user, long asOf) {
        return CompiledSchema.finiteOrMissing(numeric((ProfileState) user, asOf));
    }

    @Override
    public String string(UserView user) {
        return string((ProfileState) user);
    }

    @Override
    public FeatureReader part(String part) {
        int index = partIndex(part);
        return index < 0 ? null : new PartReader(this, part, index);
    }

    /** One component of a stats or sessions feature, as a {@link FeatureReader}. */
    private record PartReader(CompiledFeature slot, String part, int index) implements FeatureReader {
        @Override
        public FeatureSpec spec() {
            return slot.spec;
        }

        @Override
        public double numeric(UserView user, long asOf) {
            return CompiledSchema.finiteOrMissing(slot.component((ProfileState) user, asOf, index));
        }

        @Override
        public String string(UserView user) {
            throw new IllegalStateException(slot.spec.name() + "." + part + " has no string value");
        }

        @Override
        public FeatureReader part(String p) {
            return null;
        }
    }
}
