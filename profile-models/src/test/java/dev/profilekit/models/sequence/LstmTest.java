package dev.profilekit.models.sequence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LstmTest {

    /** Fixtures README, lstm: forward values and gradients within 1e-9 absolute + 1e-7 relative. */
    private static final double FORWARD_ABS_TOL = 1e-9;
    private static final double FORWARD_REL_TOL = 1e-7;
    /** Fixtures README, lstm: training losses and weights after training within 1e-8 absolute + 1e-6 relative. */
    private static final double TRAIN_ABS_TOL = 1e-8;
    private static final double TRAIN_REL_TOL = 1e-6;
    /** Hand-computed updates repeat the library's arithmetic up to the order of a few operations. */
    private static final double STEP_TOL = 1e-15;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    // ---- the PyTorch fixture ----

    private static JsonNode fixture() throws IOException {
        try (InputStream in = LstmTest.class.getResourceAsStream("/lstm-small.json")) {
            assertThat(in).as("lstm-small.json on the test classpath").isNotNull();
            return MAPPER.readTree(in);
        }
    }

    private static double[] vector(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).doubleValue();
        }
        return v;
    }

    private static double[][] matrix(JsonNode a) {
        double[][] m = new double[a.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = vector(a.get(i));
        }
        return m;
    }

    private static double[][][] batch(JsonNode a) {
        double[][][] x = new double[a.size()][][];
        for (int i = 0; i < x.length; i++) {
            x[i] = matrix(a.get(i));
        }
        return x;
    }

    private static LstmModel weights(JsonNode w) {
        return LstmModel.of(matrix(w.get("W_ih")), matrix(w.get("W_hh")), vector(w.get("b_ih")),
                vector(w.get("b_hh")), matrix(w.get("W_out")), vector(w.get("b_out")));
    }

    private static void assertClose(String what, double[] actual, double[] expected, double abs, double rel) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(Math.abs(actual[i] - expected[i])).as("%s[%d]: %s vs %s", what, i, actual[i], expected[i])
                    .isLessThanOrEqualTo(abs + rel * Math.abs(expected[i]));
        }
    }

    private static void assertClose(String what, double[][] actual, double[][] expected, double abs, double rel) {
        assertThat(actual.length).as(what + " rows").isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertClose(what + "[" + i + "]", actual[i], expected[i], abs, rel);
        }
    }

    @Test
    void forwardGradientAndAdamTrainingMatchPyTorch() throws IOException {
        JsonNode f = fixture();
        JsonNode e = f.get("expected");
        LstmModel model = weights(f.get("weights"));
        double[][][] x = batch(f.get("X"));
        double[] y = vector(f.get("y"));
        LstmForward fw = model.forward(x);
        assertClose("h_last", fw.hLast(), matrix(e.get("h_last")), FORWARD_ABS_TOL, FORWARD_REL_TOL);
        assertClose("c_last", fw.cLast(), matrix(e.get("c_last")), FORWARD_ABS_TOL, FORWARD_REL_TOL);
        assertClose("prediction", fw.predictions(), vector(e.get("prediction")), FORWARD_ABS_TOL, FORWARD_REL_TOL);
        LstmGradient g = model.gradient(x, y);
        assertClose("loss", new double[] {g.loss()}, new double[] {e.get("loss").doubleValue()}, FORWARD_ABS_TOL,
                FORWARD_REL_TOL);
        JsonNode eg = e.get("grad");
        assertClose("grad W_ih", g.wIh(), matrix(eg.get("W_ih")), FORWARD_ABS_TOL, FORWARD_REL_TOL);
        assertClose("grad W_hh", g.wHh(), matrix(eg.get("W_hh")), FORWARD_ABS_TOL, FORWARD_REL_TOL);
        assertClose("grad b_ih", g.bIh(), vector(eg.get("b_ih")), FORWARD_ABS_TOL, FORWARD_REL_TOL);
        assertClose("grad b_hh", g.bHh(), vector(eg.get("b_hh")), FORWARD_ABS_TOL, FORWARD_REL_TOL);
        assertClose("grad W_out", g.wOut(), matrix(eg.get("W_out")), FORWARD_ABS_TOL, FORWARD_REL_TOL);
        assertClose("grad b_out", g.bOut(), vector(eg.get("b_out")), FORWARD_ABS_TOL, FORWARD_REL_TOL);

        JsonNode train = f.get("train");
        LstmFit fit = Lstm.train(model, x, y, LstmOptions.adam(model.hiddenSize(), train.get("lr").doubleValue())
                .epochs(train.get("steps").intValue()).fullBatch());
        assertClose("train_losses", fit.trainLosses(), vector(e.get("train_losses")), TRAIN_ABS_TOL, TRAIN_REL_TOL);
        LstmModel after = weights(e.get("weights_after"));
        assertClose("W_ih after", fit.model().wIh(), after.wIh(), TRAIN_ABS_TOL, TRAIN_REL_TOL);
        assertClose("W_hh after", fit.model().wHh(), after.wHh(), TRAIN_ABS_TOL, TRAIN_REL_TOL);
        assertClose("b_ih after", fit.model().bIh(), after.bIh(), TRAIN_ABS_TOL, TRAIN_REL_TOL);
        assertClose("b_hh after", fit.model().bHh(), after.bHh(), TRAIN_ABS_TOL, TRAIN_REL_TOL);
        assertClose("W_out after", fit.model().wOut(), after.wOut(), TRAIN_ABS_TOL, TRAIN_REL_TOL);
        assertClose("b_out after", fit.model().bOut(), after.bOut(), TRAIN_ABS_TOL, TRAIN_REL_TOL);
        // training started from a copy: the given model is unchanged
        assertThat(model).isEqualTo(weights(f.get("weights")));
    }

    // ---- optimizer steps by hand ----

    private static final double[][][] TINY_X = {{{0.5}, {-1.0}}, {{2.0}, {0.25}}};
    private static final double[] TINY_Y = {1.0, -0.5};

    private static LstmModel tiny() {
        // I = 1, H = 1: W_ih 4x1, W_hh 4x1, biases of 4, W_out 1x1, b_out 1
        return LstmModel.of(new double[][] {{0.3}, {-0.2}, {0.5}, {0.1}}, new double[][] {{0.4}, {0.2}, {-0.3}, {0.6}},
                new double[] {0.05, -0.1, 0.2, 0.0}, new double[] {-0.05, 0.3, 0.1, -0.2}, new double[][] {{0.7}},
                new double[] {-0.1});
    }

    @Test
    void twoAdamStepsEqualTheReferenceFormulaComputedByHand() {
        LstmModel m0 = tiny();
        double lr = 0.1;
        double[] p = m0.parameters().clone();
        double[] m = new double[p.length];
        double[] v = new double[p.length];
        LstmModel current = m0;
        for (int t = 1; t <= 2; t++) {
            double[] g = LstmTestData.flat(current.gradient(TINY_X, TINY_Y));
            for (int i = 0; i < p.length; i++) {
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(0.9, t));
                double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
                p[i] -= lr * mHat / denom;
            }
            current = new LstmModel(1, 1, p.clone(), m0.info());
            if (t == 1) {
                // the first Adam step moves every parameter by lr * g / (|g| + 1e-8), about lr against its gradient
                for (int i = 0; i < p.length; i++) {
                    double step = m0.parameters()[i] - p[i];
                    assertThat(step).as("first step of parameter %d", i)
                            .isCloseTo(lr * g[i] / (Math.abs(g[i]) + 1e-8), org.assertj.core.api.Assertions.within(1e-12));
                }
            }
        }
        LstmFit fit = Lstm.train(m0, TINY_X, TINY_Y, LstmOptions.adam(1, lr).epochs(2).fullBatch());
        assertClose("parameters after two Adam steps", fit.model().parameters(), p, STEP_TOL, 0);
        assertThat(fit.trainLosses()).hasSize(2);
        assertThat(fit.trainLosses()[0]).isEqualTo(m0.loss(TINY_X, TINY_Y));
    }

    @Test
    void sgdStepIsLearningRateTimesGradient() {
        LstmModel m0 = tiny();
        double[] g = LstmTestData.flat(m0.gradient(TINY_X, TINY_Y));
        LstmFit fit = Lstm.train(m0, TINY_X, TINY_Y, LstmOptions.sgd(1, 0.05).epochs(1).fullBatch());
        double[] expected = m0.parameters().clone();
        for (int i = 0; i < expected.length; i++) {
            expected[i] -= 0.05 * g[i];
        }
        assertThat(fit.model().parameters()).containsExactly(expected);
    }

    @Test
    void clippingScalesTheGradientToTheMaximumNormAndLeavesSmallGradientsAlone() {
        LstmModel m0 = tiny();
        double[] g = LstmTestData.flat(m0.gradient(TINY_X, TINY_Y));
        double norm = LstmKernel.norm(g);
        assertThat(norm).isGreaterThan(0.1);
        double lr = 0.5;
        double maxNorm = norm / 10;
        LstmFit clipped = Lstm.train(m0, TINY_X, TINY_Y, LstmOptions.sgd(1, lr).epochs(1).fullBatch()
                .clipNorm(maxNorm));
        double[] step = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            step[i] = (m0.parameters()[i] - clipped.model().parameters()[i]) / lr;
            // same direction as the gradient, scaled by maxNorm / (norm + 1e-6) as torch's clip_grad_norm_
            assertThat(step[i]).isCloseTo(g[i] * maxNorm / (norm + 1e-6),
                    org.assertj.core.api.Assertions.within(1e-12));
        }
        assertThat(LstmKernel.norm(step)).isCloseTo(maxNorm, org.assertj.core.api.Assertions.within(1e-6));
        // a bound above the norm changes nothing
        LstmFit loose = Lstm.train(m0, TINY_X, TINY_Y, LstmOptions.sgd(1, lr).epochs(1).fullBatch()
                .clipNorm(norm * 2));
        LstmFit none = Lstm.train(m0, TINY_X, TINY_Y, LstmOptions.sgd(1, lr).epochs(1).fullBatch());
        assertThat(loose.model().parameters()).containsExactly(none.model().parameters());
        assertThat(clipped.model().info().options().get("clipNorm")).isEqualTo(maxNorm);
        assertThat(none.model().info().options().get("clipNorm")).isNull();
    }

    // ---- training ----

    /** Sequences whose target is the mean of their first feature: learnable from the inputs. */
    private static double[] meanTargets(double[][][] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double s = 0;
            for (double[] step : x[i]) {
                s += step[0];
            }
            y[i] = s / x[i].length;
        }
        return y;
    }

    private static double variance(double[] y) {
        double mean = 0;
        for (double v : y) {
            mean += v;
        }
        mean /= y.length;
        double s = 0;
        for (double v : y) {
            s += (v - mean) * (v - mean);
        }
        return s / y.length;
    }

    @Test
    void miniBatchAdamLearnsTheMeanOfASequenceAndIsReproducible() {
        SplittableRandom rng = new SplittableRandom(3);
        double[][][] x = LstmTestData.sequences(rng, 400, 6, 2, 1.0);
        double[] y = meanTargets(x);
        LstmOptions options = LstmOptions.adam(8, 0.01).epochs(60).batchSize(32).seed(11);
        LstmFit fit = Lstm.fit(x, y, options);
        double[][][] test = LstmTestData.sequences(rng, 200, 6, 2, 1.0);
        double[] testY = meanTargets(test);
        // a constant predictor has the variance as its MSE; the trained LSTM is far better on new sequences
        assertThat(fit.model().loss(test, testY)).isLessThan(0.05 * variance(testY));
        assertThat(fit.trainLosses()[fit.epochsRun() - 1]).isLessThan(fit.trainLosses()[0]);
        assertThat(fit.epochsRun()).isEqualTo(60);
        assertThat(fit.stoppedEarly()).isFalse();
        // same seed, same model bit for bit; another seed, another model
        assertThat(Lstm.fit(x, y, options).model()).isEqualTo(fit.model());
        assertThat(Lstm.fit(x, y, options.seed(12)).model().parameters()).isNotEqualTo(fit.model().parameters());
        // seeded initialisation: uniform within +-1/sqrt(H)
        LstmModel init = Lstm.fit(x, y, LstmOptions.sgd(8, 1e-300).epochs(1)).model();
        double bound = 1 / Math.sqrt(8);
        for (double v : init.parameters()) {
            assertThat(Math.abs(v)).isLessThanOrEqualTo(bound);
        }
        assertThat(fit.model().info().algorithm()).isEqualTo("lstm/adam");
        assertThat(fit.model().info().seed()).isEqualTo(11L);
        assertThat(fit.model().info().rows()).isEqualTo(400);
    }

    @Test
    void earlyStoppingKeepsTheBestValidationEpoch() {
        // training targets +1, validation (the last quarter) targets -1 on inputs of the same kind: moving towards
        // the training targets raises the validation loss, so training stops after `patience` worse epochs and
        // the model holds the parameters of the best validation epoch
        SplittableRandom rng = new SplittableRandom(5);
        double[][][] x = LstmTestData.sequences(rng, 40, 4, 1, 1.0);
        double[] y = new double[40];
        for (int i = 0; i < 40; i++) {
            y[i] = i < 30 ? 1.0 : -1.0;
        }
        int patience = 3;
        LstmFit fit = Lstm.fit(x, y, LstmOptions.adam(4, 0.05).epochs(200).validation(0.25, patience));
        assertThat(fit.stoppedEarly()).isTrue();
        assertThat(fit.epochsRun()).isEqualTo(fit.bestEpoch() + patience).isLessThan(200);
        double[] val = fit.validationLosses();
        assertThat(val).hasSize(fit.epochsRun());
        double best = val[fit.bestEpoch() - 1];
        for (int e = 0; e < val.length; e++) {
            assertThat(val[e]).as("validation loss of epoch %d", e + 1).isGreaterThanOrEqualTo(best);
        }
        for (int e = fit.bestEpoch(); e < val.length; e++) {
            assertThat(val[e]).isGreaterThanOrEqualTo(best);
        }
        double[][][] heldOut = java.util.Arrays.copyOfRange(x, 30, 40);
        double[] heldOutY = java.util.Arrays.copyOfRange(y, 30, 40);
        assertThat(fit.model().loss(heldOut, heldOutY)).isEqualTo(best);
        // without a validation split every epoch runs
        LstmFit all = Lstm.fit(x, y, LstmOptions.adam(4, 0.05).epochs(25));
        assertThat(all.epochsRun()).isEqualTo(25);
        assertThat(all.validationLosses()).isEmpty();
        assertThat(all.stoppedEarly()).isFalse();
        // with a patience longer than the run, it runs to the end and still keeps the best epoch
        LstmFit patient = Lstm.fit(x, y, LstmOptions.adam(4, 0.05).epochs(10).validation(0.25, 50));
        assertThat(patient.epochsRun()).isEqualTo(10);
        assertThat(patient.stoppedEarly()).isFalse();
        assertThat(patient.model().loss(heldOut, heldOutY)).isEqualTo(patient.validationLosses()[patient.bestEpoch() - 1]);
    }

    @Test
    void divergingTrainingFailsWithAMessage() {
        SplittableRandom rng = new SplittableRandom(9);
        double[][][] x = LstmTestData.sequences(rng, 10, 3, 1, 1.0);
        double[] y = LstmTestData.targets(rng, 10, 1e150);
        assertThatThrownBy(() -> Lstm.fit(x, y, LstmOptions.sgd(2, 1e10).epochs(50)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("diverged");
    }

    // ---- prediction ----

    @Test
    void everyPredictionPathGivesTheSameValue() {
        SplittableRandom rng = new SplittableRandom(21);
        LstmModel model = LstmTestData.model(rng, 3, 5, 0.7);
        double[][][] x = LstmTestData.sequences(rng, 7, 9, 3, 1.5);
        double[] batch = model.predict(x);
        double[] work = new double[model.workspaceSize()];
        double[] flat = new double[2 + 9 * 3];
        for (int s = 0; s < x.length; s++) {
            assertThat(model.predict(x[s])).isEqualTo(batch[s]);
            for (int t = 0; t < 9; t++) {
                System.arraycopy(x[s][t], 0, flat, 2 + t * 3, 3);
            }
            assertThat(model.predict(flat, 2, 9, work)).isEqualTo(batch[s]);
        }
        // a sequence of any length: the first step alone is a one-step sequence
        assertThat(model.predict(x[0][0], 0, 1, work)).isEqualTo(model.predict(new double[][] {x[0][0]}))
                .isNotEqualTo(batch[0]);
    }

    // ---- JSON ----

    @Test
    void jsonRoundTripIsBitExact() {
        SplittableRandom rng = new SplittableRandom(8);
        double[][][] x = LstmTestData.sequences(rng, 50, 5, 2, 1.0);
        double[] y = meanTargets(x);
        LstmModel model = Lstm.fit(x, y, LstmOptions.adam(6, 0.02).epochs(5).batchSize(16).clipNorm(1.0)
                .validation(0.2, 2)).model();
        String json = model.toJson();
        LstmModel back = LstmModel.fromJson(json);
        assertThat(back).isEqualTo(model);
        assertThat(back.toJson()).isEqualTo(json);
        assertThat(back.info()).isEqualTo(model.info());
        assertThat(back.predict(x)).containsExactly(model.predict(x));
        // a given model with subnormal, signed-zero and extreme weights keeps every bit
        LstmModel odd = LstmModel.of(new double[][] {{-0.0}, {Double.MIN_VALUE}, {1e300}, {-1e-300}},
                new double[][] {{0.1}, {0.2}, {0.3}, {1.0 / 3}}, new double[] {0, 0, 0, 0},
                new double[] {Math.PI, -Math.E, 1e-17, 5e-324}, new double[][] {{Math.nextUp(1.0)}},
                new double[] {-0.0});
        LstmModel oddBack = LstmModel.fromJson(odd.toJson());
        assertThat(oddBack).isEqualTo(odd);
        assertThat(Double.doubleToRawLongBits(oddBack.wIh()[0][0])).isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void malformedJsonFailsWithAMessage() {
        String json = tiny().toJson();
        assertThatThrownBy(() -> LstmModel.fromJson(json.replace("\"profilekit.lstm\"", "\"profilekit.arima\"")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("profilekit.lstm");
        assertThatThrownBy(() -> LstmModel.fromJson(json.replace("\"hiddenSize\":1", "\"hiddenSize\":2")))
                .hasMessageContaining("hiddenSize = 2");
        assertThatThrownBy(() -> LstmModel.fromJson(json.replace("\"b_out\":[-0.1]", "\"b_out\":[null]")))
                .hasMessageContaining("b_out[0] must be finite");
        assertThatThrownBy(() -> LstmModel.fromJson(json.replace("\"b_out\":[-0.1]", "\"b_out\":[-0.1,2]")))
                .hasMessageContaining("b_out must have 1 values, was 2");
    }

    // ---- arguments ----

    @Test
    void badArgumentsFailWithMessagesNamingTheArgumentAndIndex() {
        LstmModel m = tiny();
        double[][][] nan = {{{1.0}, {2.0}}, {{3.0}, {Double.NaN}}};
        assertThatThrownBy(() -> m.forward(nan)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("x[1][1][0] must be finite, was NaN");
        assertThatThrownBy(() -> m.loss(new double[][][] {{{1.0}, {2.0}}, {{3.0}}}, new double[] {1, 2}))
                .hasMessage("x[1] has 1 steps, x[0] has 2 (all sequences of a batch must have the same length)");
        assertThatThrownBy(() -> m.gradient(TINY_X, new double[] {1.0})).hasMessage("y has 1 values, x has 2 sequences");
        assertThatThrownBy(() -> m.gradient(TINY_X, new double[] {1.0, Double.POSITIVE_INFINITY}))
                .hasMessage("y[1] must be finite, was Infinity");
        assertThatThrownBy(() -> m.predict(new double[][] {{1.0, 2.0}})).hasMessage("seq[0] has 2 features, expected 1");
        assertThatThrownBy(() -> m.predict(new double[0][])).hasMessage("seq must have at least one step, was empty");
        assertThatThrownBy(() -> m.predict((double[][]) null)).hasMessage("seq must not be null");
        assertThatThrownBy(() -> m.forward(new double[0][][])).hasMessage("x must hold at least one sequence, was empty");
        assertThatThrownBy(() -> m.predict(new double[4], 2, 3, new double[10]))
                .hasMessageContaining("lies outside seq of length 4");
        assertThatThrownBy(() -> m.predict(new double[4], 0, 2, new double[9]))
                .hasMessage("workspace must hold >= 10 doubles (10H), was 9");
        assertThatThrownBy(() -> LstmModel.of(new double[][] {{1}, {2}, {3}}, null, null, null, null, null))
                .hasMessage("W_ih must have 4H rows (a positive multiple of 4), was 3");
        assertThatThrownBy(() -> LstmModel.of(new double[4][1], new double[4][2], new double[4], new double[4],
                new double[1][1], new double[1])).hasMessage("W_hh[0] must have 1 columns, was 2");
        assertThatThrownBy(() -> LstmModel.of(new double[4][1], new double[4][1], new double[3], new double[4],
                new double[1][1], new double[1])).hasMessage("b_ih must have 4 values, was 3");
        assertThatThrownBy(() -> LstmOptions.adam(0, 0.1)).hasMessage("hiddenSize must be >= 1, was 0");
        assertThatThrownBy(() -> LstmOptions.adam(4, -0.1)).hasMessage("learningRate must be finite and > 0, was -0.1");
        assertThatThrownBy(() -> LstmOptions.adam(4, 0.1).epochs(0)).hasMessage("epochs must be >= 1, was 0");
        assertThatThrownBy(() -> LstmOptions.adam(4, 0.1).batchSize(0)).hasMessage("batchSize must be >= 1, was 0");
        assertThatThrownBy(() -> LstmOptions.adam(4, 0.1).clipNorm(0))
                .hasMessage("clipNorm must be > 0 (or +Infinity for no clipping), was 0.0");
        assertThatThrownBy(() -> LstmOptions.adam(4, 0.1).validation(1.0, 3))
                .hasMessage("validationFraction must be in [0, 1), was 1.0");
        assertThatThrownBy(() -> LstmOptions.adam(4, 0.1).validation(0.5, 0)).hasMessage("patience must be >= 1, was 0");
        assertThatThrownBy(() -> Lstm.fit(TINY_X, TINY_Y, null)).hasMessage("options must not be null");
        assertThatThrownBy(() -> Lstm.fit(new double[][][] {{{1.0}}}, new double[] {1.0},
                LstmOptions.adam(2, 0.1).validation(0.5, 2)))
                .hasMessage("validationFraction 0.5 of 1 sequences leaves no training sequence");
        assertThatThrownBy(() -> Lstm.train(m, TINY_X, TINY_Y, LstmOptions.adam(2, 0.1)))
                .hasMessage("options.hiddenSize must equal the initial model's hidden size 1, was 2");
        assertThatThrownBy(() -> Lstm.train(m, new double[][][] {{{1.0, 2.0}}}, new double[] {1.0},
                LstmOptions.adam(1, 0.1))).hasMessage("x[0][0] has 2 features, expected 1");
    }

    // ---- allocation ----

    private static long allocatedBytes() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assertThat(bean).isInstanceOf(com.sun.management.ThreadMXBean.class);
        return ((com.sun.management.ThreadMXBean) bean).getCurrentThreadAllocatedBytes();
    }

    private static long bytesToTrain(double[][][] x, double[] y, int epochs) {
        long before = allocatedBytes();
        LstmFit fit = Lstm.fit(x, y, LstmOptions.adam(8, 0.01).epochs(epochs).batchSize(16).clipNorm(5.0));
        long bytes = allocatedBytes() - before;
        assertThat(fit.epochsRun()).isEqualTo(epochs);
        return bytes;
    }

    @Test
    void epochsAllocateNothing() {
        // 200 sequences in batches of 16: 13 steps per epoch. The set-up (flattened inputs, workspaces, the
        // result) is allocated once; 100 more epochs must not add more than their two per-epoch loss slots
        SplittableRandom rng = new SplittableRandom(4);
        double[][][] x = LstmTestData.sequences(rng, 200, 10, 2, 1.0);
        double[] y = meanTargets(x);
        bytesToTrain(x, y, 5); // class loading and the JIT's first compilations
        long few = bytesToTrain(x, y, 5);
        long many = bytesToTrain(x, y, 105);
        assertThat(many - few).as("bytes of 100 more epochs (1300 steps)").isLessThan(16 * 1024);
    }
}
