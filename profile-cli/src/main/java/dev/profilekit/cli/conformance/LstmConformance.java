package dev.profilekit.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.models.sequence.Lstm;
import dev.profilekit.models.sequence.LstmFit;
import dev.profilekit.models.sequence.LstmForward;
import dev.profilekit.models.sequence.LstmGradient;
import dev.profilekit.models.sequence.LstmModel;
import dev.profilekit.models.sequence.LstmOptions;

/**
 * The {@code lstm} fixture kind: a single-layer LSTM with a linear head on the last hidden state at the given
 * {@code weights}, its forward pass on {@code X}, the mean squared error against {@code y} and its gradient, then
 * {@code train.steps} full-batch Adam steps with learning rate {@code train.lr} (no clipping, no validation split).
 * Reads only {@code input_size}, {@code hidden_size}, {@code X}, {@code y}, {@code weights} and {@code train}.
 */
public final class LstmConformance {

    private static final String[] PARAMS = {"W_ih", "W_hh", "b_ih", "b_hh", "W_out", "b_out"};

    private LstmConformance() {
    }

    /**
     * Computes the LSTM results of a fixture.
     *
     * @return {@code h_last}, {@code c_last}, {@code prediction}, {@code loss}, {@code grad} (the six parameters),
     *         {@code train_losses} (the loss before each step) and {@code weights_after} (the six parameters)
     * @throws IllegalArgumentException if an input is missing or malformed, the sizes disagree with
     *                                  {@code input_size} / {@code hidden_size}, or the optimizer is not adam
     */
    public static ObjectNode run(JsonNode fixture) {
        int inputSize = FixtureInput.intField(fixture, "input_size");
        int hiddenSize = FixtureInput.intField(fixture, "hidden_size");
        double[][][] x = batch(FixtureInput.field(fixture, "X"));
        double[] y = FixtureInput.vector(fixture, "y");
        JsonNode w = FixtureInput.field(fixture, "weights");
        LstmModel model = LstmModel.of(FixtureInput.matrix(w, "W_ih"), FixtureInput.matrix(w, "W_hh"),
                FixtureInput.vector(w, "b_ih"), FixtureInput.vector(w, "b_hh"), FixtureInput.matrix(w, "W_out"),
                FixtureInput.vector(w, "b_out"));
        if (model.inputSize() != inputSize || model.hiddenSize() != hiddenSize) {
            throw new IllegalArgumentException("weights have input size " + model.inputSize() + " and hidden size "
                    + model.hiddenSize() + ", the fixture states input_size = " + inputSize + ", hidden_size = "
                    + hiddenSize);
        }
        JsonNode train = FixtureInput.field(fixture, "train");
        String optimizer = train.path("optimizer").asText("");
        if (!optimizer.equals("adam")) {
            throw new IllegalArgumentException("train.optimizer must be 'adam', was '" + optimizer + "'");
        }
        JsonNode lr = train.get("lr");
        if (lr == null || !lr.isNumber()) {
            throw new IllegalArgumentException("train.lr must be a number, was " + lr);
        }
        int steps = FixtureInput.intField(train, "steps");

        LstmForward forward = model.forward(x);
        LstmGradient gradient = model.gradient(x, y);
        LstmFit fit = Lstm.train(model, x, y, LstmOptions.adam(hiddenSize, lr.doubleValue()).epochs(steps)
                .fullBatch().shuffle(false));

        ObjectNode out = FixtureOutput.object();
        out.set("h_last", FixtureOutput.array(forward.hLast()));
        out.set("c_last", FixtureOutput.array(forward.cLast()));
        out.set("prediction", FixtureOutput.array(forward.predictions()));
        out.put("loss", gradient.loss());
        ObjectNode grad = out.putObject("grad");
        grad.set(PARAMS[0], FixtureOutput.array(gradient.wIh()));
        grad.set(PARAMS[1], FixtureOutput.array(gradient.wHh()));
        grad.set(PARAMS[2], FixtureOutput.array(gradient.bIh()));
        grad.set(PARAMS[3], FixtureOutput.array(gradient.bHh()));
        grad.set(PARAMS[4], FixtureOutput.array(gradient.wOut()));
        grad.set(PARAMS[5], FixtureOutput.array(gradient.bOut()));
        out.set("train_losses", FixtureOutput.array(fit.trainLosses()));
        LstmModel after = fit.model();
        ObjectNode weights = out.putObject("weights_after");
        weights.set(PARAMS[0], FixtureOutput.array(after.wIh()));
        weights.set(PARAMS[1], FixtureOutput.array(after.wHh()));
        weights.set(PARAMS[2], FixtureOutput.array(after.bIh()));
        weights.set(PARAMS[3], FixtureOutput.array(after.bHh()));
        weights.set(PARAMS[4], FixtureOutput.array(after.wOut()));
        weights.set(PARAMS[5], FixtureOutput.array(after.bOut()));
        return out;
    }

    /** X: batch x seq_len x I, each element a number; errors name the index. */
    private static double[][][] batch(JsonNode node) {
        if (!node.isArray() || node.isEmpty()) {
            throw new IllegalArgumentException("fixture field 'X' must be a non-empty array (batch x seq_len x "
                    + "input_size)");
        }
        double[][][] x = new double[node.size()][][];
        for (int b = 0; b < x.length; b++) {
            JsonNode seq = node.get(b);
            if (!seq.isArray()) {
                throw new IllegalArgumentException("fixture field 'X[" + b + "]' must be an array of steps");
            }
            x[b] = new double[seq.size()][];
            for (int t = 0; t < x[b].length; t++) {
                JsonNode step = seq.get(t);
                if (!step.isArray()) {
                    throw new IllegalArgumentException("fixture field 'X[" + b + "][" + t + "]' must be an array "
                            + "of numbers");
                }
                x[b][t] = new double[step.size()];
                for (int j = 0; j < x[b][t].length; j++) {
                    JsonNode v = step.get(j);
                    if (!v.isNumber()) {
                        throw new IllegalArgumentException("fixture value X[" + b + "][" + t + "][" + j
                                + "] must be a number, was " + v);
                    }
                    x[b][t][j] = v.doubleValue();
                }
            }
        }
        return x;
    }
}
