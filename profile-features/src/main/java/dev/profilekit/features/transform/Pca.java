package dev.profilekit.features.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.Checks;
import dev.profilekit.features.io.JsonCodec;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Principal component analysis by a thin singular value decomposition of the centred data
 * {@code Xc = U S V^T} (EJML's implicit-QR SVD), never by the eigenvectors of the covariance matrix: forming
 * {@code Xc^T Xc} squares the condition number and loses about half the digits of the small components.
 *
 * <p>Components are the rows of {@code V^T} in order of decreasing singular value; explained variance is
 * {@code s_k^2 / (n - 1)} (ddof 1, as scikit-learn), and its ratio divides by the sum over all
 * min(n, d) components. <b>Sign rule:</b> each component is flipped so that its entry of largest absolute
 * value (the first such entry on ties) is positive. This is scikit-learn's {@code svd_flip} with
 * {@code u_based_decision=False}; scikit-learn 1.2 flips on U instead, so components may differ from it by
 * sign only.
 *
 * <p>Transform: {@code z = (x - mean) V_k^T}, divided by {@code sqrt(explained variance)} when whitening;
 * inverse transform undoes both, and is exact (up to rounding) when all components of a full-rank
 * matrix are kept. Fit costs O(n d min(n, d)); transform O(d k) per row. Immutable; JSON
 * {@code {"format":"profilekit.pca","version":1,...}}.
 */
public final class Pca {

    private static final String FORMAT = "profilekit.pca";
    private static final int VERSION = 1;

    private final PcaOptions options;
    private final String[] columns;
    private final double[] mean;
    private final double[][] components;
    private final double[] explainedVariance;
    private final double[] explainedVarianceRatio;
    private final double[] singularValues;
    private final long samples;

    private Pca(PcaOptions options, String[] columns, double[] mean, double[][] components,
                double[] explainedVariance, double[] explainedVarianceRatio, double[] singularValues, long samples) {
        this.options = options;
        this.columns = columns;
        this.mean = mean;
        this.components = components;
        this.explainedVariance = explainedVariance;
        this.explainedVarianceRatio = explainedVarianceRatio;
        this.singularValues = singularValues;
        this.samples = samples;
    }

    /**
     * Fits PCA to the rows of {@code data}.
     *
     * @throws IllegalArgumentException if data has fewer than 2 rows, holds a NaN (message names column and
     *                                  row), or the requested count exceeds min(rows, columns)
     */
    public static Pca fit(Dataset data, PcaOptions options) {
        Checks.requireNonNull(data, "data");
        Checks.requireNonNull(options, "options");
        Stats.requireRows(data, 2, "data");
        Stats.requireNoNaN(data, "data");
        int n = data.rowCount();
        int d = data.columnCount();
        int maxK = Math.min(n, d);
        if (options.mode() == PcaOptions.Mode.COUNT && options.components() > maxK) {
            throw new IllegalArgumentException("components must be <= min(rows, columns) = " + maxK
                    + " for data of shape " + data.shape() + ", was " + options.components());
        }
        double[][] rows = data.rawRows();
        double[] mean = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] = Stats.mean(data.columnValues(j));
        }
        DMatrixRMaj xc = new DMatrixRMaj(n, d);
        double[] a = xc.data;
        for (int i = 0, p = 0; i < n; i++) {
            double[] r = rows[i];
            for (int j = 0; j < d; j++) {
                a[p++] = r[j] - mean[j];
            }
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(n, d, false, true, true);
        if (!svd.decompose(xc)) {
            throw new IllegalStateException("SVD did not converge for data of shape " + data.shape());
        }
        double[] sv = svd.getSingularValues();
        int m = svd.numberOfSingularValues();
        DMatrixRMaj vt = svd.getV(null, true); // m x d (compact)
        Integer[] order = new Integer[m];
        for (int k = 0; k < m; k++) {
            order[k] = k;
        }
        // EJML does not sort singular values; stable sort keeps ties in EJML's order
        Arrays.sort(order, (p, q) -> Double.compare(sv[q], sv[p]));
        double[] s = new double[maxK];
        double[][] comps = new double[maxK][d];
        for (int k = 0; k < maxK && k < m; k++) {
            int src = order[k];
            s[k] = sv[src];
            double[] c = comps[k];
            for (int j = 0; j < d; j++) {
                c[j] = vt.get(src, j);
            }
            flipSign(c);
        }
        double[] ev = new double[maxK];
        double total = 0;
        for (int k = 0; k < maxK; k++) {
            ev[k] = s[k] * s[k] / (n - 1);
            total += ev[k];
        }
        double[] ratio = new double[maxK];
        for (int k = 0; k < maxK; k++) {
            ratio[k] = total > 0 ? ev[k] / total : 0;
        }
        int keep = chooseCount(options, ratio, maxK);
        return new Pca(options, data.columns(), mean, Arrays.copyOf(comps, keep), Arrays.copyOf(ev, keep),
                Arrays.copyOf(ratio, keep), Arrays.copyOf(s, keep), n);
    }

    private static int chooseCount(PcaOptions options, double[] ratio, int maxK) {
        switch (options.mode()) {
            case COUNT:
                return options.components();
            case ALL:
                return maxK;
            case VARIANCE_FRACTION: {
                double cum = 0;
                for (int k = 0; k < maxK; k++) {
                    cum += ratio[k];
                    if (cum > options.varianceFraction()) {
                        return k + 1;
                    }
                }
                return maxK;
            }
            default:
                throw new AssertionError(options.mode());
        }
    }

    /** Deterministic sign: the entry of largest |value| (first on ties) becomes positive. */
    static void flipSign(double[] c) {
        int arg = 0;
        for (int j = 1; j < c.length; j++) {
            if (Math.abs(c[j]) > Math.abs(c[arg])) {
                arg = j;
            }
        }
        if (c[arg] < 0) {
            for (int j = 0; j < c.length; j++) {
                c[j] = -c[j];
            }
        }
    }

    /** Projects every row onto the kept components; the result has columns {@code pc1..pck}. */
    public Dataset transform(Dataset data) {
        Checks.requireNonNull(data, "data");
        Stats.requireColumns(data, columns, "data", "pca");
        double[][] in = data.rawRows();
        double[][] out = new double[in.length][];
        for (int i = 0; i < in.length; i++) {
            out[i] = transform(in[i]);
        }
        String[] names = new String[components.length];
        for (int k = 0; k < names.length; k++) {
            names[k] = "pc" + (k + 1);
        }
        return Dataset.of(names, out, data.rawLabels());
    }

    /** Projects one row; O(d k). */
    public double[] transform(double[] x) {
        Checks.requireNonNull(x, "x");
        Checks.requireArgument(x.length == mean.length, "x has %d values, pca expects %d", x.length, mean.length);
        double[] z = new double[components.length];
        for (int k = 0; k < components.length; k++) {
            double[] c = components[k];
            double acc = 0;
            for (int j = 0; j < c.length; j++) {
                acc += (x[j] - mean[j]) * c[j];
            }
            z[k] = options.whiten() ? acc / Math.sqrt(explainedVariance[k]) : acc;
        }
        return z;
    }

    /** Maps component scores back to the original columns. */
    public Dataset inverseTransform(Dataset scores) {
        Checks.requireNonNull(scores, "scores");
        Checks.requireArgument(scores.columnCount() == components.length,
                "scores has %d columns (shape %s), pca has %d components", scores.columnCount(), scores.shape(),
                components.length);
        double[][] in = scores.rawRows();
        double[][] out = new double[in.length][];
        for (int i = 0; i < in.length; i++) {
            out[i] = inverseTransform(in[i]);
        }
        return Dataset.of(columns, out, scores.rawLabels());
    }

    /** Maps one score vector back: {@code mean + sum_k z_k (sqrt(ev_k) if whitened) component_k}. O(d k). */
    public double[] inverseTransform(double[] z) {
        Checks.requireNonNull(z, "z");
        Checks.requireArgument(z.length == components.length, "z has %d values, pca has %d components",
                z.length, components.length);
        double[] x = mean.clone();
        for (int k = 0; k < components.length; k++) {
            double w = options.whiten() ? z[k] * Math.sqrt(explainedVariance[k]) : z[k];
            double[] c = components[k];
            for (int j = 0; j < x.length; j++) {
                x[j] += w * c[j];
            }
        }
        return x;
    }

    /** The options fitted with. */
    public PcaOptions options() {
        return options;
    }

    /** Number of components kept. */
    public int componentCount() {
        return components.length;
    }

    /** A copy of the input column names. */
    public String[] columns() {
        return columns.clone();
    }

    /** A copy of the column means subtracted before projection. */
    public double[] mean() {
        return mean.clone();
    }

    /** A copy of the components, {@code k x d}, rows of unit length, signs per the class rule. */
    public double[][] components() {
        double[][] out = new double[components.length][];
        for (int k = 0; k < out.length; k++) {
            out[k] = components[k].clone();
        }
        return out;
    }

    /** A copy of the explained variance per component, {@code s^2 / (n - 1)}. */
    public double[] explainedVariance() {
        return explainedVariance.clone();
    }

    /** A copy of the explained-variance ratio per component (over all min(n, d) components). */
    public double[] explainedVarianceRatio() {
        return explainedVarianceRatio.clone();
    }

    /** A copy of the singular values of the centred data for the kept components. */
    public double[] singularValues() {
        return singularValues.clone();
    }

    /** Rows fitted on. */
    public long samples() {
        return samples;
    }

    /** This PCA as versioned JSON. */
    public String toJson() {
        ObjectNode o = JsonCodec.header(FORMAT, VERSION);
        ObjectNode opt = o.putObject("options");
        opt.put("mode", options.mode().name());
        opt.put("components", options.components());
        opt.set("varianceFraction", JsonCodec.number(options.varianceFraction()));
        opt.put("whiten", options.whiten());
        o.put("samples", samples);
        o.set("columns", JsonCodec.strings(columns));
        o.set("mean", JsonCodec.doubles(mean));
        o.set("components", JsonCodec.matrix(components));
        o.set("explainedVariance", JsonCodec.doubles(explainedVariance));
        o.set("explainedVarianceRatio", JsonCodec.doubles(explainedVarianceRatio));
        o.set("singularValues", JsonCodec.doubles(singularValues));
        return JsonCodec.write(o);
    }

    /** Reads a PCA written by {@link #toJson()}; fails on another format or version or inconsistent shapes. */
    public static Pca fromJson(String json) {
        JsonNode n = JsonCodec.read(json, FORMAT, VERSION);
        JsonNode opt = JsonCodec.field(n, "options");
        PcaOptions.Mode mode;
        try {
            mode = PcaOptions.Mode.valueOf(JsonCodec.readText(opt, "mode"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("json field 'mode' must be one of "
                    + Arrays.toString(PcaOptions.Mode.values()) + ", was " + opt.get("mode"), e);
        }
        PcaOptions options = new PcaOptions(mode, JsonCodec.readInt(opt, "components"),
                JsonCodec.readDouble(opt, "varianceFraction"), JsonCodec.field(opt, "whiten").asBoolean());
        String[] cols = JsonCodec.readStrings(n, "columns");
        double[] mean = JsonCodec.readDoubles(n, "mean");
        double[][] comps = JsonCodec.readMatrix(n, "components");
        double[] ev = JsonCodec.readDoubles(n, "explainedVariance");
        double[] ratio = JsonCodec.readDoubles(n, "explainedVarianceRatio");
        double[] s = JsonCodec.readDoubles(n, "singularValues");
        Checks.requireArgument(mean.length == cols.length, "json mean has %d values, columns has %d", mean.length, cols.length);
        int k = comps.length;
        Checks.requireArgument(ev.length == k && ratio.length == k && s.length == k,
                "json has %d components but %d explained variances, %d ratios, %d singular values",
                k, ev.length, ratio.length, s.length);
        for (int i = 0; i < k; i++) {
            Checks.requireArgument(comps[i].length == cols.length,
                    "json component %d has %d values, columns has %d", i, comps[i].length, cols.length);
        }
        return new Pca(options, cols, mean, comps, ev, ratio, s, JsonCodec.field(n, "samples").asLong());
    }

    /** Equal when every fitted field is equal (bitwise for doubles). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Pca)) {
            return false;
        }
        Pca p = (Pca) o;
        return options.equals(p.options) && samples == p.samples && Arrays.equals(columns, p.columns)
                && Arrays.equals(mean, p.mean) && Arrays.deepEquals(components, p.components)
                && Arrays.equals(explainedVariance, p.explainedVariance)
                && Arrays.equals(explainedVarianceRatio, p.explainedVarianceRatio)
                && Arrays.equals(singularValues, p.singularValues);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(components) * 31 + Arrays.hashCode(mean);
    }

    @Override
    public String toString() {
        return "Pca[components=" + components.length + ", columns=" + columns.length
                + ", explainedVarianceRatio=" + Arrays.toString(explainedVarianceRatio) + "]";
    }
}
