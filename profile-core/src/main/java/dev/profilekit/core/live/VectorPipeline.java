package dev.profilekit.core.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.core.schema.FeatureKind;
import dev.profilekit.core.spi.FeatureAccess;
import dev.profilekit.core.spi.FeatureReader;
import dev.profilekit.core.spi.UserView;
import dev.profilekit.features.io.JsonCodec;
import dev.profilekit.features.transform.FeatureHasher;
import dev.profilekit.features.transform.MurmurHash3;
import dev.profilekit.features.transform.Scaler;
import dev.profilekit.features.transform.ScalerKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one way from a profile to a model input, shared by the live models and by batch training. Immutable.
 *
 * <p>Two stages:
 * <ol>
 *   <li><b>raw vector</b> ({@link Bound#raw}): per declared {@link Input}, select a feature or a
 *   part ({@code order_value.mean}) through a {@link FeatureReader}; a numeric value is capped (a missing value
 *   becomes the cap), or left NaN when missing ({@link Missing#MEAN}) or set to 0
 *   ({@link Missing#ZERO}); a {@code top_k} (its leading value) or {@code last_value} is one-hot
 *   encoded over a vocabulary plus an "other" column, or hashed into buckets with the rule of
 *   {@link FeatureHasher} (MurmurHash3_x86_32 of the UTF-8 token {@code name=value}, seed 0, slot
 *   {@code |h| mod buckets}, sign {@code +1}/{@code -1} from the sign of {@code h} when signed).</li>
 *   <li><b>model input</b> ({@link #transform}): a z-score frozen at {@link #fit}: {@code (x - mean) / sd} per
 *   column, with the population sd over the non-missing training values, scale 1 when
 *   {@code sd <= 1e-12}, and NaN mapped to 0 (mean imputation).</li>
 * </ol>
 * The same object serves live scoring ({@link #bind} once, then {@link Bound#raw} per event, no allocation)
 * and batch training ({@code ProfileDatasets.vectors(updater, pipeline, asOf)} reads every user through the
 * same {@link Bound}). It is written as JSON ({@link #toJson()}) inside the JSON of the model it feeds.
 *
 * <p>The frozen z-score is a profile-features {@link Scaler} fitted by {@link Scaler#zScoreIgnoringNaN}: missing
 * values are ignored when fitting, {@code sd <= 1e-12} counts as no spread (scale 1), and a missing value is
 * imputed by the mean (0 after scaling) at transform time.
 */
public final class VectorPipeline {

    /** The JSON format name. */
    public static final String FORMAT = "profilekit.vector-pipeline";
    /** The JSON format version. */
    public static final int VERSION = 1;
    /** Columns whose sd is at most this get scale 1. */
    public static final double MIN_SD = Scaler.ZERO_SPREAD;


    private final List<Input> inputs;
    private final List<String> columns;
    private final Scaler scaler;
    private final double[] mean;
    private final double[] scale;

    private VectorPipeline(List<Input> inputs, Scaler scaler) {
        this.inputs = List.copyOf(inputs);
        this.columns = null == scaler ? null : List.of(scaler.columns());
        this.scaler = scaler == null ? null : scaler.withMissing(dev.profilekit.features.transform.MissingValues.IMPUTE_CENTER);
        this.mean = scaler == null ? null : scaler.center();
        this.scale = scaler == null ? null : scaler.scale();
    }

    /**
     * An unfitted pipeline over {@code inputs} (raw vectors only until {@link #fit}).
     *
     * @throws IllegalArgumentException if {@code inputs} is null, empty or holds a null
     */
    public static VectorPipeline of(List<Input> inputs) {
        if (inputs == null || inputs.isEmpty() || inputs.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("inputs must list at least one non-null input, was " + inputs);
        }
        return new VectorPipeline(inputs, null);
    }

    /** The declared inputs. */
    public List<Input> inputs() {
        return inputs;
    }

    /** Whether the z-score is fitted ({@link #transform} works). */
    public boolean fitted() {
        return scaler != null;
    }

    /**
     * The column names of a fitted pipeline ({@code name}, {@code name=value}, {@code name=other},
     * {@code name#bucket}).
     *
     * @throws IllegalStateException if not fitted (use {@link Bound#columns()})
     */
    public List<String> columns() {
        requireFitted();
        return columns;
    }

    /** Number of columns of a fitted pipeline. */
    public int dimension() {
        requireFitted();
        return columns.size();
    }

    /** The frozen z-score (profile-features {@link Scaler}, kind Z_SCORE). */
    public Scaler scaler() {
        requireFitted();
        return scaler;
    }

    private void requireFitted() {
        if (scaler == null) {
            throw new IllegalStateException("the pipeline is not fitted; call fit(rawRows) first");
        }
    }

    /**
     * Resolves the inputs against a compiled schema, once; the result reads vectors without allocating.
     *
     * @throws IllegalArgumentException if an input names no feature or part, or a whole stats/sessions feature,
     *                                  or (fitted) the schema gives other columns than the fitted ones
     */
    public Bound bind(FeatureAccess schema) {
        if (schema == null) {
            throw new IllegalArgumentException("schema must not be null");
        }
        Bound b = new Bound(this, schema);
        if (scaler != null && !b.columns().equals(columns)) {
            throw new IllegalArgumentException("pipeline columns " + columns + " do not match the schema's "
                    + b.columns());
        }
        return b;
    }

    /**
     * The same inputs with the z-score fitted on raw vectors (rows as written by {@link Bound#raw}, NaN for a
     * missing value). O(rows × columns).
     *
     * @param columns the column names ({@link Bound#columns()})
     * @param rows    raw vectors, each of {@code columns.size()} values
     * @throws IllegalArgumentException if rows is empty, ragged or holds an infinite value
     */
    public VectorPipeline fit(List<String> columns, double[][] rows) {
        if (rows == null || rows.length == 0) {
            throw new IllegalArgumentException("rows must hold at least one vector, was "
                    + (rows == null ? "null" : "empty"));
        }
        return fit(columns, rows, 0, rows.length);
    }

    /**
     * The same inputs with the z-score fitted on a dataset of raw vectors (as {@code ProfileDatasets.vectors}
     * gives); its column names become the pipeline's.
     */
    public VectorPipeline fit(dev.profilekit.features.transform.Dataset raw) {
        if (raw == null) {
            throw new IllegalArgumentException("raw must not be null");
        }
        return fit(List.of(raw.columns()), raw.toArray());
    }

    /** Fits on {@code rows[from, to)}; see {@link #fit(List, double[][])}. */
    public VectorPipeline fit(List<String> columns, double[][] rows, int from, int to) {
        if (columns == null || columns.isEmpty() || columns.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("columns must name at least one column and no null, was " + columns);
        }
        if (rows == null || from < 0 || to > rows.length || from >= to) {
            throw new IllegalArgumentException("rows[" + from + ", " + to + ") must be a non-empty range of rows of length "
                    + (rows == null ? "null" : rows.length));
        }
        int d = columns.size();
        for (int i = from; i < to; i++) {
            double[] x = rows[i];
            if (x == null || x.length != d) {
                throw new IllegalArgumentException("rows[" + i + "] must have " + d + " values, was "
                        + (x == null ? "null" : x.length));
            }
        }
        // population z-score ignoring NaN, scale 1 below Scaler.ZERO_SPREAD, NaN imputed by the mean
        return new VectorPipeline(inputs, Scaler.zScoreIgnoringNaN(columns.toArray(new String[0]), rows, from, to));
    }

    /**
     * The model input of a raw vector: {@code out[j] = (raw[j] - mean[j]) / scale[j]}, 0 for NaN, and 0 (the
     * mean, as for a missing value) where that quotient is not finite, so a model never receives a non-finite
     * input. O(d), no allocation; {@code out} may be {@code raw}.
     *
     * @throws IllegalStateException    if not fitted
     * @throws IllegalArgumentException if a vector is not of length {@link #dimension()}
     */
    public void transform(double[] raw, double[] out) {
        requireFitted();
        if (raw == null || raw.length != mean.length || out == null || out.length != mean.length) {
            throw new IllegalArgumentException("raw and out must have " + mean.length + " values, were "
                    + (raw == null ? "null" : raw.length) + " and " + (out == null ? "null" : out.length));
        }
        scaler.transform(raw, out);
        for (int j = 0; j < out.length; j++) {
            if (!Double.isFinite(out[j])) {
                out[j] = 0.0;
            }
        }
    }

    /** The model inputs of raw rows (allocating). */
    public double[][] transform(double[][] raw) {
        if (raw == null) {
            throw new IllegalArgumentException("raw must not be null");
        }
        double[][] out = new double[raw.length][dimension()];
        for (int i = 0; i < raw.length; i++) {
            transform(raw[i], out[i]);
        }
        return out;
    }

    /** The raw vector whose model input is {@code z} (missing values come back as the mean). */
    public double[] inverse(double[] z) {
        requireFitted();
        if (z == null || z.length != mean.length) {
            throw new IllegalArgumentException("z must have " + mean.length + " values, was "
                    + (z == null ? "null" : z.length));
        }
        double[] x = new double[z.length];
        for (int j = 0; j < z.length; j++) {
            x[j] = z[j] * scale[j] + mean[j];
        }
        return x;
    }

    /** Whether {@code other} declares the same inputs (and so reads the same columns). */
    public boolean sameInputs(VectorPipeline other) {
        return other != null && inputs.equals(other.inputs);
    }

    // ---- JSON ----

    /** This pipeline as versioned JSON; {@link #fromJson(String)} restores an equal one (bit-exact doubles). */
    public String toJson() {
        return JsonCodec.write(toNode());
    }

    /** This pipeline as the JSON object {@link #toJson()} writes, for models that embed it. */
    public ObjectNode toNode() {
        ObjectNode root = JsonCodec.objectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        ArrayNode ins = root.putArray("inputs");
        for (Input in : inputs) {
            ObjectNode o = ins.addObject();
            o.put("name", in.name());
            if (in.cap() == in.cap()) {
                o.put("cap", in.cap());
            }
            if (!in.values().isEmpty()) {
                ArrayNode vs = o.putArray("values");
                in.values().forEach(vs::add);
            }
            o.put("buckets", in.buckets());
            o.put("signed", in.signedHash());
            o.put("missing", in.missing() == Missing.ZERO ? "zero" : "mean");
        }
        if (scaler != null) {
            root.set("scaler", readTree(scaler.toJson()));
        } else {
            root.putNull("scaler");
        }
        return root;
    }

    /**
     * Reads a pipeline written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException if the text is not such a pipeline
     */
    public static VectorPipeline fromJson(String json) {
        if (json == null) {
            throw new IllegalArgumentException("json must not be null");
        }
        return fromNode(readTree(json));
    }

    /** The pipeline of a JSON object {@link #toNode()} wrote (see {@link #fromJson(String)}). */
    public static VectorPipeline fromNode(JsonNode root) {
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
            throw new IllegalArgumentException("json must be a " + FORMAT + " object, format was "
                    + (root == null ? "null" : root.get("format")));
        }
        if (root.path("version").asInt(-1) != VERSION) {
            throw new IllegalArgumentException("json version must be " + VERSION + ", was " + root.get("version"));
        }
        JsonNode ins = root.get("inputs");
        if (ins == null || !ins.isArray() || ins.isEmpty()) {
            throw new IllegalArgumentException("json inputs must be a non-empty array, was " + ins);
        }
        List<Input> inputs = new ArrayList<>();
        for (JsonNode o : ins) {
            List<String> values = new ArrayList<>();
            o.path("values").forEach(v -> values.add(v.asText()));
            JsonNode cap = o.get("cap");
            String missing = o.path("missing").asText("mean");
            if (!missing.equals("mean") && !missing.equals("zero")) {
                throw new IllegalArgumentException("json input missing must be mean or zero, was " + o.get("missing"));
            }
            inputs.add(Input.builder(o.path("name").asText(null))
                    .cap(cap == null || cap.isNull() ? Double.NaN : cap.doubleValue()).values(values)
                    .buckets(o.path("buckets").asInt(8)).signedHash(o.path("signed").asBoolean(true))
                    .missing(missing.equals("zero") ? Missing.ZERO : Missing.MEAN).build());
        }
        JsonNode sc = root.get("scaler");
        Scaler scaler = sc == null || sc.isNull() ? null : Scaler.fromJson(JsonCodec.write(sc));
        if (scaler != null && scaler.kind() != ScalerKind.Z_SCORE) {
            throw new IllegalArgumentException("json scaler kind must be Z_SCORE, was " + scaler.kind());
        }
        return new VectorPipeline(inputs, scaler);
    }

    /** The shared codec's reading of an embedded document (see {@link JsonCodec#parseObject}). */
    public static JsonNode readTree(String json) {
        return JsonCodec.parseObject(json, "json");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VectorPipeline p && inputs.equals(p.inputs) && java.util.Objects.equals(scaler, p.scaler);
    }

    @Override
    public int hashCode() {
        return inputs.hashCode() * 31 + (scaler == null ? 0 : scaler.hashCode());
    }

    @Override
    public String toString() {
        return "VectorPipeline[inputs=" + inputs.size() + ", fitted=" + fitted()
                + (scaler == null ? "" : ", columns=" + columns) + "]";
    }

    /**
     * A pipeline resolved against one schema: reads raw vectors from a user's state. Immutable and thread-safe.
     * {@link #raw} allocates nothing for numeric and one-hot inputs; a hashed input encodes its token into a
     * per-thread buffer and calls {@code MurmurHash3.hash32(byte[], ..)}, whose argument check builds a varargs
     * array: up to 32 bytes per hashed read unless the JIT inlines it away (a fix for profile-features).
     */
    public static final class Bound {

        private final VectorPipeline pipeline;
        private final Column[] cols;
        private final List<String> columns;
        private final int dimension;

        private Bound(VectorPipeline pipeline, FeatureAccess schema) {
            this.pipeline = pipeline;
            List<Column> cs = new ArrayList<>();
            List<String> names = new ArrayList<>();
            int at = 0;
            List<Input> inputs = pipeline.inputs;
            for (int i = 0; i < inputs.size(); i++) {
                Input in = inputs.get(i);
                String key = "features[" + i + "]";
                FeatureReader slot = schema.reader(in.name());
                boolean part = false;
                if (slot == null) {
                    int dot = in.name().lastIndexOf('.');
                    FeatureReader whole = dot > 0 ? schema.reader(in.name().substring(0, dot)) : null;
                    if (whole == null) {
                        throw new IllegalArgumentException(key + ": '" + in.name() + "' is not a feature of the schema");
                    }
                    slot = whole.part(in.name().substring(dot + 1));
                    if (slot == null) {
                        throw new IllegalArgumentException(key + ": '" + in.name() + "' names no component of "
                                + whole.spec().kind().jsonName() + " feature '" + whole.spec().name() + "'");
                    }
                    part = true;
                }
                FeatureKind kind = slot.spec().kind();
                if (kind == FeatureKind.TOP_K || kind == FeatureKind.LAST_VALUE) {
                    if (in.values().isEmpty()) {
                        cs.add(new Column(slot, at, in.buckets(), in, null, prefix(in)));
                        for (int b = 0; b < in.buckets(); b++) {
                            names.add(in.name() + "#" + b);
                        }
                        at += in.buckets();
                    } else {
                        cs.add(new Column(slot, at, in.values().size() + 1, in, in.values().toArray(new String[0]), null));
                        for (String v : in.values()) {
                            names.add(in.name() + "=" + v);
                        }
                        names.add(in.name() + "=other");
                        at += in.values().size() + 1;
                    }
                } else {
                    if (!in.values().isEmpty()) {
                        throw new IllegalArgumentException(key + ".values: applies only to top_k and last_value "
                                + "features; '" + in.name() + "' is a " + kind.jsonName() + " feature");
                    }
                    if (!part && (kind == FeatureKind.STATS || kind == FeatureKind.SESSIONS)) {
                        throw new IllegalArgumentException(key + ": '" + in.name() + "' is a " + kind.jsonName()
                                + " feature; name one of its parts, e.g. '" + in.name()
                                + (kind == FeatureKind.STATS ? ".mean'" : ".count'"));
                    }
                    cs.add(new Column(slot, at, 0, in, null, null));
                    names.add(in.name());
                    at++;
                }
            }
            this.cols = cs.toArray(new Column[0]);
            this.columns = List.copyOf(names);
            this.dimension = at;
        }

        private static byte[] prefix(Input in) {
            return (in.name() + "=").getBytes(StandardCharsets.UTF_8);
        }

        /** The pipeline this reads for. */
        public VectorPipeline pipeline() {
            return pipeline;
        }

        /** The column names. */
        public List<String> columns() {
            return columns;
        }

        /** Number of columns. */
        public int dimension() {
            return dimension;
        }

        /**
         * Writes the raw vector of {@code user} as of {@code asOf} into {@code out[0, dimension)}. The caller
         * holds the user's lock. O(d), no allocation.
         *
         * @throws IllegalArgumentException if {@code out} is shorter than {@link #dimension()}
         */
        public void raw(UserView user, long asOf, double[] out) {
            if (user == null) {
                throw new IllegalArgumentException("user must not be null");
            }
            if (out == null || out.length < dimension) {
                throw new IllegalArgumentException("out must have at least " + dimension + " values, was "
                        + (out == null ? "null" : out.length));
            }
            for (Column c : cols) {
                c.write(user, asOf, out);
            }
        }

        /**
         * Whether every numeric column of {@code user}'s vector as of {@code asOf} is finite, and stays finite
         * when scaled by {@code fitted} (null: not fitted yet). One-hot and hashed columns are 0 or ±1, and
         * counts of distinct values and sessions are small integers, so only the other numeric columns are
         * read: this is the cheap check an event runs before it commits. O(numeric columns), no allocation.
         */
        public boolean finiteInputs(UserView user, long asOf, VectorPipeline fitted) {
            double[] one = ONE.get();
            for (Column c : cols) {
                if (c.width() != 0 || !c.mayOverflow()) {
                    continue;
                }
                c.write(user, asOf, one, 0);
                double x = one[0];
                if (Double.isInfinite(x)) {
                    return false;
                }
                if (fitted != null && x == x && !Double.isFinite((x - fitted.mean[c.at()]) / fitted.scale[c.at()])) {
                    return false;
                }
            }
            return true;
        }

        /**
         * The pipeline with its z-score fitted on raw vectors read by this object; see
         * {@link VectorPipeline#fit(List, double[][])}.
         */
        public VectorPipeline fit(double[][] rows) {
            return pipeline.fit(columns, rows);
        }

        /** A new raw vector of {@code user} as of {@code asOf}; see {@link #raw(UserView, long, double[])}. */
        public double[] raw(UserView user, long asOf) {
            double[] x = new double[dimension];
            raw(user, asOf, x);
            return x;
        }
    }

    /** Per-thread one-value buffer for {@link Bound#finiteInputs}. */
    private static final ThreadLocal<double[]> ONE = ThreadLocal.withInitial(() -> new double[1]);

    /** Per-thread buffer of the UTF-8 token; grown when a longer token needs it. */
    private static final ThreadLocal<byte[]> TOKEN = ThreadLocal.withInitial(() -> new byte[256]);

    /**
     * One input's columns. {@code width} 0: one numeric column; {@code vocabulary} non-null: one-hot;
     * {@code prefix} non-null: hashed.
     */
    private record Column(FeatureReader slot, int at, int width, Input input, String[] vocabulary,
                          byte[] prefix) {

        /** Whether a finite profile can still give this numeric column an infinite value (not a count of values). */
        boolean mayOverflow() {
            FeatureKind k = slot.spec().kind();
            return k != FeatureKind.DISTINCT_COUNT && k != FeatureKind.SESSIONS && k != FeatureKind.COUNT
                    && k != FeatureKind.WINDOW_COUNT && k != FeatureKind.DECAYED_COUNT;
        }

        /** A numeric column's value written at {@code out[pos]}. */
        void write(UserView s, long asOf, double[] out, int pos) {
            double x = slot.numeric(s, asOf);
            double cap = input.cap();
            if (cap == cap) {
                x = x != x ? cap : Math.min(x, cap);
            } else if (x != x && input.missing() == Missing.ZERO) {
                x = 0.0;
            }
            out[pos] = x;
        }

        void write(UserView s, long asOf, double[] out) {
            if (width == 0) {
                write(s, asOf, out, at);
                return;
            }
            Arrays.fill(out, at, at + width, 0.0);
            String v = slot.string(s);
            if (v == null) {
                return;
            }
            if (vocabulary != null) {
                int index = width - 1;
                for (int i = 0; i < vocabulary.length; i++) {
                    if (vocabulary[i].equals(v)) {
                        index = i;
                        break;
                    }
                }
                out[at + index] = 1.0;
                return;
            }
            int h = hash(prefix, v);
            // FeatureHasher's rule (its index/sign of an int hash are private): slot |h| mod n in 64 bits,
            // sign from the hash's sign bit; VectorPipelineTest checks it against FeatureHasher token by token
            out[at + (int) (Math.abs((long) h) % width)] += input.signedHash() && h < 0 ? -1.0 : 1.0;
        }
    }

    /** MurmurHash3_x86_32 (seed 0) of the UTF-8 bytes of {@code prefix + v}, encoded into a per-thread buffer. */
    static int hash(byte[] prefix, String v) {
        byte[] buf = TOKEN.get();
        int need = prefix.length + 3 * v.length();
        if (buf.length < need) {
            buf = new byte[need];
            TOKEN.set(buf);
        }
        System.arraycopy(prefix, 0, buf, 0, prefix.length);
        int n = prefix.length;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x80) {
                buf[n++] = (byte) c;
            } else if (c < 0x800) {
                buf[n++] = (byte) (0xc0 | (c >> 6));
                buf[n++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isSurrogate(c)) {
                // rare: fall back to the JDK's encoder (allocates) for surrogate pairs and lone surrogates
                byte[] all = (new String(prefix, StandardCharsets.UTF_8) + v).getBytes(StandardCharsets.UTF_8);
                return MurmurHash3.hash32(all, 0, all.length, 0);
            } else {
                buf[n++] = (byte) (0xe0 | (c >> 12));
                buf[n++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                buf[n++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        return MurmurHash3.hash32(buf, 0, n, 0);
    }

    /**
     * The declared input each column of a fitted pipeline is read from: {@code name} for {@code name},
     * {@code name=value} and {@code name#bucket}. O(d).
     */
    public List<String> inputOfColumns() {
        requireFitted();
        List<String> out = new ArrayList<>(columns.size());
        int at = 0;
        for (Input in : inputs) {
            String name = in.name();
            if (at < columns.size() && columns.get(at).equals(name)) { // a numeric column
                out.add(name);
                at++;
                continue;
            }
            while (at < columns.size() && (columns.get(at).startsWith(name + "=")
                    || columns.get(at).startsWith(name + "#"))) { // a one-hot or hashed category
                out.add(name);
                at++;
            }
        }
        return out;
    }

    /** How a profile value becomes columns of a feature vector. */
    public enum Missing {
        /** A missing (null) value is replaced by the mean of the training data (0 after standardising). */
        MEAN,
        /** A missing value is 0 before standardising. */
        ZERO
    }

    /**
     * One declared input of a feature vector (see {@link VectorPipeline}). Build with {@link #builder(String)}.
     *
     * @param name       a feature name, or {@code feature.part} for stats ({@code count, mean, std, min, max}) and
     *                   sessions ({@code count, mean_duration_s}) parts
     * @param cap        upper cap applied to the value (e.g. recency in seconds); a missing value becomes the cap;
     *                   NaN for none
     * @param values     for top_k and last_value: the vocabulary of the one-hot encoding of the (leading) value,
     *                   with one extra column for any other value; empty means hashing into {@code buckets} columns
     * @param buckets    columns used by hashing when {@code values} is empty (default 8)
     * @param signedHash whether hashing adds -1 for tokens whose Murmur3 hash is negative (the signed rule of
     *                   {@link dev.profilekit.features.transform.FeatureHasher}, default true) or always +1
     * @param missing    policy for a missing numeric value
     */
    public record Input(String name, double cap, List<String> values, int buckets, boolean signedHash,
                        Missing missing) {
        /** Validates. */
        public Input {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must be a non-blank string, was "
                        + (name == null ? "null" : "\"" + name + "\""));
            }
            values = values == null ? List.of() : List.copyOf(values);
            if (buckets < 1 || buckets > ConfigNodes.MAX_COUNT || values.size() > ConfigNodes.MAX_COUNT) {
                throw new IllegalArgumentException("feature '" + name + "': buckets (and values) must be between 1 and "
                        + ConfigNodes.MAX_COUNT + ", was " + buckets);
            }
            if (cap == cap && !(cap > 0 && Double.isFinite(cap))) {
                throw new IllegalArgumentException("feature '" + name + "': cap must be finite and > 0, was " + cap);
            }
            if (new java.util.HashSet<>(values).size() != values.size()) {
                throw new IllegalArgumentException("feature '" + name + "': values must be distinct, was " + values);
            }
            missing = missing == null ? Missing.MEAN : missing;
        }

        /** A plain input with the defaults. */
        public static Input of(String name) {
            return builder(name).build();
        }

        /** Starts an input named {@code name} with the defaults: no cap, hashing into 8 signed buckets, mean. */
        public static InputBuilder builder(String name) {
            return new InputBuilder(name);
        }
    }

    /** Builder of an {@link Input}; validated in {@link #build()}. */
    public static final class InputBuilder {
        private final String name;
        private double cap = Double.NaN;
        private List<String> values = List.of();
        private int buckets = 8;
        private boolean signedHash = true;
        private Missing missing = Missing.MEAN;

        private InputBuilder(String name) {
            this.name = name;
        }

        /** Upper cap of the value; a missing value becomes the cap. */
        public InputBuilder cap(double cap) {
            this.cap = cap;
            return this;
        }

        /** One-hot vocabulary (plus an "other" column) for top_k and last_value. */
        public InputBuilder values(List<String> values) {
            this.values = values;
            return this;
        }

        /** Number of hashed columns when no vocabulary is given. */
        public InputBuilder buckets(int buckets) {
            this.buckets = buckets;
            return this;
        }

        /** Signed (default) or unsigned Murmur3 hashing. */
        public InputBuilder signedHash(boolean signedHash) {
            this.signedHash = signedHash;
            return this;
        }

        /** Policy for a missing numeric value. */
        public InputBuilder missing(Missing missing) {
            this.missing = missing;
            return this;
        }

        /**
         * The input.
         *
         * @throws IllegalArgumentException naming the bad parameter and its value
         */
        public Input build() {
            return new Input(name, cap, values, buckets, signedHash, missing);
        }
    }
}
