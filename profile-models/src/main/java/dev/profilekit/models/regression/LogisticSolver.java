package dev.profilekit.models.regression;

/** The optimiser used by {@link LogisticRegression}. */
public enum LogisticSolver {
    /**
     * {@link #NEWTON} for up to {@value LogisticRegression#AUTO_NEWTON_MAX_FEATURES} features, {@link #LBFGS}
     * beyond, where forming and factorising the (d+1)^2 Hessian dominates.
     */
    AUTO,
    /** Newton's method with a Cholesky solve: O(n d^2 + d^3) per iteration, quadratic convergence. */
    NEWTON,
    /** Limited-memory BFGS (10 pairs): O(n d) per iteration, superlinear convergence, more iterations. */
    LBFGS
}
