package dev.profilekit.models.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Backtracking Armijo (Nocedal &amp; Wright, Algorithm 3.1), checked against steps worked out by hand. */
class LineSearchTest {

    /** f(x) = x0^2 + 10 x1^2. */
    static double quadratic(double[] x) {
        return x[0] * x[0] + 10 * x[1] * x[1];
    }

    @Test
    void halvesUntilSufficientDecrease() {
        // at x = (1, 1), f = 11, g = (2, 20); along p = -g the slope is g'p = -404 and
        // f(x + t p) = (1 - 2t)^2 + 10 (1 - 20t)^2. By hand: t = 1, 1/2, 1/4 give 3611, 810, 160.25; t = 1/8 gives (3/4)^2 + 10 (3/2)^2 = 23.0625 > 11;
        // t = 1/16 gives (7/8)^2 + 10 (1/4)^2 = 1.390625 <= 11 - 1e-4 * 404 / 16.
        double[] x = {1, 1};
        double[] p = {-2, -20};
        double slope = -404;
        LineSearch ls = new LineSearch(2);
        assertThat(ls.search(x, 11, p, slope, LineSearchTest::quadratic, LineSearch.RoundoffRule.NONE)).isTrue();
        assertThat(ls.step()).isEqualTo(1.0 / 16);
        assertThat(ls.value()).isEqualTo(1.390625);
        assertThat(ls.point()).containsExactly(0.875, -0.25);
        assertThat(x).containsExactly(1, 1);
    }

    @Test
    void backsOffFromPointsWhereTheObjectiveIsUndefined() {
        // f(x) = x^2 for x > 0.7, NaN below: from x = 1 along -1 (slope -2) t = 1, 1/2 land at 0 and 0.5 (NaN),
        // t = 1/4 at 0.75: 0.5625 <= 1 - 1e-4 / 2
        LineSearch ls = new LineSearch(1);
        LineSearch.Objective f = x -> x[0] > 0.7 ? x[0] * x[0] : Double.NaN;
        assertThat(ls.search(new double[] {1}, 1, new double[] {-1}, -2, f, LineSearch.RoundoffRule.NONE)).isTrue();
        assertThat(ls.step()).isEqualTo(0.25);
        assertThat(ls.value()).isEqualTo(0.5625);
    }

    @Test
    void anAscentDirectionFailsAfterEveryHalving() {
        int[] calls = {0};
        LineSearch ls = new LineSearch(1);
        // f(x) = x from 0 along +1: f(t) = t > 1e-4 t for every t > 0, exactly
        boolean ok = ls.search(new double[] {0}, 0, new double[] {1}, 1, x -> {
            calls[0]++;
            return x[0];
        }, LineSearch.RoundoffRule.NONE);
        assertThat(ok).isFalse();
        assertThat(calls[0]).isEqualTo(LineSearch.MAX_HALVINGS + 1);
        assertThat(ls.step()).isZero();
        assertThat(ls.value()).isZero();
    }

    @Test
    void theRoundoffRuleIsOnlyConsultedInTheRoundoffRegime() {
        LineSearch ls = new LineSearch(1);
        LineSearch.Objective flat = x -> 1.0 + 1e-9; // above f = 1 everywhere: never a sufficient decrease
        // slope -1e-12 <= 1e-10 (1 + 1): roundoff regime, FULL_STEP takes t = 1
        assertThat(ls.search(new double[] {0}, 1, new double[] {3}, -1e-12, flat, LineSearch.RoundoffRule.FULL_STEP))
                .isTrue();
        assertThat(ls.step()).isEqualTo(1.0);
        assertThat(ls.point()).containsExactly(3);
        // slope -1e-3 is well above the roundoff level: the rule is ignored and the search fails
        assertThat(ls.search(new double[] {0}, 1, new double[] {3}, -1e-3, flat, LineSearch.RoundoffRule.FULL_STEP))
                .isFalse();
        assertThat(ls.search(new double[] {0}, 1, new double[] {3}, -1e-12, flat, LineSearch.RoundoffRule.NONE))
                .isFalse();
    }

    @Test
    void checksShapes() {
        assertThatThrownBy(() -> new LineSearch(2).search(new double[3], 0, new double[3], -1, x -> 0,
                LineSearch.RoundoffRule.NONE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("x has 3 values and direction 3, the line search was made for 2");
    }
}
