package dev.profilekit.features.transform;

import dev.profilekit.features.Checks;
import java.nio.charset.StandardCharsets;

/**
 * MurmurHash3, x86 32-bit variant (Austin Appleby, public domain, SMHasher {@code MurmurHash3_x86_32}):
 * a fast, well-mixed, <em>stable</em> hash, so hashed feature indices never change between JVMs, releases
 * or machines (unlike {@link String#hashCode()} mixing or {@code HashMap} order). Strings are hashed as
 * their UTF-8 bytes, which is what scikit-learn's {@code murmurhash3_32} does for {@code str}.
 */
public final class MurmurHash3 {

    private static final int C1 = 0xcc9e2d51;
    private static final int C2 = 0x1b873593;

    private MurmurHash3() {
    }

    /** The signed 32-bit hash of the UTF-8 bytes of {@code s}. O(length); allocates the byte array. */
    public static int hash32(String s, int seed) {
        Checks.requireNonNull(s, "s");
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return hash32(b, 0, b.length, seed);
    }

    /** The signed 32-bit hash of {@code data[offset, offset + length)}. O(length), allocation-free. */
    public static int hash32(byte[] data, int offset, int length, int seed) {
        Checks.requireNonNull(data, "data");
        if (offset < 0 || length < 0 || offset + length > data.length || offset + length < 0) {
            // no varargs on the hot path: the message is built only when it fails
            throw new IllegalArgumentException("offset " + offset + " and length " + length
                    + " must lie within data of length " + data.length);
        }
        int h = seed;
        int end = offset + (length & ~3);
        for (int i = offset; i < end; i += 4) {
            int k = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | (data[i + 3] & 0xff) << 24;
            k *= C1;
            k = Integer.rotateLeft(k, 15);
            k *= C2;
            h ^= k;
            h = Integer.rotateLeft(h, 13);
            h = h * 5 + 0xe6546b64;
        }
        int tail = length & 3;
        if (tail > 0) {
            // the 1-3 trailing bytes, little-endian, as the reference's fall-through switch
            int k = data[end] & 0xff;
            if (tail >= 2) {
                k ^= (data[end + 1] & 0xff) << 8;
            }
            if (tail == 3) {
                k ^= (data[end + 2] & 0xff) << 16;
            }
            k *= C1;
            k = Integer.rotateLeft(k, 15);
            k *= C2;
            h ^= k;
        }
        h ^= length;
        return fmix(h);
    }

    private static int fmix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
