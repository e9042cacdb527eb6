package dev.profilekit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The three PCA contenders solve the same problem: same captured variance, orthonormal components. */
class PcaBenchmarkTest {

    /** Relative agreement of captured variance between exact methods (both are backward-stable). */
    private static final double CAPTURED_REL = 1e-9;
    private static final double ORTHONORMAL = 1e-10;

    @Test
    void everyContenderCapturesTheSameVariance() {
        Map<String, Double> q = PcaBenchmark.quality(2000, 50);
        double ours = q.get("captured.ours");
        assertThat(ours).isPositive();
        assertThat(q.get("captured.smile")).isCloseTo(ours, within(CAPTURED_REL * ours));
        assertThat(q.get("captured.commonsMath")).isCloseTo(ours, within(CAPTURED_REL * ours));
        for (String m : new String[] {"ours", "smile", "commonsMath"}) {
            assertThat(q.get("orthonormality_error." + m)).as(m).isLessThan(ORTHONORMAL);
        }
    }

    @Test
    void capturedVarianceOfAllComponentsIsTheTotalVariance() {
        // with every component kept, V is a rotation: trace(V C V^T) = trace(C)
        double[][] x = PcaBenchmark.data(300, 6);
        double[][] cov = PcaBenchmark.covariance(x);
        double trace = 0;
        for (int j = 0; j < 6; j++) {
            trace += cov[j][j];
        }
        double[][] v = PcaBenchmark.commonsMath(x, 6);
        assertThat(PcaBenchmark.captured(cov, v)).isCloseTo(trace, within(1e-9 * trace));
        assertThat(PcaBenchmark.ours(PcaBenchmark.dataset(x), 6)).hasNumberOfRows(6);
    }

    @Test
    void covarianceMatchesTheDefinition() {
        double[][] x = {{1, 2}, {3, 5}, {5, 11}};
        // means 3 and 6; deviations (-2,-4), (0,-1), (2,5); divisor n - 1 = 2
        double[][] c = PcaBenchmark.covariance(x);
        assertThat(c[0][0]).isCloseTo(4.0, within(1e-12));
        assertThat(c[0][1]).isCloseTo(9.0, within(1e-12));
        assertThat(c[1][0]).isCloseTo(9.0, within(1e-12));
        assertThat(c[1][1]).isCloseTo(21.0, within(1e-12));
    }
}
