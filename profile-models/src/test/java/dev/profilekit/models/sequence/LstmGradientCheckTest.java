package dev.profilekit.models.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.models.ModelInfo;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The backpropagated gradient against central finite differences of the loss, on random shapes, data and weights.
 * With step 1e-5 the central difference has truncation error O(1e-10) and rounding error O(1e-16 / 1e-5), so
 * agreement to 1e-6 relative (1e-8 absolute) fails for any wrong term of the backward pass.
 */
class LstmGradientCheckTest {

    private static final double STEP = 1e-5;
    private static final double REL_TOL = 1e-6;
    private static final double ABS_TOL = 1e-8;

    @Property(tries = 60)
    void gradientEqualsCentralDifferencesOnRandomShapes(@ForAll @IntRange(min = 1, max = 3) int inputSize,
                                                         @ForAll @IntRange(min = 1, max = 5) int hidden,
                                                         @ForAll @IntRange(min = 1, max = 6) int steps,
                                                         @ForAll @IntRange(min = 1, max = 4) int n,
                                                         @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][][] x = LstmTestData.sequences(rng, n, steps, inputSize, 2.0);
        double[] y = LstmTestData.targets(rng, n, 2.0);
        LstmModel model = LstmTestData.model(rng, inputSize, hidden, 0.8);
        LstmGradient g = model.gradient(x, y);
        assertThat(g.loss()).isEqualTo(model.loss(x, y));
        double[] analytic = LstmTestData.flat(g);
        double[] p = model.parameters();
        ModelInfo info = model.info();
        for (int i = 0; i < p.length; i++) {
            double[] plus = p.clone();
            plus[i] += STEP;
            double[] minus = p.clone();
            minus[i] -= STEP;
            double lp = new LstmModel(inputSize, hidden, plus, info).loss(x, y);
            double lm = new LstmModel(inputSize, hidden, minus, info).loss(x, y);
            double numeric = (lp - lm) / (2 * STEP);
            double bound = ABS_TOL + REL_TOL * Math.max(Math.abs(numeric), Math.abs(analytic[i]));
            assertThat(Math.abs(analytic[i] - numeric))
                    .as("parameter %d of %d (I=%d, H=%d, T=%d, n=%d): backprop %s, central difference %s", i,
                            p.length, inputSize, hidden, steps, n, analytic[i], numeric)
                    .isLessThanOrEqualTo(bound);
        }
    }
}
