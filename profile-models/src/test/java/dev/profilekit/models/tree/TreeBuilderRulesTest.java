package dev.profilekit.models.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The stopping and feature-draw rules that decide when a node becomes a leaf, as scikit-learn defines them. */
class TreeBuilderRulesTest {

    private static Tree grow(double[][] x, int[] y, double[] weights, TreeOptions options) {
        return new TreeBuilder(x, y, 2, weights, options, new SplittableRandom(options.seed())).build();
    }

    /**
     * Three distinct rows, the first drawn twice into a bootstrap sample (weights 2, 1, 1). scikit-learn counts
     * rows, not draws, for min_samples_leaf: 3 rows cannot make two leaves of 2, so the node stays a leaf, although
     * the weights (2 | 2) would allow the split. With four distinct rows the same split is made.
     */
    @Test
    void bootstrapMultiplicitiesDoNotCountTowardsMinSamplesLeaf() {
        TreeOptions leafOfTwo = TreeOptions.gini().minSamplesLeaf(2);
        Tree weighted = grow(new double[][] {{1}, {2}, {3}}, new int[] {0, 1, 1}, new double[] {2, 1, 1}, leafOfTwo);
        assertThat(weighted.nodeCount()).isEqualTo(1);
        assertThat(weighted.value[0]).containsExactly(0.5, 0.5);

        Tree distinct = grow(new double[][] {{1}, {2}, {3}, {4}}, new int[] {0, 0, 1, 1}, new double[] {1, 1, 1, 1},
                leafOfTwo);
        assertThat(distinct.nodeCount()).isEqualTo(3);
        assertThat(distinct.threshold[0]).isEqualTo(2.5);
    }

    /** Two rows drawn three times each: 2 rows are fewer than min_samples_split = 3, whatever the weights. */
    @Test
    void bootstrapMultiplicitiesDoNotCountTowardsMinSamplesSplit() {
        Tree tree = grow(new double[][] {{1}, {2}}, new int[] {0, 1}, new double[] {3, 3},
                TreeOptions.gini().minSamplesSplit(3));
        assertThat(tree.nodeCount()).isEqualTo(1);
        Tree plain = grow(new double[][] {{1}, {2}, {3}}, new int[] {0, 1, 1}, new double[] {1, 1, 1},
                TreeOptions.gini().minSamplesSplit(3));
        assertThat(plain.nodeCount()).isEqualTo(3);
    }

    /**
     * One feature drawn per split. Feature 0 (0, 0, 0, 1) is not constant but has no split leaving 2 rows on each
     * side; feature 1 (0, 0, 1, 1) separates the classes. scikit-learn counts a non-constant feature as examined
     * even when it admits no valid split, so the root stays a leaf when feature 0 is drawn and splits on feature 1
     * otherwise; it never searches on past the one feature.
     */
    @Test
    void aDrawnFeatureWithoutAValidSplitStillCountsAsExamined() {
        double[][] x = {{0, 0}, {0, 0}, {0, 1}, {1, 1}};
        int[] y = {0, 0, 1, 1};
        int leaves = 0;
        int splits = 0;
        for (long seed = 0; seed < 40; seed++) {
            DecisionTreeModel model = DecisionTree.fit(x, y,
                    TreeOptions.gini().minSamplesLeaf(2).maxFeatures(MaxFeatures.fixed(1)).seed(seed));
            if (model.nodeCount() == 1) {
                leaves++;
            } else {
                assertThat(model.tree().feature[0]).isEqualTo(1);
                assertThat(model.nodeCount()).isEqualTo(3);
                splits++;
            }
        }
        assertThat(leaves).isPositive();
        assertThat(splits).isPositive();
        // with both features examined, feature 1 always wins
        assertThat(DecisionTree.fit(x, y, TreeOptions.gini().minSamplesLeaf(2)).tree().feature[0]).isEqualTo(1);
    }
}
