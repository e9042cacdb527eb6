package dev.profilekit.features.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Batch scalers against closed forms and a naive two-loop computation. */
class ScalerTest {

    static final double TOL = 1e-12;

    static Dataset random(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = 100 * (j + 1) + (j + 1) * r.nextGaussian();
            }
        }
        String[] names = new String[d];
        for (int j = 0; j < d; j++) {
            names[j] = "c" + j;
        }
        return Dataset.of(names, x);
    }

    @Test
    void zScoreUsesMeanAndPopulationStd() {
        Dataset data = Dataset.of(new String[] {"x"}, new double[][] {{2}, {4}, {4}, {4}, {5}, {5}, {7}, {9}});
        Scaler s = Scaler.zScore(data);
        // the textbook example: mean 5, population std 2
        assertThat(s.center()[0]).isCloseTo(5, within(TOL));
        assertThat(s.scale()[0]).isCloseTo(2, within(TOL));
        assertThat(s.transform(data).get(0, 0)).isCloseTo(-1.5, within(TOL));
    }

    @Test
    void zScoreMatchesNaiveComputation() {
        Dataset data = random(50, 3, 1);
        Scaler s = Scaler.zScore(data);
        Dataset z = s.transform(data);
        for (int j = 0; j < 3; j++) {
            double[] col = data.columnValues(j);
            double sum = 0;
            for (double v : col) {
                sum += v;
            }
            double mean = sum / col.length;
            double ss = 0;
            for (double v : col) {
                ss += (v - mean) * (v - mean);
            }
            double std = Math.sqrt(ss / col.length);
            assertThat(s.center()[j]).isCloseTo(mean, within(1e-12 * Math.abs(mean)));
            assertThat(s.scale()[j]).isCloseTo(std, within(1e-10 * std));
            double[] zc = z.columnValues(j);
            double zm = 0;
            double zs = 0;
            for (double v : zc) {
                zm += v / zc.length;
            }
            for (double v : zc) {
                zs += (v - zm) * (v - zm) / zc.length;
            }
            assertThat(zm).isCloseTo(0, within(1e-12));
            assertThat(zs).isCloseTo(1, within(1e-12));
        }
    }

    @Test
    void minMaxMapsRangeToUnitInterval() {
        Dataset data = Dataset.of(new String[] {"a", "b"}, new double[][] {{-1, 10}, {3, 10}, {1, 10}});
        Scaler s = Scaler.minMax(data);
        Dataset t = s.transform(data);
        assertThat(t.columnValues(0)).containsExactly(0, 1, 0.5);
        // constant column: scale 1, maps to 0
        assertThat(s.scale()[1]).isEqualTo(1.0);
        assertThat(t.columnValues(1)).containsExactly(0, 0, 0);
    }

    @Test
    void robustUsesMedianAndNumpyIqr() {
        double[][] x = new double[10][1];
        for (int i = 0; i < 10; i++) {
            x[i][0] = 10 - i; // unsorted on purpose
        }
        Scaler s = Scaler.robust(Dataset.of(new String[] {"x"}, x));
        // 1..10: median 5.5; numpy linear quantiles Q1 = 1 + 0.25 * 9 = 3.25, Q3 = 1 + 0.75 * 9 = 7.75
        assertThat(s.center()[0]).isEqualTo(5.5);
        assertThat(s.scale()[0]).isCloseTo(4.5, within(TOL));
    }

    @Test
    void inverseUndoesTransformForEveryKind() {
        Dataset data = random(40, 4, 2);
        for (ScalerKind kind : ScalerKind.values()) {
            Scaler s = Scaler.fit(data, kind);
            double[][] back = s.inverseTransform(s.transform(data)).toArray();
            double[][] orig = data.toArray();
            for (int i = 0; i < orig.length; i++) {
                for (int j = 0; j < orig[i].length; j++) {
                    assertThat(back[i][j]).as("%s row %d col %d", kind, i, j).isCloseTo(orig[i][j], within(1e-12 * Math.abs(orig[i][j])));
                }
            }
        }
    }
}
