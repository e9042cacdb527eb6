package dev.profilekit.models.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.profilekit.models.regression.BreastCancerData;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class DecisionTreeTest {

    private static final double EXACT = 1e-15;
    private static final BreastCancerData DATA = BreastCancerData.load();

    @Test
    void impurityMeasures() {
        assertThat(SplitCriterion.GINI.impurity(new double[] {5, 5}, 10)).isCloseTo(0.5, within(EXACT));
        assertThat(SplitCriterion.GINI.impurity(new double[] {10, 0}, 10)).isEqualTo(0.0);
        assertThat(SplitCriterion.GINI.impurity(new double[] {1, 1, 2}, 4)).isCloseTo(1 - 6.0 / 16, within(EXACT));
        assertThat(SplitCriterion.ENTROPY.impurity(new double[] {5, 5}, 10)).isCloseTo(1.0, within(EXACT));
        assertThat(SplitCriterion.ENTROPY.impurity(new double[] {1, 1, 2}, 4)).isCloseTo(1.5, within(EXACT));
        assertThat(SplitCriterion.ENTROPY.impurity(new double[] {0, 7}, 7)).isEqualTo(0.0);
    }

    @Test
    void oneCleanSplitAtTheMidpoint() {
        double[][] x = {{1, 5}, {2, 5}, {3, 5}, {10, 5}, {11, 5}, {12, 5}};
        int[] y = {0, 0, 0, 1, 1, 1};
        for (TreeOptions o : List.of(TreeOptions.gini(), TreeOptions.entropy())) {
            DecisionTreeModel model = DecisionTree.fit(x, y, o);
            assertThat(model.nodeCount()).isEqualTo(3);
            assertThat(model.depth()).isEqualTo(1);
            Tree tree = model.tree();
            assertThat(tree.feature[0]).isEqualTo(0);
            assertThat(tree.threshold[0]).isEqualTo(6.5);
            assertThat(model.predict(new double[] {6.5, 0})).isEqualTo(0);
            assertThat(model.predict(new double[] {6.6, 0})).isEqualTo(1);
            assertThat(model.predictProbabilities(new double[] {0, 0})).containsExactly(1.0, 0.0);
            // the constant feature never splits, so all importance goes to feature 0
            assertThat(model.featureImportances()).containsExactly(1.0, 0.0);
        }
    }

    @Test
    void xorNeedsAZeroGainSplitFirstAndIsThenFittedExactly() {
        double[][] x = {{0, 0}, {0, 1}, {1, 0}, {1, 1}, {0, 0}, {0, 1}, {1, 0}, {1, 1}};
        int[] y = {0, 1, 1, 0, 0, 1, 1, 0};
        DecisionTreeModel model = DecisionTree.fit(x, y, TreeOptions.gini());
        assertThat(model.predict(x)).containsExactly(y);
        assertThat(model.depth()).isEqualTo(2);
        // with depth 1 no split helps: the stump cannot do better than half
        DecisionTreeModel stump = DecisionTree.fit(x, y, TreeOptions.gini().maxDepth(1));
        int correct = 0;
        int[] p = stump.predict(x);
        for (int i = 0; i < y.length; i++) {
            correct += p[i] == y[i] ? 1 : 0;
        }
        assertThat(correct).isEqualTo(4);
    }

    @Test
    void limitsAreHonoured() {
        DecisionTreeModel shallow = DecisionTree.fit(DATA.x, DATA.y, TreeOptions.gini().maxDepth(2));
        assertThat(shallow.depth()).isLessThanOrEqualTo(2);
        assertThat(shallow.nodeCount()).isLessThanOrEqualTo(7);

        DecisionTreeModel leafy = DecisionTree.fit(DATA.x, DATA.y, TreeOptions.entropy().minSamplesLeaf(10));
        Tree tree = leafy.tree();
        double leafTotal = 0;
        for (int i = 0; i < tree.nodeCount(); i++) {
            if (tree.feature[i] < 0) {
                assertThat(tree.weight[i]).isGreaterThanOrEqualTo(10);
                leafTotal += tree.weight[i];
            }
        }
        assertThat(leafTotal).isEqualTo(569);

        // unlimited depth separates every pair of distinct rows with different labels
        DecisionTreeModel full = DecisionTree.fit(DATA.x, DATA.y, TreeOptions.gini());
        assertThat(accuracy(full.predict(DATA.x), DATA.y)).isEqualTo(1.0);
        double[] importances = full.featureImportances();
        assertThat(Arrays.stream(importances).sum()).isCloseTo(1.0, within(1e-12));
        assertThat(Arrays.stream(importances).min().orElseThrow()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void jsonRoundTripIsExact() {
        DecisionTreeModel model = DecisionTree.fit(DATA.x, DATA.y, TreeOptions.entropy().maxDepth(6)
                .maxFeatures(MaxFeatures.fixed(7)).seed(3));
        String json = model.toJson();
        DecisionTreeModel back = DecisionTreeModel.fromJson(json);
        assertThat(back).isEqualTo(model);
        assertThat(back.toJson()).isEqualTo(json);
        assertThat(back.info().seed()).isEqualTo(3L);
        assertThat(back.info().options()).containsEntry("maxFeatures", "fixed:7").containsEntry("maxDepth", 6);
        assertThat(back.predict(DATA.x)).containsExactly(model.predict(DATA.x));

        String broken = json.replaceFirst("\"left\":\\[1", "\"left\":[0");
        assertThatThrownBy(() -> DecisionTreeModel.fromJson(broken))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tree node 0 is malformed");
    }

    @Test
    void badInputIsNamed() {
        double[][] x = {{1, 2}, {3, 4}, {5, 6}};
        TreeOptions o = TreeOptions.gini();
        assertThatThrownBy(() -> DecisionTree.fit(new double[][] {{1, 2}, {3, Double.NaN}, {5, 6}}, new int[] {0, 1, 0}, o))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("column index 1 row 1 is NaN");
        assertThatThrownBy(() -> DecisionTree.fit(x, new int[] {2, 2, 2}, o))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only one class: all 3 labels are 2");
        assertThatThrownBy(() -> DecisionTree.fit(x, new int[] {0, 1}, o))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("y has 2 labels but x has 3 rows");
        assertThatThrownBy(() -> DecisionTree.fit(x, new int[] {0, -1, 1}, o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("y labels must be class indices >= 0, was -1 at row 1");
        DecisionTreeModel model = DecisionTree.fit(x, new int[] {0, 1, 1}, o);
        assertThatThrownBy(() -> model.predict(new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("x has 1 columns, model expects 2");
        assertThatThrownBy(() -> TreeOptions.gini().maxDepth(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxDepth must be >= 1, was 0");
    }

    @Property(tries = 200)
    void indirectSortAgreesWithArraysSort(@ForAll @Size(max = 80) List<@IntRange(min = -5, max = 5) Integer> values) {
        int n = values.size();
        double[] keys = new double[n];
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            keys[i] = values.get(i);
            idx[i] = i;
        }
        double[] original = keys.clone();
        TreeBuilder.sortByKey(keys, idx, 0, n - 1);
        double[] expected = original.clone();
        Arrays.sort(expected);
        assertThat(keys).containsExactly(expected);
        for (int i = 0; i < n; i++) {
            assertThat(original[idx[i]]).isEqualTo(keys[i]);
        }
        assertThat(Arrays.stream(idx).sorted().toArray()).isEqualTo(java.util.stream.IntStream.range(0, n).toArray());
    }

    static double accuracy(int[] predicted, int[] y) {
        int correct = 0;
        for (int i = 0; i < y.length; i++) {
            correct += predicted[i] == y[i] ? 1 : 0;
        }
        return (double) correct / y.length;
    }
}
