package dev.profilekit.models.tree;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.Checks;
import dev.profilekit.features.io.JsonCodec;
import dev.profilekit.models.ModelInfo;
import dev.profilekit.models.io.ModelInfoJson;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable fitted CART classification tree ({@link DecisionTree#fit}). Prediction follows one root-to-leaf
 * path, O(depth). Round-trips exactly through {@link #toJson()} / {@link #fromJson(String)}.
 */
public final class DecisionTreeModel {

    /** The JSON format name. */
    public static final String FORMAT = "profilekit.decision-tree";
    /** The JSON format version written and read by this class. */
    public static final int VERSION = 1;

    private final Tree tree;
    private final double[] featureImportances;
    private final ModelInfo info;

    DecisionTreeModel(Tree tree, double[] featureImportances, ModelInfo info) {
        Checks.requireArgument(featureImportances.length == tree.numFeatures,
                "featureImportances has %d values, tree has %d features", featureImportances.length, tree.numFeatures);
        this.tree = tree;
        this.featureImportances = featureImportances.clone();
        this.info = Checks.requireNonNull(info, "info");
    }

    /** Number of features d. */
    public int dimension() {
        return tree.numFeatures;
    }

    /** Number of classes k (labels 0..k-1). */
    public int numClasses() {
        return tree.numClasses;
    }

    /** Number of nodes (splits plus leaves). */
    public int nodeCount() {
        return tree.nodeCount();
    }

    /** Depth of the deepest leaf (a single leaf has depth 0). */
    public int depth() {
        return tree.depth();
    }

    /**
     * Normalised mean decrease in impurity per feature (sums to 1 unless the tree is a single leaf, then all 0).
     */
    public double[] featureImportances() {
        return featureImportances.clone();
    }

    /** What made this model. */
    public ModelInfo info() {
        return info;
    }

    /** Class proportions (weighted) of the training rows in the leaf reached by {@code x}. */
    public double[] predictProbabilities(double[] x) {
        TreeInputs.requireRow(x, tree.numFeatures);
        return tree.value[tree.leaf(x)].clone();
    }

    /** The majority class of the leaf reached by {@code x} (lowest label on a tie). No allocation. */
    public int predict(double[] x) {
        TreeInputs.requireRow(x, tree.numFeatures);
        return TreeInputs.argmax(tree.value[tree.leaf(x)]);
    }

    /** {@link #predict(double[])} for every row. */
    public int[] predict(double[][] x) {
        return TreeInputs.predictRows(x, this::predict);
    }

    Tree tree() {
        return tree;
    }

    /** This model as versioned JSON ({@value #FORMAT}, version {@value #VERSION}). */
    public String toJson() {
        ObjectNode root = JsonCodec.header(FORMAT, VERSION);
        root.set("tree", tree.toJson());
        root.set("featureImportances", JsonCodec.doubles(featureImportances));
        root.set("info", ModelInfoJson.write(info));
        return JsonCodec.write(root);
    }

    /** Reads a model written by {@link #toJson()}; fails on another format, version or a malformed tree. */
    public static DecisionTreeModel fromJson(String json) {
        JsonNode root = JsonCodec.read(json, FORMAT, VERSION);
        return new DecisionTreeModel(Tree.fromJson(JsonCodec.field(root, "tree")),
                JsonCodec.readDoubles(root, "featureImportances"), ModelInfoJson.read(root));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DecisionTreeModel m && tree.equals(m.tree)
                && Arrays.equals(featureImportances, m.featureImportances) && info.equals(m.info);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tree, Arrays.hashCode(featureImportances), info);
    }

    @Override
    public String toString() {
        return "DecisionTreeModel{nodes=" + nodeCount() + ", depth=" + depth() + ", info=" + info + "}";
    }
}
