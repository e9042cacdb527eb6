package dev.profilekit.features.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.Checks;
import dev.profilekit.features.io.JsonCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A fitted, immutable one-hot encoder for categorical columns given as strings. Each input column
 * {@code c} with fitted categories {@code v1 < v2 < ...} (sorted by {@link String#compareTo}, as scikit-learn
 * sorts) becomes indicator columns {@code c=v1, c=v2, ...}, followed by {@code c=__other__} under
 * {@link UnseenPolicy#OTHER}. Unseen categories at transform time follow the {@link UnseenPolicy}.
 * Fit O(cells log categories); transform O(cells). JSON {@code {"format":"profilekit.one-hot","version":1,...}}.
 */
public final class OneHotEncoder {

    private static final String FORMAT = "profilekit.one-hot";
    private static final int VERSION = 1;
    /** The value suffix of the extra column under {@link UnseenPolicy#OTHER}. */
    public static final String OTHER = "__other__";

    private final UnseenPolicy policy;
    private final String[] columns;
    private final String[][] categories;
    private final List<Map<String, Integer>> lookup;
    private final int[] offsets;
    private final String[] outputColumns;

    private OneHotEncoder(UnseenPolicy policy, String[] columns, String[][] categories) {
        this.policy = policy;
        this.columns = columns;
        this.categories = categories;
        this.lookup = new ArrayList<>();
        this.offsets = new int[columns.length + 1];
        List<String> names = new ArrayList<>();
        for (int j = 0; j < columns.length; j++) {
            offsets[j] = names.size();
            Map<String, Integer> m = new HashMap<>();
            for (int c = 0; c < categories[j].length; c++) {
                m.put(categories[j][c], c);
                names.add(columns[j] + "=" + categories[j][c]);
            }
            if (policy == UnseenPolicy.OTHER) {
                names.add(columns[j] + "=" + OTHER);
            }
            lookup.add(m);
        }
        offsets[columns.length] = names.size();
        this.outputColumns = names.toArray(new String[0]);
    }

    /**
     * Learns the sorted distinct categories of every column.
     *
     * @throws IllegalArgumentException if rows is empty, ragged or holds a null cell (named by row and column)
     */
    public static OneHotEncoder fit(String[] columns, String[][] rows, UnseenPolicy policy) {
        Categorical.check(columns, rows, "rows");
        Checks.requireNonNull(policy, "policy");
        Checks.requireArgument(rows.length > 0, "rows must have at least one row, was 0 x %d", columns.length);
        String[][] cats = new String[columns.length][];
        for (int j = 0; j < columns.length; j++) {
            TreeSet<String> set = new TreeSet<>();
            for (String[] r : rows) {
                set.add(r[j]);
            }
            cats[j] = set.toArray(new String[0]);
        }
        return of(policy, columns, cats);
    }

    /**
     * An encoder with explicitly given categories per column (each list distinct; kept in the given order).
     *
     * @throws IllegalArgumentException on a length mismatch, duplicate or null categories, or duplicate output names
     */
    public static OneHotEncoder of(UnseenPolicy policy, String[] columns, String[][] categories) {
        Checks.requireNonNull(policy, "policy");
        Checks.requireNonNull(columns, "columns");
        Checks.requireNonNull(categories, "categories");
        Checks.requireArgument(categories.length == columns.length,
                "categories has %d lists, columns has %d", categories.length, columns.length);
        String[][] cats = new String[columns.length][];
        for (int j = 0; j < columns.length; j++) {
            Checks.requireArgument(columns[j] != null, "columns[%d] must not be null", j);
            Checks.requireNonNull(categories[j], "categories[" + j + "]");
            cats[j] = categories[j].clone();
            Checks.requireArgument(Arrays.stream(cats[j]).noneMatch(s -> s == null),
                    "categories of column '%s' (index %d) must not contain null", columns[j], j);
            Checks.requireArgument(Arrays.stream(cats[j]).distinct().count() == cats[j].length,
                    "categories of column '%s' (index %d) must be distinct", columns[j], j);
        }
        OneHotEncoder e = new OneHotEncoder(policy, columns.clone(), cats);
        Checks.requireArgument(Arrays.stream(e.outputColumns).distinct().count() == e.outputColumns.length,
                "output column names %s are not unique", Arrays.toString(e.outputColumns));
        return e;
    }

    /**
     * Encodes rows into indicator columns ({@link #outputColumns()}). O(cells).
     *
     * @throws IllegalArgumentException on shape errors, or an unseen category under {@link UnseenPolicy#ERROR}
     *                                  (the message names the column, row and value)
     */
    public Dataset transform(String[][] rows) {
        Categorical.check(columns, rows, "rows");
        double[][] out = new double[rows.length][outputColumns.length];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < columns.length; j++) {
                Integer c = lookup.get(j).get(rows[i][j]);
                if (c != null) {
                    out[i][offsets[j] + c] = 1;
                } else if (policy == UnseenPolicy.OTHER) {
                    out[i][offsets[j + 1] - 1] = 1;
                } else if (policy == UnseenPolicy.ERROR) {
                    throw new IllegalArgumentException("rows column '" + columns[j] + "' (index " + j + ") row " + i
                            + " has category '" + rows[i][j] + "' not seen at fit time (known: "
                            + Arrays.toString(categories[j]) + ")");
                }
            }
        }
        return Dataset.of(outputColumns, out);
    }

    /** The policy for unseen categories. */
    public UnseenPolicy policy() {
        return policy;
    }

    /** A copy of the input column names. */
    public String[] columns() {
        return columns.clone();
    }

    /** A copy of the categories of input column {@code j}, in output order. */
    public String[] categories(int j) {
        return categories[j].clone();
    }

    /** A copy of the output column names, {@code column=value}. */
    public String[] outputColumns() {
        return outputColumns.clone();
    }

    /** This encoder as versioned JSON. */
    public String toJson() {
        ObjectNode o = JsonCodec.header(FORMAT, VERSION);
        o.put("policy", policy.name());
        o.set("columns", JsonCodec.strings(columns));
        ArrayNode cats = o.putArray("categories");
        for (String[] c : categories) {
            cats.add(JsonCodec.strings(c));
        }
        return JsonCodec.write(o);
    }

    /** Reads an encoder written by {@link #toJson()}. */
    public static OneHotEncoder fromJson(String json) {
        JsonNode n = JsonCodec.read(json, FORMAT, VERSION);
        UnseenPolicy p;
        try {
            p = UnseenPolicy.valueOf(JsonCodec.readText(n, "policy"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("json field 'policy' must be one of "
                    + Arrays.toString(UnseenPolicy.values()) + ", was " + n.get("policy"), e);
        }
        String[] cols = JsonCodec.readStrings(n, "columns");
        JsonNode cats = JsonCodec.field(n, "categories");
        Checks.requireArgument(cats.isArray() && cats.size() == cols.length,
                "json categories must be an array of %d arrays", cols.length);
        String[][] c = new String[cols.length][];
        for (int j = 0; j < cols.length; j++) {
            ObjectNode holder = JsonCodec.objectNode();
            holder.set("categories", cats.get(j));
            c[j] = JsonCodec.readStrings(holder, "categories");
        }
        return of(p, cols, c);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OneHotEncoder)) {
            return false;
        }
        OneHotEncoder e = (OneHotEncoder) o;
        return policy == e.policy && Arrays.equals(columns, e.columns) && Arrays.deepEquals(categories, e.categories);
    }

    @Override
    public int hashCode() {
        return policy.hashCode() * 31 + Arrays.deepHashCode(categories);
    }

    @Override
    public String toString() {
        return "OneHotEncoder[" + policy + ", outputColumns=" + Arrays.toString(outputColumns) + "]";
    }
}
