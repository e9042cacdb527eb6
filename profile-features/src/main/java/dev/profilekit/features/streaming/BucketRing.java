package dev.profilekit.features.streaming;

/**
 * Static kernels for a sliding window split into {@code n} epoch-aligned buckets, kept in a ring
 * inside one {@code double[]}: {@code s[off + 2i]} is the bucket number held in slot {@code i}
 * ({@code -∞} when empty; bucket numbers are exact in a double below 2^53) and {@code s[off + 2i + 1]}
 * its total. Bucket {@code b} lives in slot {@code floorMod(b, n)}; keeping number and total side by
 * side means one slot touches one cache line.
 *
 * <p>An event in bucket {@code b} whose slot already holds a newer bucket {@code b' > b} is dropped:
 * {@code b' ≡ b (mod n)} means {@code b <= b' - n}, so {@code b} is outside the window of every time
 * at or after the newer event. This keeps the window exact for out-of-order events when it is read
 * as of a time no earlier than the latest event. O(1) updates, O(n) reads, no allocation.
 */
public final class BucketRing {

    private BucketRing() {
    }

    /** Number of {@code double} slots a ring of {@code n} buckets occupies. */
    public static int slots(int n) {
        return 2 * n;
    }

    /** Marks all {@code n} buckets empty. */
    public static void init(double[] s, int off, int n) {
        for (int i = 0; i < n; i++) {
            s[off + 2 * i] = Double.NEGATIVE_INFINITY;
            s[off + 2 * i + 1] = 0.0;
        }
    }

    /** Adds {@code x} to bucket {@code bucket}. */
    public static void add(double[] s, int off, int n, long bucket, double x) {
        int at = off + 2 * (int) Math.floorMod(bucket, (long) n);
        double held = s[at];
        double b = bucket;
        if (held == b) {
            s[at + 1] += x;
        } else if (held < b) {
            s[at] = b;
            s[at + 1] = x;
        }
        // held > bucket: this bucket has already left the window; nothing to do
    }

    /** Sum over the buckets {@code b} with {@code last - n < b <= last}. */
    public static double sum(double[] s, int off, int n, long last) {
        double total = 0.0;
        double hi = last;
        double lo = (double) (last - n);
        for (int i = 0; i < n; i++) {
            double b = s[off + 2 * i];
            if (b <= hi && b > lo) {
                total += s[off + 2 * i + 1];
            }
        }
        return total;
    }
}
