package dev.profilekit.features.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Imputation, clipping and duplicate removal on small tables whose answers are computed by hand. */
class CleaningTest {

    static final double NAN = Double.NaN;
    static final Dataset DATA = Dataset.of(new String[] {"a", "b"},
            new double[][] {{1, 5}, {NAN, 5}, {3, NAN}, {3, 7}, {NAN, NAN}});

    @Test
    void imputesByEveryStrategyAndCountsFills() {
        // a: non-missing 1, 3, 3 -> mean 7/3, median 3, most frequent 3; b: 5, 5, 7 -> mean 17/3, median 5, mode 5
        Imputer mean = Imputer.fit(DATA, ImputeStrategy.MEAN);
        assertThat(mean.fillValues()[0]).isCloseTo(7.0 / 3, within(1e-15));
        assertThat(mean.fillValues()[1]).isCloseTo(17.0 / 3, within(1e-15));
        assertThat(Imputer.fit(DATA, ImputeStrategy.MEDIAN).fillValues()).containsExactly(3, 5);
        assertThat(Imputer.fit(DATA, ImputeStrategy.MOST_FREQUENT).fillValues()).containsExactly(3, 5);
        CleaningResult r = Imputer.constant(DATA, -1).apply(DATA);
        assertThat(r.changedPerColumn()).containsExactly(2, 2);
        assertThat(r.changed("b")).isEqualTo(2);
        assertThat(r.totalChanged()).isEqualTo(4);
        assertThat(r.rowsRemoved()).isZero();
        assertThat(r.data().columnValues(0)).containsExactly(1, -1, 3, 3, -1);
        assertThat(r.data().columnValues(1)).containsExactly(5, 5, -1, 7, -1);
    }

    @Test
    void mostFrequentBreaksTiesTowardsTheSmallestValue() {
        Dataset d = Dataset.of(new String[] {"x"}, new double[][] {{4}, {2}, {4}, {2}, {9}});
        assertThat(Imputer.fit(d, ImputeStrategy.MOST_FREQUENT).fillValues()).containsExactly(2);
    }

    @Test
    void allMissingColumnIsNamed() {
        Dataset d = Dataset.of(new String[] {"ok", "empty"}, new double[][] {{1, NAN}, {2, NAN}});
        assertThatThrownBy(() -> Imputer.fit(d, ImputeStrategy.MEDIAN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column 'empty' (index 1) has no non-missing value (shape 2 x 2)");
    }

    @Test
    void iqrClippingUsesTukeyFences() {
        double[][] x = new double[11][1];
        for (int i = 0; i < 10; i++) {
            x[i][0] = i + 1; // 1..10
        }
        x[10][0] = 100;
        Dataset d = Dataset.of(new String[] {"x"}, x);
        OutlierClipper c = OutlierClipper.fit(d, ClipRule.iqr(1.5));
        // values 1..10, 100 (n = 11): numpy Q1 = x[2.5] = 3.5, Q3 = x[7.5] = 8.5, IQR 5 -> fences -4, 16
        assertThat(c.lower()[0]).isCloseTo(-4, within(1e-12));
        assertThat(c.upper()[0]).isCloseTo(16, within(1e-12));
        CleaningResult r = c.apply(d);
        assertThat(r.changedPerColumn()).containsExactly(1);
        assertThat(r.data().get(10, 0)).isCloseTo(16, within(1e-12));
        assertThat(r.data().get(3, 0)).isEqualTo(4);
    }

    @Test
    void zScoreClippingUsesMeanAndPopulationStd() {
        Dataset d = Dataset.of(new String[] {"x"}, new double[][] {{2}, {4}, {4}, {4}, {5}, {5}, {7}, {9}, {NAN}});
        OutlierClipper c = OutlierClipper.fit(d, ClipRule.zScore(1));
        // mean 5, population std 2 (NaN ignored)
        assertThat(c.lower()[0]).isCloseTo(3, within(1e-12));
        assertThat(c.upper()[0]).isCloseTo(7, within(1e-12));
        CleaningResult r = c.apply(d);
        assertThat(r.changedPerColumn()).containsExactly(2); // 2 -> 3 and 9 -> 7
        assertThat(r.data().get(8, 0)).isNaN();
    }

    @Test
    void duplicateRowsAreRemovedKeepingTheFirst() {
        Dataset d = Dataset.of(new String[] {"a", "b"},
                new double[][] {{1, NAN}, {2, 3}, {1, NAN}, {2, 3}, {2, 3}, {-0.0, 1}, {0.0, 1}},
                new double[] {0, 0, 0, 1, 0, 1, 1});
        CleaningResult r = Duplicates.remove(d);
        // row 3 differs from row 1 by its label only, so it stays; NaN equals NaN; -0.0 equals 0.0
        assertThat(r.removedRows()).containsExactly(2, 4, 6);
        assertThat(r.data().rowCount()).isEqualTo(4);
        assertThat(r.data().labels()).containsExactly(0, 0, 1, 1);
        assertThat(r.changedPerColumn()).containsExactly(0, 0);
    }
}
