package dev.profilekit.models.sequence;

/** The update rule of {@link Lstm} training. */
public enum LstmOptimizer {
    /**
     * Adam as {@code torch.optim.Adam} (no weight decay, no amsgrad): {@code m = b1 m + (1 - b1) g},
     * {@code v = b2 v + (1 - b2) g²}, {@code p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)} with
     * b1 = 0.9, b2 = 0.999, eps = 1e-8 and t counting steps from 1.
     */
    ADAM,
    /** Plain stochastic gradient descent, {@code p -= lr g} (no momentum, no weight decay). */
    SGD
}
