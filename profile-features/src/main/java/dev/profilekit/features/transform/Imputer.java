package dev.profilekit.features.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.Checks;
import dev.profilekit.features.io.JsonCodec;
import java.util.Arrays;

/**
 * A fitted, immutable missing-value imputer: one fill value per column, chosen by an
 * {@link ImputeStrategy} from the column's non-missing (non-NaN) values, then used to replace NaN.
 * Fit is O(rows * columns) (O(rows log rows) per column for median and most frequent).
 * JSON {@code {"format":"profilekit.imputer","version":1,...}}.
 */
public final class Imputer {

    private static final String FORMAT = "profilekit.imputer";
    private static final int VERSION = 1;

    private final ImputeStrategy strategy;
    private final String[] columns;
    private final double[] fill;

    private Imputer(ImputeStrategy strategy, String[] columns, double[] fill) {
        this.strategy = strategy;
        this.columns = columns;
        this.fill = fill;
    }

    /**
     * Fits fill values with the mean, median or most-frequent strategy.
     *
     * @throws IllegalArgumentException if strategy is CONSTANT (use {@link #constant}), the dataset is empty,
     *                                  or a column has no non-missing value (the message names it)
     */
    public static Imputer fit(Dataset data, ImputeStrategy strategy) {
        Checks.requireNonNull(data, "data");
        Checks.requireNonNull(strategy, "strategy");
        Checks.requireArgument(strategy != ImputeStrategy.CONSTANT,
                "strategy CONSTANT needs a value: use Imputer.constant(data, value)");
        Stats.requireRows(data, 1, "data");
        double[] fill = new double[data.columnCount()];
        for (int j = 0; j < fill.length; j++) {
            double[] v = Stats.sortedFinite(data.columnValues(j));
            Checks.requireArgument(v.length > 0, "data column '%s' (index %d) has no non-missing value (shape %s); "
                    + "cannot impute by %s", data.column(j), j, data.shape(), strategy);
            switch (strategy) {
                case MEAN:
                    fill[j] = Stats.mean(v);
                    break;
                case MEDIAN:
                    fill[j] = Stats.median(v);
                    break;
                case MOST_FREQUENT:
                    fill[j] = mostFrequent(v);
                    break;
                default:
                    throw new AssertionError(strategy);
            }
        }
        return new Imputer(strategy, data.columns(), fill);
    }

    /**
     * An imputer that fills every missing value of the given columns with {@code value}.
     *
     * @throws IllegalArgumentException if value is NaN
     */
    public static Imputer constant(Dataset data, double value) {
        Checks.requireNonNull(data, "data");
        Checks.requireArgument(!Double.isNaN(value), "value must not be NaN");
        double[] fill = new double[data.columnCount()];
        Arrays.fill(fill, value);
        return new Imputer(ImputeStrategy.CONSTANT, data.columns(), fill);
    }

    /** The most frequent value of sorted values; the smallest on ties. */
    static double mostFrequent(double[] sorted) {
        double best = sorted[0];
        int bestCount = 0;
        for (int i = 0; i < sorted.length;) {
            int k = i;
            while (k < sorted.length && sorted[k] == sorted[i]) {
                k++;
            }
            if (k - i > bestCount) {
                bestCount = k - i;
                best = sorted[i];
            }
            i = k;
        }
        return best;
    }

    /**
     * Replaces every NaN by its column's fill value and reports how many were filled per column.
     * O(rows * columns).
     *
     * @throws IllegalArgumentException if the columns of data differ from the fitted ones
     */
    public CleaningResult apply(Dataset data) {
        Checks.requireNonNull(data, "data");
        Stats.requireColumns(data, columns, "data", "imputer");
        double[][] r = data.toArray();
        int[] changed = new int[columns.length];
        for (double[] row : r) {
            for (int j = 0; j < row.length; j++) {
                if (Double.isNaN(row[j])) {
                    row[j] = fill[j];
                    changed[j]++;
                }
            }
        }
        return new CleaningResult(data.withValues(r), changed, new int[0]);
    }

    /** The strategy fitted. */
    public ImputeStrategy strategy() {
        return strategy;
    }

    /** A copy of the column names. */
    public String[] columns() {
        return columns.clone();
    }

    /** A copy of the fill value per column. */
    public double[] fillValues() {
        return fill.clone();
    }

    /** This imputer as versioned JSON. */
    public String toJson() {
        ObjectNode o = JsonCodec.header(FORMAT, VERSION);
        o.put("strategy", strategy.name());
        o.set("columns", JsonCodec.strings(columns));
        o.set("fill", JsonCodec.doubles(fill));
        return JsonCodec.write(o);
    }

    /** Reads an imputer written by {@link #toJson()}. */
    public static Imputer fromJson(String json) {
        JsonNode n = JsonCodec.read(json, FORMAT, VERSION);
        ImputeStrategy s;
        try {
            s = ImputeStrategy.valueOf(JsonCodec.readText(n, "strategy"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("json field 'strategy' must be one of "
                    + Arrays.toString(ImputeStrategy.values()) + ", was " + n.get("strategy"), e);
        }
        String[] cols = JsonCodec.readStrings(n, "columns");
        double[] fill = JsonCodec.readDoubles(n, "fill");
        Checks.requireArgument(fill.length == cols.length, "json fill has %d values, columns has %d", fill.length, cols.length);
        return new Imputer(s, cols, fill);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Imputer)) {
            return false;
        }
        Imputer i = (Imputer) o;
        return strategy == i.strategy && Arrays.equals(columns, i.columns) && Arrays.equals(fill, i.fill);
    }

    @Override
    public int hashCode() {
        return strategy.hashCode() * 31 + Arrays.hashCode(fill);
    }

    @Override
    public String toString() {
        return "Imputer[" + strategy + ", fill=" + Arrays.toString(fill) + "]";
    }
}
