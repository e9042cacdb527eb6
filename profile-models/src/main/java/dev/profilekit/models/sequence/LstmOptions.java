package dev.profilekit.models.sequence;

import dev.profilekit.features.Checks;

/**
 * Options of {@link Lstm} training. Start from {@link #adam(int, double)} or {@link #sgd(int, double)} and change
 * what differs:
 *
 * <pre>{@code
 * LstmOptions.adam(16, 0.01).epochs(50).batchSize(256).clipNorm(1.0).validation(0.2, 5).seed(7)
 * }</pre>
 *
 * @param hiddenSize         H, the number of hidden units, >= 1
 * @param optimizer          the update rule
 * @param learningRate       step size, finite and > 0
 * @param epochs             the most passes over the training samples, >= 1
 * @param batchSize          samples per step, >= 1 ({@link Integer#MAX_VALUE}, see {@link #fullBatch()}, for the
 *                           whole training set every step); the loss of a step is the mean over its batch
 * @param clipNorm           gradients whose global L2 norm exceeds this are scaled down as
 *                           {@code torch.nn.utils.clip_grad_norm_} does ({@code g *= clipNorm / (norm + 1e-6)});
 *                           {@link Double#POSITIVE_INFINITY} (the default) for no clipping; otherwise finite, > 0
 * @param validationFraction share of the samples held out, taken from the end of the given order (so that, with
 *                           samples in time order, the most recent are held out), in [0, 1); 0 for none
 * @param patience           with a validation split, training stops after this many epochs without a lower
 *                           validation loss and the parameters of the best epoch are kept; >= 1
 * @param seed               seed of the initialisation and of the shuffling
 * @param shuffle            whether the training samples are shuffled (seeded) before every epoch
 */
public record LstmOptions(int hiddenSize, LstmOptimizer optimizer, double learningRate, int epochs, int batchSize,
                          double clipNorm, double validationFraction, int patience, long seed, boolean shuffle) {

    /** Default number of epochs. */
    public static final int DEFAULT_EPOCHS = 100;
    /** Default patience of early stopping. */
    public static final int DEFAULT_PATIENCE = 10;
    /** Default seed. */
    public static final long DEFAULT_SEED = 42L;

    /** Validates the options. */
    public LstmOptions {
        Checks.requireAtLeast(hiddenSize, 1, "hiddenSize");
        Checks.requireNonNull(optimizer, "optimizer");
        Checks.requirePositive(learningRate, "learningRate");
        Checks.requireAtLeast(epochs, 1, "epochs");
        Checks.requireAtLeast(batchSize, 1, "batchSize");
        Checks.requireArgument(clipNorm > 0 && !Double.isNaN(clipNorm),
                "clipNorm must be > 0 (or +Infinity for no clipping), was %s", clipNorm);
        Checks.requireArgument(validationFraction >= 0 && validationFraction < 1,
                "validationFraction must be in [0, 1), was %s", validationFraction);
        Checks.requireAtLeast(patience, 1, "patience");
    }

    /** Adam with learning rate {@code learningRate}; full batch, no clipping, no validation split, seed 42. */
    public static LstmOptions adam(int hiddenSize, double learningRate) {
        return new LstmOptions(hiddenSize, LstmOptimizer.ADAM, learningRate, DEFAULT_EPOCHS, Integer.MAX_VALUE,
                Double.POSITIVE_INFINITY, 0.0, DEFAULT_PATIENCE, DEFAULT_SEED, true);
    }

    /** Plain SGD with learning rate {@code learningRate}; otherwise as {@link #adam(int, double)}. */
    public static LstmOptions sgd(int hiddenSize, double learningRate) {
        return adam(hiddenSize, learningRate).optimizer(LstmOptimizer.SGD);
    }

    /** A copy with another optimizer. */
    public LstmOptions optimizer(LstmOptimizer optimizer) {
        return new LstmOptions(hiddenSize, optimizer, learningRate, epochs, batchSize, clipNorm, validationFraction,
                patience, seed, shuffle);
    }

    /** A copy with another learning rate. */
    public LstmOptions learningRate(double learningRate) {
        return new LstmOptions(hiddenSize, optimizer, learningRate, epochs, batchSize, clipNorm, validationFraction,
                patience, seed, shuffle);
    }

    /** A copy with another most number of epochs. */
    public LstmOptions epochs(int epochs) {
        return new LstmOptions(hiddenSize, optimizer, learningRate, epochs, batchSize, clipNorm, validationFraction,
                patience, seed, shuffle);
    }

    /** A copy with mini-batches of {@code batchSize} samples. */
    public LstmOptions batchSize(int batchSize) {
        return new LstmOptions(hiddenSize, optimizer, learningRate, epochs, batchSize, clipNorm, validationFraction,
                patience, seed, shuffle);
    }

    /** A copy that uses the whole training set every step. */
    public LstmOptions fullBatch() {
        return batchSize(Integer.MAX_VALUE);
    }

    /** A copy that clips gradients to global L2 norm {@code clipNorm} (+Infinity: no clipping). */
    public LstmOptions clipNorm(double clipNorm) {
        return new LstmOptions(hiddenSize, optimizer, learningRate, epochs, batchSize, clipNorm, validationFraction,
                patience, seed, shuffle);
    }

    /** A copy that holds out the last {@code fraction} of the samples and stops early after {@code patience}. */
    public LstmOptions validation(double fraction, int patience) {
        return new LstmOptions(hiddenSize, optimizer, learningRate, epochs, batchSize, clipNorm, fraction, patience,
                seed, shuffle);
    }

    /** A copy with another seed. */
    public LstmOptions seed(long seed) {
        return new LstmOptions(hiddenSize, optimizer, learningRate, epochs, batchSize, clipNorm, validationFraction,
                patience, seed, shuffle);
    }

    /** A copy that does or does not shuffle the training samples before each epoch. */
    public LstmOptions shuffle(boolean shuffle) {
        return new LstmOptions(hiddenSize, optimizer, learningRate, epochs, batchSize, clipNorm, validationFraction,
                patience, seed, shuffle);
    }

    /** Whether gradients are clipped. */
    public boolean clips() {
        return clipNorm != Double.POSITIVE_INFINITY;
    }
}
