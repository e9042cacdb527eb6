package dev.profilekit.core.live.propensity;

import java.util.Comparator;
import java.util.List;

/**
 * The propensity score of one profile taken apart: the logit the model computes is the intercept plus one term
 * per model input, {@code weight × transformed value}, where the transformed value is the pipeline's z-score of
 * the raw value ({@link dev.profilekit.core.live.VectorPipeline}). {@link #intercept()} plus the sum of the contributions equals
 * {@link #logit()} up to the rounding of the additions (the model adds them in column order, the list is sorted).
 *
 * @param version       the model version that was explained (the one that gave {@code scores.propensity})
 * @param intercept     the model's intercept
 * @param contributions one per model input (column), by decreasing absolute contribution, ties by input name
 * @param logit         the model's logit, {@code intercept + Σ weight × transformed}, summed in column order
 * @param score         the probability, {@code sigmoid(logit)}: exactly the score of the profile
 */
public record PropensityExplanation(long version, double intercept, List<Contribution> contributions, double logit,
                                    double score) {

    /**
     * One model input's term of the logit.
     *
     * @param input        the column: a feature (or part, {@code order_value.mean}), {@code feature=value} or
     *                     {@code feature=other} for a one-hot category, {@code feature#bucket} for a hashed one
     * @param feature      the declared input (feature or part) the column is read from
     * @param raw          the raw value: after the cap and the missing-value rule, 1/0 (±1 hashed) for an encoded
     *                     category, NaN for a missing value that the z-score imputes by the mean
     * @param transformed  the model input: the z-score of {@code raw} (0 for NaN)
     * @param weight       the model's coefficient of the column
     * @param contribution {@code weight × transformed}
     */
    public record Contribution(String input, String feature, double raw, double transformed, double weight,
                               double contribution) {
    }

    /** Decreasing absolute contribution, then input name. */
    static final Comparator<Contribution> ORDER = Comparator
            .comparingDouble((Contribution c) -> -Math.abs(c.contribution())).thenComparing(Contribution::input);

    /** Copies the list. */
    public PropensityExplanation {
        if (contributions == null) {
            throw new IllegalArgumentException("contributions must not be null");
        }
        contributions = List.copyOf(contributions);
    }

    /**
     * The {@code n} largest contributions by absolute value (all of them when {@code n} is at least their number).
     *
     * @throws IllegalArgumentException if {@code n < 0}
     */
    public List<Contribution> top(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, was " + n);
        }
        return contributions.subList(0, Math.min(n, contributions.size()));
    }
}
