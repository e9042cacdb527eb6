package dev.profilekit.features.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Selection scores against closed forms (perfect correlation, entropy, independence) and hand-computed bins. */
class FeatureSelectionTest {

    static final double TOL = 1e-12;

    @Test
    void pearsonOfExactLinearRelationsIsPlusOrMinusOne() {
        double[][] x = new double[20][3];
        double[] y = new double[20];
        for (int i = 0; i < 20; i++) {
            y[i] = i * 0.5 + (i % 3);
            x[i][0] = 3 * y[i] + 1;
            x[i][1] = -2 * y[i];
            x[i][2] = 7; // constant
        }
        double[] r = FeatureSelection.pearson(Dataset.of(new String[] {"up", "down", "const"}, x, y));
        assertThat(r[0]).isCloseTo(1, within(TOL));
        assertThat(r[1]).isCloseTo(-1, within(TOL));
        assertThat(r[2]).isNaN();
    }

    @Test
    void pearsonMatchesTextbookFormula() {
        double[] xs = {1, 2, 3, 4, 5};
        double[] ys = {2, 4, 5, 4, 5};
        // sxy = 6, sxx = 10, syy = 6 -> r = 6 / sqrt(60)
        double[][] x = new double[5][1];
        for (int i = 0; i < 5; i++) {
            x[i][0] = xs[i];
        }
        assertThat(FeatureSelection.pearson(Dataset.of(new String[] {"x"}, x, ys))[0])
                .isCloseTo(6 / Math.sqrt(60), within(TOL));
    }

    @Test
    void equalFrequencyBinsFollowNumpyQuantiles() {
        double[] x = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
        // numpy.quantile(1..10, [.2, .4, .6, .8]) = 2.8, 4.6, 6.4, 8.2
        assertThat(FeatureSelection.equalFrequencyBins(x, 5)).containsExactly(4, 4, 3, 3, 2, 2, 1, 1, 0, 0);
        // a value equal to an interior quantile counts it (<=): quantiles of 1..5 at .25/.5/.75 are 2, 3, 4
        assertThat(FeatureSelection.equalFrequencyBins(new double[] {1, 2, 3, 4, 5}, 4)).containsExactly(0, 1, 2, 3, 3);
        // ties: all equal values share the top code
        assertThat(FeatureSelection.equalFrequencyBins(new double[] {1, 1, 1}, 5)).containsExactly(4, 4, 4);
    }

    @Test
    void mutualInformationClosedForms() {
        int[] a = {0, 0, 1, 1, 2, 2};
        // I(A; A) = H(A) = ln 3 for three equally likely values
        assertThat(FeatureSelection.mutualInformation(a, a)).isCloseTo(Math.log(3), within(TOL));
        // independent: every (a, b) pair equally often
        int[] u = {0, 0, 1, 1};
        int[] v = {0, 1, 0, 1};
        assertThat(FeatureSelection.mutualInformation(u, v)).isCloseTo(0, within(TOL));
        // y determined by a 2-bin split of x: MI = H(y) = ln 2
        double[][] x = new double[10][1];
        double[] y = new double[10];
        for (int i = 0; i < 10; i++) {
            x[i][0] = i;
            y[i] = i < 5 ? 0 : 1;
        }
        assertThat(FeatureSelection.mutualInformation(Dataset.of(new String[] {"x"}, x, y), 2)[0])
                .isCloseTo(Math.log(2), within(TOL));
    }

    @Test
    void varianceThresholdKeepsStrictlyGreater() {
        Dataset d = Dataset.of(new String[] {"c", "v1", "v4"}, new double[][] {{1, 0, 0}, {1, 2, 4}, {1, 0, 0}, {1, 2, 4}});
        // population variances: 0, 1, 4
        ColumnSelection s = FeatureSelection.varianceThreshold(d, 1);
        assertThat(s.selected()).containsExactly("v4");
        assertThat(FeatureSelection.varianceThreshold(d, 0).selected()).containsExactly("v1", "v4");
        assertThat(s.apply(d).columnValues(0)).containsExactly(0, 4, 0, 4);
    }

    @Test
    void rankingAndTopK() {
        double[] scores = {0.1, -0.9, Double.NaN, 0.5};
        assertThat(FeatureSelection.rank(scores, true)).containsExactly(1, 3, 0, 2);
        assertThat(FeatureSelection.rank(scores, false)).containsExactly(3, 0, 1, 2);
        Dataset d = Dataset.of(new String[] {"a", "b", "c", "d"}, new double[][] {{1, 2, 3, 4}});
        ColumnSelection top = FeatureSelection.topK(d, scores, 2, true);
        assertThat(top.selected()).containsExactly("b", "d");
        assertThat(top.scores()).containsExactly(-0.9, 0.5);
        assertThat(top.apply(d).row(0)).containsExactly(2, 4);
        assertThatThrownBy(() -> FeatureSelection.topK(d, scores, 5, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("k must be <= number of columns 4 (shape 1 x 4), was 5");
    }
}
