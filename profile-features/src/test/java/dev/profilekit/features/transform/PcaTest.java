package dev.profilekit.features.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.junit.jupiter.api.Test;

/**
 * PCA against an independent reference (commons-math3 eigen-decomposition of the ddof-1 covariance matrix),
 * plus exact identities: inverse(transform(x)) = x at full rank, orthonormal components, whitened scores of
 * unit variance, and the sign rule.
 */
class PcaTest {

    static final double TOL = 1e-9;

    /** Correlated random data: Gaussian noise times a fixed mixing matrix, plus offsets. */
    static Dataset correlated(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] mix = new double[d][d];
        for (double[] row : mix) {
            for (int j = 0; j < d; j++) {
                row[j] = r.nextDouble(-1, 1);
            }
        }
        double[][] x = new double[n][d];
        for (double[] row : x) {
            double[] g = new double[d];
            for (int j = 0; j < d; j++) {
                g[j] = r.nextGaussian() * (d - j);
            }
            for (int j = 0; j < d; j++) {
                double s = 10 * j;
                for (int k = 0; k < d; k++) {
                    s += g[k] * mix[k][j];
                }
                row[j] = s;
            }
        }
        String[] names = new String[d];
        for (int j = 0; j < d; j++) {
            names[j] = "f" + j;
        }
        return Dataset.of(names, x);
    }

    @Test
    void matchesCovarianceEigenDecomposition() {
        Dataset data = correlated(200, 5, 1);
        Pca pca = Pca.fit(data, PcaOptions.all());
        int n = data.rowCount();
        int d = data.columnCount();
        double[][] x = data.toArray();
        double[] mean = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / n;
            }
        }
        double[][] cov = new double[d][d];
        for (double[] row : x) {
            for (int p = 0; p < d; p++) {
                for (int q = 0; q < d; q++) {
                    cov[p][q] += (row[p] - mean[p]) * (row[q] - mean[q]) / (n - 1);
                }
            }
        }
        EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(cov));
        double[] ev = eig.getRealEigenvalues().clone();
        Integer[] order = new Integer[d];
        for (int k = 0; k < d; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (a, b) -> Double.compare(ev[b], ev[a]));
        double total = Arrays.stream(ev).sum();
        double[] got = pca.explainedVariance();
        double[][] comps = pca.components();
        for (int k = 0; k < d; k++) {
            double expected = ev[order[k]];
            assertThat(got[k]).isCloseTo(expected, within(TOL * total));
            assertThat(pca.explainedVarianceRatio()[k]).isCloseTo(expected / total, within(TOL));
            double[] v = eig.getEigenvector(order[k]).toArray();
            double dot = 0;
            for (int j = 0; j < d; j++) {
                dot += v[j] * comps[k][j];
            }
            assertThat(Math.abs(dot)).as("component %d parallel to eigenvector", k).isCloseTo(1, within(1e-8));
        }
    }

    @Test
    void inverseOfTransformIsIdentityAtFullRank() {
        Dataset data = correlated(30, 5, 2);
        for (boolean whiten : new boolean[] {false, true}) {
            Pca pca = Pca.fit(data, PcaOptions.all().whiten(whiten));
            double[][] back = pca.inverseTransform(pca.transform(data)).toArray();
            double[][] orig = data.toArray();
            for (int i = 0; i < orig.length; i++) {
                for (int j = 0; j < orig[i].length; j++) {
                    assertThat(back[i][j]).isCloseTo(orig[i][j], within(1e-10 * (1 + Math.abs(orig[i][j]))));
                }
            }
        }
    }

    @Test
    void componentsAreOrthonormalWithDeterministicSigns() {
        Pca pca = Pca.fit(correlated(50, 6, 3), PcaOptions.components(4));
        double[][] c = pca.components();
        assertThat(c).hasNumberOfRows(4);
        for (int p = 0; p < c.length; p++) {
            for (int q = 0; q < c.length; q++) {
                double dot = 0;
                for (int j = 0; j < c[p].length; j++) {
                    dot += c[p][j] * c[q][j];
                }
                assertThat(dot).isCloseTo(p == q ? 1 : 0, within(1e-12));
            }
            double maxAbs = Arrays.stream(c[p]).map(Math::abs).max().orElseThrow();
            double first = Arrays.stream(c[p]).filter(v -> Math.abs(v) == maxAbs).findFirst().orElseThrow();
            assertThat(first).as("largest |entry| of component %d is positive", p).isPositive();
        }
        double[] ev = pca.explainedVariance();
        for (int k = 1; k < ev.length; k++) {
            assertThat(ev[k]).isLessThanOrEqualTo(ev[k - 1]);
        }
    }

    @Test
    void whitenedScoresHaveUnitVariance() {
        Dataset data = correlated(80, 4, 4);
        Pca pca = Pca.fit(data, PcaOptions.components(3).whiten(true));
        Dataset z = pca.transform(data);
        for (int k = 0; k < 3; k++) {
            double[] col = z.columnValues(k);
            double m = Arrays.stream(col).average().orElseThrow();
            double v = Arrays.stream(col).map(t -> (t - m) * (t - m)).sum() / (col.length - 1);
            assertThat(m).isCloseTo(0, within(1e-10));
            assertThat(v).isCloseTo(1, within(1e-10));
        }
    }

    @Test
    void varianceFractionPicksTheSmallestCountExceedingIt() {
        Dataset data = correlated(100, 5, 5);
        Pca all = Pca.fit(data, PcaOptions.all());
        double[] ratio = all.explainedVarianceRatio();
        double target = ratio[0] + ratio[1] / 2; // strictly between the first and the first two
        Pca pca = Pca.fit(data, PcaOptions.varianceFraction(target));
        assertThat(pca.componentCount()).isEqualTo(2);
        assertThat(Pca.fit(data, PcaOptions.varianceFraction(ratio[0] / 2)).componentCount()).isEqualTo(1);
    }

    @Test
    void tooManyComponentsNamesShapes() {
        Dataset data = correlated(10, 3, 6);
        assertThatThrownBy(() -> Pca.fit(data, PcaOptions.components(4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("components must be <= min(rows, columns) = 3 for data of shape 10 x 3, was 4");
        assertThatThrownBy(() -> PcaOptions.varianceFraction(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("varianceFraction must be in (0, 1), was 1.5");
    }

    @Test
    void wideDataKeepsMinOfRowsAndColumns() {
        Pca pca = Pca.fit(correlated(4, 7, 7), PcaOptions.all());
        assertThat(pca.componentCount()).isEqualTo(4);
        // with 4 centred rows the rank is at most 3: the last singular value is ~0
        assertThat(pca.singularValues()[3]).isLessThan(1e-10 * pca.singularValues()[0]);
        assertThat(Arrays.stream(pca.explainedVarianceRatio()).sum()).isCloseTo(1, within(1e-12));
    }
}
