package dev.profilekit.models.cluster;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The kernels of batch k-means: greedy k-means++ seeding, and the Lloyd and Hamerly iterations.
 *
 * <p>Both iteration variants share everything but the assignment step: the centroid update (sums in
 * row order), the empty-cluster relocation, the stopping rule and the final exact assignment. Hamerly's
 * bounds only skip distance computations whose outcome they prove, and ties are broken towards the lowest
 * centroid index by both, so the two variants produce identical labels and bit-identical centroids.
 */
final class KMeansEngine {

    /**
     * Hamerly skips a point only if its upper bound is below the lower bound times this factor: a margin
     * against the rounding that accumulates in the bounds, so that rounding never makes it skip a point
     * Lloyd would move.
     */
    private static final double BOUND_SAFETY = 1 - 1e-10;

    private KMeansEngine() {
    }

    /** Result of one restart. */
    record Run(double[][] centroids, double inertia, int iterations, boolean converged) {
    }

    /** Mean over columns of the population variance: the scale of scikit-learn's relative tolerance. */
    static double meanVariance(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        double total = 0;
        for (int j = 0; j < d; j++) {
            double mean = 0;
            for (double[] row : x) {
                mean += row[j];
            }
            mean /= n;
            double ss = 0;
            for (double[] row : x) {
                double t = row[j] - mean;
                ss += t * t;
            }
            total += ss / n;
        }
        return total / d;
    }

    /**
     * Greedy k-means++ (Arthur and Vassilvitskii 2007, with scikit-learn's greedy refinement): the first
     * centre is a uniformly drawn row; each further centre is the best, by resulting potential, of
     * {@code 2 + floor(ln k)} rows drawn with probability proportional to the squared distance to the
     * nearest chosen centre. O(n k d log k).
     */
    static double[][] seedPlusPlus(double[][] x, int k, SplittableRandom rng) {
        int n = x.length;
        int trials = 2 + (int) Math.log(k);
        double[][] centers = new double[k][];
        centers[0] = x[rng.nextInt(n)].clone();
        double[] closest = new double[n];
        double pot = 0;
        for (int i = 0; i < n; i++) {
            closest[i] = Inputs.sqDist(x[i], centers[0]);
            pot += closest[i];
        }
        double[] cumulative = new double[n];
        double[] candidateDist = new double[n];
        double[] bestDist = new double[n];
        for (int c = 1; c < k; c++) {
            double run = 0;
            for (int i = 0; i < n; i++) {
                run += closest[i];
                cumulative[i] = run;
            }
            int bestId = -1;
            double bestPot = Double.POSITIVE_INFINITY;
            for (int t = 0; t < trials; t++) {
                double r = rng.nextDouble() * pot;
                int id = lowerBound(cumulative, r);
                double candPot = 0;
                for (int i = 0; i < n; i++) {
                    double dd = Math.min(closest[i], Inputs.sqDist(x[i], x[id]));
                    candidateDist[i] = dd;
                    candPot += dd;
                }
                if (candPot < bestPot) {
                    bestPot = candPot;
                    bestId = id;
                    System.arraycopy(candidateDist, 0, bestDist, 0, n);
                }
            }
            centers[c] = x[bestId].clone();
            System.arraycopy(bestDist, 0, closest, 0, n);
            pot = bestPot;
        }
        return centers;
    }

    /** First index whose value is >= r (numpy searchsorted 'left'), clipped to the last index. */
    private static int lowerBound(double[] sorted, double r) {
        int lo = 0;
        int hi = sorted.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < r) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Runs Lloyd or Hamerly iterations from {@code init} until no label changes, the sum of squared
     * centroid moves is {@code <= tolAbs}, or {@code maxIterations}; then assigns every point exactly to
     * the final centroids and computes the inertia.
     */
    static Run iterate(double[][] x, double[][] init, int maxIterations, double tolAbs, EmptyClusterPolicy policy,
                       boolean hamerly) {
        int n = x.length;
        int k = init.length;
        int d = x[0].length;
        double[][] centroids = Inputs.copy(init);
        double[][] next = new double[k][d];
        int[] labels = new int[n];
        Arrays.fill(labels, -1);
        double[] upper = hamerly ? new double[n] : null;
        double[] lower = hamerly ? new double[n] : null;
        double[] half = hamerly ? new double[k] : null;
        double[] shift = new double[k];
        boolean resetBounds = true;
        boolean converged = false;
        int iter = 0;
        while (iter < maxIterations) {
            iter++;
            boolean changed;
            if (!hamerly) {
                changed = false;
                for (int i = 0; i < n; i++) {
                    int c = Inputs.nearest(x[i], centroids);
                    if (c != labels[i]) {
                        labels[i] = c;
                        changed = true;
                    }
                }
            } else {
                changed = hamerlyAssign(x, centroids, labels, upper, lower, half, resetBounds);
            }
            if (!changed) {
                converged = true;
                break;
            }
            boolean relocated = update(x, labels, centroids, next, policy, iter);
            double shiftSq = 0;
            double maxShift = 0;
            double secondShift = 0;
            int maxAt = -1;
            for (int c = 0; c < k; c++) {
                double s2 = Inputs.sqDist(next[c], centroids[c]);
                shiftSq += s2;
                shift[c] = Math.sqrt(s2);
                if (shift[c] > maxShift) {
                    secondShift = maxShift;
                    maxShift = shift[c];
                    maxAt = c;
                } else if (shift[c] > secondShift) {
                    secondShift = shift[c];
                }
            }
            double[][] tmp = centroids;
            centroids = next;
            next = tmp;
            if (hamerly) {
                resetBounds = relocated;
                if (!relocated) {
                    for (int i = 0; i < n; i++) {
                        int a = labels[i];
                        upper[i] += shift[a];
                        lower[i] -= a == maxAt ? secondShift : maxShift;
                    }
                }
            }
            if (shiftSq <= tolAbs) {
                converged = true;
                break;
            }
        }
        double inertia = 0;
        for (int i = 0; i < n; i++) {
            inertia += Inputs.sqDist(x[i], centroids[Inputs.nearest(x[i], centroids)]);
        }
        return new Run(centroids, inertia, iter, converged);
    }

    /** Hamerly's assignment step; returns whether any label changed. */
    private static boolean hamerlyAssign(double[][] x, double[][] centroids, int[] labels, double[] upper,
                                         double[] lower, double[] half, boolean reset) {
        int n = x.length;
        int k = centroids.length;
        boolean changed = false;
        if (reset) {
            for (int i = 0; i < n; i++) {
                changed |= fullAssign(x[i], centroids, labels, upper, lower, i);
            }
            return changed;
        }
        for (int c = 0; c < k; c++) {
            double m = Double.POSITIVE_INFINITY;
            for (int o = 0; o < k; o++) {
                if (o != c) {
                    m = Math.min(m, Inputs.sqDist(centroids[c], centroids[o]));
                }
            }
            half[c] = 0.5 * Math.sqrt(m);
        }
        for (int i = 0; i < n; i++) {
            int a = labels[i];
            double m = Math.max(half[a], lower[i]) * BOUND_SAFETY;
            if (upper[i] > m) {
                upper[i] = Math.sqrt(Inputs.sqDist(x[i], centroids[a]));
                if (upper[i] > m) {
                    changed |= fullAssign(x[i], centroids, labels, upper, lower, i);
                }
            }
        }
        return changed;
    }

    private static boolean fullAssign(double[] p, double[][] centroids, int[] labels, double[] upper,
                                      double[] lower, int i) {
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        double second = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centroids.length; c++) {
            double dd = Inputs.sqDist(p, centroids[c]);
            if (dd < bestD) {
                second = bestD;
                bestD = dd;
                best = c;
            } else if (dd < second) {
                second = dd;
            }
        }
        upper[i] = Math.sqrt(bestD);
        lower[i] = Math.sqrt(second);
        boolean changed = labels[i] != best;
        labels[i] = best;
        return changed;
    }

    /**
     * Writes the means of the assigned points into {@code out}; relocates empty clusters per the policy
     * (changing {@code labels}). Returns whether any cluster was relocated.
     */
    static boolean update(double[][] x, int[] labels, double[][] old, double[][] out, EmptyClusterPolicy policy,
                          int iteration) {
        int n = x.length;
        int k = out.length;
        int d = x[0].length;
        int[] counts = new int[k];
        for (int i = 0; i < n; i++) {
            counts[labels[i]]++;
        }
        boolean relocated = false;
        boolean[] taken = null;
        double[] far = null;
        for (int c = 0; c < k; c++) {
            if (counts[c] > 0) {
                continue;
            }
            if (policy == EmptyClusterPolicy.ERROR) {
                throw new IllegalStateException("k-means cluster " + c + " became empty at iteration " + iteration
                        + " (emptyClusterPolicy ERROR)");
            }
            if (far == null) {
                far = new double[n];
                taken = new boolean[n];
                for (int i = 0; i < n; i++) {
                    far[i] = Inputs.sqDist(x[i], old[labels[i]]);
                }
            }
            int pick = -1;
            for (int i = 0; i < n; i++) {
                if (!taken[i] && counts[labels[i]] > 1 && (pick < 0 || far[i] > far[pick])) {
                    pick = i;
                }
            }
            if (pick < 0) {
                throw new IllegalStateException("k-means cluster " + c + " became empty at iteration " + iteration
                        + " and no point can be moved to it");
            }
            taken[pick] = true;
            counts[labels[pick]]--;
            labels[pick] = c;
            counts[c] = 1;
            relocated = true;
        }
        for (int c = 0; c < k; c++) {
            Arrays.fill(out[c], 0);
        }
        for (int i = 0; i < n; i++) {
            double[] o = out[labels[i]];
            double[] row = x[i];
            for (int j = 0; j < d; j++) {
                o[j] += row[j];
            }
        }
        for (int c = 0; c < k; c++) {
            double inv = 1.0 / counts[c];
            double[] o = out[c];
            for (int j = 0; j < d; j++) {
                o[j] *= inv;
            }
        }
        return relocated;
    }
}
