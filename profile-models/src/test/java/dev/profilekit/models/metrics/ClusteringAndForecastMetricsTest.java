package dev.profilekit.models.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ClusteringAndForecastMetricsTest {

    private static final double EXACT = 1e-12;

    @Test
    void inertiaIsTheSumOfSquaredDistancesToTheLabelledCentroid() {
        double[][] x = {{0, 0}, {2, 0}, {10, 10}};
        double[][] c = {{1, 0}, {10, 11}};
        assertThat(ClusteringMetrics.inertia(x, new int[] {0, 0, 1}, c)).isCloseTo(1 + 1 + 1, within(EXACT));
        assertThatThrownBy(() -> ClusteringMetrics.inertia(x, new int[] {0, 0, 2}, c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("labels[2] is 2, not a centroid index in [0, 2)");
    }

    @Test
    void silhouetteMatchesTheDefinitionOnAHandExample() {
        // 1-D: cluster A = {0, 1}, cluster B = {4, 6}
        double[][] x = {{0}, {1}, {4}, {6}};
        int[] labels = {7, 7, 3, 3};
        double s0 = (5.0 - 1.0) / 5.0;          // a = 1, b = (4 + 6) / 2
        double s1 = (4.0 - 1.0) / 4.0;          // a = 1, b = (3 + 5) / 2
        double s2 = (3.5 - 2.0) / 3.5;          // a = 2, b = (4 + 3) / 2
        double s3 = (5.5 - 2.0) / 5.5;          // a = 2, b = (6 + 5) / 2
        assertThat(ClusteringMetrics.silhouette(x, labels)).isCloseTo((s0 + s1 + s2 + s3) / 4, within(EXACT));
    }

    @Test
    void silhouetteOfASingletonIsZero() {
        double[][] x = {{0}, {1}, {10}};
        double s0 = (10.0 - 1.0) / 10.0;         // a = 1, b = 10
        double s1 = (9.0 - 1.0) / 9.0;           // a = 1, b = 9
        assertThat(ClusteringMetrics.silhouette(x, new int[] {0, 0, 1})).isCloseTo((s0 + s1 + 0) / 3, within(EXACT));
        assertThatThrownBy(() -> ClusteringMetrics.silhouette(x, new int[] {0, 0, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("silhouette needs 2 <= number of clusters <= n - 1 = 2, was 1");
    }

    @Test
    void adjustedRandIndexMatchesHubertArabie() {
        // same partition under a relabelling
        assertThat(ClusteringMetrics.adjustedRandIndex(new int[] {0, 0, 1, 1}, new int[] {1, 1, 0, 0})).isEqualTo(1.0);
        // contingency [[2,0,0],[0,1,1]]: index 1, expected 1*2/6, max 1.5 -> (1 - 1/3) / (1.5 - 1/3) = 4/7
        assertThat(ClusteringMetrics.adjustedRandIndex(new int[] {0, 0, 1, 1}, new int[] {0, 0, 1, 2}))
                .isCloseTo(4.0 / 7.0, within(EXACT));
        // one cluster against all singletons: no agreement beyond chance
        assertThat(ClusteringMetrics.adjustedRandIndex(new int[] {0, 0, 0, 0}, new int[] {0, 1, 2, 3})).isZero();
        assertThat(ClusteringMetrics.adjustedRandIndex(new int[] {5, 5, 5}, new int[] {1, 1, 1})).isEqualTo(1.0);
        assertThatThrownBy(() -> ClusteringMetrics.adjustedRandIndex(new int[] {0, 1}, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("labels have different lengths: 2 and 1");
    }

    @Test
    void forecastErrorsByHand() {
        double[] actual = {1, 2, 4, -2};
        double[] forecast = {2, 2, 3, -1};
        assertThat(ForecastMetrics.mae(actual, forecast)).isCloseTo((1 + 0 + 1 + 1) / 4.0, within(EXACT));
        assertThat(ForecastMetrics.mape(actual, forecast)).isCloseTo((1.0 + 0 + 0.25 + 0.5) / 4, within(EXACT));
        assertThat(ForecastMetrics.smape(actual, forecast))
                .isCloseTo((2.0 / 3 + 0 + 2.0 / 7 + 2.0 / 3) / 4, within(EXACT));
        assertThat(ForecastMetrics.smape(new double[] {0, 1}, new double[] {0, 1})).isZero();
        assertThat(ForecastMetrics.smape(new double[] {0}, new double[] {5})).isEqualTo(2.0);
    }

    @Test
    void forecastErrorsRejectBadInput() {
        assertThatThrownBy(() -> ForecastMetrics.mae(new double[] {1, 2}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("actual has 2 values, forecast has 1");
        assertThatThrownBy(() -> ForecastMetrics.mape(new double[] {1, 0}, new double[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("MAPE is undefined: actual[1] is 0");
        assertThatThrownBy(() -> ForecastMetrics.smape(new double[] {1, Double.NaN}, new double[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("actual[1] is NaN");
    }
}
