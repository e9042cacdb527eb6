package dev.profilekit.features.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyedHash128Test {

    /** The reference key 00 01 ... 0f, read little-endian. */
    private static final long K0 = 0x0706050403020100L;
    private static final long K1 = 0x0f0e0d0c0b0a0908L;

    /**
     * SipHash-2-4 with 128-bit output of the messages 00 01 02 ... (length in bytes) under the key 00 01 ... 0f:
     * the reference implementation's {@code vectors_sip128} (github.com/veorq/SipHash, vectors.h), as its bytes.
     */
    private static final Object[][] REFERENCE = {
            {0, "a3817f04ba25a8e66df67214c7550293"},
            {2, "8177228da4a45dc7fca38bdef60affe4"},
            {4, "f88164c12d9c8faf7d0f6e7c7bcd5579"},
            {6, "14eeca338b208613485ea0308fd7a15e"},
            {8, "3b62a9ba6258f5610f83e264f31497b4"},
            {62, "5853542321f567a005d547a4f04759bd"},
    };

    /** The string whose UTF-16 code units, little-endian, are the bytes 00 01 02 ... (length bytes, even). */
    private static String bytesAsChars(int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i += 2) {
            b.append((char) (i | (i + 1) << 8));
        }
        return b.toString();
    }

    /** The little-endian 64-bit word of 16 hex digits (8 bytes) at {@code from} in {@code hex}. */
    private static long word(String hex, int from) {
        long w = 0;
        for (int i = 7; i >= 0; i--) {
            w = w << 8 | Integer.parseInt(hex.substring(from + 2 * i, from + 2 * i + 2), 16);
        }
        return w;
    }

    @Test
    void matchesTheReferenceSipHash24With128BitOutput() {
        for (Object[] v : REFERENCE) {
            long[] out = new long[3];
            KeyedHash128.hash(bytesAsChars((int) v[0]), K0, K1, out, 1);
            String hex = (String) v[1];
            assertThat(out).as("length %d", v[0]).containsExactly(0, word(hex, 0), word(hex, 16));
        }
    }

    @Test
    void separatesStringsThatShareOneStringHashCodeInBothHalves() {
        Set<Long> first = new HashSet<>();
        Set<Long> second = new HashSet<>();
        long[] out = new long[2];
        for (int bits = 0; bits < 1 << 15; bits++) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 15; i++) {
                b.append((bits >>> i & 1) == 0 ? "Aa" : "BB");
            }
            KeyedHash128.hash(b.toString(), 0x1234, 0x5678, out, 0);
            first.add(out[0]);
            second.add(out[1]);
        }
        // 2^15 random 64-bit values collide with probability about 2^-35
        assertThat(first).hasSize(1 << 15);
        assertThat(second).hasSize(1 << 15);
    }
}
