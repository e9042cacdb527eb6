package dev.profilekit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.profilekit.core.engine.Event;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The drifting shop's stream against its own truth. */
class DriftingShopTest {

    static final long HOUR = 3_600_000L;

    @Test
    void sameSeedSameStreamOtherSeedOtherStream() {
        List<Event> a = DriftingShop.of(200, 5, 2, 7).events();
        List<Event> b = DriftingShop.of(200, 5, 2, 7).events();
        assertThat(a).isEqualTo(b);
        assertThat(DriftingShop.of(200, 5, 2, 8).events()).isNotEqualTo(a);
        for (int i = 1; i < a.size(); i++) {
            assertThat(a.get(i).timestamp()).isGreaterThanOrEqualTo(a.get(i - 1).timestamp());
        }
    }

    @Test
    void gaussHermiteIntegratesTheNormalsMoments() {
        double[] x = new double[DriftingShop.QUADRATURE_NODES];
        double[] w = new double[x.length];
        DriftingShop.gaussHermite(x, w);
        double m0 = 0;
        double m2 = 0;
        double m4 = 0;
        double e = 0;
        for (int i = 0; i < x.length; i++) {
            m0 += w[i];
            m2 += w[i] * x[i] * x[i];
            m4 += w[i] * Math.pow(x[i], 4);
            e += w[i] * Math.exp(x[i]);
        }
        assertThat(m0).isCloseTo(1, within(1e-12));
        assertThat(m2).isCloseTo(1, within(1e-12));
        assertThat(m4).isCloseTo(3, within(1e-10));
        assertThat(e).isCloseTo(Math.exp(0.5), within(1e-10)); // E exp(Z), the lognormal mean
    }

    /**
     * The true probabilities are calibrated: over windows of 72 h starting before, across and after the shift,
     * the number of users who bought is within 4 standard deviations of the sum of their probabilities, and the
     * probabilities separate buyers from the others.
     */
    @Test
    void truePurchaseProbabilitiesMatchTheGeneratedPurchases() {
        DriftingShop shop = DriftingShop.of(3000, 30, 15, 5);
        for (long t : new long[] {shop.startMs() + 3 * 24 * HOUR + 7 * HOUR, shop.shiftMs() - 36 * HOUR,
                shop.shiftMs() + 50 * HOUR, shop.endMs() - 80 * HOUR}) {
            Map<String, Boolean> bought = new HashMap<>();
            for (Event e : shop.events()) {
                if (e.type().equals("purchase") && e.timestamp() > t && e.timestamp() <= t + 72 * HOUR) {
                    bought.put(e.user(), true);
                }
            }
            double expected = 0;
            double variance = 0;
            for (String user : shop.users()) {
                double p = shop.purchaseProbability(user, t, 72 * HOUR);
                expected += p;
                variance += p * (1 - p);
            }
            System.out.printf("window from %d: %d buyers, %.1f expected (sd %.1f)%n", t, bought.size(), expected,
                    Math.sqrt(variance));
            assertThat((double) bought.size()).isCloseTo(expected, within(4 * Math.sqrt(variance)));
        }
    }

    /** Past the end the intents follow the AR(1) from the last drawn one: continuous with the last in-stream window. */
    @Test
    void probabilityAtTheEndContinuesTheOneJustBefore() {
        DriftingShop shop = DriftingShop.of(300, 10, 5, 3);
        for (String user : shop.users()) {
            double before = shop.purchaseProbability(user, shop.endMs() - 1, 72 * HOUR);
            double at = shop.purchaseProbability(user, shop.endMs(), 72 * HOUR);
            assertThat(at).isBetween(0.0, 1.0).isCloseTo(before, within(1e-6));
            assertThat(shop.purchaseProbability(user, shop.endMs() + 24 * HOUR, 72 * HOUR)).isBetween(0.0, 1.0);
        }
    }
}
