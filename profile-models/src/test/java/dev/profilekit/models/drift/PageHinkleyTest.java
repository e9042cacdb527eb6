package dev.profilekit.models.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PageHinkleyTest {

    private static final int SEEDS = 50;
    private static final int STATIONARY_LENGTH = 10_000;
    /** Stated false-alarm budget over SEEDS x STATIONARY_LENGTH stationary values (Siegmund: ARL ~ 1e6). */
    private static final long MAX_FALSE_ALARMS = 2;
    private static final int CHANGE_AT = 1000;
    /** λ / (Δ - δ) = 50 / 0.9 ≈ 56 values; the running mean absorbing part of the shift costs a few more. */
    private static final int MAX_DELAY = 100;

    @Test
    void rarelyAlarmsOnStationaryGaussianAndBernoulliStreams() {
        long gaussianAlarms = 0;
        long bernoulliAlarms = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            gaussianAlarms += Streams.alarms(PageHinkley.of(0.1, 50), Streams.gaussian(seed, STATIONARY_LENGTH, 0, 1));
            // Bernoulli(0.3): σ² = 0.21, 2δλ/σ² = 9.5
            bernoulliAlarms += Streams.alarms(PageHinkley.of(0.05, 20),
                    Streams.bernoulli(seed, STATIONARY_LENGTH, 0.3));
        }
        assertThat(gaussianAlarms).isLessThanOrEqualTo(MAX_FALSE_ALARMS);
        assertThat(bernoulliAlarms).isLessThanOrEqualTo(MAX_FALSE_ALARMS);
    }

    @Test
    void detectsAnAbruptIncreaseOfTheMeanWithinTheStatedDelay() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            long[] early = new long[1];
            double[] x = Streams.gaussianShift(seed, CHANGE_AT + 1000, CHANGE_AT, 1.0);
            int at = Streams.firstAlarm(PageHinkley.of(0.1, 50), x, CHANGE_AT, early);
            assertThat(early[0]).as("seed %d", seed).isZero();
            assertThat(at).as("seed %d", seed).isBetween(CHANGE_AT, CHANGE_AT + MAX_DELAY);
        }
    }

    @Test
    void ignoresADecreaseOfTheMean() {
        for (long seed = 1; seed <= 10; seed++) {
            double[] x = Streams.gaussianShift(seed, 5000, CHANGE_AT, -1.0);
            assertThat(Streams.alarms(PageHinkley.of(0.1, 50), x)).isZero();
        }
    }

    /** Without fading, the statistic is the textbook U_T - min_{t<=T} U_t with U_T = Σ (x_t - x̄_t - δ), min over t >= 0 (U_0 = 0). */
    @Test
    void equalsTheTextbookStatisticComputedNaively() {
        double delta = 0.05;
        double[] x = Streams.gaussianShift(7, 3000, 1500, 0.5);
        PageHinkley ph = PageHinkley.of(delta, 1e9).withMinInstances(1);
        double u = 0;
        double min = 0;
        for (int t = 0; t < x.length; t++) {
            ph.update(x[t]);
            double mean = 0;
            for (int i = 0; i <= t; i++) {
                mean += x[i];
            }
            mean /= t + 1;
            u += x[t] - mean - delta;
            min = Math.min(min, u);
            assertThat(ph.statistic()).isCloseTo(u - min, org.assertj.core.data.Offset.offset(1e-9 * (1 + t)));
        }
    }

    @Test
    void fadingBoundsTheStatisticByTheLargestIncrementOverOneMinusAlpha() {
        double alpha = 0.9;
        double[] x = Streams.gaussian(3, 5000, 0, 1);
        PageHinkley ph = PageHinkley.of(0.0, 1e9).withAlpha(alpha).withMinInstances(1);
        double bound = 0;
        for (double v : x) {
            ph.update(v);
            bound = Math.max(bound, Math.abs(v - ph.mean()));
            assertThat(ph.statistic()).isLessThanOrEqualTo(bound / (1 - alpha) + 1e-12);
        }
        assertThat(ph.alarms()).isZero();
    }

    @Test
    void resetsAfterAnAlarmAndRespectsMinInstances() {
        PageHinkley ph = PageHinkley.of(0.0, 1.0).withMinInstances(5);
        // a huge increase at the 2nd value cannot alarm before 5 values
        assertThat(ph.update(0)).isFalse();
        assertThat(ph.update(100)).isFalse();
        assertThat(ph.update(100)).isFalse();
        assertThat(ph.update(100)).isFalse();
        assertThat(ph.update(100)).isTrue();
        assertThat(ph.alarms()).isEqualTo(1);
        assertThat(ph.count()).isZero();
        assertThat(ph.statistic()).isZero();
    }

    @Test
    void rejectsBadParametersWithMessages() {
        assertThatThrownBy(() -> PageHinkley.of(-0.1, 50)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delta").hasMessageContaining("-0.1");
        assertThatThrownBy(() -> PageHinkley.of(Double.NaN, 50)).hasMessageContaining("delta");
        assertThatThrownBy(() -> PageHinkley.of(0.1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lambda").hasMessageContaining("0.0");
        assertThatThrownBy(() -> PageHinkley.of(0.1, 50).withAlpha(1.5)).hasMessageContaining("alpha")
                .hasMessageContaining("1.5");
        assertThatThrownBy(() -> PageHinkley.of(0.1, 50).withAlpha(0)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> PageHinkley.of(0.1, 50).withMinInstances(0)).hasMessageContaining("minInstances")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> PageHinkley.of(0.1, 50).update(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x must be finite");
    }
}
