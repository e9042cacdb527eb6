package dev.profilekit.models.tree;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.Checks;
import dev.profilekit.features.io.JsonCodec;
import dev.profilekit.models.ModelInfo;
import dev.profilekit.models.io.ModelInfoJson;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * An immutable fitted random forest ({@link RandomForest#fit}). Class probabilities are the mean of the trees'
 * leaf class proportions; prediction is their argmax. Cost O(trees x depth) per row. Round-trips exactly
 * through {@link #toJson()} / {@link #fromJson(String)}.
 */
public final class RandomForestModel {

    /** The JSON format name. */
    public static final String FORMAT = "profilekit.random-forest";
    /** The JSON format version written and read by this class. */
    public static final int VERSION = 1;

    private final List<Tree> trees;
    private final double[] featureImportances;
    private final Double oobScore;
    private final ModelInfo info;
    private final int numFeatures;
    private final int numClasses;

    RandomForestModel(List<Tree> trees, double[] featureImportances, Double oobScore, ModelInfo info) {
        Checks.requireArgument(!trees.isEmpty(), "a forest needs at least one tree");
        this.numFeatures = trees.get(0).numFeatures;
        this.numClasses = trees.get(0).numClasses;
        for (Tree t : trees) {
            Checks.requireArgument(t.numFeatures == numFeatures && t.numClasses == numClasses,
                    "all trees must have %d features and %d classes", numFeatures, numClasses);
        }
        Checks.requireArgument(featureImportances.length == numFeatures,
                "featureImportances has %d values, trees have %d features", featureImportances.length, numFeatures);
        this.trees = List.copyOf(trees);
        this.featureImportances = featureImportances.clone();
        this.oobScore = oobScore;
        this.info = Checks.requireNonNull(info, "info");
    }

    /** Number of trees. */
    public int treeCount() {
        return trees.size();
    }

    /** Number of features d. */
    public int dimension() {
        return numFeatures;
    }

    /** Number of classes k (labels 0..k-1). */
    public int numClasses() {
        return numClasses;
    }

    /** Out-of-bag accuracy over the rows left out of at least one bootstrap sample; empty if there were none. */
    public OptionalDouble oobScore() {
        return oobScore == null ? OptionalDouble.empty() : OptionalDouble.of(oobScore);
    }

    /** Normalised mean decrease in impurity per feature (sums to 1 unless no tree has a split). */
    public double[] featureImportances() {
        return featureImportances.clone();
    }

    /** What made this model. */
    public ModelInfo info() {
        return info;
    }

    /** Mean of the trees' leaf class proportions for {@code x}. */
    public double[] predictProbabilities(double[] x) {
        TreeInputs.requireRow(x, numFeatures);
        double[] p = new double[numClasses];
        for (Tree t : trees) {
            double[] v = t.value[t.leaf(x)];
            for (int c = 0; c < numClasses; c++) {
                p[c] += v[c];
            }
        }
        for (int c = 0; c < numClasses; c++) {
            p[c] /= trees.size();
        }
        return p;
    }

    /** The class with the highest mean probability (lowest label on a tie). */
    public int predict(double[] x) {
        return TreeInputs.argmax(predictProbabilities(x));
    }

    /** {@link #predict(double[])} for every row. */
    public int[] predict(double[][] x) {
        return TreeInputs.predictRows(x, this::predict);
    }

    /** This model as versioned JSON ({@value #FORMAT}, version {@value #VERSION}). */
    public String toJson() {
        ObjectNode root = JsonCodec.header(FORMAT, VERSION);
        ArrayNode array = root.putArray("trees");
        for (Tree t : trees) {
            array.add(t.toJson());
        }
        root.set("featureImportances", JsonCodec.doubles(featureImportances));
        if (oobScore == null) {
            root.putNull("oobScore");
        } else {
            root.put("oobScore", oobScore.doubleValue());
        }
        root.set("info", ModelInfoJson.write(info));
        return JsonCodec.write(root);
    }

    /** Reads a model written by {@link #toJson()}; fails on another format, version or a malformed tree. */
    public static RandomForestModel fromJson(String json) {
        JsonNode root = JsonCodec.read(json, FORMAT, VERSION);
        List<Tree> trees = new ArrayList<>();
        for (JsonNode t : JsonCodec.field(root, "trees")) {
            trees.add(Tree.fromJson(t));
        }
        JsonNode oob = root.get("oobScore");
        Double oobScore = oob == null || oob.isNull() ? null : oob.doubleValue();
        return new RandomForestModel(trees, JsonCodec.readDoubles(root, "featureImportances"), oobScore,
                ModelInfoJson.read(root));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RandomForestModel m && trees.equals(m.trees)
                && Arrays.equals(featureImportances, m.featureImportances) && Objects.equals(oobScore, m.oobScore)
                && info.equals(m.info);
    }

    @Override
    public int hashCode() {
        return Objects.hash(trees, Arrays.hashCode(featureImportances), oobScore, info);
    }

    @Override
    public String toString() {
        return "RandomForestModel{trees=" + trees.size() + ", oobScore=" + oobScore + ", info=" + info + "}";
    }
}
