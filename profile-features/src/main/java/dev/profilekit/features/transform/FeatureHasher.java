package dev.profilekit.features.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.Checks;
import dev.profilekit.features.io.JsonCodec;

/**
 * Signed feature hashing (Weinberger et al. 2009, "Feature hashing for large scale multitask learning"):
 * a token {@code t} adds {@code sign(t) * value} to output slot {@code index(t)}, where with
 * {@code h = MurmurHash3_x86_32(UTF-8 bytes of t, seed)} (signed) the index is {@code |h| mod numFeatures}
 * (|h| taken in 64 bits) and the sign is {@code +1} if {@code h >= 0}, else {@code -1} (or always +1 when
 * alternating signs are off). This is the rule of scikit-learn's {@code FeatureHasher}. The signs make
 * collisions cancel in expectation, so inner products are unbiased.
 *
 * <p>A categorical cell {@code value} in column {@code name} is the token {@code name=value} with weight 1.
 * Immutable (parameters only; nothing is fitted). JSON {@code {"format":"profilekit.feature-hasher","version":1,...}}.
 */
public final class FeatureHasher {

    private static final String FORMAT = "profilekit.feature-hasher";
    private static final int VERSION = 1;

    private final int numFeatures;
    private final int seed;
    private final boolean alternateSign;

    private FeatureHasher(int numFeatures, int seed, boolean alternateSign) {
        this.numFeatures = numFeatures;
        this.seed = seed;
        this.alternateSign = alternateSign;
    }

    /** A signed hasher into {@code numFeatures} slots with seed 0. */
    public static FeatureHasher of(int numFeatures) {
        return of(numFeatures, 0, true);
    }

    /**
     * A hasher into {@code numFeatures} slots.
     *
     * @throws IllegalArgumentException if numFeatures &lt; 1
     */
    public static FeatureHasher of(int numFeatures, int seed, boolean alternateSign) {
        Checks.requireAtLeast(numFeatures, 1, "numFeatures");
        return new FeatureHasher(numFeatures, seed, alternateSign);
    }

    /** The slot of {@code token}. */
    public int index(String token) {
        return index(MurmurHash3.hash32(token, seed));
    }

    /** The sign (+1 or -1) applied to {@code token}'s value. */
    public int sign(String token) {
        return sign(MurmurHash3.hash32(token, seed));
    }

    private int index(int h) {
        return (int) (Math.abs((long) h) % numFeatures);
    }

    private int sign(int h) {
        return !alternateSign || h >= 0 ? 1 : -1;
    }

    /** Adds {@code sign(token) * value} to {@code out[index(token)]}; {@code out.length} must be numFeatures. */
    public void addTo(String token, double value, double[] out) {
        Checks.requireNonNull(out, "out");
        Checks.requireArgument(out.length == numFeatures, "out has %d slots, hasher has %d", out.length, numFeatures);
        int h = MurmurHash3.hash32(token, seed);
        out[index(h)] += sign(h) * value;
    }

    /**
     * Hashes categorical rows: each cell {@code rows[i][j]} is the token {@code columns[j] + "=" + value}
     * with weight 1. Output columns are {@code hash0 .. hash<numFeatures-1>}. O(cells * token length).
     *
     * @throws IllegalArgumentException on a ragged row or a null cell (named by row and column)
     */
    public Dataset transform(String[] columns, String[][] rows) {
        Categorical.check(columns, rows, "rows");
        double[][] out = new double[rows.length][numFeatures];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < columns.length; j++) {
                addTo(columns[j] + "=" + rows[i][j], 1.0, out[i]);
            }
        }
        return Dataset.of(slotNames(), out);
    }

    String[] slotNames() {
        String[] names = new String[numFeatures];
        for (int k = 0; k < numFeatures; k++) {
            names[k] = "hash" + k;
        }
        return names;
    }

    /** The number of output slots. */
    public int numFeatures() {
        return numFeatures;
    }

    /** The MurmurHash3 seed. */
    public int seed() {
        return seed;
    }

    /** Whether signs alternate with the hash's sign bit. */
    public boolean alternateSign() {
        return alternateSign;
    }

    /** This hasher's parameters as versioned JSON. */
    public String toJson() {
        ObjectNode o = JsonCodec.header(FORMAT, VERSION);
        o.put("hash", "murmur3_x86_32/utf8");
        o.put("numFeatures", numFeatures);
        o.put("seed", seed);
        o.put("alternateSign", alternateSign);
        return JsonCodec.write(o);
    }

    /** Reads a hasher written by {@link #toJson()}. */
    public static FeatureHasher fromJson(String json) {
        JsonNode n = JsonCodec.read(json, FORMAT, VERSION);
        String hash = JsonCodec.readText(n, "hash");
        Checks.requireArgument(hash.equals("murmur3_x86_32/utf8"), "json hash must be 'murmur3_x86_32/utf8', was '%s'", hash);
        return of(JsonCodec.readInt(n, "numFeatures"), JsonCodec.readInt(n, "seed"), JsonCodec.field(n, "alternateSign").asBoolean());
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FeatureHasher)) {
            return false;
        }
        FeatureHasher h = (FeatureHasher) o;
        return numFeatures == h.numFeatures && seed == h.seed && alternateSign == h.alternateSign;
    }

    @Override
    public int hashCode() {
        return (numFeatures * 31 + seed) * 2 + (alternateSign ? 1 : 0);
    }

    @Override
    public String toString() {
        return "FeatureHasher[numFeatures=" + numFeatures + ", seed=" + seed + ", alternateSign=" + alternateSign + "]";
    }
}
