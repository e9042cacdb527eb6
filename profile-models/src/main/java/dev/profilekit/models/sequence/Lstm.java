package dev.profilekit.models.sequence;

import dev.profilekit.features.Checks;
import dev.profilekit.models.ModelInfo;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a single-layer {@link LstmModel} regressor with mean squared error loss: full backpropagation through
 * time, {@link LstmOptimizer#ADAM} or {@link LstmOptimizer#SGD}, optional clipping by global norm, mini-batches
 * and early stopping on a validation split.
 *
 * <pre>{@code
 * LstmFit fit = Lstm.fit(x, y, LstmOptions.adam(16, 0.01).batchSize(256).validation(0.2, 5));
 * double next = fit.model().predict(lastWeeks);
 * }</pre>
 *
 * <p>Each step: the gradient of the batch's mean squared error at the current parameters, then (if set) clipping,
 * then the update of all parameters. One epoch is one pass over the training samples in batches of
 * {@link LstmOptions#batchSize()} (the last may be smaller), shuffled first with the seeded generator when
 * {@link LstmOptions#shuffle()}. The work of a step is O(B T 4H (I + H)); the workspaces (one sample's step
 * history, the gradient, Adam's moments, the best parameters) are allocated once, before the first epoch, and
 * the epochs allocate nothing.
 *
 * <p>Initialisation as PyTorch's defaults for {@code nn.LSTM} and an {@code nn.Linear(H, 1)} head: every
 * parameter uniform on [-1/√H, 1/√H), here from a {@link SplittableRandom} seeded by {@link LstmOptions#seed()}.
 */
public final class Lstm {

    private Lstm() {
    }

    /**
     * Trains a new model of {@code options.hiddenSize()} units on sequences {@code x} (n x T x I, oldest step first)
     * and targets {@code y} (n), from the seeded initialisation.
     *
     * @throws IllegalArgumentException if {@code x} is not a non-empty rectangular batch of finite values, {@code y}
     *                                  does not hold one finite target per sequence, options is null, or the
     *                                  validation split leaves no training or no validation sample
     * @throws IllegalStateException    if the loss becomes non-finite (the learning rate is too large)
     */
    public static LstmFit fit(double[][][] x, double[] y, LstmOptions options) {
        Checks.requireNonNull(options, "options");
        SequenceInputs.Flat f = SequenceInputs.batch(x, "x", 0);
        int in = f.inputSize();
        int h = options.hiddenSize();
        double[] p = new double[LstmKernel.parameterCount(in, h)];
        SplittableRandom rng = new SplittableRandom(options.seed());
        double bound = 1.0 / Math.sqrt(h);
        for (int i = 0; i < p.length; i++) {
            p[i] = -bound + 2.0 * bound * rng.nextDouble();
        }
        return run(p, in, f, SequenceInputs.targets(y, "y", f.n()), options, rng, "lstm/" + name(options));
    }

    /**
     * Trains starting from the parameters of {@code initial} (which is not changed); {@code options.hiddenSize()}
     * must equal its hidden size. With {@link LstmOptions#fullBatch()}, no validation and no clipping, epoch t is
     * exactly step t of {@code torch.optim.Adam} (or SGD) on the whole batch.
     *
     * @throws IllegalArgumentException as {@link #fit}, or if the sizes of {@code initial} and the data or options
     *                                  differ
     * @throws IllegalStateException    if the loss becomes non-finite
     */
    public static LstmFit train(LstmModel initial, double[][][] x, double[] y, LstmOptions options) {
        Checks.requireNonNull(initial, "initial");
        Checks.requireNonNull(options, "options");
        Checks.requireArgument(options.hiddenSize() == initial.hiddenSize(),
                "options.hiddenSize must equal the initial model's hidden size %d, was %d", initial.hiddenSize(),
                options.hiddenSize());
        SequenceInputs.Flat f = SequenceInputs.batch(x, "x", initial.inputSize());
        double[] p = initial.parameters().clone();
        return run(p, initial.inputSize(), f, SequenceInputs.targets(y, "y", f.n()), options,
                new SplittableRandom(options.seed()), "lstm/" + name(options));
    }

    private static String name(LstmOptions o) {
        return o.optimizer() == LstmOptimizer.ADAM ? "adam" : "sgd";
    }

    private static LstmFit run(double[] p, int in, SequenceInputs.Flat f, double[] y, LstmOptions o,
                               SplittableRandom rng, String algorithm) {
        int n = f.n();
        int nVal = 0;
        if (o.validationFraction() > 0) {
            nVal = Math.max(1, (int) Math.round(o.validationFraction() * n));
            Checks.requireArgument(nVal < n, "validationFraction %s of %d sequences leaves no training sequence",
                    o.validationFraction(), n);
        }
        int nTrain = n - nVal;
        int batch = Math.min(o.batchSize(), nTrain);
        int h = o.hiddenSize();
        LstmKernel kernel = new LstmKernel(in, h, f.steps());
        double[] x = f.data();
        int[] order = LstmModel.identity(n);
        double[] grad = new double[p.length];
        double[] m = o.optimizer() == LstmOptimizer.ADAM ? new double[p.length] : null;
        double[] v = o.optimizer() == LstmOptimizer.ADAM ? new double[p.length] : null;
        double[] best = nVal > 0 ? p.clone() : null;
        double[] trainLosses = new double[o.epochs()];
        double[] valLosses = new double[nVal > 0 ? o.epochs() : 0];
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        int sinceBest = 0;
        int step = 0;
        int epoch = 0;
        boolean stoppedEarly = false;
        while (epoch < o.epochs()) {
            if (o.shuffle() && batch < nTrain) {
                for (int i = nTrain - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
            }
            double sse = 0;
            for (int from = 0; from < nTrain; from += batch) {
                int to = Math.min(nTrain, from + batch);
                Arrays.fill(grad, 0.0);
                double batchSse = kernel.lossAndGradient(p, x, y, order, from, to, to - from, grad);
                if (!Double.isFinite(batchSse)) {
                    throw new IllegalStateException("LSTM training diverged in epoch " + (epoch + 1)
                            + ": the loss is " + batchSse + "; lower the learning rate or set clipNorm");
                }
                sse += batchSse;
                if (o.clips()) {
                    LstmKernel.clip(grad, o.clipNorm());
                }
                step++;
                if (m != null) {
                    LstmKernel.adam(p, grad, m, v, o.learningRate(), step);
                } else {
                    LstmKernel.sgd(p, grad, o.learningRate());
                }
            }
            trainLosses[epoch] = sse / nTrain;
            epoch++;
            if (nVal > 0) {
                double val = kernel.lossAndGradient(p, x, y, order, nTrain, n, nVal, null) / nVal;
                valLosses[epoch - 1] = val;
                if (val < bestLoss) {
                    bestLoss = val;
                    bestEpoch = epoch;
                    sinceBest = 0;
                    System.arraycopy(p, 0, best, 0, p.length);
                } else if (++sinceBest >= o.patience()) {
                    stoppedEarly = epoch < o.epochs();
                    break;
                }
            } else {
                bestEpoch = epoch;
            }
        }
        double[] finalParams = best != null ? best : p;
        for (double value : finalParams) {
            if (!Double.isFinite(value)) {
                throw new IllegalStateException("LSTM training diverged: a parameter is " + value
                        + "; lower the learning rate or set clipNorm");
            }
        }
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("hiddenSize", h);
        opts.put("optimizer", name(o));
        opts.put("learningRate", o.learningRate());
        opts.put("epochs", o.epochs());
        opts.put("batchSize", batch);
        opts.put("clipNorm", o.clips() ? o.clipNorm() : null);
        opts.put("validationFraction", o.validationFraction());
        opts.put("patience", o.patience());
        opts.put("shuffle", o.shuffle());
        opts.put("steps", f.steps());
        opts.put("epochsRun", epoch);
        opts.put("bestEpoch", bestEpoch);
        ModelInfo info = ModelInfo.of(algorithm, opts, o.seed(), n, in);
        LstmModel model = new LstmModel(in, h, finalParams, info);
        return new LstmFit(model, Arrays.copyOf(trainLosses, epoch), Arrays.copyOf(valLosses, nVal > 0 ? epoch : 0),
                bestEpoch, stoppedEarly);
    }
}
