package dev.profilekit.models.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

    /** AUC and ratios of small integers are exact up to one rounding. */
    private static final double EXACT = 1e-15;

    @Test
    void confusionMatrixAndItsRatios() {
        int[] y = {1, 1, 0, 0, 1, 0, 1};
        int[] p = {1, 0, 0, 1, 1, 0, 1};
        ConfusionMatrix cm = ConfusionMatrix.of(y, p);
        assertThat(cm).isEqualTo(new ConfusionMatrix(3, 1, 2, 1));
        assertThat(cm.accuracy()).isCloseTo(5.0 / 7, within(EXACT));
        assertThat(cm.precision()).isCloseTo(3.0 / 4, within(EXACT));
        assertThat(cm.recall()).isCloseTo(3.0 / 4, within(EXACT));
        assertThat(cm.f1()).isCloseTo(2 * 0.75 * 0.75 / 1.5, within(EXACT));
        assertThat(ClassificationMetrics.accuracy(y, p)).isEqualTo(cm.accuracy());
        assertThat(ClassificationMetrics.precision(y, p)).isEqualTo(cm.precision());
        assertThat(ClassificationMetrics.recall(y, p)).isEqualTo(cm.recall());
        assertThat(ClassificationMetrics.f1(y, p)).isEqualTo(cm.f1());
    }

    @Test
    void zeroDenominatorsGiveZeroAsScikitLearnDoes() {
        int[] y = {1, 0, 1};
        int[] none = {0, 0, 0};
        assertThat(ClassificationMetrics.precision(y, none)).isZero();
        assertThat(ClassificationMetrics.f1(y, none)).isZero();
        assertThat(ClassificationMetrics.recall(new int[] {0, 0}, new int[] {1, 0})).isZero();
    }

    @Test
    void aScoreEqualToTheThresholdIsPositive() {
        ConfusionMatrix cm = ConfusionMatrix.atThreshold(new int[] {1, 0, 0}, new double[] {0.5, 0.5, 0.49999}, 0.5);
        assertThat(cm).isEqualTo(new ConfusionMatrix(1, 1, 1, 0));
    }

    @Test
    void rocAucCountsTiesAsHalf() {
        // pairs (positive, negative): (0.5,0.1)=1, (0.5,0.5)=1/2, (0.9,0.1)=1, (0.9,0.5)=1 -> 3.5 / 4
        assertThat(ClassificationMetrics.rocAuc(new int[] {0, 0, 1, 1}, new double[] {0.1, 0.5, 0.5, 0.9}))
                .isEqualTo(0.875);
        // all scores tied: every pair is half
        assertThat(ClassificationMetrics.rocAuc(new int[] {0, 1, 1, 0, 1}, new double[] {3, 3, 3, 3, 3})).isEqualTo(0.5);
        // -0.0 and 0.0 are the same score
        assertThat(ClassificationMetrics.rocAuc(new int[] {0, 1}, new double[] {0.0, -0.0})).isEqualTo(0.5);
        assertThat(ClassificationMetrics.rocAuc(new int[] {0, 1, 0, 1}, new double[] {1, 2, 3, 4})).isEqualTo(0.75);
        assertThat(ClassificationMetrics.rocAuc(new int[] {0, 0, 1, 1}, new double[] {1, 2, 3, 4})).isEqualTo(1.0);
        assertThat(ClassificationMetrics.rocAuc(new int[] {1, 1, 0, 0}, new double[] {1, 2, 3, 4})).isEqualTo(0.0);
    }

    @Property(tries = 200)
    void rocAucEqualsTheNaivePairCount(@ForAll @Size(min = 2, max = 60) List<@IntRange(min = 0, max = 7) Integer> codes,
                                       @ForAll @Size(min = 2, max = 60) List<@IntRange(min = 0, max = 1) Integer> labels) {
        int n = Math.min(codes.size(), labels.size());
        int[] y = new int[n];
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = labels.get(i);
            s[i] = codes.get(i) / 4.0; // few distinct values: many ties
        }
        int pos = 0;
        for (int v : y) {
            pos += v;
        }
        if (pos == 0 || pos == n) {
            assertThatThrownBy(() -> ClassificationMetrics.rocAuc(y, s)).isInstanceOf(IllegalArgumentException.class);
            return;
        }
        double pairs = 0;
        double wins = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (y[i] == 1 && y[j] == 0) {
                    pairs++;
                    wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                }
            }
        }
        assertThat(ClassificationMetrics.rocAuc(y, s)).isCloseTo(wins / pairs, within(EXACT));
        // invariant under a strictly increasing transform of the scores
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = Math.exp(3 * s[i]) - 10;
        }
        assertThat(ClassificationMetrics.rocAuc(y, t)).isCloseTo(wins / pairs, within(EXACT));
    }

    @Test
    void logLossAndItsClipping() {
        assertThat(ClassificationMetrics.logLoss(new int[] {1, 0}, new double[] {0.8, 0.4}))
                .isCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, within(EXACT));
        // p = 0 for a positive is clipped to 1e-15: -ln(1e-15) = 15 ln 10
        assertThat(ClassificationMetrics.logLoss(new int[] {1}, new double[] {0.0}))
                .isCloseTo(15 * Math.log(10), within(1e-12));
        assertThat(ClassificationMetrics.logLoss(new int[] {0}, new double[] {1.0}))
                .isCloseTo(-Math.log(1 - (1 - 1e-15)), within(1e-12));
        assertThat(ClassificationMetrics.logLoss(new int[] {1, 0}, new double[] {1.0, 0.0})).isLessThan(1e-14);
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> ClassificationMetrics.accuracy(new int[] {0, 2}, new int[] {0, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("yTrue labels must be 0 or 1, was 2 at index 1");
        assertThatThrownBy(() -> ClassificationMetrics.accuracy(new int[] {0, 1}, new int[] {0, 1, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("yTrue has 2 elements but yPred has 3");
        assertThatThrownBy(() -> ClassificationMetrics.rocAuc(new int[] {0, 1}, new double[] {0.2, Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("scores must be finite, was NaN at index 1");
        assertThatThrownBy(() -> ClassificationMetrics.rocAuc(new int[] {1, 1}, new double[] {0.2, 0.3}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ROC AUC needs both classes in yTrue, had 2 positives and 0 negatives");
        assertThatThrownBy(() -> ClassificationMetrics.logLoss(new int[] {1}, new double[] {1.5}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("probabilities must be in [0, 1], was 1.5 at index 0");
        assertThatThrownBy(() -> ClassificationMetrics.f1(new int[0], new int[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("yTrue must not be empty");
    }
}
