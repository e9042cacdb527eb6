package dev.profilekit.features.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The scaler a live model freezes from its training rows: z = (x - mean) / scale with NaN ignored when fitting and
 * mapped to 0 when transforming, population standard deviation, scale 1 for no spread.
 */
class ScalerIgnoringNaNTest {

    /** Agreement of the running (Welford) moments with the two-pass reference. */
    static final double REL = 1e-12;

    static final String[] COLS = {"a", "b", "c", "d"};

    /** Column a: random with 20% NaN; b: constant; c: all NaN; d: spread 1e-13 (below ZERO_SPREAD). */
    static double[][] rows(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            double a = rnd.nextDouble() < 0.2 ? Double.NaN : 50 + 10 * rnd.nextGaussian();
            rows[i] = new double[] {a, 3.25, Double.NaN, 1 + (i % 2 == 0 ? 1e-13 : -1e-13)};
        }
        return rows;
    }

    @Test
    void fitsEachColumnOnItsNonMissingValuesLikeTheTwoPassFormula() {
        double[][] rows = rows(500, 11);
        int from = 50;
        int to = 450;
        Scaler s = Scaler.zScoreIgnoringNaN(COLS, rows, from, to);

        // two-pass reference over the non-NaN values of column a in [from, to)
        double sum = 0;
        int n = 0;
        for (int i = from; i < to; i++) {
            if (!Double.isNaN(rows[i][0])) {
                sum += rows[i][0];
                n++;
            }
        }
        double mean = sum / n;
        double ss = 0;
        for (int i = from; i < to; i++) {
            if (!Double.isNaN(rows[i][0])) {
                ss += (rows[i][0] - mean) * (rows[i][0] - mean);
            }
        }
        double sd = Math.sqrt(ss / n);
        assertThat(n).isBetween(250, 350);

        assertThat(s.center()[0]).isCloseTo(mean, within(REL * Math.abs(mean)));
        assertThat(s.scale()[0]).isCloseTo(sd, within(REL * sd));
        assertThat(s.center()[1]).isEqualTo(3.25);
        assertThat(s.scale()[1]).isEqualTo(1.0); // no spread
        assertThat(s.center()[2]).isEqualTo(0.0); // no value at all
        assertThat(s.scale()[2]).isEqualTo(1.0);
        assertThat(s.scale()[3]).isEqualTo(1.0); // sd 1e-13 <= ZERO_SPREAD
        assertThat(s.kind()).isEqualTo(ScalerKind.Z_SCORE);
        assertThat(s.missing()).isEqualTo(MissingValues.IMPUTE_CENTER);
        assertThat(s.samples()).isEqualTo(to - from);
    }

    @Test
    void transformMapsNaNToZeroAndTheRestToZScores() {
        Scaler s = Scaler.zScoreIgnoringNaN(COLS, rows(200, 3), 0, 200);
        double[] c = s.center();
        double[] k = s.scale();
        double[] x = {Double.NaN, 7.0, Double.NaN, 2.0};
        double[] out = new double[4];
        s.transform(x, out);
        assertThat(out).containsExactly(0.0, (7.0 - c[1]) / k[1], 0.0, (2.0 - c[3]) / k[3]);
        assertThat(x[0]).isNaN(); // input untouched

        double[] back = new double[4];
        s.inverse(out, back);
        assertThat(back[0]).isEqualTo(c[0]); // the imputed mean
        assertThat(back[1]).isCloseTo(7.0, within(1e-12));
        assertThat(back[3]).isCloseTo(2.0, within(1e-12));

        double[] inPlace = x.clone();
        s.transformInPlace(inPlace);
        assertThat(inPlace).containsExactly(out);
        // the batch path applies the same rule
        Dataset ds = Dataset.of(COLS, new double[][] {x});
        assertThat(s.transform(ds).row(0)).containsExactly(out);
    }

    @Test
    void fitScalersStillPropagateNaN() {
        Scaler s = Scaler.zScore(Dataset.of(new String[] {"a"}, new double[][] {{1}, {3}}));
        assertThat(s.missing()).isEqualTo(MissingValues.PROPAGATE);
        double[] x = {Double.NaN};
        s.transformInPlace(x);
        assertThat(x[0]).isNaN();
        assertThat(s.toJson()).doesNotContain("missing");
    }

    @Test
    void roundTripsThroughJsonWithItsMissingRule() {
        Scaler s = Scaler.zScoreIgnoringNaN(COLS, rows(100, 5), 0, 100);
        String json = s.toJson();
        assertThat(json).contains("\"missing\":\"IMPUTE_CENTER\"");
        Scaler back = Scaler.fromJson(json);
        assertThat(back).isEqualTo(s);
        assertThat(back.toJson()).isEqualTo(json);
        assertThat(back.withMissing(MissingValues.PROPAGATE)).isNotEqualTo(s);
        assertThatThrownBy(() -> Scaler.fromJson(json.replace("IMPUTE_CENTER", "DROP")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("json field 'missing' must be one of");
    }

    @Test
    void datasetOverloadUsesEveryRow() {
        double[][] rows = rows(60, 9);
        assertThat(Scaler.zScoreIgnoringNaN(Dataset.of(COLS, rows))).isEqualTo(Scaler.zScoreIgnoringNaN(COLS, rows, 0, 60));
    }

    @Test
    void badInputFailsFast() {
        double[][] rows = rows(10, 1);
        assertThatThrownBy(() -> Scaler.zScoreIgnoringNaN(COLS, rows, 5, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rows range [5, 5) must be non-empty and inside 0..10");
        rows[3] = new double[] {1, 2};
        assertThatThrownBy(() -> Scaler.zScoreIgnoringNaN(COLS, rows, 0, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rows[3] has 2 values, columns has 4");
        rows[3] = new double[] {1, Double.NEGATIVE_INFINITY, 0, 0};
        assertThatThrownBy(() -> Scaler.zScoreIgnoringNaN(COLS, rows, 0, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rows[3] column 'b' (index 1) is -Infinity");
    }
}
