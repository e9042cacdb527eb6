package dev.profilekit.models.tree;

import dev.profilekit.features.Checks;
import java.util.Map;

/**
 * Options of a {@link RandomForest}: the number of trees, the options of each tree (whose
 * {@link TreeOptions#maxFeatures()} is the per-split feature subsampling, sqrt by default) and the seed from
 * which every bootstrap sample and feature draw is derived.
 *
 * <p>Example: {@code ForestOptions.trees(200).seed(42).tree(TreeOptions.entropy().maxFeatures(MaxFeatures.sqrt()))}.
 *
 * @param trees number of trees, {@code >= 1}
 * @param tree  options of each tree (its own seed is ignored: tree seeds come from {@code seed})
 * @param seed  master seed
 */
public record ForestOptions(int trees, TreeOptions tree, long seed) {

    /** Validates every option. */
    public ForestOptions {
        Checks.requireAtLeast(trees, 1, "trees");
        Checks.requireNonNull(tree, "tree");
    }

    /** {@code count} Gini trees of unlimited depth with sqrt feature subsampling, seed 0. */
    public static ForestOptions trees(int count) {
        return new ForestOptions(count, TreeOptions.gini().maxFeatures(MaxFeatures.sqrt()), 0L);
    }

    /** A copy with tree options {@code t}. */
    public ForestOptions tree(TreeOptions t) {
        return new ForestOptions(trees, t, seed);
    }

    /** A copy with master seed {@code s}. */
    public ForestOptions seed(long s) {
        return new ForestOptions(trees, tree, s);
    }

    Map<String, Object> asMap() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("trees", trees);
        m.putAll(tree.asMap());
        m.put("bootstrap", true);
        return m;
    }
}
