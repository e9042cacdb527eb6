package dev.profilekit.models.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** The analytic CSS gradient and transform Jacobian against central differences of the plain functions. */
class CssGradientTest {

    /** Central differences with step 1e-6 are accurate to ~1e-9 relative on these smooth functions. */
    static final double REL = 1e-6;
    static final double H = 1e-6;

    static double[] series(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] w = new double[n];
        double e1 = 0;
        for (int t = 0; t < n; t++) {
            double e = rnd.nextGaussian();
            w[t] = 2 + e + 0.4 * e1 + (t > 0 ? 0.5 * (w[t - 1] - 2) : 0);
            e1 = e;
        }
        return w;
    }

    @Property(tries = 60)
    void gradientOfTheSumOfSquaresMatchesCentralDifferences(@ForAll @IntRange(min = 0, max = 3) int p,
                                                            @ForAll @IntRange(min = 0, max = 3) int q,
                                                            @ForAll @DoubleRange(min = -2, max = 2) double u,
                                                            @ForAll @DoubleRange(min = -1, max = 3) double mean) {
        double[] w = series(120, 31 + p * 7L + q);
        double[] x = new double[p + q];
        for (int i = 0; i < x.length; i++) {
            x[i] = u * (i % 2 == 0 ? 1 : -0.5) / (i + 1);
        }
        double[] ar = ArmaStateSpace.constrainAr(x, 0, p);
        double[] ma = ArmaStateSpace.constrainMa(x, p, q);
        double[] grad = new double[1 + p + q];
        double ss = ArmaStateSpace.conditionalSumOfSquaresGradient(w, mean, ar, ma, grad);
        assertThat(ss).isEqualTo(ArmaStateSpace.conditionalSumOfSquares(w, mean, ar, ma));

        double[] numeric = new double[1 + p + q];
        numeric[0] = (ArmaStateSpace.conditionalSumOfSquares(w, mean + H, ar, ma)
                - ArmaStateSpace.conditionalSumOfSquares(w, mean - H, ar, ma)) / (2 * H);
        for (int i = 0; i < p; i++) {
            double[] a = ar.clone();
            double[] b = ar.clone();
            a[i] += H;
            b[i] -= H;
            numeric[1 + i] = (ArmaStateSpace.conditionalSumOfSquares(w, mean, a, ma)
                    - ArmaStateSpace.conditionalSumOfSquares(w, mean, b, ma)) / (2 * H);
        }
        for (int j = 0; j < q; j++) {
            double[] a = ma.clone();
            double[] b = ma.clone();
            a[j] += H;
            b[j] -= H;
            numeric[1 + p + j] = (ArmaStateSpace.conditionalSumOfSquares(w, mean, ar, a)
                    - ArmaStateSpace.conditionalSumOfSquares(w, mean, ar, b)) / (2 * H);
        }
        for (int a = 0; a < grad.length; a++) {
            assertThat(grad[a]).as("d SS / d param %d", a).isCloseTo(numeric[a], within(REL * Math.max(1, ss)));
        }
    }

    @Property(tries = 60)
    void jacobianOfTheArTransformMatchesCentralDifferences(@ForAll @IntRange(min = 1, max = 4) int p,
                                                           @ForAll @DoubleRange(min = -3, max = 3) double u) {
        double[] x = new double[p + 1];
        for (int i = 0; i < p; i++) {
            x[1 + i] = u / (i + 1) - 0.3 * i;
        }
        double[][] jac = ArmaStateSpace.constrainArJacobian(x, 1, p);
        for (int k = 0; k < p; k++) {
            double[] a = x.clone();
            double[] b = x.clone();
            a[1 + k] += H;
            b[1 + k] -= H;
            double[] pa = ArmaStateSpace.constrainAr(a, 1, p);
            double[] pb = ArmaStateSpace.constrainAr(b, 1, p);
            for (int i = 0; i < p; i++) {
                assertThat(jac[i][k]).as("d phi_%d / d u_%d", i, k).isCloseTo((pa[i] - pb[i]) / (2 * H), within(1e-8));
            }
        }
    }
}
