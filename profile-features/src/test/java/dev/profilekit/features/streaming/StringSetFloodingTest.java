package dev.profilekit.features.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Distinct values and top-k values that share one {@link String#hashCode()} must not make the tables
 * quadratic: each table's mean probe displacement stays that of random hashes. With String.hashCode every
 * colliding value would sit behind all earlier ones (mean displacement ~n/2).
 */
class StringSetFloodingTest {

    private static final int N = 1 << 15;
    private static final double MAX_MEAN_DISPLACEMENT = 3.0;

    /** The {@code i}-th of 2^15 strings that all have the same String.hashCode ("Aa" and "BB" blocks). */
    static String colliding(int i) {
        StringBuilder b = new StringBuilder(30);
        for (int k = 0; k < 15; k++) {
            b.append((i >>> k & 1) == 0 ? "Aa" : "BB");
        }
        return b.toString();
    }

    @Test
    void collidingDistinctValues() {
        assertThat(colliding(0).hashCode()).isEqualTo(colliding(N - 1).hashCode());
        StringSet set = new StringSet(0);
        for (int i = 0; i < N; i++) {
            assertThat(set.add(colliding(i))).isTrue();
        }
        assertThat(set.size()).isEqualTo(N);
        assertThat((double) set.probeDisplacement() / N).isLessThan(MAX_MEAN_DISPLACEMENT);
    }

    @Test
    void collidingTopKValues() {
        TopKCounter top = new TopKCounter(N, 0L);
        for (int i = 0; i < N; i++) {
            top.prepare(colliding(i));
            top.add(colliding(i), i);
        }
        top.add(colliding(7), N); // found again, not a new value
        assertThat(top.isExact()).isTrue();
        assertThat((double) top.probeDisplacement() / N).isLessThan(MAX_MEAN_DISPLACEMENT);
    }
}
