package dev.profilekit.models.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayDeque;
import org.junit.jupiter.api.Test;

class AdwinTest {

    private static final int SEEDS = 50;
    private static final int STATIONARY_LENGTH = 10_000;
    /** Stated false-alarm budget over SEEDS x STATIONARY_LENGTH stationary values with δ = 0.002. */
    private static final long MAX_FALSE_ALARMS = 2;
    private static final int CHANGE_AT = 1000;
    /** Detection delay budget for a shift of one standard deviation (includes the 32-value clock). */
    private static final int MAX_DELAY = 200;
    private static final double MEAN_TOLERANCE = 1e-9;

    @Test
    void rarelyAlarmsOnStationaryGaussianAndBernoulliStreams() {
        long gaussianAlarms = 0;
        long bernoulliAlarms = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            gaussianAlarms += Streams.alarms(Adwin.of(0.002), Streams.gaussian(seed, STATIONARY_LENGTH, 0, 1));
            bernoulliAlarms += Streams.alarms(Adwin.of(0.002), Streams.bernoulli(seed, STATIONARY_LENGTH, 0.2));
        }
        assertThat(gaussianAlarms).isLessThanOrEqualTo(MAX_FALSE_ALARMS);
        assertThat(bernoulliAlarms).isLessThanOrEqualTo(MAX_FALSE_ALARMS);
    }

    @Test
    void detectsAnAbruptShiftWithinTheStatedDelayAndForgetsThePast() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            long[] early = new long[1];
            double[] x = Streams.gaussianShift(seed, CHANGE_AT + 2000, CHANGE_AT, 1.0);
            Adwin adwin = Adwin.of(0.002);
            int at = Streams.firstAlarm(adwin, x, CHANGE_AT, early);
            assertThat(early[0]).as("seed %d", seed).isZero();
            assertThat(at).as("seed %d", seed).isBetween(CHANGE_AT, CHANGE_AT + MAX_DELAY);
            for (int i = at + 1; i < x.length; i++) {
                adwin.update(x[i]);
            }
            // by the end the window holds (almost) only post-change data
            assertThat(adwin.width()).as("seed %d", seed).isLessThanOrEqualTo(2000 + 64);
            assertThat(adwin.mean()).as("seed %d", seed).isCloseTo(1.0, within(0.15));
        }
    }

    @Test
    void alsoDetectsADecrease() {
        double[] x = Streams.gaussianShift(11, 3000, CHANGE_AT, -1.0);
        long[] early = new long[1];
        int at = Streams.firstAlarm(Adwin.of(0.002), x, CHANGE_AT, early);
        assertThat(early[0]).isZero();
        assertThat(at).isBetween(CHANGE_AT, CHANGE_AT + MAX_DELAY);
    }

    /** The window ADWIN keeps is a suffix of the stream: its mean is that of the last width() values. */
    @Test
    void meanEqualsTheMeanOfTheRetainedWindowComputedNaively() {
        for (int clock : new int[] {1, 32}) {
            // several shifts so that data is dropped repeatedly
            double[] x = Streams.gaussian(5, 8000, 0, 1);
            for (int i = 0; i < x.length; i++) {
                x[i] += (i / 2000) % 2 == 0 ? 0.0 : 2.0;
            }
            Adwin adwin = Adwin.of(0.002).withClock(clock);
            ArrayDeque<Double> naive = new ArrayDeque<>();
            double[] variance = new double[1];
            for (double v : x) {
                adwin.update(v);
                naive.addLast(v);
                while (naive.size() > adwin.width()) {
                    naive.removeFirst();
                }
                assertThat((long) naive.size()).isEqualTo(adwin.width());
                double mean = naive.stream().mapToDouble(Double::doubleValue).average().orElse(0);
                assertThat(adwin.mean()).isCloseTo(mean, within(MEAN_TOLERANCE));
                variance[0] = naive.stream().mapToDouble(d -> (d - mean) * (d - mean)).sum() / naive.size();
                assertThat(adwin.variance()).isCloseTo(variance[0], within(1e-6));
            }
            assertThat(adwin.alarms()).as("clock %d", clock).isGreaterThanOrEqualTo(3);
            assertThat(adwin.width()).isLessThan(2000);
        }
    }

    @Test
    void keepsLogarithmicallyManyBuckets() {
        Adwin adwin = Adwin.of(0.002);
        double[] x = Streams.gaussian(9, 200_000, 0, 1);
        int maxBuckets = 0;
        for (double v : x) {
            adwin.update(v);
            maxBuckets = Math.max(maxBuckets, adwin.buckets());
            long levels = 64 - Long.numberOfLeadingZeros(adwin.width()); // floor(log2 W) + 1
            assertThat((long) adwin.buckets()).isLessThanOrEqualTo(adwin.maxBuckets() * levels);
        }
        assertThat(adwin.width()).isEqualTo(200_000);
        assertThat(maxBuckets).isLessThanOrEqualTo(5 * 18);
    }

    @Test
    void resetForgetsTheWindowButKeepsTheAlarmCount() {
        Adwin adwin = Adwin.of(0.002);
        Streams.alarms(adwin, Streams.gaussianShift(2, 3000, 1000, 3.0));
        long alarms = adwin.alarms();
        assertThat(alarms).isPositive();
        adwin.reset();
        assertThat(adwin.width()).isZero();
        assertThat(adwin.mean()).isZero();
        assertThat(adwin.buckets()).isZero();
        assertThat(adwin.alarms()).isEqualTo(alarms);
        adwin.update(4.0);
        assertThat(adwin.mean()).isEqualTo(4.0);
    }

    @Test
    void rejectsBadParametersWithMessages() {
        assertThatThrownBy(() -> Adwin.of(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delta").hasMessageContaining("0.0");
        assertThatThrownBy(() -> Adwin.of(1.5)).hasMessageContaining("delta must be in (0, 1), was 1.5");
        assertThatThrownBy(() -> Adwin.of(Double.NaN)).hasMessageContaining("delta");
        assertThatThrownBy(() -> Adwin.of(0.002).withMaxBuckets(1)).hasMessageContaining("maxBuckets must be >= 2, was 1");
        assertThatThrownBy(() -> Adwin.of(0.002).withClock(0)).hasMessageContaining("clock must be >= 1, was 0");
        assertThatThrownBy(() -> Adwin.of(0.002).withMinSubWindow(0)).hasMessageContaining("minSubWindow");
        assertThatThrownBy(() -> Adwin.of(0.002).update(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x must be finite");
    }
}
