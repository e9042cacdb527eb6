package dev.profilekit.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The population stability index of a feature between a reference sample and a current one:
 * <pre>PSI = Σ over bins (q − p) · ln(q / p)</pre>
 * where p is the share of the reference's values in the bin and q the current's. A share of 0 (an empty bin) is
 * replaced by {@link #EPSILON} in the formula, so that the index stays finite; the other shares are left as they are.
 *
 * <p>Bins of a numeric feature: the reference's deciles cut the line. The j-th decile (j = 1..9) of n sorted
 * reference values x(1) ≤ … ≤ x(n) is x(⌈j·n/10⌉) (nearest rank); equal deciles are cut once, so a feature that
 * is 0 for 70% of users has the bin (−∞, 0] and the rest above it. The bins are (−∞, d1], (d1, d2], …, (dk, +∞)
 * with d1 &lt; … &lt; dk the distinct deciles. Bins of a categorical feature: each value seen in the reference, and
 * one more for values not seen there. Either way, when either sample has profiles without a value, "no value" is
 * one more bin, so a change in how many users lack the feature counts as drift too. Every share is over all profiles
 * of its sample, with and without a value.
 *
 * <p>Reading it (the usual rule of thumb): below {@link #MODERATE} stable, from {@link #MODERATE} to
 * {@link #MAJOR} a moderate shift, {@link #MAJOR} and above a major shift.
 */
final class Psi {

    /** The share an empty bin counts with in the formula. */
    static final double EPSILON = 1e-4;
    /** Bins cut by the reference's quantiles: deciles. */
    static final int QUANTILE_BINS = 10;
    /** From here a moderate shift. */
    static final double MODERATE = 0.1;
    /** From here a major shift. */
    static final double MAJOR = 0.25;

    private Psi() {
    }

    /** PSI of two share vectors over the same bins (each summing to 1), empty shares counted as {@link #EPSILON}. */
    static double of(double[] reference, double[] current) {
        if (reference.length != current.length) {
            throw new IllegalArgumentException("PSI needs the same bins: " + reference.length + " reference shares, "
                    + current.length + " current");
        }
        double psi = 0;
        for (int i = 0; i < reference.length; i++) {
            double p = reference[i] == 0 ? EPSILON : reference[i];
            double q = current[i] == 0 ? EPSILON : current[i];
            psi += (q - p) * Math.log(q / p);
        }
        return psi;
    }

    /**
     * PSI of a numeric feature (NaN: no value); NaN when the reference has no value at all or either sample is
     * empty.
     */
    static double numeric(double[] reference, double[] current) {
        double[] present = ProfileColumns.present(reference);
        if (present.length == 0 || current.length == 0) {
            return Double.NaN;
        }
        double[] cuts = deciles(present);
        boolean missing = present.length < reference.length || ProfileColumns.present(current).length < current.length;
        return of(shares(reference, cuts, missing), shares(current, cuts, missing));
    }

    /** The distinct nearest-rank deciles of the values (not empty), ascending. */
    static double[] deciles(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double[] cuts = new double[QUANTILE_BINS - 1];
        int k = 0;
        for (int j = 1; j < QUANTILE_BINS; j++) {
            int rank = (int) Math.ceil((double) j * n / QUANTILE_BINS); // 1-based
            double d = sorted[Math.max(rank, 1) - 1];
            if (k == 0 || d > cuts[k - 1]) {
                cuts[k++] = d;
            }
        }
        return Arrays.copyOf(cuts, k);
    }

    /** Shares of the bins (−∞, c0], (c0, c1], …, (c_last, +∞), then "no value" if {@code missingBin}. */
    private static double[] shares(double[] column, double[] cuts, boolean missingBin) {
        double[] counts = new double[cuts.length + 1 + (missingBin ? 1 : 0)];
        for (double x : column) {
            if (!Double.isFinite(x)) {
                counts[cuts.length + 1]++;
                continue;
            }
            int pos = Arrays.binarySearch(cuts, x); // x == cut: in the bin the cut closes
            counts[pos >= 0 ? pos : -pos - 1]++;
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] /= column.length;
        }
        return counts;
    }

    /** PSI of a categorical feature (null: no value); NaN when the reference has no value or a sample is empty. */
    static double categorical(String[] reference, String[] current) {
        if (reference.length == 0 || current.length == 0) {
            return Double.NaN;
        }
        Map<String, Integer> bins = new LinkedHashMap<>();
        boolean missing = false;
        for (String v : reference) {
            if (v == null) {
                missing = true;
            } else {
                bins.putIfAbsent(v, bins.size());
            }
        }
        if (bins.isEmpty()) {
            return Double.NaN;
        }
        for (String v : current) {
            missing |= v == null;
        }
        int unseen = bins.size();
        int none = unseen + 1;
        List<double[]> both = new ArrayList<>();
        for (String[] sample : List.of(reference, current)) {
            double[] s = new double[none + (missing ? 1 : 0)];
            for (String v : sample) {
                s[v == null ? none : bins.getOrDefault(v, unseen)] += 1.0 / sample.length;
            }
            both.add(s);
        }
        return of(both.get(0), both.get(1));
    }

    /** The verdict for a PSI: "stable", "moderate shift" or "major shift" ("" for NaN). */
    static String verdict(double psi) {
        if (Double.isNaN(psi)) {
            return "";
        }
        return psi < MODERATE ? "stable" : psi < MAJOR ? "moderate shift" : "major shift";
    }
}
