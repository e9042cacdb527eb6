package dev.profilekit.features.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Top-k ranks by the true decayed weights even where the weights printed as of the read time underflow to 0
 * (issue 26, item 11). Every expected weight below is worked out by hand from Σ 2^(-(T - t)/h).
 */
class TopKUnderflowTest {

    private static final long T0 = 1_767_225_600_000L;
    private static final long H = 1_000L; // half-life PT1S
    private static final long S = 1_000L; // one second in ms

    private static List<TopKCounter.WeightedValue> top(TopKCounter c, int k, long asOf) {
        return c.top(k, asOf);
    }

    @Test
    void theIssuesCaseRanksBFirstWithItsTrueWeight() {
        // a at T0, b at T0 + 860 s, read at T0 + 1160 s with h = 1 s:
        // a = 2^-1160 (below the smallest subnormal 2^-1074: prints 0.0), b = 2^-300 (a normal double)
        TopKCounter c = new TopKCounter(64, H);
        c.add("a", T0);
        c.add("b", T0 + 860 * S);
        List<TopKCounter.WeightedValue> top = top(c, 3, T0 + 1160 * S);
        assertThat(top).extracting(TopKCounter.WeightedValue::value).containsExactly("b", "a");
        assertThat(top.get(0).weight()).isEqualTo(Math.scalb(1.0, -300));
        assertThat(top.get(1).weight()).isEqualTo(0.0);
        assertThat(c.leading()).isEqualTo("b");
    }

    @Test
    void weightsThatUnderflowBeforeTheReadStillRankByTheirTrueSize() {
        // a at T0, c at T0 + 1 s, d at T0 + 2000 s; as of T0 + 2000 s: d = 1, c = 2^-1999, a = 2^-2000.
        // c and a both print 0.0, but c is twice as heavy, so c ranks before a although "a" < "c".
        TopKCounter c = new TopKCounter(64, H);
        c.add("a", T0);
        c.add("c", T0 + S);
        c.add("d", T0 + 2000 * S);
        List<TopKCounter.WeightedValue> top = top(c, 3, T0 + 2000 * S);
        assertThat(top).extracting(TopKCounter.WeightedValue::value).containsExactly("d", "c", "a");
        assertThat(top).extracting(TopKCounter.WeightedValue::weight).containsExactly(1.0, 0.0, 0.0);
    }

    @Test
    void subnormalWeightsAreTheCorrectlyRoundedPowerOfTwo() {
        // one event 1070 half-lives ago: 2^-1070, a subnormal double (16 times Double.MIN_VALUE)
        TopKCounter c = new TopKCounter(64, H);
        c.add("s", T0);
        assertThat(top(c, 1, T0 + 1070 * S).get(0).weight()).isEqualTo(16 * Double.MIN_VALUE);
    }

    @Test
    void equalTrueWeightsTieAndRankByValueAtAnyReadTime() {
        // p: one event at T0 + 1 s; q: two events at T0. As of T: p = 2^-(T-T0-1s)/h, q = 2·2^-(T-T0)/h: equal.
        for (String[] names : new String[][] {{"p", "q"}, {"q", "p"}}) {
            TopKCounter c = new TopKCounter(64, H);
            c.add(names[1], T0);
            c.add(names[1], T0);
            c.add(names[0], T0 + S);
            // as of T0 + 3 s both are 2^-2 = 0.25 exactly
            List<TopKCounter.WeightedValue> soon = top(c, 2, T0 + 3 * S);
            assertThat(soon).extracting(TopKCounter.WeightedValue::value).containsExactly("p", "q");
            assertThat(soon).extracting(TopKCounter.WeightedValue::weight).containsExactly(0.25, 0.25);
            // as of T0 + 2000 s both are 2^-1999: 0.0, still a tie, still by value
            assertThat(top(c, 2, T0 + 2000 * S)).extracting(TopKCounter.WeightedValue::value).containsExactly("p", "q");
            assertThat(c.leading()).isEqualTo("p");
        }
    }

    @Test
    void representableWeightsRankAsPrinted() {
        // m at T0 and T0 + 1 s (1.5 as of T0 + 1 s), n at T0 + 1 s (1); as of T0 + 3 s: m = 0.375, n = 0.25
        TopKCounter c = new TopKCounter(64, H);
        c.add("n", T0 + S);
        c.add("m", T0 + S);
        c.add("m", T0);
        List<TopKCounter.WeightedValue> top = top(c, 2, T0 + 3 * S);
        assertThat(top).extracting(TopKCounter.WeightedValue::value).containsExactly("m", "n");
        assertThat(top).extracting(TopKCounter.WeightedValue::weight).containsExactly(0.375, 0.25);
    }

    @Test
    void spaceSavingEvictsTheTrulyLightestValueEvenWhenWeightsUnderflow() {
        // capacity 2: x at T0, y at T0 + 1 s, then z at T0 + 2000 s replaces the lightest, which is x (2^-2000 vs
        // y's 2^-1999), so y survives; z inherits x's weight: 1 + 2^-2000, which is 1.0 as a double
        TopKCounter c = new TopKCounter(2, H);
        c.add("y", T0 + S);
        c.add("x", T0);
        c.add("z", T0 + 2000 * S);
        assertThat(top(c, 2, T0 + 2000 * S)).extracting(TopKCounter.WeightedValue::value).containsExactly("z", "y");
    }

    @Test
    void encodingKeepsEachValuesTimeAndTheOldFormatStillDecodes() {
        TopKCounter c = new TopKCounter(64, H);
        c.add("a", T0);
        c.add("b", T0 + 860 * S);
        ByteWriter w = new ByteWriter();
        c.encode(w);
        TopKCounter back = TopKCounter.decode(new ByteReader(w.toByteArray(), "test"), 64, H);
        assertThat(back.top(2, T0 + 1160 * S)).isEqualTo(c.top(2, T0 + 1160 * S));

        // the format before per-value times: exactness, a landmark, weights relative to it
        ByteWriter old = new ByteWriter();
        old.bool(true).f64(T0).varInt(2).string("a").f64(1.0).string("b").f64(2.0);
        TopKCounter fromOld = TopKCounter.decode(new ByteReader(old.toByteArray(), "test"), 64, H);
        // as of T0 + 1 s: a = 1/2, b = 2/2
        assertThat(fromOld.top(2, T0 + S)).containsExactly(new TopKCounter.WeightedValue("b", 1.0),
                new TopKCounter.WeightedValue("a", 0.5));
        assertThat(fromOld.isExact()).isTrue();
    }
}
