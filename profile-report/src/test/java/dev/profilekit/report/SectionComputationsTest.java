package dev.profilekit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The numbers behind the report's sections, each against a hand computation or an independent one. */
class SectionComputationsTest {

    private static final double E = Psi.EPSILON;

    /** (q − p)·ln(q/p), written out for the hand computations. */
    private static double term(double p, double q) {
        return (q - p) * Math.log(q / p);
    }

    @Test
    void psiOfTenReferenceValuesByHand() {
        // reference 1..10: nearest-rank deciles x(⌈j·10/10⌉) = j, bins (−∞,1], (1,2], …, (8,9], (9,∞), 10% each
        double[] reference = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        // (−∞,1]: 0.5, 1 | (1,2]: 1.5, 2, 2, 2 | (6,7]: 7 | (9,∞): 10, 11, 12 | six bins empty
        double[] current = {0.5, 1, 1.5, 2, 2, 2, 7, 10, 11, 12};
        double byHand = term(0.1, 0.2) + term(0.1, 0.4) + term(0.1, 0.1) + term(0.1, 0.3) + 6 * term(0.1, E);
        assertThat(byHand).isCloseTo(4.845434, within(1e-6)); // 0.069315 + 0.415888 + 0 + 0.219722 + 6·0.690085
        assertThat(Psi.numeric(reference, current)).isCloseTo(byHand, within(1e-12));
        assertThat(Psi.numeric(reference, reference)).isZero();
        assertThat(Psi.deciles(reference)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void psiCutsEqualDecilesOnceAndGivesMissingValuesABin() {
        // 70% zeros: deciles 0 (×7), 1, 2 → bins (−∞,0], (0,1], (1,2], (2,∞) with shares .7 .1 .1 .1
        double[] reference = {0, 0, 0, 0, 0, 0, 0, 1, 2, 3};
        double[] current = {0, 0, 0, 0, 0, 1, 1, 1, 2, 5};
        assertThat(Psi.deciles(reference)).containsExactly(0, 1, 2);
        assertThat(Psi.numeric(reference, current)).isCloseTo(term(0.7, 0.5) + term(0.1, 0.3), within(1e-12));

        // no value: its own bin; shares over all profiles (5 reference, 4 current)
        double n = Double.NaN;
        double[] ref = {1, 2, 3, 4, n};      // deciles of 1..4: x(⌈0.4j⌉) = 1,1,2,2,2,3,3,4,4 → cuts 1,2,3,4
        double[] cur = {1, 1, n, n};
        // bins (−∞,1] (1,2] (2,3] (3,4] (4,∞) missing: p = .2 .2 .2 .2 0 .2, q = .5 0 0 0 0 .5
        double byHand = term(0.2, 0.5) + 3 * term(0.2, E) + term(E, E) + term(0.2, 0.5);
        assertThat(Psi.numeric(ref, cur)).isCloseTo(byHand, within(1e-12));
        assertThat(Psi.numeric(new double[] {n, n}, cur)).isNaN();
    }

    @Test
    void categoricalPsiByHand() {
        String[] reference = {"a", "a", "b", "c"};
        String[] current = {"a", "b", "b", "d", null};
        // bins a, b, c, not in the reference, no value: p = .5 .25 .25 0 0; q = .2 .4 0 .2 .2
        double byHand = term(0.5, 0.2) + term(0.25, 0.4) + term(0.25, E) + term(E, 0.2) + term(E, 0.2);
        assertThat(Psi.categorical(reference, current)).isCloseTo(byHand, within(1e-12));
        assertThat(Psi.categorical(reference, reference)).isZero();
        assertThat(Psi.verdict(0.0999)).isEqualTo("stable");
        assertThat(Psi.verdict(0.1)).isEqualTo("moderate shift");
        assertThat(Psi.verdict(0.25)).isEqualTo("major shift");
    }

    /** PSI written independently: quantiles by rank from a sorted copy, bins by counting comparisons. */
    private static double independentPsi(double[] ref, double[] cur) {
        double[] s = ref.clone();
        Arrays.sort(s);
        double[] cuts = Arrays.stream(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9})
                .mapToDouble(j -> s[(int) Math.ceil(j * s.length / 10.0) - 1]).distinct().toArray();
        double psi = 0;
        for (int b = 0; b <= cuts.length; b++) {
            double lo = b == 0 ? Double.NEGATIVE_INFINITY : cuts[b - 1];
            double hi = b == cuts.length ? Double.POSITIVE_INFINITY : cuts[b];
            double p = Arrays.stream(ref).filter(x -> x > lo && x <= hi).count() / (double) ref.length;
            double q = Arrays.stream(cur).filter(x -> x > lo && x <= hi).count() / (double) cur.length;
            psi += term(p == 0 ? E : p, q == 0 ? E : q);
        }
        return psi;
    }

    @Test
    void psiMatchesAnIndependentComputationOnRandomSamples() {
        SplittableRandom r = new SplittableRandom(42);
        for (int t = 0; t < 200; t++) {
            int n = 1 + r.nextInt(300);
            int m = 1 + r.nextInt(300);
            double shift = r.nextDouble() * 2;
            boolean ties = r.nextBoolean();
            double[] ref = r.doubles(n).map(x -> ties ? Math.floor(x * 5) : x).toArray();
            double[] cur = r.doubles(m).map(x -> ties ? Math.floor((x + shift) * 5) : x + shift).toArray();
            assertThat(Psi.numeric(ref, cur)).as("trial %d", t).isCloseTo(independentPsi(ref, cur), within(1e-9));
        }
    }

    @Test
    void describeByHand() {
        double n = Double.NaN;
        Describe d = Describe.of(new double[] {5, n, 1, 4, 0, 2, 3, n, 0});
        // present 5,1,4,0,2,3,0 → sorted 0,0,1,2,3,4,5 (n = 7), mean 15/7
        assertThat(d.count()).isEqualTo(7);
        assertThat(d.missing()).isEqualTo(2);
        assertThat(d.zeros()).isEqualTo(2);
        assertThat(d.mean()).isCloseTo(15.0 / 7, within(1e-12));
        double ss = 0;
        for (double x : new double[] {0, 0, 1, 2, 3, 4, 5}) {
            ss += (x - 15.0 / 7) * (x - 15.0 / 7);
        }
        assertThat(d.std()).isCloseTo(Math.sqrt(ss / 6), within(1e-12)); // = sqrt(22.857/6) ≈ 1.9518
        assertThat(d.std()).isCloseTo(1.9518, within(1e-4));
        // h = 6p: p5 → 0.3 → 0; p25 → 1.5 → x[1] + .5·(x[2] − x[1]) = 0.5; p50 → 3 → 2; p75 → 4.5 → 3.5;
        // p95 → 5.7 → 4 + .7·(5 − 4) = 4.7
        assertThat(d.percentiles()).containsExactly(new double[] {0, 0.5, 2, 3.5, 4.7}, within(1e-12));
        assertThat(d.min()).isZero();
        assertThat(d.max()).isEqualTo(5);
        Describe none = Describe.of(new double[] {n, n});
        assertThat(none.count()).isZero();
        assertThat(none.missing()).isEqualTo(2);
        assertThat(none.mean()).isNaN();
        assertThat(Describe.of(new double[] {1.7e308, -1.7e308, 1.7e308}).std()).isCloseTo(
                Math.sqrt((2 * Math.pow(1.7e308 / 1e300 - 1.7e308 / 3e300, 2) + Math.pow(-1.7e308 / 1e300
                        - 1.7e308 / 3e300, 2)) / 2) * 1e300, within(1e296));
    }

    @Test
    void pearsonAgainstTheTextbookFormulaOverCompletePairs() {
        double n = Double.NaN;
        double[] x = {1, 2, 3, 4, n, 6};
        double[] y = {2, 4, 5, 9, 7, n};
        // complete pairs (1,2) (2,4) (3,5) (4,9): r = (nΣxy − ΣxΣy) / sqrt((nΣx² − (Σx)²)(nΣy² − (Σy)²))
        double sx = 10;
        double sy = 20;
        double sxy = 2 + 8 + 15 + 36;
        double sxx = 30;
        double syy = 4 + 16 + 25 + 81;
        double r = (4 * sxy - sx * sy) / Math.sqrt((4 * sxx - sx * sx) * (4 * syy - sy * sy));
        assertThat(r).isCloseTo(44 / Math.sqrt(20 * 104), within(1e-12)); // (244 − 200) / sqrt(20·104) ≈ 0.9648
        assertThat(CorrelationMatrix.pearson(x, y)).isCloseTo(r, within(1e-12));
        assertThat(CorrelationMatrix.pearson(y, x)).isCloseTo(r, within(1e-12));
        double[] neg = Arrays.stream(x).map(v -> -3 * v + 1).toArray();
        assertThat(CorrelationMatrix.pearson(x, neg)).isCloseTo(-1, within(1e-12));
        assertThat(CorrelationMatrix.pearson(new double[] {1, 1, 1}, new double[] {1, 2, 3})).isNaN();
        assertThat(CorrelationMatrix.pearson(new double[] {1, 2, n}, new double[] {1, 2, 3})).isNaN();
        assertThat(CorrelationMatrix.pearson(new double[] {1.7e308, -1.7e308, 0}, new double[] {1, -1, 0}))
                .isCloseTo(1, within(1e-12));
    }

    @Test
    void numbersAreWrittenOneWay() {
        assertThat(Numbers.format(4.054e-9)).isEqualTo("4.054e-9");
        assertThat(Numbers.format(0.0002251)).isEqualTo("2.251e-4");
        assertThat(Numbers.format(0.001)).isEqualTo("0.001000");
        assertThat(Numbers.format(0.323)).isEqualTo("0.3230");
        assertThat(Numbers.format(0.5148123)).isEqualTo("0.5148");
        assertThat(Numbers.format(16.03535968)).isEqualTo("16.04");
        assertThat(Numbers.format(-2.5)).isEqualTo("-2.500");
        assertThat(Numbers.format(84)).isEqualTo("84");
        assertThat(Numbers.format(999.96)).isEqualTo("1,000");
        assertThat(Numbers.format(703378.239)).isEqualTo("703,378");
        assertThat(Numbers.format(1.5e12)).isEqualTo("1.500e12");
        assertThat(Numbers.format(0)).isEqualTo("0");
        assertThat(Numbers.format(Double.NaN)).isEmpty();
        assertThat(Numbers.percent(0.264)).isEqualTo("26.4%");
    }
}
