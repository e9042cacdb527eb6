package dev.profilekit.models.regression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.Checks;
import dev.profilekit.features.io.JsonCodec;
import dev.profilekit.models.ModelInfo;
import dev.profilekit.models.io.ModelInfoJson;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable binary logistic regression model: {@code P(y = 1 | x) = 1 / (1 + exp(-(b + w.x)))}.
 *
 * <p>Produced by {@link LogisticRegression#fit} (with a {@link Convergence} report) or by
 * {@link OnlineLogisticRegression#snapshot()} (without one). Prediction methods on a single row allocate
 * nothing and cost O(d). Round-trips exactly through {@link #toJson()} / {@link #fromJson(String)}.
 */
public final class LogisticModel {

    /** The JSON format name. */
    public static final String FORMAT = "profilekit.logistic-model";
    /** The JSON format version written and read by this class. */
    public static final int VERSION = 1;

    private final double intercept;
    private final double[] coefficients;
    private final List<String> featureNames;
    private final Convergence convergence;
    private final ModelInfo info;

    LogisticModel(double intercept, double[] coefficients, List<String> featureNames, Convergence convergence,
                  ModelInfo info) {
        Checks.requireFinite(intercept, "intercept");
        Checks.requireNonNull(coefficients, "coefficients");
        for (int j = 0; j < coefficients.length; j++) {
            Checks.requireArgument(Double.isFinite(coefficients[j]), "coefficient %d must be finite, was %s", j,
                    coefficients[j]);
        }
        Checks.requireArgument(featureNames.size() == coefficients.length,
                "featureNames has %d names but there are %d coefficients", featureNames.size(), coefficients.length);
        this.intercept = intercept;
        this.coefficients = coefficients.clone();
        this.featureNames = List.copyOf(featureNames);
        this.convergence = convergence;
        this.info = Checks.requireNonNull(info, "info");
    }

    /** The intercept b. */
    public double intercept() {
        return intercept;
    }

    /** A copy of the coefficients w, in feature order. */
    public double[] coefficients() {
        return coefficients.clone();
    }

    /** The coefficient of feature {@code j}. */
    public double coefficient(int j) {
        Checks.requireArgument(j >= 0 && j < coefficients.length, "j must be in [0, %d), was %d", coefficients.length, j);
        return coefficients[j];
    }

    /**
     * The coefficient of the named feature.
     *
     * @throws IllegalArgumentException if no feature has that name
     */
    public double coefficient(String name) {
        int j = featureNames.indexOf(name);
        Checks.requireArgument(j >= 0, "no feature named '%s'; features are %s", name, featureNames);
        return coefficients[j];
    }

    /** Feature names, in coefficient order ({@code x0, x1, ...} when none were given). */
    public List<String> featureNames() {
        return featureNames;
    }

    /** Number of features d. */
    public int dimension() {
        return coefficients.length;
    }

    /** How the batch fit ended; empty for models snapshotted from an online learner. */
    public Optional<Convergence> convergence() {
        return Optional.ofNullable(convergence);
    }

    /** What made this model. */
    public ModelInfo info() {
        return info;
    }

    /**
     * The linear predictor (log-odds) {@code b + w.x}. O(d), no allocation.
     *
     * @throws IllegalArgumentException if {@code x} has the wrong length or a non-finite value
     */
    public double logit(double[] x) {
        return Inputs.linearPredictor(intercept, coefficients, featureNames, x);
    }

    /** P(y = 1 | x). O(d), no allocation. */
    public double predictProbability(double[] x) {
        return sigmoid(logit(x));
    }

    /** P(y = 1 | x) for every row. O(n d). */
    public double[] predictProbabilities(double[][] x) {
        Checks.requireNonNull(x, "x");
        double[] p = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            p[i] = predictProbability(x[i]);
        }
        return p;
    }

    /** 1 when P(y = 1 | x) >= 0.5, else 0. */
    public int predict(double[] x) {
        return predictProbability(x) >= 0.5 ? 1 : 0;
    }

    /** 1 when P(y = 1 | x) >= threshold, else 0, for every row. */
    public int[] predict(double[][] x, double threshold) {
        double[] p = predictProbabilities(x);
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = p[i] >= threshold ? 1 : 0;
        }
        return out;
    }

    /** Numerically stable logistic function: never evaluates exp of a large positive number. */
    static double sigmoid(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    /** This model as versioned JSON ({@value #FORMAT}, version {@value #VERSION}). */
    public String toJson() {
        ObjectNode root = JsonCodec.header(FORMAT, VERSION);
        root.put("intercept", intercept);
        root.set("coefficients", JsonCodec.doubles(coefficients));
        root.set("featureNames", JsonCodec.strings(featureNames));
        if (convergence != null) {
            ObjectNode c = root.putObject("convergence");
            c.put("converged", convergence.converged());
            c.put("iterations", convergence.iterations());
            c.put("gradientNorm", convergence.gradientNorm());
            c.put("objective", convergence.objective());
        }
        root.set("info", ModelInfoJson.write(info));
        return JsonCodec.write(root);
    }

    /**
     * Reads a model written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException if the text is not such a model, or has another format or version
     */
    public static LogisticModel fromJson(String json) {
        JsonNode root = JsonCodec.read(json, FORMAT, VERSION);
        Convergence c = null;
        JsonNode cn = root.get("convergence");
        if (cn != null && !cn.isNull()) {
            c = new Convergence(JsonCodec.field(cn, "converged").asBoolean(), JsonCodec.readInt(cn, "iterations"),
                    JsonCodec.readDouble(cn, "gradientNorm"), JsonCodec.readDouble(cn, "objective"));
        }
        return new LogisticModel(JsonCodec.readDouble(root, "intercept"), JsonCodec.readDoubles(root, "coefficients"),
                JsonCodec.readStringList(root, "featureNames"), c, ModelInfoJson.read(root));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogisticModel m
                && Double.compare(intercept, m.intercept) == 0
                && Arrays.equals(coefficients, m.coefficients)
                && featureNames.equals(m.featureNames)
                && Objects.equals(convergence, m.convergence)
                && info.equals(m.info);
    }

    @Override
    public int hashCode() {
        return Objects.hash(intercept, Arrays.hashCode(coefficients), featureNames, convergence, info);
    }

    @Override
    public String toString() {
        return "LogisticModel{intercept=" + intercept + ", coefficients=" + Arrays.toString(coefficients)
                + ", convergence=" + convergence + ", info=" + info + "}";
    }
}
