package dev.profilekit.models.tree;

import dev.profilekit.features.Checks;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of a CART classification tree ({@link DecisionTree}), also used for the trees of a
 * {@link RandomForest}.
 *
 * <p>Example: {@code TreeOptions.gini().maxDepth(5).minSamplesLeaf(3)}.
 *
 * @param criterion       impurity measure
 * @param maxDepth        maximum depth (root at depth 0), {@code >= 1}; {@link Integer#MAX_VALUE} for no limit
 * @param minSamplesLeaf  minimum number of training rows in each leaf, {@code >= 1}; as in scikit-learn, a row drawn
 *                        several times into a forest's bootstrap sample counts once
 * @param minSamplesSplit minimum number of rows (counted the same way) a node needs to be split, {@code >= 2}
 * @param maxFeatures     features considered per split
 * @param seed            seed for the feature draws (only matters when maxFeatures is less than all)
 */
public record TreeOptions(SplitCriterion criterion, int maxDepth, int minSamplesLeaf, int minSamplesSplit,
                          MaxFeatures maxFeatures, long seed) {

    /** Validates every option. */
    public TreeOptions {
        Checks.requireNonNull(criterion, "criterion");
        Checks.requireAtLeast(maxDepth, 1, "maxDepth");
        Checks.requireAtLeast(minSamplesLeaf, 1, "minSamplesLeaf");
        Checks.requireAtLeast(minSamplesSplit, 2, "minSamplesSplit");
        Checks.requireNonNull(maxFeatures, "maxFeatures");
    }

    /** Gini impurity, unlimited depth, leaves of at least 1 row, all features, seed 0. */
    public static TreeOptions gini() {
        return new TreeOptions(SplitCriterion.GINI, Integer.MAX_VALUE, 1, 2, MaxFeatures.all(), 0L);
    }

    /** Entropy, unlimited depth, leaves of at least 1 row, all features, seed 0. */
    public static TreeOptions entropy() {
        return new TreeOptions(SplitCriterion.ENTROPY, Integer.MAX_VALUE, 1, 2, MaxFeatures.all(), 0L);
    }

    /** A copy with maximum depth {@code depth}. */
    public TreeOptions maxDepth(int depth) {
        return new TreeOptions(criterion, depth, minSamplesLeaf, minSamplesSplit, maxFeatures, seed);
    }

    /** A copy with minimum leaf size {@code rows}. */
    public TreeOptions minSamplesLeaf(int rows) {
        return new TreeOptions(criterion, maxDepth, rows, minSamplesSplit, maxFeatures, seed);
    }

    /** A copy with minimum split size {@code rows}. */
    public TreeOptions minSamplesSplit(int rows) {
        return new TreeOptions(criterion, maxDepth, minSamplesLeaf, rows, maxFeatures, seed);
    }

    /** A copy with feature subsampling {@code m}. */
    public TreeOptions maxFeatures(MaxFeatures m) {
        return new TreeOptions(criterion, maxDepth, minSamplesLeaf, minSamplesSplit, m, seed);
    }

    /** A copy with seed {@code s}. */
    public TreeOptions seed(long s) {
        return new TreeOptions(criterion, maxDepth, minSamplesLeaf, minSamplesSplit, maxFeatures, s);
    }

    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("criterion", criterion.name());
        m.put("maxDepth", maxDepth);
        m.put("minSamplesLeaf", minSamplesLeaf);
        m.put("minSamplesSplit", minSamplesSplit);
        m.put("maxFeatures", maxFeatures.toString());
        return m;
    }
}
