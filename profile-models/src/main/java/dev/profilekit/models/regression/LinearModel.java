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
 * An immutable linear regression model {@code y = b + w.x}, fitted by {@link LinearRegression} (OLS or ridge).
 * Records the training R² and, for OLS, {@link OlsStatistics}. Round-trips exactly through JSON.
 */
public final class LinearModel {

    /** The JSON format name. */
    public static final String FORMAT = "profilekit.linear-model";
    /** The JSON format version written and read by this class. */
    public static final int VERSION = 1;

    private final double intercept;
    private final double[] coefficients;
    private final List<String> featureNames;
    private final double trainingR2;
    private final OlsStatistics statistics;
    private final ModelInfo info;

    LinearModel(double intercept, double[] coefficients, List<String> featureNames, double trainingR2,
                OlsStatistics statistics, ModelInfo info) {
        Checks.requireNonNull(coefficients, "coefficients");
        Checks.requireArgument(featureNames.size() == coefficients.length,
                "featureNames has %d names but there are %d coefficients", featureNames.size(), coefficients.length);
        this.intercept = intercept;
        this.coefficients = coefficients.clone();
        this.featureNames = List.copyOf(featureNames);
        this.trainingR2 = trainingR2;
        this.statistics = statistics;
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

    /** The coefficient of the named feature; fails naming the known features if there is none. */
    public double coefficient(String name) {
        int j = featureNames.indexOf(name);
        Checks.requireArgument(j >= 0, "no feature named '%s'; features are %s", name, featureNames);
        return coefficients[j];
    }

    /** Feature names in coefficient order. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** R² of the fit on its training data. */
    public double trainingR2() {
        return trainingR2;
    }

    /** Standard errors etc. for OLS fits; empty for ridge. */
    public Optional<OlsStatistics> olsStatistics() {
        return Optional.ofNullable(statistics);
    }

    /** What made this model. */
    public ModelInfo info() {
        return info;
    }

    /** {@code b + w.x}. O(d), no allocation; fails on a wrong length or non-finite value. */
    public double predict(double[] x) {
        return Inputs.linearPredictor(intercept, coefficients, featureNames, x);
    }

    /** Predictions for every row. O(n d). */
    public double[] predict(double[][] x) {
        Checks.requireNonNull(x, "x");
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = predict(x[i]);
        }
        return out;
    }

    /** Residuals {@code y_i - predict(x_i)}. O(n d); fails on mismatched lengths. */
    public double[] residuals(double[][] x, double[] y) {
        Checks.requireNonNull(x, "x");
        Inputs.requireTargets(y, x.length);
        double[] r = predict(x);
        for (int i = 0; i < r.length; i++) {
            r[i] = y[i] - r[i];
        }
        return r;
    }

    /** This model as versioned JSON ({@value #FORMAT}, version {@value #VERSION}). */
    public String toJson() {
        ObjectNode root = JsonCodec.header(FORMAT, VERSION);
        root.put("intercept", intercept);
        root.set("coefficients", JsonCodec.doubles(coefficients));
        root.set("featureNames", JsonCodec.strings(featureNames));
        root.put("trainingR2", trainingR2);
        if (statistics != null) {
            ObjectNode s = root.putObject("olsStatistics");
            s.put("degreesOfFreedom", statistics.degreesOfFreedom());
            s.put("residualStandardError", statistics.residualStandardError());
            s.put("interceptStandardError", statistics.interceptStandardError());
            s.set("coefficientStandardErrors", JsonCodec.doubles(statistics.coefficientStandardErrors()));
        }
        root.set("info", ModelInfoJson.write(info));
        return JsonCodec.write(root);
    }

    /** Reads a model written by {@link #toJson()}; fails on another format or version. */
    public static LinearModel fromJson(String json) {
        JsonNode root = JsonCodec.read(json, FORMAT, VERSION);
        OlsStatistics s = null;
        JsonNode sn = root.get("olsStatistics");
        if (sn != null && !sn.isNull()) {
            s = new OlsStatistics(JsonCodec.readInt(sn, "degreesOfFreedom"),
                    JsonCodec.readDouble(sn, "residualStandardError"), JsonCodec.readDouble(sn, "interceptStandardError"),
                    JsonCodec.readDoubles(sn, "coefficientStandardErrors"));
        }
        return new LinearModel(JsonCodec.readDouble(root, "intercept"), JsonCodec.readDoubles(root, "coefficients"),
                JsonCodec.readStringList(root, "featureNames"), JsonCodec.readDouble(root, "trainingR2"), s,
                ModelInfoJson.read(root));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinearModel m && Double.compare(intercept, m.intercept) == 0
                && Arrays.equals(coefficients, m.coefficients) && featureNames.equals(m.featureNames)
                && Double.compare(trainingR2, m.trainingR2) == 0 && Objects.equals(statistics, m.statistics)
                && info.equals(m.info);
    }

    @Override
    public int hashCode() {
        return Objects.hash(intercept, Arrays.hashCode(coefficients), featureNames, trainingR2, statistics, info);
    }

    @Override
    public String toString() {
        return "LinearModel{intercept=" + intercept + ", coefficients=" + Arrays.toString(coefficients) + ", r2="
                + trainingR2 + ", info=" + info + "}";
    }
}
