package dev.profilekit.features.transform;

import dev.profilekit.features.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded row splits returning index arrays: shuffled train/test, stratified train/test and k-fold.
 * Shuffles are Fisher-Yates with {@link SplittableRandom}{@code (seed)}, so a seed always gives the same
 * split. Index arrays in the results are sorted ascending. O(n) each (O(n log n) for the sort).
 */
public final class Splits {

    private Splits() {
    }

    /**
     * A shuffled train/test split of {@code n} rows with {@code ceil(testFraction * n)} test rows (the rule of
     * scikit-learn's {@code train_test_split}).
     *
     * @throws IllegalArgumentException if n &lt; 2, testFraction is not in (0, 1), or either side would be empty
     */
    public static Split trainTest(int n, double testFraction, long seed) {
        Checks.requireAtLeast(n, 2, "n");
        requireFraction(testFraction);
        int nTest = (int) Math.ceil(testFraction * n);
        Checks.requireArgument(nTest < n, "testFraction %s leaves no training rows out of n = %d", testFraction, n);
        int[] perm = permutation(n, new SplittableRandom(seed));
        return split(Arrays.copyOfRange(perm, nTest, n), Arrays.copyOf(perm, nTest));
    }

    /**
     * A stratified shuffled split: each class (distinct label value) contributes
     * {@code round(testFraction * classSize)} test rows (half up), at least one when the class has 2 or more
     * rows and never all of them, so class proportions are kept within one row per class.
     *
     * @throws IllegalArgumentException if labels is empty or holds NaN, or testFraction is not in (0, 1)
     */
    public static Split stratified(double[] labels, double testFraction, long seed) {
        Checks.requireNonNull(labels, "labels");
        Checks.requireAtLeast(labels.length, 2, "labels length");
        requireFraction(testFraction);
        for (int i = 0; i < labels.length; i++) {
            Checks.requireArgument(!Double.isNaN(labels[i]), "labels[%d] is NaN (length %d)", i, labels.length);
        }
        int[] codes = FeatureSelection.classCodes(labels);
        int classes = Arrays.stream(codes).max().orElse(-1) + 1;
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            int cc = c;
            int[] members = java.util.stream.IntStream.range(0, labels.length).filter(i -> codes[i] == cc).toArray();
            shuffle(members, rnd);
            int m = members.length;
            int nTest = (int) Math.floor(testFraction * m + 0.5);
            if (m >= 2) {
                nTest = Math.max(1, Math.min(m - 1, nTest));
            }
            for (int k = 0; k < m; k++) {
                (k < nTest ? test : train).add(members[k]);
            }
        }
        Checks.requireArgument(!train.isEmpty() && !test.isEmpty(),
                "testFraction %s leaves an empty side for %d labels", testFraction, labels.length);
        return split(train.stream().mapToInt(Integer::intValue).toArray(), test.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * K-fold cross-validation over shuffled rows: fold f tests on the f-th of k contiguous chunks of a seeded
     * permutation (the first {@code n mod k} chunks have one extra row, as scikit-learn's {@code KFold}),
     * trains on the rest. Every row is tested exactly once.
     *
     * @throws IllegalArgumentException if k &lt; 2 or k &gt; n
     */
    public static List<Split> kFold(int n, int k, long seed) {
        Checks.requireAtLeast(k, 2, "k");
        Checks.requireArgument(k <= n, "k must be <= number of rows %d, was %d", n, k);
        int[] perm = permutation(n, new SplittableRandom(seed));
        List<Split> folds = new ArrayList<>(k);
        int start = 0;
        for (int f = 0; f < k; f++) {
            int size = n / k + (f < n % k ? 1 : 0);
            int[] test = Arrays.copyOfRange(perm, start, start + size);
            int[] train = new int[n - size];
            System.arraycopy(perm, 0, train, 0, start);
            System.arraycopy(perm, start + size, train, start, n - start - size);
            folds.add(split(train, test));
            start += size;
        }
        return List.copyOf(folds);
    }

    private static void requireFraction(double f) {
        Checks.requireArgument(f > 0 && f < 1, "testFraction must be in (0, 1), was %s", f);
    }

    private static Split split(int[] train, int[] test) {
        Arrays.sort(train);
        Arrays.sort(test);
        return new Split(train, test);
    }

    static int[] permutation(int n, SplittableRandom rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p, rnd);
        return p;
    }

    private static void shuffle(int[] a, SplittableRandom rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
