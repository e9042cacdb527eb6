package dev.profilekit.models.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogisticRegressionTest {

    /** The requirement on the batch solver. */
    private static final double GRADIENT_NORM_REQUIRED = 1e-8;
    /** Two exact minimisers of the same strictly convex objective agree to roundoff. */
    private static final double SAME_MINIMISER = 1e-8;

    private static final BreastCancerData DATA = BreastCancerData.load();
    private static final double[][] Z = BreastCancerData.standardise(DATA.x);

    @Test
    void batchFitIsAStationaryPointOfThePenalisedObjective() {
        LogisticModel model = LogisticRegression.fit(Z, DATA.y, DATA.names, LogisticOptions.l2(1.0));

        Convergence c = model.convergence().orElseThrow();
        assertThat(c.converged()).isTrue();
        assertThat(c.gradientNorm()).isLessThan(GRADIENT_NORM_REQUIRED);
        double[] g = BreastCancerData.gradient(Z, DATA.y, model.intercept(), model.coefficients(), 1.0, 1, 1);
        assertThat(BreastCancerData.norm(g)).isLessThan(GRADIENT_NORM_REQUIRED);
        assertThat(model.featureNames()).isEqualTo(DATA.names);
        assertThat(model.coefficient("worst_radius")).isEqualTo(model.coefficients()[20]);
        assertThat(model.info().algorithm()).isEqualTo("logistic-regression/newton-cholesky");
        assertThat(model.info().rows()).isEqualTo(569);
        assertThat(model.info().columns()).isEqualTo(30);
        assertThat(model.info().options()).containsEntry("lambda", 1.0);
    }

    @Test
    void lbfgsReachesTheSameMinimiserAsNewton() {
        LogisticOptions options = LogisticOptions.l2(1.0).classWeights(1, 1.7);
        LogisticModel newton = LogisticRegression.fit(Z, DATA.y, options.solver(LogisticSolver.NEWTON));
        LogisticModel lbfgs = LogisticRegression.fit(Z, DATA.y, options.solver(LogisticSolver.LBFGS));

        Convergence c = lbfgs.convergence().orElseThrow();
        assertThat(c.converged()).isTrue();
        assertThat(c.gradientNorm()).isLessThan(GRADIENT_NORM_REQUIRED);
        assertThat(lbfgs.info().algorithm()).isEqualTo("logistic-regression/lbfgs");
        assertThat(newton.info().algorithm()).isEqualTo("logistic-regression/newton-cholesky");
        double[] g = BreastCancerData.gradient(Z, DATA.y, lbfgs.intercept(), lbfgs.coefficients(), 1.0, 1, 1.7);
        assertThat(BreastCancerData.norm(g)).isLessThan(GRADIENT_NORM_REQUIRED);
        // strong convexity (Hessian >= lambda I = I on w) bounds the distance to the minimiser by the gradient norm
        assertThat(lbfgs.intercept()).isCloseTo(newton.intercept(), within(SAME_MINIMISER));
        for (int j = 0; j < 30; j++) {
            assertThat(lbfgs.coefficients()[j]).isCloseTo(newton.coefficients()[j], within(SAME_MINIMISER));
        }
    }

    @Test
    void autoPicksNewtonForFewFeaturesAndLbfgsForMany() {
        assertThat(LogisticRegression.fit(Z, DATA.y, LogisticOptions.l2(1.0)).info().algorithm())
                .isEqualTo("logistic-regression/newton-cholesky");
        int d = LogisticRegression.AUTO_NEWTON_MAX_FEATURES + 1;
        SplittableRandom random = new SplittableRandom(3);
        double[][] x = new double[300][d];
        int[] y = new int[300];
        for (int i = 0; i < 300; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = random.nextGaussian();
            }
            y[i] = x[i][0] + 0.5 * random.nextGaussian() > 0 ? 1 : 0;
        }
        LogisticModel model = LogisticRegression.fit(x, y, LogisticOptions.l2(1.0));
        assertThat(model.info().algorithm()).isEqualTo("logistic-regression/lbfgs");
        assertThat(model.convergence().orElseThrow().converged()).isTrue();
        double[] g = BreastCancerData.gradient(x, y, model.intercept(), model.coefficients(), 1.0, 1, 1);
        assertThat(BreastCancerData.norm(g)).isLessThan(GRADIENT_NORM_REQUIRED);
    }

    @Test
    void classWeightIsTheSameAsDuplicatingRows() {
        double[][] x = Arrays.copyOf(Z, 200);
        int[] y = Arrays.copyOf(DATA.y, 200);
        int ones = (int) Arrays.stream(y).filter(v -> v == 1).count();
        double[][] dup = Arrays.copyOf(x, x.length + ones);
        int[] dupY = Arrays.copyOf(y, y.length + ones);
        int k = x.length;
        for (int i = 0; i < x.length; i++) {
            if (y[i] == 1) {
                dup[k] = x[i];
                dupY[k++] = 1;
            }
        }
        LogisticModel weighted = LogisticRegression.fit(x, y, LogisticOptions.l2(0.5).classWeights(1, 2));
        LogisticModel duplicated = LogisticRegression.fit(dup, dupY, LogisticOptions.l2(0.5));

        assertThat(weighted.intercept()).isCloseTo(duplicated.intercept(), within(SAME_MINIMISER));
        for (int j = 0; j < 30; j++) {
            assertThat(weighted.coefficients()[j]).isCloseTo(duplicated.coefficients()[j], within(SAME_MINIMISER));
        }
        double[] g = BreastCancerData.gradient(x, y, weighted.intercept(), weighted.coefficients(), 0.5, 1, 2);
        assertThat(BreastCancerData.norm(g)).isLessThan(GRADIENT_NORM_REQUIRED);
    }

    @Test
    void unpenalisedFitOnOverlappingClassesIsTheMaximumLikelihoodEstimate() {
        // y drawn from a known logistic model: the MLE has zero gradient of the plain log-likelihood
        SplittableRandom random = new SplittableRandom(11);
        int n = 2000;
        double[][] x = new double[n][2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = random.nextDouble(-2, 2);
            x[i][1] = random.nextDouble(-2, 2);
            double p = 1 / (1 + Math.exp(-(0.5 + 1.5 * x[i][0] - x[i][1])));
            y[i] = random.nextDouble() < p ? 1 : 0;
        }
        LogisticModel model = LogisticRegression.fit(x, y, LogisticOptions.l2(0.0));
        double[] g = BreastCancerData.gradient(x, y, model.intercept(), model.coefficients(), 0.0, 1, 1);
        assertThat(BreastCancerData.norm(g)).isLessThan(GRADIENT_NORM_REQUIRED);
        // and it lands near the generating parameters (2000 rows: standard errors about 0.1)
        assertThat(model.intercept()).isCloseTo(0.5, within(0.3));
        assertThat(model.coefficients()[0]).isCloseTo(1.5, within(0.3));
        assertThat(model.coefficients()[1]).isCloseTo(-1.0, within(0.3));
    }

    @Test
    void aFitStoppedByTheIterationCapSaysItDidNotConverge() {
        for (LogisticSolver solver : LogisticSolver.values()) {
            LogisticModel model = LogisticRegression.fit(Z, DATA.y, LogisticOptions.l2(1.0).maxIterations(1).solver(solver));
            Convergence c = model.convergence().orElseThrow();
            assertThat(c.converged()).isFalse();
            assertThat(c.iterations()).isEqualTo(1);
            assertThat(c.gradientNorm()).isGreaterThan(LogisticOptions.DEFAULT_TOLERANCE);
        }
    }

    @Test
    void predictionsAreTheLogisticOfTheLinearPredictor() {
        LogisticModel model = LogisticRegression.fit(Z, DATA.y, LogisticOptions.l2(1.0));
        double[] w = model.coefficients();
        for (int i = 0; i < 20; i++) {
            double z = model.intercept();
            for (int j = 0; j < w.length; j++) {
                z += w[j] * Z[i][j];
            }
            double p = 1 / (1 + Math.exp(-z));
            assertThat(model.predictProbability(Z[i])).isCloseTo(p, within(1e-15));
            assertThat(model.predict(Z[i])).isEqualTo(p >= 0.5 ? 1 : 0);
        }
        assertThat(LogisticModel.sigmoid(-800)).isEqualTo(0.0);
        assertThat(LogisticModel.sigmoid(800)).isEqualTo(1.0);
        assertThat(model.predict(new double[][] {Z[0], Z[1]}, 0.0)).containsExactly(1, 1);
    }

    @Test
    void jsonRoundTripIsExact() {
        LogisticModel model = LogisticRegression.fit(Z, DATA.y, DATA.names, LogisticOptions.l2(0.3).classWeights(1, 1.5));
        String json = model.toJson();
        LogisticModel back = LogisticModel.fromJson(json);

        assertThat(back).isEqualTo(model);
        assertThat(back.toJson()).isEqualTo(json);
        for (int j = 0; j < 30; j++) {
            assertThat(Double.doubleToRawLongBits(back.coefficients()[j]))
                    .isEqualTo(Double.doubleToRawLongBits(model.coefficients()[j]));
        }
        assertThat(json).startsWith("{\"format\":\"profilekit.logistic-model\",\"version\":1");
    }

    @Test
    void jsonOfAnotherFormatOrVersionIsRejected() {
        String json = LogisticRegression.fit(Z, DATA.y, LogisticOptions.l2(1.0)).toJson();
        assertThatThrownBy(() -> LogisticModel.fromJson(json.replace("\"version\":1", "\"version\":2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 2");
        assertThatThrownBy(() -> LogisticModel.fromJson(json.replace("logistic-model", "linear-model")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format must be 'profilekit.logistic-model', was 'profilekit.linear-model'");
        assertThatThrownBy(() -> LogisticModel.fromJson("{not json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void badTrainingInputIsNamed() {
        double[][] x = {{1, 2}, {3, 4}, {5, 6}, {7, 8}};
        int[] y = {0, 1, 0, 1};
        LogisticOptions o = LogisticOptions.l2(1.0);

        double[][] nan = {{1, 2}, {3, 4}, {5, Double.NaN}, {7, 8}};
        assertThatThrownBy(() -> LogisticRegression.fit(nan, y, List.of("age", "spend"), o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("column 'spend' (index 1) row 2 is NaN");
        assertThatThrownBy(() -> LogisticRegression.fit(x, new int[] {1, 1, 1, 1}, o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only one class").hasMessageContaining("all 4 labels are 1");
        assertThatThrownBy(() -> LogisticRegression.fit(x, new int[] {0, 1, 0}, o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("y has 3 labels but x has 4 rows");
        assertThatThrownBy(() -> LogisticRegression.fit(x, new int[] {0, 1, 2, 1}, o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("y labels must be 0 or 1, was 2 at row 2");
        assertThatThrownBy(() -> LogisticRegression.fit(new double[][] {{1, 2}, {3}}, new int[] {0, 1}, o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("x row 1 has 1 columns, row 0 has 2");
        assertThatThrownBy(() -> LogisticOptions.l2(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("lambda must be finite and >= 0, was -1.0");
    }

    @Test
    void badPredictionInputIsNamed() {
        LogisticModel model = LogisticRegression.fit(new double[][] {{0, 1}, {1, 0}, {1, 1}, {0, 0}},
                new int[] {0, 1, 1, 0}, List.of("a", "b"), LogisticOptions.l2(1.0));
        assertThatThrownBy(() -> model.predictProbability(new double[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("x has 3 columns, model expects 2");
        assertThatThrownBy(() -> model.predictProbability(new double[] {Double.NaN, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("x column 'a' (index 0) is NaN");
        assertThatThrownBy(() -> model.coefficient("c"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no feature named 'c'; features are [a, b]");
    }
}
