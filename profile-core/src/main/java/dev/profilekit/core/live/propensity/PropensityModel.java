package dev.profilekit.core.live.propensity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.core.live.VectorPipeline;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.features.io.JsonCodec;
import dev.profilekit.models.regression.LogisticModel;
import java.util.List;

/**
 * One immutable version of the live propensity model: a profile-models {@link LogisticModel} over the model
 * inputs of a fitted {@link VectorPipeline}. {@link #score(double[])} takes the raw vector (missing values
 * NaN), standardises it into a per-thread scratch array and returns {@link LogisticModel#predictProbability};
 * it allocates nothing. Versions increase by one with every publication (an online update, an accepted
 * retrain or a swap).
 *
 * <p>JSON ({@link #toJson()}): {@code {"format":"profilekit.propensity-model","version":1,"model_version":..,
 * "origin":..,"trained_on":..,"pipeline":{..VectorPipeline..},"logistic":{..LogisticModel..}}}; a model fitted
 * in batch can be written, read back and {@link LiveModel#swap swapped} into a running updater.
 */
public final class PropensityModel {

    /** The JSON format name. */
    public static final String FORMAT = "profilekit.propensity-model";
    /** The JSON format version. */
    public static final int VERSION = 1;

    private static final ThreadLocal<double[]> SCRATCH = ThreadLocal.withInitial(() -> new double[0]);

    private final long version;
    private final String origin;
    private final VectorPipeline pipeline;
    private final LogisticModel logistic;
    private final long trainedOn;

    private PropensityModel(long version, String origin, VectorPipeline pipeline, LogisticModel logistic,
                            long trainedOn) {
        this.version = version;
        this.origin = origin;
        this.pipeline = pipeline;
        this.logistic = logistic;
        this.trainedOn = trainedOn;
    }

    /**
     * A model version (for example fitted in batch: {@code LogisticRegression.fit(pipeline.transform(raw), y,
     * pipeline.columns(), options)}).
     *
     * @param pipeline  a fitted pipeline
     * @param logistic  a logistic regression over {@code pipeline}'s columns (same names, same order)
     * @param trainedOn number of labelled examples behind it, {@code >= 0}
     * @throws IllegalArgumentException if the pipeline is unfitted or its columns are not the model's
     */
    public static PropensityModel of(VectorPipeline pipeline, LogisticModel logistic, long trainedOn) {
        return of(0, "batch", pipeline, logistic, trainedOn);
    }

    static PropensityModel of(long version, String origin, VectorPipeline pipeline, LogisticModel logistic,
                              long trainedOn) {
        if (pipeline == null || !pipeline.fitted()) {
            throw new IllegalArgumentException("pipeline must be a fitted VectorPipeline, was " + pipeline);
        }
        if (logistic == null || !logistic.featureNames().equals(pipeline.columns())) {
            throw new IllegalArgumentException("logistic must be over the pipeline's columns " + pipeline.columns()
                    + ", was " + (logistic == null ? "null" : logistic.featureNames()));
        }
        if (trainedOn < 0) {
            throw new IllegalArgumentException("trainedOn must be >= 0, was " + trainedOn);
        }
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, was " + version);
        }
        return new PropensityModel(version, origin, pipeline, logistic, trainedOn);
    }

    /** The version number (1 for the first live model; 0 for a model not published yet). */
    public long version() {
        return version;
    }

    /** {@code "batch"} for a retrain or a model made by {@link #of}, {@code "online"} for a publication of the online learner, {@code "swap"} once swapped in. */
    public String origin() {
        return origin;
    }

    /** The pipeline from a profile to the model input. */
    public VectorPipeline pipeline() {
        return pipeline;
    }

    /** The logistic regression over the pipeline's model inputs. */
    public LogisticModel logistic() {
        return logistic;
    }

    /** Column names of the feature vector. */
    public List<String> featureNames() {
        return logistic.featureNames();
    }

    /** Coefficients on standardised columns (a copy). */
    public double[] coefficients() {
        return logistic.coefficients();
    }

    /** The intercept. */
    public double intercept() {
        return logistic.intercept();
    }

    /** Number of labelled examples the model has learned from (batch size, or examples seen online). */
    public long trainedOn() {
        return trainedOn;
    }

    PropensityModel withVersion(long v, String newOrigin) {
        return new PropensityModel(v, newOrigin, pipeline, logistic, trainedOn);
    }

    /**
     * P(label event within the horizon) for a raw profile vector: {@code logistic.predictProbability(
     * pipeline.transform(raw))}. O(d), no allocation.
     *
     * @throws IllegalArgumentException if {@code raw} does not have {@link VectorPipeline#dimension()} values
     */
    public double score(double[] raw) {
        double[] z = SCRATCH.get();
        if (z.length != pipeline.dimension()) {
            z = new double[pipeline.dimension()];
            SCRATCH.set(z);
        }
        pipeline.transform(raw, z);
        return logistic.predictProbability(z);
    }

    /** This version as JSON: its pipeline and its logistic model, with version, origin and example count. */
    public String toJson() {
        ObjectNode root = JsonCodec.objectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("model_version", version);
        root.put("origin", origin);
        root.put("trained_on", trainedOn);
        root.set("pipeline", pipeline.toNode());
        root.set("logistic", VectorPipeline.readTree(logistic.toJson()));
        return JsonCodec.write(root);
    }

    /**
     * Reads a model written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException if the text is not such a model or its parts do not fit together
     */
    public static PropensityModel fromJson(String json) {
        if (json == null) {
            throw new IllegalArgumentException("json must not be null");
        }
        JsonNode root = JsonCodec.read(json, FORMAT, VERSION);
        JsonNode lr = root.get("logistic");
        if (lr == null || !lr.isObject()) {
            throw new IllegalArgumentException("json logistic must be a " + LogisticModel.FORMAT + " object, was " + lr);
        }
        return of(root.path("model_version").asLong(0), root.path("origin").asText("batch"),
                VectorPipeline.fromNode(root.get("pipeline")), LogisticModel.fromJson(JsonCodec.write(lr)),
                root.path("trained_on").asLong(0));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PropensityModel m && version == m.version && origin.equals(m.origin)
                && trainedOn == m.trainedOn && pipeline.equals(m.pipeline) && logistic.equals(m.logistic);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(version, origin, trainedOn, pipeline, logistic);
    }

    @Override
    public String toString() {
        return "PropensityModel{version=" + version + ", origin=" + origin + ", trainedOn=" + trainedOn + '}';
    }

    /**
     * The score of a raw profile vector taken apart into the intercept and one term per column
     * ({@code weight × transformed value}); its {@link PropensityExplanation#score()} is exactly
     * {@link #score(double[])}. O(d log d), allocating.
     *
     * @throws IllegalArgumentException if {@code raw} does not have {@link VectorPipeline#dimension()} values
     */
    public PropensityExplanation explain(double[] raw) {
        double[] z = new double[pipeline.dimension()];
        pipeline.transform(raw, z);
        double logit = logistic.logit(z);
        List<String> names = featureNames();
        List<String> inputs = pipeline.inputOfColumns();
        java.util.List<PropensityExplanation.Contribution> terms = new java.util.ArrayList<>(z.length);
        for (int j = 0; j < z.length; j++) {
            double w = logistic.coefficient(j);
            terms.add(new PropensityExplanation.Contribution(names.get(j), inputs.get(j), raw[j], z[j], w, w * z[j]));
        }
        terms.sort(PropensityExplanation.ORDER);
        return new PropensityExplanation(version, logistic.intercept(), terms, logit,
                logistic.predictProbability(z));
    }
}
