package dev.profilekit.models.tree;

import dev.profilekit.features.Checks;
import dev.profilekit.models.ModelInfo;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * CART classification tree (Breiman, Friedman, Olshen &amp; Stone, <i>Classification and Regression Trees</i>,
 * 1984): greedy binary splits {@code x[f] <= t} minimising the weighted Gini impurity or entropy of the
 * children, grown until the depth limit, a pure node, or no split leaving {@code minSamplesLeaf} rows on each
 * side. No pruning. Cost O(f n log^2 n) for a balanced tree (see {@link TreeOptions}).
 */
public final class DecisionTree {

    private DecisionTree() {
    }

    /**
     * Fits a classification tree.
     *
     * @param x       n x d finite matrix (not modified)
     * @param y       n class labels {@code 0..k-1}, at least two distinct
     * @param options criterion, limits, feature subsampling and seed
     * @throws IllegalArgumentException on NaN/infinite values, ragged rows, mismatched lengths, negative labels or a
     *                                  single class
     */
    public static DecisionTreeModel fit(double[][] x, int[] y, TreeOptions options) {
        Checks.requireNonNull(options, "options");
        int k = TreeInputs.requireTrainingData(x, y);
        double[] weights = new double[x.length];
        Arrays.fill(weights, 1.0);
        Tree tree = new TreeBuilder(x, y, k, weights, options, new SplittableRandom(options.seed())).build();
        double[] importances = new double[x[0].length];
        tree.addImpurityDecrease(importances);
        normalise(importances);
        Long seed = options.maxFeatures().resolve(x[0].length) < x[0].length ? options.seed() : null;
        ModelInfo info = ModelInfo.of("decision-tree/cart", options.asMap(), seed, x.length, x[0].length);
        return new DecisionTreeModel(tree, importances, info);
    }

    /** Scales to sum 1; leaves all-zero vectors alone. */
    static void normalise(double[] v) {
        double s = 0;
        for (double e : v) {
            s += e;
        }
        if (s > 0) {
            for (int j = 0; j < v.length; j++) {
                v[j] /= s;
            }
        }
    }
}
