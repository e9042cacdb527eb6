package dev.profilekit.features.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyedHashTest {

    /**
     * SipHash-1-3 with the all-zero key of the messages 00 01 02 ... (length in bytes), from the reference
     * implementation (github.com/veorq/SipHash, as tabulated in OCaml's test of its SipHash-1-3 string hash).
     */
    private static final long[][] ZERO_KEY_VECTORS = {
            {0, 0xd1fba762150c532cL},
            {2, 0x010bac45c41e3669L},
            {8, 0xead411e67ebe2eeaL},
            {14, 0x7f86049379fbfe67L},
            {16, 0x8972188433a5c5b7L},
            {30, 0xd427c34ee09470c6L},
            {62, 0xa5c708712b617164L},
    };

    /** The string whose UTF-16 code units, little-endian, are the bytes 00 01 02 ... (length bytes, even). */
    private static String bytesAsChars(int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i += 2) {
            b.append((char) (i | (i + 1) << 8));
        }
        return b.toString();
    }

    @Test
    void matchesTheReferenceSipHash13() {
        for (long[] v : ZERO_KEY_VECTORS) {
            assertThat(KeyedHash.hash64(bytesAsChars((int) v[0]), 0, 0)).as("length %d", v[0]).isEqualTo(v[1]);
        }
    }

    @Test
    void separatesStringsThatShareOneStringHashCode() {
        // "Aa" and "BB" have the same String.hashCode, so do all 2^15 concatenations of 15 of them
        Set<Integer> javaHashes = new HashSet<>();
        Set<Integer> keyed = new HashSet<>();
        for (int bits = 0; bits < 1 << 15; bits++) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 15; i++) {
                b.append((bits >>> i & 1) == 0 ? "Aa" : "BB");
            }
            javaHashes.add(b.toString().hashCode());
            keyed.add(KeyedHash.hash(b.toString()));
        }
        assertThat(javaHashes).hasSize(1);
        // 32,768 random 32-bit values collide in about n^2 / 2^33 = 0.125 pairs
        assertThat(keyed.size()).isGreaterThanOrEqualTo((1 << 15) - 4);
    }

    @Test
    void dependsOnTheKey() {
        assertThat(KeyedHash.hash64("user-1", 1, 2)).isNotEqualTo(KeyedHash.hash64("user-1", 1, 3));
    }
}
