package dev.profilekit.models.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/**
 * Implicit ALS: each half-step against a dense direct solve of the paper's normal equations
 * {@code (YᵀC_uY + λI) x_u = YᵀC_u p_u} built with full diagonal confidence matrices (no speed-up), JSON, and
 * recovery of a planted block structure.
 */
class ImplicitAlsTest {

    /** Two different solvers of the same well-conditioned f×f systems. */
    private static final double SOLVE_TOL = 1e-10;

    private static Interactions random(int users, int items, double density, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Interactions.Builder b = Interactions.builder();
        for (int u = 0; u < users; u++) {
            for (int i = 0; i < items; i++) {
                if (rnd.nextDouble() < density || i == u % items) {
                    b.add("u" + u, "i" + i, 1 + 4 * rnd.nextDouble());
                }
            }
        }
        return b.build();
    }

    private static double[][] randomFactors(int rows, int f, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] m = new double[rows][f];
        for (double[] row : m) {
            for (int c = 0; c < f; c++) {
                row[c] = rnd.nextDouble() - 0.5;
            }
        }
        return m;
    }

    /** x_r = (FᵀC_rF + λI)⁻¹ FᵀC_r p_r with dense C_r = diag(1 + alpha r_rj) over all columns j. */
    private static double[][] dense(int rows, int cols, double[][] fixed, ImplicitAlsOptions o,
                                    java.util.function.IntBinaryOperator unused, Weight weight) {
        int f = o.factors();
        DMatrixRMaj y = new DMatrixRMaj(fixed);
        double[][] out = new double[rows][];
        for (int r = 0; r < rows; r++) {
            DMatrixRMaj c = new DMatrixRMaj(cols, cols);
            DMatrixRMaj p = new DMatrixRMaj(cols, 1);
            for (int j = 0; j < cols; j++) {
                double w = weight.of(r, j);
                c.set(j, j, 1 + o.alpha() * w);
                p.set(j, 0, w > 0 ? 1 : 0);
            }
            DMatrixRMaj cy = new DMatrixRMaj(cols, f);
            CommonOps_DDRM.mult(c, y, cy);
            DMatrixRMaj a = new DMatrixRMaj(f, f);
            CommonOps_DDRM.multTransA(y, cy, a);
            for (int d = 0; d < f; d++) {
                a.add(d, d, o.l2());
            }
            DMatrixRMaj cp = new DMatrixRMaj(cols, 1);
            CommonOps_DDRM.mult(c, p, cp);
            DMatrixRMaj b = new DMatrixRMaj(f, 1);
            CommonOps_DDRM.multTransA(y, cp, b);
            DMatrixRMaj x = new DMatrixRMaj(f, 1);
            assertThat(CommonOps_DDRM.solve(a, b, x)).isTrue(); // LU
            out[r] = x.data.clone();
        }
        return out;
    }

    private interface Weight {
        double of(int row, int col);
    }

    @Test
    void eachHalfStepEqualsADenseDirectSolve() {
        Interactions data = random(9, 7, 0.3, 1);
        for (ImplicitAlsOptions o : List.of(ImplicitAlsOptions.factors(3).alpha(10).l2(0.1),
                ImplicitAlsOptions.factors(5).alpha(0.5).l2(2))) {
            double[][] y = randomFactors(data.items(), o.factors(), 2);
            double[][] x = ImplicitAls.userStep(data, y, o);
            double[][] wantX = dense(data.users(), data.items(), y, o, null, data::weight);
            double[][] u = randomFactors(data.users(), o.factors(), 3);
            double[][] yy = ImplicitAls.itemStep(data, u, o);
            double[][] wantY = dense(data.items(), data.users(), u, o, null, (i, uu) -> data.weight(uu, i));
            for (int r = 0; r < x.length; r++) {
                for (int c = 0; c < o.factors(); c++) {
                    assertThat(x[r][c]).isCloseTo(wantX[r][c], within(SOLVE_TOL));
                }
            }
            for (int r = 0; r < yy.length; r++) {
                for (int c = 0; c < o.factors(); c++) {
                    assertThat(yy[r][c]).isCloseTo(wantY[r][c], within(SOLVE_TOL));
                }
            }
        }
    }

    @Test
    void theFitIsTheAlternationOfHalfSteps() {
        Interactions data = random(12, 8, 0.25, 4);
        ImplicitAlsOptions o = ImplicitAlsOptions.factors(2).iterations(1).seed(5);
        ImplicitAlsModel one = ImplicitAls.fit(data, o);
        ImplicitAlsModel two = ImplicitAls.fit(data, o.iterations(2));
        // a second sweep starting from the first sweep's item factors gives the two-sweep model
        double[][] y = new double[data.items()][];
        for (int i = 0; i < data.items(); i++) {
            y[i] = one.itemFactors(data.itemIds().get(i));
        }
        double[][] x = ImplicitAls.userStep(data, y, o);
        double[][] y2 = ImplicitAls.itemStep(data, x, o);
        for (int i = 0; i < data.items(); i++) {
            assertThat(two.itemFactors(data.itemIds().get(i))).containsExactly(y2[i]);
        }
        assertThat(two.info().algorithm()).isEqualTo("implicit-als");
        assertThat(two.info().rows()).isEqualTo(12);
        assertThat(two.info().columns()).isEqualTo(8);
        assertThat(two.info().seed()).isEqualTo(5L);
    }

    @Test
    void recoversPlantedBlocks() {
        // users 0-9 like items a0-a4, users 10-19 like items b0-b4; each user saw 3 of the 5
        Interactions.Builder b = Interactions.builder();
        for (int u = 0; u < 20; u++) {
            String block = u < 10 ? "a" : "b";
            for (int q = 0; q < 3; q++) {
                b.add("u" + u, block + ((u + q) % 5), 1);
            }
        }
        ImplicitAlsModel m = ImplicitAls.fit(b.build(), ImplicitAlsOptions.factors(2).alpha(10).l2(0.1).iterations(20));
        for (int u = 0; u < 20; u++) {
            String block = u < 10 ? "a" : "b";
            assertThat(m.recommend("u" + u, 5)).extracting(ScoredItem::item).allMatch(i -> i.startsWith(block));
        }
        assertThat(m.similarItems("a0", 4)).extracting(ScoredItem::item).allMatch(i -> i.startsWith("a"));
        assertThat(m.similarity("a0", "a1")).isGreaterThan(m.similarity("a0", "b1"));
        List<ScoredItem> list = m.recommend("u3", 10);
        for (int q = 1; q < list.size(); q++) {
            assertThat(list.get(q).score()).isLessThanOrEqualTo(list.get(q - 1).score());
        }
    }

    @Test
    void jsonRoundTripIsExact() {
        ImplicitAlsModel m = ImplicitAls.fit(random(6, 5, 0.4, 7), ImplicitAlsOptions.factors(3).seed(11));
        ImplicitAlsModel back = ImplicitAlsModel.fromJson(m.toJson());
        assertThat(back).isEqualTo(m);
        assertThat(back.toJson()).isEqualTo(m.toJson());
        assertThat(back.score("u1", "i2")).isEqualTo(m.score("u1", "i2"));
        assertThatThrownBy(() -> ImplicitAlsModel.fromJson("{\"format\":\"profilekit.kmeans\",\"version\":1}"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badArgumentsSayWhatWasWrong() {
        Interactions data = random(3, 3, 0.5, 1);
        assertThatThrownBy(() -> ImplicitAls.userStep(data, new double[2][3], ImplicitAlsOptions.factors(3)))
                .hasMessage("itemFactors must have 3 rows, was 2");
        assertThatThrownBy(() -> ImplicitAlsOptions.factors(0)).hasMessage("factors must be between 1 and 1024, was 0");
        assertThatThrownBy(() -> ImplicitAlsOptions.factors(2).l2(0)).hasMessage("l2 must be finite and > 0, was 0.0");
        assertThatThrownBy(() -> Interactions.builder().add("u", "i", -1))
                .hasMessage("weight of (u, i) must be finite and > 0, was -1.0");
        assertThatThrownBy(() -> ImplicitAls.fit(Interactions.builder().build(), ImplicitAlsOptions.factors(2)))
                .hasMessage("data must have at least one interaction, was empty");
        ImplicitAlsModel m = ImplicitAls.fit(data, ImplicitAlsOptions.factors(2));
        assertThatThrownBy(() -> m.recommend("nobody", 2)).hasMessage("unknown user 'nobody'");
    }

    @Test
    void duplicatePairsAreSummed() {
        Interactions d = Interactions.builder().add("u", "i", 1).add("v", "i", 2).add("u", "i", 0.5).build();
        assertThat(d.size()).isEqualTo(2);
        assertThat(d.weight(0, 0)).isEqualTo(1.5);
        assertThat(d.weight(1, 0)).isEqualTo(2);
    }
}
