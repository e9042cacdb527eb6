package dev.profilekit.features.transform;

import dev.profilekit.features.Checks;

/**
 * How many principal components {@link Pca#fit} keeps, and whether it whitens.
 * Build with {@link #components(int)}, {@link #varianceFraction(double)} or {@link #all()}, then
 * optionally {@link #whiten(boolean)}.
 *
 * @param mode             how the component count is chosen
 * @param components       the count for {@link Mode#COUNT} (>= 1); ignored (0) otherwise
 * @param varianceFraction the fraction in (0, 1) for {@link Mode#VARIANCE_FRACTION}; ignored (0) otherwise
 * @param whiten           whether transformed components are divided by the square root of their
 *                         explained variance (unit variance outputs)
 */
public record PcaOptions(Mode mode, int components, double varianceFraction, boolean whiten) {

    /** How the number of components is chosen. */
    public enum Mode {
        /** A fixed count, at most min(rows, columns). */
        COUNT,
        /**
         * The smallest count whose cumulative explained-variance ratio exceeds the fraction (scikit-learn's
         * rule for {@code 0 < n_components < 1}).
         */
        VARIANCE_FRACTION,
        /** All min(rows, columns) components. */
        ALL
    }

    /** Validates the combination. */
    public PcaOptions {
        Checks.requireNonNull(mode, "mode");
        switch (mode) {
            case COUNT:
                Checks.requireAtLeast(components, 1, "components");
                Checks.requireArgument(varianceFraction == 0,
                        "varianceFraction must be 0 when choosing by count, was %s", varianceFraction);
                break;
            case VARIANCE_FRACTION:
                Checks.requireArgument(varianceFraction > 0 && varianceFraction < 1,
                        "varianceFraction must be in (0, 1), was %s", varianceFraction);
                Checks.requireArgument(components == 0,
                        "components must be 0 when choosing by variance fraction, was %d", components);
                break;
            case ALL:
                Checks.requireArgument(components == 0 && varianceFraction == 0,
                        "components and varianceFraction must be 0 for ALL, were %d and %s", components, varianceFraction);
                break;
            default:
                throw new AssertionError(mode);
        }
    }

    /** Keep exactly {@code k} components (fails at fit time if k > min(rows, columns)). */
    public static PcaOptions components(int k) {
        return new PcaOptions(Mode.COUNT, k, 0, false);
    }

    /** Keep the fewest components whose cumulative explained-variance ratio exceeds {@code fraction}. */
    public static PcaOptions varianceFraction(double fraction) {
        return new PcaOptions(Mode.VARIANCE_FRACTION, 0, fraction, false);
    }

    /** Keep all min(rows, columns) components. */
    public static PcaOptions all() {
        return new PcaOptions(Mode.ALL, 0, 0, false);
    }

    /** A copy with whitening switched on or off. */
    public PcaOptions whiten(boolean on) {
        return new PcaOptions(mode, components, varianceFraction, on);
    }
}
