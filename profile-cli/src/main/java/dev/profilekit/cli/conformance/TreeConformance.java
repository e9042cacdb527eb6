package dev.profilekit.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.models.tree.DecisionTree;
import dev.profilekit.models.tree.DecisionTreeModel;
import dev.profilekit.models.tree.ForestOptions;
import dev.profilekit.models.tree.MaxFeatures;
import dev.profilekit.models.tree.RandomForest;
import dev.profilekit.models.tree.RandomForestModel;
import dev.profilekit.models.tree.SplitCriterion;
import dev.profilekit.models.tree.TreeOptions;

/**
 * The {@code tree} fixture kind: a CART classification tree grown on {@code X_train}/{@code y_train} with the
 * options of the fixture's {@code tree} object ({@code criterion} gini or entropy, {@code max_depth} (null: no
 * limit), {@code min_samples_leaf}, {@code min_samples_split}), every feature considered at every split; its node
 * count, depth, normalised feature importances, and class predictions and probabilities (leaf class frequencies)
 * on {@code X_test}; and the test accuracy of a random forest with the {@code forest} options ({@code trees},
 * {@code max_features} {@code sqrt}, {@code log2}, a count or null for all, {@code seed}; each tree otherwise
 * scikit-learn's defaults: gini, no depth limit, leaves of one row, unless the object states
 * {@code criterion}/{@code max_depth}/{@code min_samples_leaf}/{@code min_samples_split}).
 *
 * <p>The data are rounded to single precision before fitting and predicting, as scikit-learn's trees do (they
 * store X as float32), so a test value within float rounding of a threshold goes the same way. The forest's
 * accuracy is the mean over {@link #FOREST_SEEDS} seeds ({@code seed}, {@code seed + 1}, ...), as the fixtures'
 * expected value is a mean over five seeds; its random draws are the library's own, not scikit-learn's.
 * Labels are {@code 0..K-1}, K one more than the largest training label; every class must occur in
 * {@code y_train}.
 */
public final class TreeConformance {

    /** Seeds over which the forest's test accuracy is averaged. */
    static final int FOREST_SEEDS = 5;

    private TreeConformance() {
    }

    /** Runs one {@code tree} fixture; see the class comment. */
    public static ObjectNode run(JsonNode fixture) {
        double[][] xTrain = toFloat(FixtureInput.matrix(fixture, "X_train"));
        int[] yTrain = FixtureInput.labels(fixture, "y_train");
        double[][] xTest = toFloat(FixtureInput.matrix(fixture, "X_test"));
        int[] yTest = FixtureInput.labels(fixture, "y_test");
        requireShapes(xTrain, yTrain, xTest, yTest);
        JsonNode treeNode = FixtureInput.field(fixture, "tree");
        JsonNode forestNode = FixtureInput.field(fixture, "forest");

        TreeOptions treeOptions = treeOptions(treeNode, "tree", SplitCriterion.GINI, Integer.MAX_VALUE, 1, 2);
        DecisionTreeModel tree = DecisionTree.fit(xTrain, yTrain, treeOptions);
        double[][] proba = new double[xTest.length][];
        for (int i = 0; i < xTest.length; i++) {
            proba[i] = tree.predictProbabilities(xTest[i]);
        }

        ObjectNode out = FixtureOutput.object();
        out.put("tree_node_count", tree.nodeCount());
        out.put("tree_depth", tree.depth());
        out.set("tree_feature_importances", FixtureOutput.array(tree.featureImportances()));
        out.set("tree_predictions_test", FixtureOutput.array(tree.predict(xTest)));
        out.set("tree_proba_test", FixtureOutput.array(proba));
        out.put("forest_test_accuracy", forestAccuracy(forestNode, xTrain, yTrain, xTest, yTest));
        return out;
    }

    private static double forestAccuracy(JsonNode forest, double[][] xTrain, int[] yTrain, double[][] xTest,
                                         int[] yTest) {
        int trees = intAtLeast(forest, "forest", "trees", 1);
        long seed = intAtLeast(forest, "forest", "seed", 0);
        TreeOptions options = treeOptions(forest, "forest", SplitCriterion.GINI, Integer.MAX_VALUE, 1, 2)
                .maxFeatures(maxFeatures(forest.get("max_features")));
        double sum = 0;
        for (int s = 0; s < FOREST_SEEDS; s++) {
            RandomForestModel model = RandomForest.fit(xTrain, yTrain,
                    ForestOptions.trees(trees).tree(options).seed(seed + s));
            int[] predicted = model.predict(xTest);
            int correct = 0;
            for (int i = 0; i < yTest.length; i++) {
                if (predicted[i] == yTest[i]) {
                    correct++;
                }
            }
            sum += (double) correct / yTest.length;
        }
        return sum / FOREST_SEEDS;
    }

    /** Tree options from {@code node}'s optional fields, with the given defaults; {@code where} names the object. */
    private static TreeOptions treeOptions(JsonNode node, String where, SplitCriterion criterion, int maxDepth,
                                           int minSamplesLeaf, int minSamplesSplit) {
        JsonNode c = node.get("criterion");
        if (c != null && !c.isNull()) {
            criterion = switch (c.asText()) {
                case "gini" -> SplitCriterion.GINI;
                case "entropy" -> SplitCriterion.ENTROPY;
                default -> throw new IllegalArgumentException("fixture field '" + where
                        + ".criterion' must be gini or entropy, was " + c);
            };
        }
        JsonNode depth = node.get("max_depth");
        if (depth != null && !depth.isNull()) {
            maxDepth = intAtLeast(node, where, "max_depth", 1);
        }
        if (node.hasNonNull("min_samples_leaf")) {
            minSamplesLeaf = intAtLeast(node, where, "min_samples_leaf", 1);
        }
        if (node.hasNonNull("min_samples_split")) {
            minSamplesSplit = intAtLeast(node, where, "min_samples_split", 2);
        }
        TreeOptions base = criterion == SplitCriterion.GINI ? TreeOptions.gini() : TreeOptions.entropy();
        return base.maxDepth(maxDepth).minSamplesLeaf(minSamplesLeaf).minSamplesSplit(minSamplesSplit);
    }

    private static int intAtLeast(JsonNode node, String where, String name, int min) {
        JsonNode f = node.get(name);
        if (f == null || !f.isIntegralNumber() || !f.canConvertToInt() || f.intValue() < min) {
            throw new IllegalArgumentException("fixture field '" + where + "." + name + "' must be an integer >= "
                    + min + ", was " + f);
        }
        return f.intValue();
    }

    private static MaxFeatures maxFeatures(JsonNode m) {
        if (m == null || m.isNull()) {
            return MaxFeatures.all();
        }
        if (m.isIntegralNumber() && m.intValue() >= 1) {
            return MaxFeatures.fixed(m.intValue());
        }
        return switch (m.asText()) {
            case "sqrt" -> MaxFeatures.sqrt();
            case "log2" -> MaxFeatures.log2();
            default -> throw new IllegalArgumentException(
                    "fixture field 'forest.max_features' must be sqrt, log2, a count >= 1 or null, was " + m);
        };
    }

    private static void requireShapes(double[][] xTrain, int[] yTrain, double[][] xTest, int[] yTest) {
        if (yTrain.length != xTrain.length) {
            throw new IllegalArgumentException("fixture field 'y_train' has " + yTrain.length
                    + " labels, X_train has " + xTrain.length + " rows");
        }
        if (yTest.length != xTest.length) {
            throw new IllegalArgumentException("fixture field 'y_test' has " + yTest.length
                    + " labels, X_test has " + xTest.length + " rows");
        }
        if (xTest[0].length != xTrain[0].length) {
            throw new IllegalArgumentException("fixture field 'X_test' has " + xTest[0].length
                    + " columns, X_train has " + xTrain[0].length);
        }
        int k = 0;
        for (int label : yTrain) {
            if (label < 0) {
                throw new IllegalArgumentException("fixture field 'y_train' has a negative label " + label);
            }
            k = Math.max(k, label + 1);
        }
        boolean[] seen = new boolean[k];
        for (int label : yTrain) {
            seen[label] = true;
        }
        for (int c = 0; c < k; c++) {
            if (!seen[c]) {
                throw new IllegalArgumentException("fixture field 'y_train' has no row of class " + c
                        + "; labels must be 0.." + (k - 1) + ", each present");
            }
        }
    }

    /** Each value rounded to the nearest float, as scikit-learn's trees store X. */
    private static double[][] toFloat(double[][] x) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = new double[x[i].length];
            for (int j = 0; j < x[i].length; j++) {
                out[i][j] = (float) x[i][j];
            }
        }
        return out;
    }
}
