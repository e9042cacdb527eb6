package dev.profilekit.features.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Splits partition the rows, have the stated sizes and are reproducible from the seed. */
class SplitsTest {

    static void assertPartition(Split s, int n) {
        int[] all = IntStream.concat(Arrays.stream(s.train()), Arrays.stream(s.test())).sorted().toArray();
        assertThat(all).containsExactly(IntStream.range(0, n).toArray());
    }

    @Test
    void trainTestSizesAndSeed() {
        Split s = Splits.trainTest(101, 0.25, 42);
        assertPartition(s, 101);
        assertThat(s.test()).hasSize(26); // ceil(0.25 * 101)
        assertThat(Splits.trainTest(101, 0.25, 42)).isEqualTo(s);
        assertThat(Splits.trainTest(101, 0.25, 43)).isNotEqualTo(s);
        assertThat(s.test()).isSorted();
    }

    @Test
    void stratifiedKeepsClassProportions() {
        double[] y = new double[100];
        for (int i = 0; i < 100; i++) {
            y[i] = i < 80 ? 0 : i < 95 ? 1 : 2; // 80 / 15 / 5
        }
        Split s = Splits.stratified(y, 0.2, 7);
        assertPartition(s, 100);
        long[] counts = new long[3];
        for (int i : s.test()) {
            counts[(int) y[i]]++;
        }
        // round(0.2 * 80) = 16, round(0.2 * 15) = 3, round(0.2 * 5) = 1
        assertThat(counts).containsExactly(16, 3, 1);
        assertThat(Splits.stratified(y, 0.2, 7)).isEqualTo(s);
    }

    @Test
    void kFoldTestsEveryRowOnce() {
        List<Split> folds = Splits.kFold(23, 5, 1);
        assertThat(folds).hasSize(5);
        int[] seen = new int[23];
        for (int f = 0; f < 5; f++) {
            Split s = folds.get(f);
            assertPartition(s, 23);
            assertThat(s.test()).hasSize(f < 3 ? 5 : 4);
            for (int i : s.test()) {
                seen[i]++;
            }
        }
        assertThat(seen).containsOnly(1);
        assertThatThrownBy(() -> Splits.kFold(3, 4, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("k must be <= number of rows 3, was 4");
    }
}
