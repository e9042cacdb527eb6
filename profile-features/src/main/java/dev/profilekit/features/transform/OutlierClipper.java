package dev.profilekit.features.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.Checks;
import dev.profilekit.features.io.JsonCodec;
import java.util.Arrays;

/**
 * A fitted, immutable per-column clipper: values below a column's lower bound become the bound, values above
 * its upper bound become that bound (winsorising at fitted fences). Bounds are fitted by a {@link ClipRule} from
 * the non-missing values; NaN stays NaN when applied. Fit O(rows log rows) per column.
 * JSON {@code {"format":"profilekit.outlier-clipper","version":1,...}}.
 */
public final class OutlierClipper {

    private static final String FORMAT = "profilekit.outlier-clipper";
    private static final int VERSION = 1;

    private final ClipRule rule;
    private final String[] columns;
    private final double[] lower;
    private final double[] upper;

    private OutlierClipper(ClipRule rule, String[] columns, double[] lower, double[] upper) {
        this.rule = rule;
        this.columns = columns;
        this.lower = lower;
        this.upper = upper;
    }

    /**
     * Fits bounds per column, ignoring missing values.
     *
     * @throws IllegalArgumentException if data is empty or a column has no non-missing value (named)
     */
    public static OutlierClipper fit(Dataset data, ClipRule rule) {
        Checks.requireNonNull(data, "data");
        Checks.requireNonNull(rule, "rule");
        Stats.requireRows(data, 1, "data");
        int d = data.columnCount();
        double[] lo = new double[d];
        double[] hi = new double[d];
        for (int j = 0; j < d; j++) {
            double[] v = Stats.sortedFinite(data.columnValues(j));
            Checks.requireArgument(v.length > 0, "data column '%s' (index %d) has no non-missing value (shape %s)",
                    data.column(j), j, data.shape());
            if (rule.kind() == ClipRule.Kind.IQR) {
                double q1 = Stats.quantileSorted(v, 0.25);
                double q3 = Stats.quantileSorted(v, 0.75);
                double iqr = q3 - q1;
                lo[j] = q1 - rule.multiplier() * iqr;
                hi[j] = q3 + rule.multiplier() * iqr;
            } else {
                double m = Stats.mean(v);
                double s = Math.sqrt(Math.max(0, Stats.variance(v, m)));
                lo[j] = m - rule.multiplier() * s;
                hi[j] = m + rule.multiplier() * s;
            }
        }
        return new OutlierClipper(rule, data.columns(), lo, hi);
    }

    /**
     * Clips every value to its column's bounds and counts the values changed per column. O(rows * columns).
     *
     * @throws IllegalArgumentException if the columns of data differ from the fitted ones
     */
    public CleaningResult apply(Dataset data) {
        Checks.requireNonNull(data, "data");
        Stats.requireColumns(data, columns, "data", "clipper");
        double[][] r = data.toArray();
        int[] changed = new int[columns.length];
        for (double[] row : r) {
            for (int j = 0; j < row.length; j++) {
                if (row[j] < lower[j]) {
                    row[j] = lower[j];
                    changed[j]++;
                } else if (row[j] > upper[j]) {
                    row[j] = upper[j];
                    changed[j]++;
                }
            }
        }
        return new CleaningResult(data.withValues(r), changed, new int[0]);
    }

    /** The rule fitted with. */
    public ClipRule rule() {
        return rule;
    }

    /** A copy of the column names. */
    public String[] columns() {
        return columns.clone();
    }

    /** A copy of the lower bound per column. */
    public double[] lower() {
        return lower.clone();
    }

    /** A copy of the upper bound per column. */
    public double[] upper() {
        return upper.clone();
    }

    /** This clipper as versioned JSON. */
    public String toJson() {
        ObjectNode o = JsonCodec.header(FORMAT, VERSION);
        o.put("rule", rule.kind().name());
        o.set("multiplier", JsonCodec.number(rule.multiplier()));
        o.set("columns", JsonCodec.strings(columns));
        o.set("lower", JsonCodec.doubles(lower));
        o.set("upper", JsonCodec.doubles(upper));
        return JsonCodec.write(o);
    }

    /** Reads a clipper written by {@link #toJson()}. */
    public static OutlierClipper fromJson(String json) {
        JsonNode n = JsonCodec.read(json, FORMAT, VERSION);
        ClipRule.Kind kind;
        try {
            kind = ClipRule.Kind.valueOf(JsonCodec.readText(n, "rule"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("json field 'rule' must be one of "
                    + Arrays.toString(ClipRule.Kind.values()) + ", was " + n.get("rule"), e);
        }
        String[] cols = JsonCodec.readStrings(n, "columns");
        double[] lo = JsonCodec.readDoubles(n, "lower");
        double[] hi = JsonCodec.readDoubles(n, "upper");
        Checks.requireArgument(lo.length == cols.length && hi.length == cols.length,
                "json lower has %d values and upper %d, columns has %d", lo.length, hi.length, cols.length);
        return new OutlierClipper(new ClipRule(kind, JsonCodec.readDouble(n, "multiplier")), cols, lo, hi);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OutlierClipper)) {
            return false;
        }
        OutlierClipper c = (OutlierClipper) o;
        return rule.equals(c.rule) && Arrays.equals(columns, c.columns) && Arrays.equals(lower, c.lower)
                && Arrays.equals(upper, c.upper);
    }

    @Override
    public int hashCode() {
        return rule.hashCode() * 31 + Arrays.hashCode(lower);
    }

    @Override
    public String toString() {
        return "OutlierClipper[" + rule + ", lower=" + Arrays.toString(lower) + ", upper=" + Arrays.toString(upper) + "]";
    }
}
