package dev.profilekit.models.regression;

import dev.profilekit.features.Checks;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of batch {@link LogisticRegression}: the objective is
 * {@code sum_i c_{y_i} * logloss_i + (lambda / 2) * ||w||^2} with the intercept not penalised, where
 * {@code c_0, c_1} are the class weights. {@code lambda = 1} with unit class weights reproduces
 * scikit-learn's {@code LogisticRegression(C=1)}; in general {@code lambda = 1 / C}.
 *
 * <p>Example: {@code LogisticOptions.l2(1.0).tolerance(1e-10).classWeights(1, 3).solver(LogisticSolver.LBFGS)}.
 *
 * @param lambda        L2 penalty strength, {@code >= 0} (0 is unpenalised maximum likelihood, which diverges on
 *                      separable data and is then reported as not converged)
 * @param tolerance     convergence threshold on the Euclidean norm of the objective's gradient (which is a sum
 *                      over rows, so it scales with n), {@code > 0}
 * @param maxIterations cap on solver iterations, {@code >= 1}
 * @param weight0       weight of every class-0 row, {@code > 0}
 * @param weight1       weight of every class-1 row, {@code > 0}
 * @param solver        the optimiser ({@link LogisticSolver#AUTO} by default)
 */
public record LogisticOptions(double lambda, double tolerance, int maxIterations, double weight0, double weight1,
                              LogisticSolver solver) {

    /** Default gradient-norm tolerance. */
    public static final double DEFAULT_TOLERANCE = 1e-8;
    /**
     * Default iteration cap: Newton's method typically needs 5-15 iterations, L-BFGS tens to hundreds on
     * ill-conditioned data.
     */
    public static final int DEFAULT_MAX_ITERATIONS = 1000;

    /** Validates every option. */
    public LogisticOptions {
        Checks.requireArgument(lambda >= 0 && Double.isFinite(lambda), "lambda must be finite and >= 0, was %s", lambda);
        Checks.requirePositive(tolerance, "tolerance");
        Checks.requireAtLeast(maxIterations, 1, "maxIterations");
        Checks.requirePositive(weight0, "weight0");
        Checks.requirePositive(weight1, "weight1");
        Checks.requireNonNull(solver, "solver");
    }

    /** L2-penalised logistic regression with strength {@code lambda} and default tolerance, cap and unit weights. */
    public static LogisticOptions l2(double lambda) {
        return new LogisticOptions(lambda, DEFAULT_TOLERANCE, DEFAULT_MAX_ITERATIONS, 1.0, 1.0, LogisticSolver.AUTO);
    }

    /** A copy with gradient-norm tolerance {@code t}. */
    public LogisticOptions tolerance(double t) {
        return new LogisticOptions(lambda, t, maxIterations, weight0, weight1, solver);
    }

    /** A copy with iteration cap {@code m}. */
    public LogisticOptions maxIterations(int m) {
        return new LogisticOptions(lambda, tolerance, m, weight0, weight1, solver);
    }

    /** A copy with class weights {@code w0} (class 0) and {@code w1} (class 1). */
    public LogisticOptions classWeights(double w0, double w1) {
        return new LogisticOptions(lambda, tolerance, maxIterations, w0, w1, solver);
    }

    /** A copy using optimiser {@code s}. */
    public LogisticOptions solver(LogisticSolver s) {
        return new LogisticOptions(lambda, tolerance, maxIterations, weight0, weight1, s);
    }

    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lambda", lambda);
        m.put("tolerance", tolerance);
        m.put("maxIterations", maxIterations);
        m.put("weight0", weight0);
        m.put("weight1", weight1);
        m.put("solver", solver.name());
        return m;
    }
}
