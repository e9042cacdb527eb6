package dev.profilekit.models.sequence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.Checks;
import dev.profilekit.features.io.JsonCodec;
import dev.profilekit.models.ModelInfo;
import dev.profilekit.models.io.ModelInfoJson;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A single-layer LSTM regressor: the LSTM of {@code torch.nn.LSTM} (gates i, f, g, o stacked in {@code W_ih}
 * 4H x I, {@code W_hh} 4H x H, {@code b_ih}, {@code b_hh}; zero initial state) and a linear head
 * ({@code W_out} 1 x H, {@code b_out}) on the last hidden state. Immutable and thread-safe.
 *
 * <p>Made by {@link Lstm#fit} / {@link Lstm#train}, or from given weights by {@link #of}. A prediction costs
 * O(T · 4H · (I + H)) for a sequence of T steps.
 *
 * <p>JSON: {@code {"format":"profilekit.lstm","version":1,"inputSize":I,"hiddenSize":H,"W_ih":[[..]..],
 * "W_hh":[[..]..],"b_ih":[..],"b_hh":[..],"W_out":[[..]],"b_out":[..],"info":{..}}}; doubles are written so
 * that {@link #fromJson(String)} restores the parameters bit for bit.
 */
public final class LstmModel {

    static final String FORMAT = "profilekit.lstm";
    static final int VERSION = 1;

    private final int inputSize;
    private final int hidden;
    /** The flat parameters, layout of {@link LstmKernel}. */
    private final double[] params;
    /** W_ih and W_hh transposed, for the kernel's column-wise products. */
    private final double[] wIhT;
    private final double[] wHhT;
    private final ModelInfo info;

    /** Takes ownership of {@code params}, which must be finite and of the layout's length. */
    LstmModel(int inputSize, int hidden, double[] params, ModelInfo info) {
        Checks.requireAtLeast(inputSize, 1, "inputSize");
        Checks.requireAtLeast(hidden, 1, "hidden");
        int count = LstmKernel.parameterCount(inputSize, hidden);
        Checks.requireArgument(params.length == count, "params has %d values, I = %d, H = %d needs %d",
                params.length, inputSize, hidden, count);
        for (int i = 0; i < params.length; i++) {
            if (!Double.isFinite(params[i])) {
                throw new IllegalArgumentException("parameter " + i + " must be finite, was " + params[i]);
            }
        }
        this.inputSize = inputSize;
        this.hidden = hidden;
        this.params = params;
        this.wIhT = new double[4 * hidden * inputSize];
        this.wHhT = new double[4 * hidden * hidden];
        LstmKernel.transpose(params, inputSize, hidden, wIhT, wHhT);
        this.info = Checks.requireNonNull(info, "info");
    }

    /**
     * A model with the given weights, in {@code torch.nn.LSTM}'s shapes and gate order (i, f, g, o); I and H
     * are taken from {@code wIh}. Its {@link #info()} names the algorithm {@code "lstm/given"}.
     *
     * @throws IllegalArgumentException if a shape does not match or a value is not finite (the message names the
     *                                  argument and the index)
     */
    public static LstmModel of(double[][] wIh, double[][] wHh, double[] bIh, double[] bHh, double[][] wOut,
                               double[] bOut) {
        Checks.requireNonNull(wIh, "W_ih");
        Checks.requireArgument(wIh.length >= 4 && wIh.length % 4 == 0,
                "W_ih must have 4H rows (a positive multiple of 4), was %d", wIh.length);
        int h = wIh.length / 4;
        Checks.requireNonNull(wIh[0], "W_ih[0]");
        int in = wIh[0].length;
        Checks.requireArgument(in >= 1, "W_ih must have at least one column, was %d", in);
        double[] p = new double[LstmKernel.parameterCount(in, h)];
        SequenceInputs.matrix(wIh, "W_ih", 4 * h, in, p, LstmKernel.wIh());
        SequenceInputs.matrix(wHh, "W_hh", 4 * h, h, p, LstmKernel.wHh(in, h));
        SequenceInputs.vector(bIh, "b_ih", 4 * h, p, LstmKernel.bIh(in, h));
        SequenceInputs.vector(bHh, "b_hh", 4 * h, p, LstmKernel.bHh(in, h));
        SequenceInputs.matrix(wOut, "W_out", 1, h, p, LstmKernel.wOut(in, h));
        SequenceInputs.vector(bOut, "b_out", 1, p, LstmKernel.bOut(in, h));
        return new LstmModel(in, h, p, ModelInfo.of("lstm/given", Map.of(), null, 0, in));
    }

    /** I, the number of features per step. */
    public int inputSize() {
        return inputSize;
    }

    /** H, the number of hidden units. */
    public int hiddenSize() {
        return hidden;
    }

    /** The number of parameters, 4H(I + H) + 8H + H + 1. */
    public int parameterCount() {
        return params.length;
    }

    /** What made this model. */
    public ModelInfo info() {
        return info;
    }

    /** W_ih (4H x I), a copy. */
    public double[][] wIh() {
        return rows(LstmKernel.wIh(), 4 * hidden, inputSize);
    }

    /** W_hh (4H x H), a copy. */
    public double[][] wHh() {
        return rows(LstmKernel.wHh(inputSize, hidden), 4 * hidden, hidden);
    }

    /** b_ih (4H), a copy. */
    public double[] bIh() {
        int o = LstmKernel.bIh(inputSize, hidden);
        return Arrays.copyOfRange(params, o, o + 4 * hidden);
    }

    /** b_hh (4H), a copy. */
    public double[] bHh() {
        int o = LstmKernel.bHh(inputSize, hidden);
        return Arrays.copyOfRange(params, o, o + 4 * hidden);
    }

    /** W_out (1 x H), a copy. */
    public double[][] wOut() {
        return rows(LstmKernel.wOut(inputSize, hidden), 1, hidden);
    }

    /** b_out (1), a copy. */
    public double[] bOut() {
        int o = LstmKernel.bOut(inputSize, hidden);
        return new double[] {params[o]};
    }

    private double[][] rows(int offset, int r, int c) {
        return rowsOf(params, offset, r, c);
    }

    private static double[][] rowsOf(double[] p, int offset, int r, int c) {
        double[][] out = new double[r][];
        for (int i = 0; i < r; i++) {
            out[i] = Arrays.copyOfRange(p, offset + i * c, offset + (i + 1) * c);
        }
        return out;
    }

    /** The flat parameters (not a copy; callers in this package do not write them). */
    double[] parameters() {
        return params;
    }

    LstmModel withInfo(ModelInfo newInfo) {
        return new LstmModel(inputSize, hidden, params, newInfo);
    }

    // ---- prediction ----

    /**
     * The prediction for one sequence {@code seq} (T x I, oldest step first, any T >= 1).
     *
     * @throws IllegalArgumentException if {@code seq} is null, empty, has a step of another width than I, or a
     *                                  non-finite value
     */
    public double predict(double[][] seq) {
        double[] flat = SequenceInputs.sequence(seq, "seq", inputSize);
        return LstmKernel.predict(params, wIhT, wHhT, flat, 0, seq.length, inputSize, hidden,
                new double[workspaceSize()]);
    }

    /**
     * The predictions for a batch {@code x} (n x T x I).
     *
     * @throws IllegalArgumentException as {@link #forward(double[][][])}
     */
    public double[] predict(double[][][] x) {
        return forward(x).predictions();
    }

    /** Length of the workspace {@link #predict(double[], int, int, double[])} needs: 10H. */
    public int workspaceSize() {
        return LstmKernel.predictWorkspace(hidden);
    }

    /**
     * The prediction for the sequence of {@code steps} steps stored row-major in {@code seq} from {@code offset}
     * (step t, feature j at {@code seq[offset + t * I + j]}), using {@code workspace} (at least
     * {@link #workspaceSize()} doubles) and allocating nothing. Values are not checked for finiteness (a NaN input
     * gives a NaN prediction); for a checked call use {@link #predict(double[][])}.
     *
     * @throws IllegalArgumentException if {@code steps < 1}, the range lies outside {@code seq} or the workspace is
     *                                  too short
     */
    public double predict(double[] seq, int offset, int steps, double[] workspace) {
        Checks.requireNonNull(seq, "seq");
        Checks.requireNonNull(workspace, "workspace");
        Checks.requireAtLeast(steps, 1, "steps");
        Checks.requireArgument(offset >= 0 && (long) offset + (long) steps * inputSize <= seq.length,
                "seq[%d..%d) (steps = %d, I = %d) lies outside seq of length %d", offset,
                (long) offset + (long) steps * inputSize, steps, inputSize, seq.length);
        Checks.requireArgument(workspace.length >= workspaceSize(), "workspace must hold >= %d doubles (10H), was %d",
                workspaceSize(), workspace.length);
        return LstmKernel.predict(params, wIhT, wHhT, seq, offset, steps, inputSize, hidden, workspace);
    }

    /**
     * The forward pass over a batch: last hidden and cell states and predictions. O(n T 4H (I + H)).
     *
     * @throws IllegalArgumentException if {@code x} is null, empty, not rectangular, of another width than I, or
     *                                  holds a non-finite value (the message names the index)
     */
    public LstmForward forward(double[][][] x) {
        SequenceInputs.Flat f = SequenceInputs.batch(x, "x", inputSize);
        LstmKernel k = new LstmKernel(inputSize, hidden, f.steps());
        k.prepare(params);
        double[][] hLast = new double[f.n()][hidden];
        double[][] cLast = new double[f.n()][hidden];
        double[] pred = new double[f.n()];
        int stride = f.steps() * inputSize;
        for (int s = 0; s < f.n(); s++) {
            pred[s] = k.forward(params, f.data(), s * stride);
            k.lastHidden(hLast[s], 0);
            k.lastCell(cLast[s], 0);
        }
        return new LstmForward(hLast, cLast, pred);
    }

    /**
     * The mean squared error {@code (1/n) sum (prediction_b - y_b)²} on a batch.
     *
     * @throws IllegalArgumentException as {@link #gradient(double[][][], double[])}
     */
    public double loss(double[][][] x, double[] y) {
        SequenceInputs.Flat f = SequenceInputs.batch(x, "x", inputSize);
        double[] t = SequenceInputs.targets(y, "y", f.n());
        LstmKernel k = new LstmKernel(inputSize, hidden, f.steps());
        return k.lossAndGradient(params, f.data(), t, identity(f.n()), 0, f.n(), f.n(), null) / f.n();
    }

    /**
     * The mean squared error on a batch and its gradient with respect to every parameter, by backpropagation
     * through time. O(n T 4H (I + H)).
     *
     * @throws IllegalArgumentException if {@code x} is not a non-empty rectangular batch of width I with finite
     *                                  values, or {@code y} does not hold one finite target per sequence
     */
    public LstmGradient gradient(double[][][] x, double[] y) {
        SequenceInputs.Flat f = SequenceInputs.batch(x, "x", inputSize);
        double[] t = SequenceInputs.targets(y, "y", f.n());
        LstmKernel k = new LstmKernel(inputSize, hidden, f.steps());
        double[] g = new double[params.length];
        double loss = k.lossAndGradient(params, f.data(), t, identity(f.n()), 0, f.n(), f.n(), g) / f.n();
        int in = inputSize;
        int h = hidden;
        return new LstmGradient(loss, rowsOf(g, LstmKernel.wIh(), 4 * h, in),
                rowsOf(g, LstmKernel.wHh(in, h), 4 * h, h), rowsOf(g, LstmKernel.bIh(in, h), 1, 4 * h)[0],
                rowsOf(g, LstmKernel.bHh(in, h), 1, 4 * h)[0], rowsOf(g, LstmKernel.wOut(in, h), 1, h),
                rowsOf(g, LstmKernel.bOut(in, h), 1, 1)[0]);
    }

    static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    // ---- JSON ----

    /** The versioned JSON form; {@link #fromJson(String)} restores an equal model. */
    public String toJson() {
        ObjectNode root = JsonCodec.header(FORMAT, VERSION);
        root.put("inputSize", inputSize);
        root.put("hiddenSize", hidden);
        root.set("W_ih", JsonCodec.matrix(wIh()));
        root.set("W_hh", JsonCodec.matrix(wHh()));
        root.set("b_ih", JsonCodec.doubles(bIh()));
        root.set("b_hh", JsonCodec.doubles(bHh()));
        root.set("W_out", JsonCodec.matrix(wOut()));
        root.set("b_out", JsonCodec.doubles(bOut()));
        root.set("info", ModelInfoJson.write(info));
        return JsonCodec.write(root);
    }

    /**
     * Reads a model written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException if the text is not a {@code profilekit.lstm} version 1 object, a weight has
     *                                  the wrong shape for its {@code inputSize} and {@code hiddenSize}, or a
     *                                  weight is not finite
     */
    public static LstmModel fromJson(String json) {
        JsonNode root = JsonCodec.read(json, FORMAT, VERSION);
        int in = JsonCodec.readInt(root, "inputSize");
        int h = JsonCodec.readInt(root, "hiddenSize");
        Checks.requireArgument(in >= 1 && h >= 1, "inputSize and hiddenSize must be >= 1, were %d and %d", in, h);
        LstmModel given = of(JsonCodec.readMatrix(root, "W_ih"), JsonCodec.readMatrix(root, "W_hh"),
                JsonCodec.readDoubles(root, "b_ih"), JsonCodec.readDoubles(root, "b_hh"),
                JsonCodec.readMatrix(root, "W_out"), JsonCodec.readDoubles(root, "b_out"));
        Checks.requireArgument(given.inputSize == in && given.hidden == h,
                "weights have I = %d, H = %d, the document says inputSize = %d, hiddenSize = %d", given.inputSize,
                given.hidden, in, h);
        return given.withInfo(ModelInfoJson.read(root));
    }

    /** Equal when the shapes, every parameter (bit for bit) and the provenance are equal. */
    @Override
    public boolean equals(Object other) {
        return other instanceof LstmModel m && inputSize == m.inputSize && hidden == m.hidden
                && Arrays.equals(params, m.params) && info.equals(m.info);
    }

    @Override
    public int hashCode() {
        return Objects.hash(inputSize, hidden, Arrays.hashCode(params), info);
    }

    @Override
    public String toString() {
        return "LstmModel[I=" + inputSize + ", H=" + hidden + ", parameters=" + params.length + ", algorithm="
                + info.algorithm() + "]";
    }
}
