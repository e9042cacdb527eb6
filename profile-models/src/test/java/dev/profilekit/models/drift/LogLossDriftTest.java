package dev.profilekit.models.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The parameters recommended for the prequential log loss of a propensity model: a fixed score p = 0.1 while
 * the true purchase probability moves from 0.1 to 0.25. Log loss per example is -ln(0.1) = 2.303 nats for a
 * positive and -ln(0.9) = 0.105 for a negative: mean 0.325 (sd 0.66) before, 0.655 after.
 */
class LogLossDriftTest {

    private static final int SEEDS = 20;
    private static final int BEFORE = 20_000;
    private static final int AFTER = 2_000;
    /** PH: λ / (Δ - δ) = 50 / 0.28 ≈ 180 labels expected. */
    private static final int PH_MAX_DELAY = 500;
    private static final int ADWIN_MAX_DELAY = 500;

    static PageHinkley recommendedPageHinkley() {
        return PageHinkley.of(0.05, 50).withMinInstances(200);
    }

    static Adwin recommendedAdwin() {
        return Adwin.of(0.002);
    }

    private static double[] logLosses(long seed, double pBefore, double pAfter) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double score = 0.1;
        double[] x = new double[BEFORE + AFTER];
        for (int i = 0; i < x.length; i++) {
            boolean y = rnd.nextDouble() < (i < BEFORE ? pBefore : pAfter);
            x[i] = y ? -Math.log(score) : -Math.log(1 - score);
        }
        return x;
    }

    @Test
    void noFalseAlarmOnACalibratedStationaryModel() {
        long ph = 0;
        long adwin = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            double[] x = logLosses(seed, 0.1, 0.1);
            ph += Streams.alarms(recommendedPageHinkley(), x);
            adwin += Streams.alarms(recommendedAdwin(), x);
        }
        assertThat(ph).isZero();
        assertThat(adwin).isLessThanOrEqualTo(1);
    }

    @Test
    void detectsTheRiseOfTheLossWhenTheBaseRateMoves() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            double[] x = logLosses(seed, 0.1, 0.25);
            long[] early = new long[1];
            int ph = Streams.firstAlarm(recommendedPageHinkley(), x, BEFORE, early);
            assertThat(early[0]).isZero();
            assertThat(ph).as("seed %d", seed).isBetween(BEFORE, BEFORE + PH_MAX_DELAY);
            int adwin = Streams.firstAlarm(recommendedAdwin(), x, BEFORE, early);
            assertThat(adwin).as("seed %d", seed).isBetween(BEFORE, BEFORE + ADWIN_MAX_DELAY);
        }
    }
}
