package dev.profilekit.models.regression;

import java.util.Arrays;
import java.util.Objects;

/**
 * Classical inference quantities of an ordinary least squares fit, under the usual assumption of independent
 * homoscedastic errors: {@code sigma^2 = RSS / (n - d - 1)} and {@code Cov = sigma^2 (A^T A)^-1} with A the
 * design matrix including the intercept column (computed from the R factor of A's QR decomposition).
 *
 * @param degreesOfFreedom          residual degrees of freedom, n - d - 1
 * @param residualStandardError     sigma, in the units of y
 * @param interceptStandardError    standard error of the intercept
 * @param coefficientStandardErrors standard error of each coefficient, in feature order
 */
public record OlsStatistics(int degreesOfFreedom, double residualStandardError, double interceptStandardError,
                            double[] coefficientStandardErrors) {

    /** Copies the array. */
    public OlsStatistics {
        coefficientStandardErrors = coefficientStandardErrors.clone();
    }

    /** A copy of the coefficient standard errors. */
    @Override
    public double[] coefficientStandardErrors() {
        return coefficientStandardErrors.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OlsStatistics s && degreesOfFreedom == s.degreesOfFreedom
                && Double.compare(residualStandardError, s.residualStandardError) == 0
                && Double.compare(interceptStandardError, s.interceptStandardError) == 0
                && Arrays.equals(coefficientStandardErrors, s.coefficientStandardErrors);
    }

    @Override
    public int hashCode() {
        return Objects.hash(degreesOfFreedom, residualStandardError, interceptStandardError,
                Arrays.hashCode(coefficientStandardErrors));
    }

    @Override
    public String toString() {
        return "OlsStatistics{dof=" + degreesOfFreedom + ", sigma=" + residualStandardError + ", interceptSE="
                + interceptStandardError + ", coefficientSE=" + Arrays.toString(coefficientStandardErrors) + "}";
    }
}
