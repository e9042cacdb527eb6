package dev.profilekit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The k-means contenders solve the same problem: the same k, restarts and data; their inertias (one formula)
 * are close, and none finds a lower one than ours on the test data.
 */
class KMeansPeersBenchmarkTest {

    /** Each contender keeps its best of 5 seedings; a peer may still merge two blobs: at most 1.5x ours. */
    private static final double MAX_RATIO = 1.5;
    private static final double SAME_OPTIMUM_REL = 1e-9;

    @Test
    void inertiasAreComparable() {
        Map<String, Double> q = KMeansPeersBenchmark.quality(5000);
        double ours = q.get("inertia.ours");
        // 16 well-separated blobs with unit noise in 16 dimensions: the optimum is about n * d = 80,000
        assertThat(ours).isBetween(0.9 * 5000 * 16, 1.1 * 5000 * 16);
        for (String peer : new String[] {"smile", "commonsMath"}) {
            assertThat(q.get("inertia." + peer)).as(peer)
                    .isGreaterThanOrEqualTo(ours * (1 - SAME_OPTIMUM_REL))
                    .isLessThanOrEqualTo(ours * MAX_RATIO);
        }
    }

    @Test
    void inertiaMatchesTheDefinition() {
        double[][] x = {{0, 0}, {1, 0}, {10, 10}};
        double[][] c = {{0.5, 0}, {10, 9}};
        // 0.25 + 0.25 + 1
        assertThat(KMeansPeersBenchmark.inertia(x, c)).isCloseTo(1.5, within(1e-12));
    }
}
