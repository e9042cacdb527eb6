package dev.profilekit.models.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.profilekit.models.regression.BreastCancerData;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomForestTest {

    /** The bar on the held-out 30% of breast cancer. */
    private static final double REQUIRED_TEST_ACCURACY = 0.93;

    private static final BreastCancerData DATA = BreastCancerData.load();

    /** Seeded 70/30 split: a Fisher-Yates permutation, first 70% train. */
    private static int[][] split(long seed) {
        int n = DATA.y.length;
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int train = (int) Math.round(0.7 * n);
        return new int[][] {Arrays.copyOf(perm, train), Arrays.copyOfRange(perm, train, n)};
    }

    private static double[][] rows(int[] idx) {
        return Arrays.stream(idx).mapToObj(i -> DATA.x[i]).toArray(double[][]::new);
    }

    private static int[] labels(int[] idx) {
        return Arrays.stream(idx).map(i -> DATA.y[i]).toArray();
    }

    @Test
    void heldOutAccuracyOnBreastCancer() {
        int[][] parts = split(2024);
        double[][] trainX = rows(parts[0]);
        int[] trainY = labels(parts[0]);
        double[][] testX = rows(parts[1]);
        int[] testY = labels(parts[1]);
        RandomForestModel forest = RandomForest.fit(trainX, trainY, ForestOptions.trees(100).seed(42));

        double accuracy = DecisionTreeTest.accuracy(forest.predict(testX), testY);
        assertThat(accuracy).isGreaterThanOrEqualTo(REQUIRED_TEST_ACCURACY);

        // out-of-bag accuracy estimates held-out accuracy; both are far above the 63% majority rate
        assertThat(forest.oobScore()).isPresent();
        assertThat(forest.oobScore().getAsDouble()).isGreaterThanOrEqualTo(0.9);

        double[] importances = forest.featureImportances();
        assertThat(Arrays.stream(importances).sum()).isCloseTo(1.0, within(1e-12));
        assertThat(Arrays.stream(importances).min().orElseThrow()).isGreaterThanOrEqualTo(0);
        // with sqrt(30) = 5 features per split, many features get used
        assertThat(Arrays.stream(importances).filter(v -> v > 0).count()).isGreaterThan(20);

        double[] p = forest.predictProbabilities(testX[0]);
        assertThat(p[0] + p[1]).isCloseTo(1.0, within(1e-12));
        assertThat(forest.info().seed()).isEqualTo(42L);
        assertThat(forest.info().options()).containsEntry("trees", 100).containsEntry("maxFeatures", "sqrt");
    }

    @Test
    void sameSeedSameForestOtherSeedOtherForest() {
        ForestOptions o = ForestOptions.trees(10).seed(5);
        RandomForestModel a = RandomForest.fit(DATA.x, DATA.y, o);
        RandomForestModel b = RandomForest.fit(DATA.x, DATA.y, o);
        RandomForestModel c = RandomForest.fit(DATA.x, DATA.y, o.seed(6));
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void jsonRoundTripIsExact() {
        RandomForestModel forest = RandomForest.fit(DATA.x, DATA.y,
                ForestOptions.trees(5).seed(9).tree(TreeOptions.entropy().maxDepth(4).maxFeatures(MaxFeatures.log2())));
        String json = forest.toJson();
        RandomForestModel back = RandomForestModel.fromJson(json);
        assertThat(back).isEqualTo(forest);
        assertThat(back.toJson()).isEqualTo(json);
        assertThat(back.oobScore()).isEqualTo(forest.oobScore());
        assertThat(back.predict(DATA.x)).containsExactly(forest.predict(DATA.x));
        assertThatThrownBy(() -> RandomForestModel.fromJson(json.replace("random-forest", "decision-tree")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format must be");
    }

    @Test
    void threeClassesAreSupported() {
        // three well-separated clusters on a line
        SplittableRandom random = new SplittableRandom(1);
        double[][] x = new double[150][2];
        int[] y = new int[150];
        for (int i = 0; i < 150; i++) {
            y[i] = i % 3;
            x[i][0] = 10 * y[i] + random.nextGaussian();
            x[i][1] = random.nextGaussian();
        }
        RandomForestModel forest = RandomForest.fit(x, y, ForestOptions.trees(20).seed(3));
        assertThat(forest.numClasses()).isEqualTo(3);
        assertThat(forest.predict(new double[] {0, 0})).isEqualTo(0);
        assertThat(forest.predict(new double[] {10, 0})).isEqualTo(1);
        assertThat(forest.predict(new double[] {20, 0})).isEqualTo(2);
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> RandomForest.fit(new double[][] {{1}, {2}}, new int[] {0, 0}, ForestOptions.trees(3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only one class");
        assertThatThrownBy(() -> ForestOptions.trees(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("trees must be >= 1, was 0");
        assertThatThrownBy(() -> MaxFeatures.parse("half"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("rule must be sqrt, log2, all or fixed, was 'half'");
    }
}
