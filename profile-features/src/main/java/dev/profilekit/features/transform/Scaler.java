package dev.profilekit.features.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.Checks;
import dev.profilekit.features.io.JsonCodec;
import dev.profilekit.features.streaming.RunningMoments;
import java.util.Arrays;

/**
 * A fitted, immutable per-column affine scaler: {@code transform(x)[j] = (x[j] - center[j]) / scale[j]}
 * and {@code inverse(z)[j] = z[j] * scale[j] + center[j]}. The {@link ScalerKind} decides how centre and
 * scale are fitted (z-score, min-max or robust). A column whose fitted scale is 0 (constant column)
 * gets scale 1, as scikit-learn does, so it maps to 0 rather than NaN.
 *
 * <p>Fitting is O(rows * columns) for z-score and min-max, O(rows log rows * columns) for robust. {@link #fit}
 * rejects NaN (impute first) and its scalers pass NaN through ({@link MissingValues#PROPAGATE}).
 * {@link #zScoreIgnoringNaN} is the scaler a live model freezes from its training rows: it fits around the
 * missing values and maps them to 0 ({@link MissingValues#IMPUTE_CENTER}, mean imputation). Serialises to
 * {@code {"format":"profilekit.scaler","version":1,...}}; a {@code "missing"} field is written only when the rule
 * is not the default {@link MissingValues#PROPAGATE}, so documents of earlier scalers are unchanged.
 */
public final class Scaler {

    private static final String FORMAT = "profilekit.scaler";
    private static final int VERSION = 1;

    private final ScalerKind kind;
    private final String[] columns;
    private final double[] center;
    private final double[] scale;
    private final long samples;
    private final MissingValues missing;

    /**
     * Population standard deviation at or below which {@link #zScoreIgnoringNaN} treats a column as having no
     * spread and gives it scale 1.
     */
    public static final double ZERO_SPREAD = 1e-12;

    private Scaler(ScalerKind kind, String[] columns, double[] center, double[] scale, long samples,
                   MissingValues missing) {
        this.kind = kind;
        this.columns = columns;
        this.center = center;
        this.scale = scale;
        this.samples = samples;
        this.missing = missing;
    }

    /**
     * Fits a scaler of the given kind to every column.
     *
     * @throws IllegalArgumentException if {@code data} is empty or holds a NaN (the message names the column and row)
     */
    public static Scaler fit(Dataset data, ScalerKind kind) {
        Checks.requireNonNull(data, "data");
        Checks.requireNonNull(kind, "kind");
        Stats.requireRows(data, 1, "data");
        Stats.requireNoNaN(data, "data");
        int d = data.columnCount();
        double[] c = new double[d];
        double[] s = new double[d];
        for (int j = 0; j < d; j++) {
            double[] x = data.columnValues(j);
            switch (kind) {
                case Z_SCORE: {
                    c[j] = Stats.mean(x);
                    s[j] = Math.sqrt(Stats.variance(x, c[j]));
                    break;
                }
                case MIN_MAX: {
                    double lo = Double.POSITIVE_INFINITY;
                    double hi = Double.NEGATIVE_INFINITY;
                    for (double v : x) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                    c[j] = lo;
                    s[j] = hi - lo;
                    break;
                }
                case ROBUST: {
                    Arrays.sort(x);
                    c[j] = Stats.median(x);
                    s[j] = Stats.quantileSorted(x, 0.75) - Stats.quantileSorted(x, 0.25);
                    break;
                }
                default:
                    throw new AssertionError(kind);
            }
            if (s[j] == 0) {
                s[j] = 1;
            }
            Checks.requireArgument(Double.isFinite(c[j]) && Double.isFinite(s[j]),
                    "data column '%s' (index %d) overflows: center %s, scale %s (shape %s)",
                    data.column(j), j, c[j], s[j], data.shape());
        }
        return new Scaler(kind, data.columns(), c, s, data.rowCount(), MissingValues.PROPAGATE);
    }

    /**
     * Fits a z-score scaler to rows {@code from} (inclusive) to {@code to} (exclusive) of {@code rows}, ignoring
     * NaN per column, for models that freeze their input scaling at training time. Per column: centre = mean of
     * the non-NaN values, scale = their population standard deviation (divisor: their count), or 1 when that is
     * at most {@link #ZERO_SPREAD} or the column has no value at all (then the centre is 0). The scaler maps NaN
     * to 0 ({@link MissingValues#IMPUTE_CENTER}): {@code z = (x - mean) / scale}, NaN -> 0. The means and
     * variances are Welford's running ones ({@link RunningMoments}). O((to - from) * columns).
     *
     * @param columns the column names; each row has one value per column
     * @throws IllegalArgumentException if {@code from..to} is not a non-empty range of {@code rows}, a row has
     *                                  another length, or a value is infinite (the message names row and column)
     */
    public static Scaler zScoreIgnoringNaN(String[] columns, double[][] rows, int from, int to) {
        Checks.requireNonNull(columns, "columns");
        Checks.requireNonNull(rows, "rows");
        Checks.requireArgument(0 <= from && from < to && to <= rows.length,
                "rows range [%d, %d) must be non-empty and inside 0..%d", from, to, rows.length);
        int d = columns.length;
        double[] moments = new double[d * RunningMoments.SLOTS];
        for (int j = 0; j < d; j++) {
            RunningMoments.init(moments, j * RunningMoments.SLOTS);
        }
        for (int i = from; i < to; i++) {
            double[] x = rows[i];
            if (x == null || x.length != d) {
                throw new IllegalArgumentException("rows[" + i + "] has " + (x == null ? "null" : x.length + " values")
                        + ", columns has " + d);
            }
            for (int j = 0; j < d; j++) {
                double v = x[j];
                if (Double.isNaN(v)) {
                    continue;
                }
                if (Double.isInfinite(v)) {
                    throw new IllegalArgumentException("rows[" + i + "] column '" + columns[j] + "' (index " + j
                            + ") is " + v);
                }
                RunningMoments.add(moments, j * RunningMoments.SLOTS, v);
            }
        }
        double[] c = new double[d];
        double[] s = new double[d];
        for (int j = 0; j < d; j++) {
            int off = j * RunningMoments.SLOTS;
            boolean empty = RunningMoments.count(moments, off) == 0;
            double sd = empty ? 0 : RunningMoments.populationStd(moments, off);
            c[j] = empty ? 0 : RunningMoments.mean(moments, off);
            s[j] = sd > ZERO_SPREAD ? sd : 1.0;
        }
        return of(ScalerKind.Z_SCORE, columns, c, s, to - from).withMissing(MissingValues.IMPUTE_CENTER);
    }

    /** {@link #zScoreIgnoringNaN(String[], double[][], int, int)} over every row of {@code data}. */
    public static Scaler zScoreIgnoringNaN(Dataset data) {
        Checks.requireNonNull(data, "data");
        double[][] rows = data.toArray();
        Checks.requireArgument(rows.length > 0, "data must have at least 1 row, has 0");
        return zScoreIgnoringNaN(data.columns(), rows, 0, rows.length);
    }

    /** Fits a z-score scaler (population std). See {@link #fit(Dataset, ScalerKind)}. */
    public static Scaler zScore(Dataset data) {
        return fit(data, ScalerKind.Z_SCORE);
    }

    /** Fits a min-max scaler to [0, 1]. See {@link #fit(Dataset, ScalerKind)}. */
    public static Scaler minMax(Dataset data) {
        return fit(data, ScalerKind.MIN_MAX);
    }

    /** Fits a robust scaler (median / IQR). See {@link #fit(Dataset, ScalerKind)}. */
    public static Scaler robust(Dataset data) {
        return fit(data, ScalerKind.ROBUST);
    }

    /**
     * Creates a scaler from known parameters (used by {@link OnlineStandardScaler#toScaler()}).
     *
     * @throws IllegalArgumentException on length mismatches, non-finite centres or non-positive scales
     */
    public static Scaler of(ScalerKind kind, String[] columns, double[] center, double[] scale, long samples) {
        Checks.requireNonNull(kind, "kind");
        Checks.requireNonNull(columns, "columns");
        Checks.requireNonNull(center, "center");
        Checks.requireNonNull(scale, "scale");
        Checks.requireArgument(center.length == columns.length && scale.length == columns.length,
                "center has %d values and scale %d, columns has %d", center.length, scale.length, columns.length);
        for (int j = 0; j < columns.length; j++) {
            Checks.requireArgument(columns[j] != null, "columns[%d] must not be null", j);
            Checks.requireArgument(Double.isFinite(center[j]), "center of column '%s' (index %d) must be finite, was %s",
                    columns[j], j, center[j]);
            Checks.requireArgument(scale[j] > 0 && Double.isFinite(scale[j]),
                    "scale of column '%s' (index %d) must be finite and > 0, was %s", columns[j], j, scale[j]);
        }
        Checks.requireArgument(samples >= 0, "samples must be >= 0, was %d", samples);
        return new Scaler(kind, columns.clone(), center.clone(), scale.clone(), samples, MissingValues.PROPAGATE);
    }

    /** This scaler with the missing-value rule {@code missing} (everything else equal). */
    public Scaler withMissing(MissingValues missing) {
        Checks.requireNonNull(missing, "missing");
        return missing == this.missing ? this : new Scaler(kind, columns, center, scale, samples, missing);
    }

    /** Scales every row; the columns of {@code data} must be the fitted ones. O(rows * columns). */
    public Dataset transform(Dataset data) {
        Checks.requireNonNull(data, "data");
        Stats.requireColumns(data, columns, "data", "scaler");
        double[][] r = data.toArray();
        for (double[] row : r) {
            transformInPlace(row);
        }
        return data.withValues(r);
    }

    /** Maps scaled rows back to the original units. O(rows * columns). */
    public Dataset inverseTransform(Dataset data) {
        Checks.requireNonNull(data, "data");
        Stats.requireColumns(data, columns, "data", "scaler");
        double[][] r = data.toArray();
        for (double[] row : r) {
            inverseInPlace(row);
        }
        return data.withValues(r);
    }

    /** Scales one row in place (no allocation); NaN by the {@link #missing()} rule. */
    public void transformInPlace(double[] row) {
        transform(row, row);
    }

    /**
     * Writes the scaled {@code x} into {@code out} (which may be x itself): {@code (x[j] - center[j]) / scale[j]},
     * NaN by the {@link #missing()} rule. O(columns), no allocation.
     *
     * @throws IllegalArgumentException if a length differs from the column count
     */
    public void transform(double[] x, double[] out) {
        checkRow(x);
        checkRow(out);
        boolean impute = missing == MissingValues.IMPUTE_CENTER;
        for (int j = 0; j < x.length; j++) {
            double v = x[j];
            out[j] = impute && Double.isNaN(v) ? 0.0 : (v - center[j]) / scale[j];
        }
    }

    /** Inverse-scales one row in place (no allocation). */
    public void inverseInPlace(double[] row) {
        inverse(row, row);
    }

    /**
     * Writes the original-units value of the scaled {@code z} into {@code out} (which may be z itself):
     * {@code z[j] * scale[j] + center[j]}. O(columns), no allocation.
     *
     * @throws IllegalArgumentException if a length differs from the column count
     */
    public void inverse(double[] z, double[] out) {
        checkRow(z);
        checkRow(out);
        for (int j = 0; j < z.length; j++) {
            out[j] = z[j] * scale[j] + center[j];
        }
    }

    private void checkRow(double[] row) {
        Checks.requireNonNull(row, "row");
        if (row.length != center.length) {
            throw new IllegalArgumentException("row has " + row.length + " values, scaler expects " + center.length);
        }
    }

    /** The kind fitted. */
    public ScalerKind kind() {
        return kind;
    }

    /** A copy of the column names the scaler was fitted on. */
    public String[] columns() {
        return columns.clone();
    }

    /** A copy of the centres (mean, min or median per column). */
    public double[] center() {
        return center.clone();
    }

    /** A copy of the scales (std, range or IQR per column; 1 where the fitted value was 0). */
    public double[] scale() {
        return scale.clone();
    }

    /** The number of rows the scaler was fitted on. */
    public long samples() {
        return samples;
    }

    /** What {@link #transform(double[], double[])} does with NaN. */
    public MissingValues missing() {
        return missing;
    }

    /** This scaler as versioned JSON. */
    public String toJson() {
        ObjectNode o = JsonCodec.header(FORMAT, VERSION);
        o.put("kind", kind.name());
        o.put("samples", samples);
        o.set("columns", JsonCodec.strings(columns));
        o.set("center", JsonCodec.doubles(center));
        o.set("scale", JsonCodec.doubles(scale));
        if (missing != MissingValues.PROPAGATE) {
            o.put("missing", missing.name());
        }
        return JsonCodec.write(o);
    }

    /**
     * Reads a scaler written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException on malformed JSON or another format or version
     */
    public static Scaler fromJson(String json) {
        JsonNode n = JsonCodec.read(json, FORMAT, VERSION);
        ScalerKind k;
        try {
            k = ScalerKind.valueOf(JsonCodec.readText(n, "kind"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("json field 'kind' must be one of " + Arrays.toString(ScalerKind.values())
                    + ", was " + n.get("kind"), e);
        }
        MissingValues m = MissingValues.PROPAGATE;
        if (n.has("missing")) {
            try {
                m = MissingValues.valueOf(JsonCodec.readText(n, "missing"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("json field 'missing' must be one of "
                        + Arrays.toString(MissingValues.values()) + ", was " + n.get("missing"), e);
            }
        }
        return of(k, JsonCodec.readStrings(n, "columns"), JsonCodec.readDoubles(n, "center"), JsonCodec.readDoubles(n, "scale"),
                JsonCodec.field(n, "samples").asLong()).withMissing(m);
    }

    /** Equal when kind, columns, centres, scales, sample count and missing rule are equal (bitwise for doubles). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Scaler)) {
            return false;
        }
        Scaler s = (Scaler) o;
        return kind == s.kind && samples == s.samples && missing == s.missing && Arrays.equals(columns, s.columns)
                && Arrays.equals(center, s.center) && Arrays.equals(scale, s.scale);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(center) * 31 + Arrays.hashCode(scale);
    }

    @Override
    public String toString() {
        return "Scaler[" + kind + ", columns=" + Arrays.toString(columns) + ", center=" + Arrays.toString(center)
                + ", scale=" + Arrays.toString(scale) + (missing == MissingValues.PROPAGATE ? "" : ", missing=" + missing)
                + "]";
    }
}
