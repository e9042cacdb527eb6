package dev.profilekit.models.timeseries;

import dev.profilekit.features.Checks;
import java.util.OptionalInt;

/**
 * The grid of {@link Arima#autoFit(double[], ArimaSearchOptions)}: every p in 0..maxP and q in 0..maxQ, with d
 * either given or chosen by the variance rule (see {@link Arima#chooseD(double[], int)}) among 0..maxD.
 *
 * @param maxP  largest p tried
 * @param maxQ  largest q tried
 * @param maxD  largest d the rule may choose (ignored when d is given)
 * @param d     the fixed number of differences, or empty to choose it
 */
public record ArimaSearchOptions(int maxP, int maxQ, int maxD, OptionalInt d) {

    /** Validates the grid. */
    public ArimaSearchOptions {
        Checks.requireArgument(maxP >= 0 && maxP <= ArimaOrder.MAX_LAG, "maxP must be in [0, %d], was %d",
                ArimaOrder.MAX_LAG, maxP);
        Checks.requireArgument(maxQ >= 0 && maxQ <= ArimaOrder.MAX_LAG, "maxQ must be in [0, %d], was %d",
                ArimaOrder.MAX_LAG, maxQ);
        Checks.requireArgument(maxD >= 0 && maxD <= ArimaOrder.MAX_D, "maxD must be in [0, %d], was %d",
                ArimaOrder.MAX_D, maxD);
        Checks.requireNonNull(d, "d");
        d.ifPresent(v -> Checks.requireArgument(v >= 0 && v <= ArimaOrder.MAX_D, "d must be in [0, %d], was %d",
                ArimaOrder.MAX_D, v));
    }

    /** p &lt;= maxP, q &lt;= maxQ, d chosen among 0..2. */
    public static ArimaSearchOptions upTo(int maxP, int maxQ) {
        return new ArimaSearchOptions(maxP, maxQ, 2, OptionalInt.empty());
    }

    /** A copy with d fixed. */
    public ArimaSearchOptions withD(int d) {
        return new ArimaSearchOptions(maxP, maxQ, maxD, OptionalInt.of(d));
    }
}
