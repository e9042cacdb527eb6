package dev.profilekit.models.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The filter switches to a steady-state loop once the prediction covariance stops moving (in innovations form with
 * the state in registers when r <= 3); it must agree with the textbook Kalman filter run to the end without the
 * switch.
 */
class SteadyStateFilterTest {

    /** Both filters are backward stable; their sums differ by rounding only. */
    static final double REL = 1e-11;

    /** Textbook filter: v = y - a0, F = P00, a|t = a + P e1 v / F, P|t = P - P e1 e1' P / F, a = T a|t, P = T P|t T' + R R'. */
    static double[] naive(double[] w, double mean, double[] ar, double[] ma) {
        double[][] p = ArmaStateSpace.stationaryCovariance(ar, ma);
        int r = p.length;
        double[][] t = ArmaStateSpace.transition(ar, r);
        double[] rr = ArmaStateSpace.loading(ma, r);
        double[] a = new double[r];
        double sumLogF = 0;
        double ss = 0;
        for (double obs : w) {
            double v = obs - mean - a[0];
            double f = p[0][0];
            sumLogF += Math.log(f);
            ss += v * v / f;
            double[] au = new double[r];
            double[][] pu = new double[r][r];
            for (int i = 0; i < r; i++) {
                au[i] = a[i] + p[i][0] * v / f;
                for (int j = 0; j < r; j++) {
                    pu[i][j] = p[i][j] - p[i][0] * p[0][j] / f;
                }
            }
            double[][] next = new double[r][r];
            for (int i = 0; i < r; i++) {
                double s = 0;
                for (int k = 0; k < r; k++) {
                    s += t[i][k] * au[k];
                }
                a[i] = s;
                for (int j = 0; j < r; j++) {
                    double u = rr[i] * rr[j];
                    for (int k = 0; k < r; k++) {
                        for (int l = 0; l < r; l++) {
                            u += t[i][k] * pu[k][l] * t[j][l];
                        }
                    }
                    next[i][j] = u;
                }
            }
            p = next;
        }
        double[] out = new double[2 + r];
        out[0] = sumLogF;
        out[1] = ss;
        System.arraycopy(a, 0, out, 2, r);
        return out;
    }

    static double[] series(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] w = new double[n];
        double prev = 0;
        for (int i = 0; i < n; i++) {
            prev = 0.6 * prev + rnd.nextGaussian();
            w[i] = 10 + prev;
        }
        return w;
    }

    @Test
    void steadyStateLoopsAgreeWithTheTextbookFilter() {
        double[][][] models = {
            {{0.5}, {}}, {{}, {0.6}}, {{0.5, -0.3}, {0.4, 0.2}}, {{0.3, 0.2, -0.1}, {0.5, -0.2}},
            {{0.4, -0.2, 0.1, 0.05}, {0.3}}, {{0.2}, {0.5, 0.3, -0.2, 0.1}}, {{}, {-0.9}}};
        double[] w = series(700, 17);
        for (double[][] m : models) {
            ArmaStateSpace.FilterResult fr = ArmaStateSpace.filter(w, 9.5, m[0], m[1]);
            double[] ref = naive(w, 9.5, m[0], m[1]);
            String what = "ARMA(" + m[0].length + "," + m[1].length + ")";
            assertThat(fr.sumLogF).as(what + " sum log F").isCloseTo(ref[0], within(REL * Math.max(1, Math.abs(ref[0]))));
            assertThat(fr.sumSquares).as(what + " sum v²/F").isCloseTo(ref[1], within(REL * ref[1]));
            for (int i = 0; i < fr.state.length; i++) {
                assertThat(fr.state[i]).as(what + " state " + i).isCloseTo(ref[2 + i], within(1e-9));
            }
        }
    }
}
