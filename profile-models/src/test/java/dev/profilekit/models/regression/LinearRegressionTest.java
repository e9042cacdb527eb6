package dev.profilekit.models.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

class LinearRegressionTest {

    /** Exact data (y linear in x, no noise) is recovered to roundoff. */
    private static final double EXACT = 1e-10;
    /** Agreement with the textbook normal-equation formulas on a well-conditioned problem. */
    private static final double NAIVE_AGREEMENT = 1e-9;

    private static double[][] randomX(int n, int d, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = random.nextGaussian() * (j + 1) + j;
            }
        }
        return x;
    }

    private static double[] noisyY(double[][] x, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = 2 - x[i][0] + 0.5 * x[i][1] + 3 * x[i][2] + random.nextGaussian();
        }
        return y;
    }

    @Test
    void olsRecoversAnExactLinearRelation() {
        double[][] x = randomX(50, 4, 1);
        double[] beta = {1.5, -2, 0.25, 4};
        double[] y = new double[50];
        for (int i = 0; i < 50; i++) {
            y[i] = 3;
            for (int j = 0; j < 4; j++) {
                y[i] += beta[j] * x[i][j];
            }
        }
        LinearModel model = LinearRegression.fit(x, y, LinearOptions.ols());
        assertThat(model.intercept()).isCloseTo(3, within(EXACT));
        for (int j = 0; j < 4; j++) {
            assertThat(model.coefficients()[j]).isCloseTo(beta[j], within(EXACT));
        }
        assertThat(model.trainingR2()).isCloseTo(1.0, within(EXACT));
        for (double r : model.residuals(x, y)) {
            assertThat(r).isCloseTo(0, within(EXACT));
        }
    }

    @Test
    void olsMatchesTheNormalEquationsAndTextbookStandardErrors() {
        double[][] x = randomX(80, 3, 2);
        double[] y = noisyY(x, 3);
        LinearModel model = LinearRegression.fit(x, y, List.of("a", "b", "c"), LinearOptions.ols());

        // theta = (A^T A)^-1 A^T y, Cov = sigma^2 (A^T A)^-1 with A = [1 X], sigma^2 = RSS / (n - 4)
        double[][] a = new double[80][4];
        for (int i = 0; i < 80; i++) {
            a[i][0] = 1;
            System.arraycopy(x[i], 0, a[i], 1, 3);
        }
        RealMatrix am = new Array2DRowRealMatrix(a);
        RealMatrix inv = new LUDecomposition(am.transpose().multiply(am)).getSolver().getInverse();
        double[] theta = inv.operate(am.transpose().operate(new ArrayRealVector(y))).toArray();
        double rss = 0;
        double mean = 0;
        for (double v : y) {
            mean += v / 80;
        }
        double tss = 0;
        for (int i = 0; i < 80; i++) {
            double pred = theta[0] + theta[1] * x[i][0] + theta[2] * x[i][1] + theta[3] * x[i][2];
            rss += (y[i] - pred) * (y[i] - pred);
            tss += (y[i] - mean) * (y[i] - mean);
        }
        double sigma2 = rss / 76;

        assertThat(model.intercept()).isCloseTo(theta[0], within(NAIVE_AGREEMENT));
        OlsStatistics stats = model.olsStatistics().orElseThrow();
        assertThat(stats.degreesOfFreedom()).isEqualTo(76);
        assertThat(stats.residualStandardError()).isCloseTo(Math.sqrt(sigma2), within(NAIVE_AGREEMENT));
        assertThat(stats.interceptStandardError()).isCloseTo(Math.sqrt(sigma2 * inv.getEntry(0, 0)),
                within(NAIVE_AGREEMENT));
        for (int j = 0; j < 3; j++) {
            assertThat(model.coefficients()[j]).isCloseTo(theta[j + 1], within(NAIVE_AGREEMENT));
            assertThat(stats.coefficientStandardErrors()[j])
                    .isCloseTo(Math.sqrt(sigma2 * inv.getEntry(j + 1, j + 1)), within(NAIVE_AGREEMENT));
        }
        assertThat(model.trainingR2()).isCloseTo(1 - rss / tss, within(NAIVE_AGREEMENT));
        assertThat(model.coefficient("c")).isEqualTo(model.coefficients()[2]);
        // residuals are orthogonal to every column and sum to zero
        double[] r = model.residuals(x, y);
        double sum = 0;
        for (double e : r) {
            sum += e;
        }
        assertThat(sum).isCloseTo(0, within(1e-9));
    }

    @Test
    void ridgeSolvesThePenalisedNormalEquationsWithAnUnpenalisedIntercept() {
        double[][] x = randomX(60, 3, 4);
        double[] y = noisyY(x, 5);
        double alpha = 7.5;
        LinearModel model = LinearRegression.fit(x, y, LinearOptions.ridge(alpha));

        // (Xc^T Xc + alpha I) w = Xc^T yc on centred data; b = mean(y) - mean(x).w
        double[] xm = new double[3];
        double ym = 0;
        for (int i = 0; i < 60; i++) {
            for (int j = 0; j < 3; j++) {
                xm[j] += x[i][j] / 60;
            }
            ym += y[i] / 60;
        }
        double[][] xc = new double[60][3];
        double[] yc = new double[60];
        for (int i = 0; i < 60; i++) {
            for (int j = 0; j < 3; j++) {
                xc[i][j] = x[i][j] - xm[j];
            }
            yc[i] = y[i] - ym;
        }
        RealMatrix xcm = new Array2DRowRealMatrix(xc);
        RealMatrix lhs = xcm.transpose().multiply(xcm);
        for (int j = 0; j < 3; j++) {
            lhs.addToEntry(j, j, alpha);
        }
        double[] w = new LUDecomposition(lhs).getSolver().solve(xcm.transpose().operate(new ArrayRealVector(yc))).toArray();
        for (int j = 0; j < 3; j++) {
            assertThat(model.coefficients()[j]).isCloseTo(w[j], within(NAIVE_AGREEMENT));
        }
        assertThat(model.intercept()).isCloseTo(ym - xm[0] * w[0] - xm[1] * w[1] - xm[2] * w[2], within(NAIVE_AGREEMENT));
        assertThat(model.olsStatistics()).isEmpty();
        // shrinkage: the penalised coefficient vector is shorter than the OLS one
        LinearModel ols = LinearRegression.fit(x, y, LinearOptions.ols());
        assertThat(norm(model.coefficients())).isLessThan(norm(ols.coefficients()));
        assertThat(model.trainingR2()).isLessThan(ols.trainingR2());
    }

    @Test
    void shiftingAColumnOnlyMovesTheIntercept() {
        // y = b + w.x = (b - w_0 c) + w.(x + c e_0): same coefficients, intercept lower by w_0 c
        double[][] x = randomX(60, 3, 10);
        double[] y = noisyY(x, 11);
        double c = 1e6;
        double[][] shifted = new double[60][];
        for (int i = 0; i < 60; i++) {
            shifted[i] = x[i].clone();
            shifted[i][0] += c;
        }
        for (LinearOptions o : List.of(LinearOptions.ols(), LinearOptions.ridge(2.0))) {
            LinearModel a = LinearRegression.fit(x, y, o);
            LinearModel b = LinearRegression.fit(shifted, y, o);
            for (int j = 0; j < 3; j++) {
                assertThat(b.coefficients()[j]).isCloseTo(a.coefficients()[j], within(1e-8));
            }
            assertThat(b.intercept()).isCloseTo(a.intercept() - a.coefficients()[0] * c, within(1e-8 * c));
            assertThat(b.trainingR2()).isCloseTo(a.trainingR2(), within(1e-10));
        }
        OlsStatistics sa = LinearRegression.fit(x, y, LinearOptions.ols()).olsStatistics().orElseThrow();
        OlsStatistics sb = LinearRegression.fit(shifted, y, LinearOptions.ols()).olsStatistics().orElseThrow();
        for (int j = 0; j < 3; j++) {
            assertThat(sb.coefficientStandardErrors()[j]).isCloseTo(sa.coefficientStandardErrors()[j], within(1e-9));
        }
        double[][] constant = new double[60][];
        for (int i = 0; i < 60; i++) {
            constant[i] = new double[] {x[i][0], 4.0};
        }
        assertThatThrownBy(() -> LinearRegression.fit(constant, y, LinearOptions.ols()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("column 'x1' (index 1) is (numerically) constant");
    }

    @Test
    void jsonRoundTripsAreExact() {
        double[][] x = randomX(40, 3, 6);
        double[] y = noisyY(x, 7);
        for (LinearOptions o : List.of(LinearOptions.ols(), LinearOptions.ridge(0.3))) {
            LinearModel model = LinearRegression.fit(x, y, o);
            String json = model.toJson();
            LinearModel back = LinearModel.fromJson(json);
            assertThat(back).isEqualTo(model);
            assertThat(back.toJson()).isEqualTo(json);
            assertThat(back.predict(x[0])).isEqualTo(model.predict(x[0]));
        }
        assertThatThrownBy(() -> LinearModel.fromJson("{\"format\":\"profilekit.linear-model\",\"version\":7}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 7");
    }

    @Test
    void badInputIsNamed() {
        double[][] x = randomX(10, 2, 8);
        double[] y = noisyY(randomX(10, 3, 8), 9);
        double[] nanY = y.clone();
        nanY[4] = Double.NaN;
        assertThatThrownBy(() -> LinearRegression.fit(x, nanY, LinearOptions.ols()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("y row 4 is NaN");
        assertThatThrownBy(() -> LinearRegression.fit(x, new double[9], LinearOptions.ols()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("y has 9 values but x has 10 rows");
        assertThatThrownBy(() -> LinearRegression.fit(new double[][] {{1, 2}, {2, 3}, {4, 1}}, new double[3],
                LinearOptions.ols()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OLS needs more rows than columns + 1").hasMessageContaining("3 rows and 2 columns");
        double[][] collinear = new double[10][];
        for (int i = 0; i < 10; i++) {
            collinear[i] = new double[] {x[i][0], 2 * x[i][0] + 1, x[i][1]};
        }
        assertThatThrownBy(() -> LinearRegression.fit(collinear, y, List.of("a", "twoA", "b"), LinearOptions.ols()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rank deficient").hasMessageContaining("'twoA' (index 1)");
        // ridge is well-posed on the same data
        assertThat(LinearRegression.fit(collinear, y, LinearOptions.ridge(1)).coefficients()).hasSize(3);
        assertThatThrownBy(() -> LinearOptions.ridge(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("alpha must be finite and >= 0, was NaN");
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double e : v) {
            s += e * e;
        }
        return Math.sqrt(s);
    }
}
