package dev.profilekit.features.hash;

/**
 * The one mixer of ProfileKit's open-addressing tables: it turns a 32-bit key (a {@link KeyedHash}, a
 * {@link String#hashCode()}, a small dense id) into a home slot ({@code spread(h) & mask}, or its top bits for a
 * segment), so that keys that differ only in their high bits, or that are consecutive integers, land apart.
 *
 * <p>Fibonacci hashing (Knuth, TAOCP vol. 3, 6.4: multiply by 2^32/φ, rounded to odd), then a xor-shift that
 * folds the product's well-mixed high half into its low half. Both steps are bijections of the 32-bit integers,
 * so distinct keys never collide before masking.
 *
 * <p>The function is part of stored data: the live recommender writes its item tables verbatim into snapshots
 * (the slots this placed), and reads them back verbatim. Changing it would misplace every restored entry, so it
 * must never change without a new snapshot format version.
 */
public final class HashMix {

    /** 2^32 / φ rounded to odd: the multiplier of Fibonacci hashing. */
    private static final int GOLDEN = 0x9E3779B9;

    private HashMix() {
    }

    /** The mixed value of {@code h}: a bijection of the ints; allocation-free. */
    public static int spread(int h) {
        int p = h * GOLDEN;
        return p ^ (p >>> 16);
    }
}
