package dev.profilekit.features.streaming;

/**
 * Static kernels for a sliding window split into {@code n} epoch-aligned buckets, kept in a ring:
 * {@code ids[idOff + i]} is the bucket number held in slot {@code i} ({@code Long.MIN_VALUE} when
 * empty) and {@code sums[sumOff + i]} its total. Bucket {@code b} lives in slot {@code floorMod(b, n)}.
 *
 * <p>An event in bucket {@code b} whose slot already holds a newer bucket {@code b' > b} is dropped:
 * {@code b' ≡ b (mod n)} means {@code b <= b' - n}, so {@code b} is outside the window of every time
 * at or after the newer event. This keeps the window exact for out-of-order events when it is read
 * as of a time no earlier than the latest event. O(1) updates, O(n) reads, no allocation.
 */
public final class BucketRing {

    private BucketRing() {
    }

    /** Marks all {@code n} slots empty. */
    public static void init(long[] ids, int idOff, double[] sums, int sumOff, int n) {
        for (int i = 0; i < n; i++) {
            ids[idOff + i] = Long.MIN_VALUE;
            sums[sumOff + i] = 0.0;
        }
    }

    /** Adds {@code x} to bucket {@code bucket}. */
    public static void add(long[] ids, int idOff, double[] sums, int sumOff, int n, long bucket, double x) {
        int slot = (int) Math.floorMod(bucket, (long) n);
        long held = ids[idOff + slot];
        if (held == bucket) {
            sums[sumOff + slot] += x;
        } else if (held < bucket) {
            ids[idOff + slot] = bucket;
            sums[sumOff + slot] = x;
        }
        // held > bucket: this bucket has already left the window; nothing to do
    }

    /** Sum over the buckets {@code b} with {@code last - n < b <= last}. */
    public static double sum(long[] ids, int idOff, double[] sums, int sumOff, int n, long last) {
        double total = 0.0;
        for (int i = 0; i < n; i++) {
            long b = ids[idOff + i];
            if (b <= last && b > last - n) {
                total += sums[sumOff + i];
            }
        }
        return total;
    }
}
