package dev.profilekit.features.transform;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Bad input fails with IllegalArgumentException whose message names the argument, column and shapes. */
class BadInputTest {

    static final Dataset WITH_NAN = Dataset.of(new String[] {"height", "age", "income"},
            new double[][] {{1, 2, 3}, {4, 5, 6}, {7, Double.NaN, 9}}, new double[] {0, 1, 0});
    static final Dataset EMPTY = Dataset.of(new String[] {"a", "b"}, new double[0][]);

    @Test
    void nanInFitsThatCannotTakeIt() {
        String msg = "data: column 'age' (index 1) row 2 is NaN (shape 3 x 3); impute missing values first";
        assertThatThrownBy(() -> Scaler.zScore(WITH_NAN)).isInstanceOf(IllegalArgumentException.class).hasMessage(msg);
        assertThatThrownBy(() -> Scaler.robust(WITH_NAN)).isInstanceOf(IllegalArgumentException.class).hasMessage(msg);
        assertThatThrownBy(() -> Pca.fit(WITH_NAN, PcaOptions.all())).isInstanceOf(IllegalArgumentException.class).hasMessage(msg);
        assertThatThrownBy(() -> FeatureSelection.pearson(WITH_NAN)).isInstanceOf(IllegalArgumentException.class).hasMessage(msg);
        assertThatThrownBy(() -> FeatureSelection.mutualInformation(WITH_NAN, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(msg);
    }

    @Test
    void infiniteValuesAreNamedToo() {
        Dataset inf = Dataset.of(new String[] {"a", "b"}, new double[][] {{1, 2}, {Double.NEGATIVE_INFINITY, 3}});
        assertThatThrownBy(() -> Scaler.minMax(inf)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("data: column 'a' (index 0) row 1 is -Infinity (shape 2 x 2); values must be finite");
    }

    @Test
    void shapeMismatches() {
        Scaler s = Scaler.zScore(Dataset.of(new String[] {"a", "b"}, new double[][] {{1, 2}, {3, 4}}));
        Dataset three = Dataset.of(new String[] {"a", "b", "c"}, new double[][] {{1, 2, 3}});
        assertThatThrownBy(() -> s.transform(three)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("data has 3 columns (shape 1 x 3), scaler expects 2");
        assertThatThrownBy(() -> s.transform(Dataset.of(new String[] {"a", "z"}, new double[][] {{1, 2}})))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("data column 1 is 'z', scaler expects 'b'");
        assertThatThrownBy(() -> s.transformInPlace(new double[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("row has 3 values, scaler expects 2");
        Pca p = Pca.fit(Dataset.of(new String[] {"a", "b"}, new double[][] {{1, 2}, {3, 5}, {4, 4}}), PcaOptions.components(1));
        assertThatThrownBy(() -> p.transform(new double[] {1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("x has 1 values, pca expects 2");
        assertThatThrownBy(() -> p.inverseTransform(three)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scores has 3 columns (shape 1 x 3), pca has 1 components");
        assertThatThrownBy(() -> FeatureSelection.topK(three, new double[] {1, 2}, 1, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("scores has 2 values, data has 3 columns (shape 1 x 3)");
        assertThatThrownBy(() -> OneHotEncoder.fit(new String[] {"a", "b"}, new String[][] {{"x", "y"}, {"x"}}, UnseenPolicy.ERROR))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("rows row 1 has 1 values, columns has 2");
    }

    @Test
    void kLargerThanTheNumberOfColumns() {
        Dataset d = Dataset.of(new String[] {"a", "b"}, new double[][] {{1, 2}, {3, 5}, {4, 4}});
        assertThatThrownBy(() -> Pca.fit(d, PcaOptions.components(3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("components must be <= min(rows, columns) = 2 for data of shape 3 x 2, was 3");
        assertThatThrownBy(() -> FeatureSelection.topK(d, new double[] {1, 2}, 3, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("k must be <= number of columns 2 (shape 3 x 2), was 3");
    }

    @Test
    void emptyDatasets() {
        assertThatThrownBy(() -> Scaler.zScore(EMPTY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("data must have at least 1 row, was 0 x 2");
        assertThatThrownBy(() -> Pca.fit(EMPTY, PcaOptions.all())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("data must have at least 2 rows, was 0 x 2");
        assertThatThrownBy(() -> Imputer.fit(EMPTY, ImputeStrategy.MEAN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("data must have at least 1 row, was 0 x 2");
        assertThatThrownBy(() -> FeatureSelection.variances(EMPTY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("data must have at least 1 row, was 0 x 2");
        assertThatThrownBy(() -> OneHotEncoder.fit(new String[] {"c"}, new String[0][], UnseenPolicy.IGNORE))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("rows must have at least one row, was 0 x 1");
        assertThatThrownBy(() -> Dataset.of(new String[0], new double[0][], null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("columns must not be empty");
        assertThatThrownBy(() -> FeatureSelection.pearson(Dataset.of(new String[] {"a"}, new double[0][], new double[0])))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("data must have at least 2 rows, was 0 x 1");
    }
}
