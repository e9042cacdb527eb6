package dev.profilekit.features.hash;

/**
 * SipHash-2-4 with its 128-bit output, under a 128-bit key the caller keeps: the fingerprint of a string that
 * stands in for the string itself (the engine keeps event ids for duplicate detection as these fingerprints, not
 * as strings). Without the key nobody can find two strings with equal fingerprints other than by chance, and by
 * chance two distinct strings share one with probability 2^-128 (SipHash is a pseudorandom function).
 *
 * <p>SipHash: J.-P. Aumasson and D. J. Bernstein, "SipHash: a fast short-input PRF", INDOCRYPT 2012; the 128-bit
 * output variant is the reference implementation's ({@code v1 ^= 0xee} at the start, {@code v2 ^= 0xee} before
 * the first finalisation, {@code v1 ^= 0xdd} before the second). A string's UTF-16 code units are its message,
 * little-endian, as in {@link KeyedHash}. Unlike {@link KeyedHash} the key is the caller's, so the result may be
 * stored together with the key it was computed under.
 *
 * <p>Thread-safe, allocation-free: results are written into an array the caller provides.
 */
public final class KeyedHash128 {

    private KeyedHash128() {
    }

    /**
     * Writes the 128-bit SipHash-2-4 of the UTF-16 code units of {@code s} under the key ({@code k0},
     * {@code k1}) into {@code out[at]} (first half) and {@code out[at + 1]} (second half).
     *
     * @throws NullPointerException if {@code s} or {@code out} is null
     */
    public static void hash(String s, long k0, long k1, long[] out, int at) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL ^ 0xee;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        int full = s.length() & ~3;
        // the full words, then the last one (with the length): two rounds each
        for (int i = 0; i <= full; i += 4) {
            long m = i < full ? KeyedHash.word(s, i) : KeyedHash.lastWord(s, i);
            v3 ^= m;
            for (int r = 0; r < 2; r++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        // finalisation: four rounds for each 64-bit half of the output
        v2 ^= 0xee;
        for (int half = 0; half < 2; half++) {
            for (int r = 0; r < 4; r++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            out[at + half] = v0 ^ v1 ^ v2 ^ v3;
            v1 ^= 0xdd;
        }
    }
}
