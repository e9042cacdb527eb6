package dev.profilekit.models.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RegressionMetricsTest {

    private static final double EXACT = 1e-15;

    @Test
    void handComputedValues() {
        double[] y = {1, 2, 3, 4};
        double[] p = {1, 2, 3, 6};
        // errors 0,0,0,-2: MSE 1, MAE 0.5; SS_tot = 5 -> R^2 = 1 - 4/5
        assertThat(RegressionMetrics.rmse(y, p)).isCloseTo(1.0, within(EXACT));
        assertThat(RegressionMetrics.mae(y, p)).isCloseTo(0.5, within(EXACT));
        assertThat(RegressionMetrics.r2(y, p)).isCloseTo(0.2, within(EXACT));
        // predicting the mean gives R^2 = 0; worse than the mean is negative
        assertThat(RegressionMetrics.r2(y, new double[] {2.5, 2.5, 2.5, 2.5})).isCloseTo(0, within(EXACT));
        assertThat(RegressionMetrics.r2(y, new double[] {4, 3, 2, 1})).isCloseTo(1 - 20.0 / 5, within(EXACT));
    }

    @Test
    void constantTargetsFollowScikitLearn() {
        double[] y = {2, 2, 2};
        assertThat(RegressionMetrics.r2(y, new double[] {2, 2, 2})).isEqualTo(1.0);
        assertThat(RegressionMetrics.r2(y, new double[] {2, 2, 3})).isEqualTo(0.0);
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> RegressionMetrics.rmse(new double[] {1, 2}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("yTrue has 2 elements but yPred has 1");
        assertThatThrownBy(() -> RegressionMetrics.mae(new double[] {1, Double.NaN}, new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("yTrue must be finite, was NaN at index 1");
        assertThatThrownBy(() -> RegressionMetrics.r2(null, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("yTrue must not be null");
    }
}
