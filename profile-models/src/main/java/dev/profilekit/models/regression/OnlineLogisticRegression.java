package dev.profilekit.models.regression;

import dev.profilekit.features.Checks;
import dev.profilekit.models.ModelInfo;
import java.util.List;

/**
 * An online (one example at a time) binary logistic regression learner: stochastic gradient descent with
 * per-coordinate AdaGrad step sizes (Duchi, Hazan &amp; Singer, "Adaptive Subgradient Methods for Online
 * Learning and Stochastic Optimization", JMLR 12, 2011; McMahan et al., "Ad Click Prediction: a View from the
 * Trenches", KDD 2013, sec. 4).
 *
 * <p>For each example, with {@code p = sigmoid(b + w.x)} and weight c, the gradient of
 * {@code c * logloss + (l2 / 2) ||w||^2} is {@code g_j = c (p - y) x_j + l2 w_j} (and {@code c (p - y)} for the
 * intercept); each coordinate accumulates {@code G_j += g_j^2} and steps {@code -eta g_j / sqrt(G_j)}.
 *
 * <p>This class is mutable and not thread-safe (confine it to one thread or guard it externally).
 * {@link #learn(double[], int)} and {@link #predictProbability(double[])} cost O(d) and allocate nothing;
 * {@link #snapshot()} copies the state into an immutable {@link LogisticModel}. A learner can be warm-started
 * from a batch model with {@link #warmStart(LogisticModel, OnlineLogisticOptions)}.
 */
public final class OnlineLogisticRegression {

    private static final String ALGORITHM = "logistic-regression/adagrad-sgd";

    private final OnlineLogisticOptions options;
    private final List<String> featureNames;
    private final double[] w;
    private final double[] accumulator;
    private double intercept;
    private double interceptAccumulator;
    private long examples;

    private OnlineLogisticRegression(double intercept, double[] w, List<String> featureNames,
                                     OnlineLogisticOptions options) {
        this.options = Checks.requireNonNull(options, "options");
        this.featureNames = featureNames;
        this.w = w;
        this.intercept = intercept;
        this.accumulator = new double[w.length];
        java.util.Arrays.fill(accumulator, options.initialAccumulator());
        this.interceptAccumulator = options.initialAccumulator();
    }

    /**
     * A learner for {@code dimension} features starting at zero, with feature names {@code x0..}.
     *
     * @throws IllegalArgumentException if {@code dimension < 1}
     */
    public static OnlineLogisticRegression create(int dimension, OnlineLogisticOptions options) {
        Checks.requireAtLeast(dimension, 1, "dimension");
        return new OnlineLogisticRegression(0.0, new double[dimension], Inputs.defaultNames(dimension), options);
    }

    /** A learner for the named features starting at zero. */
    public static OnlineLogisticRegression create(List<String> featureNames, OnlineLogisticOptions options) {
        Checks.requireNonNull(featureNames, "featureNames");
        Checks.requireAtLeast(featureNames.size(), 1, "number of features");
        return new OnlineLogisticRegression(0.0, new double[featureNames.size()],
                Inputs.names(featureNames, featureNames.size()), options);
    }

    /**
     * A learner starting at a trained model's parameters (e.g. a nightly batch fit), with fresh accumulators.
     */
    public static OnlineLogisticRegression warmStart(LogisticModel model, OnlineLogisticOptions options) {
        Checks.requireNonNull(model, "model");
        return new OnlineLogisticRegression(model.intercept(), model.coefficients(), model.featureNames(), options);
    }

    /** Learns one example with unit weight. O(d), no allocation. */
    public void learn(double[] x, int y) {
        learn(x, y, 1.0);
    }

    /**
     * Learns one example.
     *
     * @param x      d finite feature values (not retained)
     * @param y      label 0 or 1
     * @param weight example weight, finite and {@code > 0} (e.g. a class weight)
     * @throws IllegalArgumentException on a wrong length, non-finite value, label other than 0/1 or bad weight;
     *                                  the state is left unchanged
     */
    public void learn(double[] x, int y, double weight) {
        if (y != 0 && y != 1) {
            throw new IllegalArgumentException("y must be 0 or 1, was " + y);
        }
        if (!(weight > 0) || weight == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("weight must be finite and > 0, was " + weight);
        }
        double p = predictProbability(x); // validates x
        double r = weight * (p - y);
        double l2 = options.l2();
        double eta = options.learningRate();
        for (int j = 0; j < w.length; j++) {
            double g = r * x[j] + l2 * w[j];
            double acc = accumulator[j] + g * g;
            accumulator[j] = acc;
            w[j] -= eta * g / Math.sqrt(acc);
        }
        interceptAccumulator += r * r;
        intercept -= eta * r / Math.sqrt(interceptAccumulator);
        examples++;
    }

    /**
     * P(y = 1 | x) under the current parameters. O(d), no allocation.
     *
     * @throws IllegalArgumentException on a wrong length or a non-finite value
     */
    public double predictProbability(double[] x) {
        Inputs.requireRow(x, w.length);
        double z = intercept;
        for (int j = 0; j < w.length; j++) {
            z += w[j] * x[j];
        }
        if (!Double.isFinite(z)) {
            throw Inputs.nonFinite(x, featureNames);
        }
        return LogisticModel.sigmoid(z);
    }

    /** Number of examples learned since creation. */
    public long examplesSeen() {
        return examples;
    }

    /** Number of features d. */
    public int dimension() {
        return w.length;
    }

    /**
     * An immutable copy of the current parameters. Its {@link ModelInfo} records the options, rows = examples
     * seen (capped at {@link Integer#MAX_VALUE}) and no convergence report. O(d).
     */
    public LogisticModel snapshot() {
        int rows = (int) Math.min(examples, Integer.MAX_VALUE);
        ModelInfo info = ModelInfo.of(ALGORITHM, options.asMap(), null, rows, w.length);
        return new LogisticModel(intercept, w, featureNames, null, info);
    }

    /** Writes the learner's state (weights, AdaGrad accumulators, example count) for a snapshot. */
    public void writeState(dev.profilekit.features.codec.ByteWriter out) {
        out.varInt(w.length);
        for (int i = 0; i < w.length; i++) {
            out.f64(w[i]).f64(accumulator[i]);
        }
        out.f64(intercept).f64(interceptAccumulator).varLong(examples);
    }

    /**
     * Replaces the state with one {@link #writeState} wrote on a learner of the same dimension and options.
     *
     * @throws dev.profilekit.features.codec.StateFormatException if the dimension differs
     */
    public void readState(dev.profilekit.features.codec.ByteReader in) {
        int d = in.varInt(Integer.MAX_VALUE);
        if (d != w.length) {
            throw in.error("online logistic state of dimension " + d + ", this learner has " + w.length);
        }
        double[] nw = new double[d];
        double[] na = new double[d];
        for (int i = 0; i < d; i++) {
            nw[i] = in.f64();
            na[i] = in.f64();
        }
        double b = in.f64();
        double ba = in.f64();
        long n = in.varLong();
        System.arraycopy(nw, 0, w, 0, d);
        System.arraycopy(na, 0, accumulator, 0, d);
        intercept = b;
        interceptAccumulator = ba;
        examples = n;
    }
}
