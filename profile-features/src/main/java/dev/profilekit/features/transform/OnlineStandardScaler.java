package dev.profilekit.features.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.Checks;
import dev.profilekit.features.io.JsonCodec;
import dev.profilekit.features.streaming.RunningMoments;
import java.util.Arrays;

/**
 * Streaming z-score statistics per column, one {@link RunningMoments} kernel per column: Welford's update
 * (Welford 1962, "Note on a method for calculating corrected sums of squares and products") for one row at a
 * time, and Chan, Golub and LeVeque's pairwise combination (1979, "Updating formulae and a pairwise algorithm for
 * computing sample variances") to merge two accumulators, so that statistics of two halves merged equal those of
 * the whole up to rounding.
 *
 * <p>State is one primitive array of {@link RunningMoments#SLOTS} slots per column; {@link #update(double[])}
 * allocates nothing and is O(columns). This class is mutable and not thread-safe (use one per thread and
 * {@link #merge} them); {@link #toScaler()} freezes the current state into an immutable {@link Scaler}
 * of kind {@link ScalerKind#Z_SCORE} with population standard deviation.
 */
public final class OnlineStandardScaler {

    private static final String FORMAT = "profilekit.online-standard-scaler";
    private static final int VERSION = 1;
    private static final int SLOTS = RunningMoments.SLOTS;

    private final String[] columns;
    /** Column j's running moments at offset j * SLOTS. */
    private final double[] moments;

    private OnlineStandardScaler(String[] columns, double[] moments) {
        this.columns = columns;
        this.moments = moments;
    }

    /** An empty accumulator for the given columns. */
    public static OnlineStandardScaler create(String... columns) {
        Checks.requireNonNull(columns, "columns");
        Checks.requireArgument(columns.length > 0, "columns must not be empty");
        for (int j = 0; j < columns.length; j++) {
            Checks.requireArgument(columns[j] != null, "columns[%d] must not be null", j);
        }
        double[] moments = new double[columns.length * SLOTS];
        for (int j = 0; j < columns.length; j++) {
            RunningMoments.init(moments, j * SLOTS);
        }
        return new OnlineStandardScaler(columns.clone(), moments);
    }

    /**
     * Adds one row. O(columns), allocation-free.
     *
     * @throws IllegalArgumentException if the length differs from the column count or a value is NaN or
     *                                  infinite; the accumulator is then left unchanged
     */
    public void update(double[] x) {
        if (x == null || x.length != columns.length) {
            throw new IllegalArgumentException("x has " + (x == null ? "null" : x.length + " values")
                    + ", scaler expects " + columns.length);
        }
        for (int j = 0; j < x.length; j++) {
            if (!Double.isFinite(x[j])) {
                throw new IllegalArgumentException("x column '" + columns[j] + "' (index " + j + ") must be finite, was " + x[j]);
            }
        }
        for (int j = 0; j < x.length; j++) {
            RunningMoments.add(moments, j * SLOTS, x[j]);
        }
    }

    /** Adds every row of {@code data} (columns must match). O(rows * columns). */
    public void updateAll(Dataset data) {
        Checks.requireNonNull(data, "data");
        Stats.requireColumns(data, columns, "data", "online scaler");
        for (double[] row : data.rawRows()) {
            update(row);
        }
    }

    /**
     * Folds {@code other}'s statistics into this accumulator (Chan et al.); {@code other} is unchanged.
     * O(columns).
     *
     * @throws IllegalArgumentException if the column names differ
     */
    public void merge(OnlineStandardScaler other) {
        Checks.requireNonNull(other, "other");
        Checks.requireArgument(Arrays.equals(columns, other.columns),
                "other has columns %s, this scaler has %s", Arrays.toString(other.columns), Arrays.toString(columns));
        for (int j = 0; j < columns.length; j++) {
            RunningMoments.merge(moments, j * SLOTS, other.moments, j * SLOTS);
        }
    }

    /** An independent copy of this accumulator. */
    public OnlineStandardScaler copy() {
        return new OnlineStandardScaler(columns.clone(), moments.clone());
    }

    /** Rows seen so far. */
    public long count() {
        return RunningMoments.count(moments, 0);
    }

    /** Current mean of column {@code j} (0 before the first row). */
    public double mean(int j) {
        return count() == 0 ? 0.0 : RunningMoments.mean(moments, j * SLOTS);
    }

    /** Current population variance (divides by count) of column {@code j}; NaN before the first row. */
    public double variance(int j) {
        return RunningMoments.populationVariance(moments, j * SLOTS);
    }

    /** Current population standard deviation of column {@code j}. */
    public double std(int j) {
        return RunningMoments.populationStd(moments, j * SLOTS);
    }

    /**
     * The current state as an immutable z-score {@link Scaler}; a zero standard deviation becomes scale 1.
     *
     * @throws IllegalArgumentException if no row has been seen
     */
    public Scaler toScaler() {
        long count = count();
        Checks.requireArgument(count > 0, "online scaler has seen no rows (count 0)");
        int d = columns.length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] = RunningMoments.mean(moments, j * SLOTS);
            double s = std(j);
            scale[j] = s == 0 ? 1 : s;
        }
        return Scaler.of(ScalerKind.Z_SCORE, columns, mean, scale, count);
    }

    /** The accumulator state (count, mean, M2) as versioned JSON, for checkpoints. */
    public String toJson() {
        ObjectNode o = JsonCodec.header(FORMAT, VERSION);
        int d = columns.length;
        double[] mean = new double[d];
        double[] m2 = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] = mean(j);
            m2[j] = RunningMoments.m2(moments, j * SLOTS);
        }
        o.put("count", count());
        o.set("columns", JsonCodec.strings(columns));
        o.set("mean", JsonCodec.doubles(mean));
        o.set("m2", JsonCodec.doubles(m2));
        return JsonCodec.write(o);
    }

    /** Restores an accumulator written by {@link #toJson()}. */
    public static OnlineStandardScaler fromJson(String json) {
        JsonNode n = JsonCodec.read(json, FORMAT, VERSION);
        String[] cols = JsonCodec.readStrings(n, "columns");
        double[] m = JsonCodec.readDoubles(n, "mean");
        double[] s = JsonCodec.readDoubles(n, "m2");
        long c = JsonCodec.field(n, "count").asLong();
        Checks.requireArgument(m.length == cols.length && s.length == cols.length,
                "json mean has %d values and m2 %d, columns has %d", m.length, s.length, cols.length);
        Checks.requireArgument(c >= 0, "json count must be >= 0, was %d", c);
        OnlineStandardScaler o = create(cols);
        if (c > 0) {
            for (int j = 0; j < cols.length; j++) {
                // the checkpoint holds no min and max (this class does not use them): NaN marks them unknown
                RunningMoments.set(o.moments, j * SLOTS, c, m[j], s[j], Double.NaN, Double.NaN);
            }
        }
        return o;
    }

    @Override
    public String toString() {
        return "OnlineStandardScaler[count=" + count() + ", columns=" + Arrays.toString(columns) + "]";
    }
}
