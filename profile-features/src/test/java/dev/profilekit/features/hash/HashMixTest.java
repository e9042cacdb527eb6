package dev.profilekit.features.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HashMixTest {

    /**
     * The mixer is part of the recommender's snapshot format (its item tables are written slot by slot), so its
     * values are pinned. Worked by hand from the definition: 1 * 0x9E3779B9 = 0x9E3779B9, and
     * 0x9E3779B9 ^ 0x00009E37 = 0x9E37E78E; 0 maps to 0; -1 * 0x9E3779B9 = 0x61C88647, ^ 0x000061C8 = 0x61C8E78F.
     */
    @Test
    void valuesFollowTheDefinition() {
        assertThat(HashMix.spread(1)).isEqualTo(0x9E37E78E);
        assertThat(HashMix.spread(0)).isZero();
        assertThat(HashMix.spread(-1)).isEqualTo(0x61C8E78F);
    }

    /** A bijection: no two of the 2^20 keys around 0 give the same 32-bit value. */
    @Test
    void distinctKeysStayDistinct() {
        Set<Integer> seen = new HashSet<>();
        for (int k = -(1 << 19); k < (1 << 19); k++) {
            assertThat(seen.add(HashMix.spread(k))).as("key %d", k).isTrue();
        }
    }

    /**
     * Consecutive ids (the recommender's items) and keys that differ only in their high bits both fill a
     * power-of-two table evenly: n keys into 2n slots occupy more than 70% of the n slots a perfect spread would
     * (random placement occupies 2n(1 - e^-1/2) ≈ 0.787 n).
     */
    @Test
    void consecutiveAndHighBitKeysSpreadOverTheLowBits() {
        int n = 1 << 14;
        int mask = 2 * n - 1;
        BitSet dense = new BitSet();
        BitSet high = new BitSet();
        for (int k = 0; k < n; k++) {
            dense.set(HashMix.spread(k + 1) & mask);
            high.set(HashMix.spread(k << 17) & mask);
        }
        assertThat(dense.cardinality()).isGreaterThan((int) (0.7 * n));
        assertThat(high.cardinality()).isGreaterThan((int) (0.7 * n));
    }
}
