package dev.profilekit.models.tree;

import dev.profilekit.features.Checks;
import dev.profilekit.models.ModelInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random forest classifier (Breiman, "Random Forests", Machine Learning 45, 2001): each tree is a CART tree grown
 * on a bootstrap sample (n draws with replacement, held as row multiplicities) with a random subset of features
 * considered at every split (sqrt(d) by default). Prediction averages the trees' leaf class proportions, as
 * scikit-learn does.
 *
 * <p>Also computes the out-of-bag accuracy (each row scored only by the trees whose bootstrap missed it) and
 * feature importances by mean decrease in impurity (each tree's normalised importances averaged over trees
 * with at least one split, then normalised).
 *
 * <p>Deterministic for a seed: tree t uses the t-th {@link SplittableRandom#split()} of the master generator.
 * Cost: trees x the single-tree cost, plus O(trees n depth) for the out-of-bag score.
 */
public final class RandomForest {

    private RandomForest() {
    }

    /**
     * Fits a random forest.
     *
     * @param x       n x d finite matrix (not modified)
     * @param y       n class labels {@code 0..k-1}, at least two distinct
     * @param options number of trees, tree options and seed
     * @throws IllegalArgumentException on NaN/infinite values, ragged rows, mismatched lengths, negative labels or a
     *                                  single class
     */
    public static RandomForestModel fit(double[][] x, int[] y, ForestOptions options) {
        Checks.requireNonNull(options, "options");
        int k = TreeInputs.requireTrainingData(x, y);
        int n = x.length;
        int d = x[0].length;
        SplittableRandom master = new SplittableRandom(options.seed());
        List<Tree> trees = new ArrayList<>(options.trees());
        double[][] oobVotes = new double[n][k];
        boolean[] oobSeen = new boolean[n];
        double[] importances = new double[d];
        int treesWithSplits = 0;
        double[] counts = new double[n];
        double[] treeImportance = new double[d];
        for (int t = 0; t < options.trees(); t++) {
            SplittableRandom random = master.split();
            java.util.Arrays.fill(counts, 0);
            for (int i = 0; i < n; i++) {
                counts[random.nextInt(n)] += 1;
            }
            Tree tree = new TreeBuilder(x, y, k, counts, options.tree(), random).build();
            trees.add(tree);
            for (int i = 0; i < n; i++) {
                if (counts[i] == 0) {
                    double[] v = tree.value[tree.leaf(x[i])];
                    for (int c = 0; c < k; c++) {
                        oobVotes[i][c] += v[c];
                    }
                    oobSeen[i] = true;
                }
            }
            if (tree.nodeCount() > 1) {
                java.util.Arrays.fill(treeImportance, 0);
                tree.addImpurityDecrease(treeImportance);
                DecisionTree.normalise(treeImportance);
                for (int j = 0; j < d; j++) {
                    importances[j] += treeImportance[j];
                }
                treesWithSplits++;
            }
        }
        if (treesWithSplits > 0) {
            DecisionTree.normalise(importances);
        }
        int scored = 0;
        int correct = 0;
        for (int i = 0; i < n; i++) {
            if (oobSeen[i]) {
                scored++;
                if (TreeInputs.argmax(oobVotes[i]) == y[i]) {
                    correct++;
                }
            }
        }
        Double oob = scored == 0 ? null : (double) correct / scored;
        ModelInfo info = ModelInfo.of("random-forest/cart-bootstrap", options.asMap(), options.seed(), n, d);
        return new RandomForestModel(trees, importances, oob, info);
    }
}
