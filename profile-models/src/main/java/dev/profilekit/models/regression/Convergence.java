package dev.profilekit.models.regression;

/**
 * How an iterative batch fit ended.
 *
 * @param converged    whether the gradient norm reached the tolerance within the iteration cap
 * @param iterations   Newton iterations performed
 * @param gradientNorm Euclidean norm of the objective's gradient at the returned parameters
 * @param objective    value of the penalised objective at the returned parameters
 */
public record Convergence(boolean converged, int iterations, double gradientNorm, double objective) {
}
