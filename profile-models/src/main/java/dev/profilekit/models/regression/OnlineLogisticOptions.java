package dev.profilekit.models.regression;

import dev.profilekit.features.Checks;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of {@link OnlineLogisticRegression} (per-coordinate AdaGrad SGD).
 *
 * <p>Each example contributes {@code logloss_i + (l2 / 2) ||w||^2}; to target the batch objective of
 * {@link LogisticOptions#l2(double)} with strength {@code lambda} over n examples, use {@code l2 = lambda / n}.
 *
 * <p>Example: {@code OnlineLogisticOptions.learningRate(0.1).l2(1.0 / 569)}.
 *
 * @param learningRate        AdaGrad base step eta, {@code > 0}
 * @param l2                  per-example L2 strength, {@code >= 0} (intercept not penalised)
 * @param initialAccumulator  starting value of every squared-gradient accumulator, {@code > 0}; it bounds the
 *                            first steps ({@code eta * |g| / sqrt(initialAccumulator + g^2)})
 */
public record OnlineLogisticOptions(double learningRate, double l2, double initialAccumulator) {

    /** Default starting value of the AdaGrad accumulators. */
    public static final double DEFAULT_INITIAL_ACCUMULATOR = 1e-6;

    /** Validates every option. */
    public OnlineLogisticOptions {
        Checks.requirePositive(learningRate, "learningRate");
        Checks.requireArgument(l2 >= 0 && Double.isFinite(l2), "l2 must be finite and >= 0, was %s", l2);
        Checks.requirePositive(initialAccumulator, "initialAccumulator");
    }

    /** AdaGrad with base step {@code eta}, no penalty and the default accumulator start. */
    public static OnlineLogisticOptions learningRate(double eta) {
        return new OnlineLogisticOptions(eta, 0.0, DEFAULT_INITIAL_ACCUMULATOR);
    }

    /** A copy with per-example L2 strength {@code l2}. */
    public OnlineLogisticOptions l2(double strength) {
        return new OnlineLogisticOptions(learningRate, strength, initialAccumulator);
    }

    /** A copy with accumulator start {@code a}. */
    public OnlineLogisticOptions initialAccumulator(double a) {
        return new OnlineLogisticOptions(learningRate, l2, a);
    }

    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("learningRate", learningRate);
        m.put("l2", l2);
        m.put("initialAccumulator", initialAccumulator);
        return m;
    }
}
