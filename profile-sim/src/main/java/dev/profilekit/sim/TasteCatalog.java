package dev.profilekit.sim;

import java.util.SplittableRandom;

/**
 * The collaborative catalogue of {@link SimulationOptions#collaborative()}: products chosen by latent tastes
 * with popularity skew, so that users who share a taste share products (the structure item-item and matrix
 * factorisation recommenders learn).
 *
 * <ul>
 * <li><b>Tastes.</b> {@link #TASTES} taste groups; group g prefers category {@code g mod 8} and holds
 *     {@link #GROUP_SIZE} distinct products, 2/3 from that category and the rest from any category, in a
 *     random order that is their rank in the group.</li>
 * <li><b>Users.</b> A user of segment s has a primary taste drawn from the segment's 6 groups
 *     {@code [6 (s mod 8), 6 (s mod 8) + 6)} and a secondary taste uniform over all groups.</li>
 * <li><b>Choice.</b> Each browsed or purchased product comes, with probability {@link #TASTE_SHARE}, from the
 *     primary taste (probability {@link #PRIMARY_SHARE}) or the secondary one, at rank r with probability
 *     ∝ 1/(r + 1)^{@value #GROUP_SKEW}; otherwise from the whole catalogue by a Zipf law of exponent
 *     {@value #GLOBAL_SKEW} over a random popularity order.</li>
 * <li><b>Purchases.</b> A purchase is preceded by its session (views and a cart of the same product) with
 *     probability {@link #SESSION_BEFORE_PURCHASE}; otherwise it comes without one.</li>
 * </ul>
 * Drawn from its own random stream, so it changes nothing in the default stream.
 */
final class TasteCatalog {

    static final int TASTES = 48;
    static final int GROUP_SIZE = 30;
    static final double TASTE_SHARE = 0.8;
    static final double PRIMARY_SHARE = 0.7;
    static final double GROUP_SKEW = 0.8;
    static final double GLOBAL_SKEW = 1.0;
    static final double SESSION_BEFORE_PURCHASE = 0.5;

    private final int[][] groups;
    private final double[] groupCdf;
    private final int[] byPopularity;
    private final double[] globalCdf;
    private final int[] primary;
    private final int[] secondary;

    TasteCatalog(SplittableRandom rnd, int[] segments, int categories, int perCategory) {
        int products = categories * perCategory;
        groups = new int[TASTES][GROUP_SIZE];
        for (int g = 0; g < TASTES; g++) {
            int category = g % categories;
            boolean[] used = new boolean[products];
            for (int r = 0; r < GROUP_SIZE; r++) {
                int p;
                do {
                    p = r % 3 != 2 ? category * perCategory + rnd.nextInt(perCategory) : rnd.nextInt(products);
                } while (used[p]);
                used[p] = true;
                groups[g][r] = p;
            }
        }
        groupCdf = cdf(GROUP_SIZE, GROUP_SKEW);
        byPopularity = new int[products];
        for (int i = 0; i < products; i++) {
            byPopularity[i] = i;
        }
        for (int i = products - 1; i > 0; i--) { // Fisher-Yates
            int j = rnd.nextInt(i + 1);
            int t = byPopularity[i];
            byPopularity[i] = byPopularity[j];
            byPopularity[j] = t;
        }
        globalCdf = cdf(products, GLOBAL_SKEW);
        primary = new int[segments.length];
        secondary = new int[segments.length];
        int perSegment = TASTES / SimulationOptions.MAX_SEGMENTS;
        for (int u = 0; u < segments.length; u++) {
            primary[u] = perSegment * (segments[u] % SimulationOptions.MAX_SEGMENTS) + rnd.nextInt(perSegment);
            secondary[u] = rnd.nextInt(TASTES);
        }
    }

    private static double[] cdf(int n, double skew) {
        double[] c = new double[n];
        double sum = 0;
        for (int r = 0; r < n; r++) {
            sum += 1 / Math.pow(r + 1, skew);
            c[r] = sum;
        }
        for (int r = 0; r < n; r++) {
            c[r] /= sum;
        }
        return c;
    }

    private static int draw(double[] cdf, double u) {
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] <= u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** A product for user u. */
    int product(int u, SplittableRandom rnd) {
        if (rnd.nextDouble() < TASTE_SHARE) {
            int g = rnd.nextDouble() < PRIMARY_SHARE ? primary[u] : secondary[u];
            return groups[g][draw(groupCdf, rnd.nextDouble())];
        }
        return byPopularity[draw(globalCdf, rnd.nextDouble())];
    }

    /** Whether a purchase comes with its session of views and a cart. */
    boolean sessionBeforePurchase(SplittableRandom rnd) {
        return rnd.nextDouble() < SESSION_BEFORE_PURCHASE;
    }
}
