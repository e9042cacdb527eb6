package dev.profilekit.models.optim;

/**
 * Backtracking line search with the Armijo sufficient-decrease condition (Nocedal &amp; Wright, <i>Numerical
 * Optimization</i>, 2nd ed., 2006, Algorithm 3.1 and condition (3.4)): from the full step {@code t = 1} along a
 * descent direction {@code p} at {@code x}, halve t until
 * {@code f(x + t p) <= f(x) + c1 t g'p} with {@code c1 = }{@value #ARMIJO}, for at most {@value #MAX_HALVINGS}
 * halvings. The full step is tried first, so Newton and quasi-Newton methods keep their fast local convergence.
 * A trial value that is NaN or infinite never satisfies the condition, so the search backs off from points where
 * the objective cannot be evaluated. The one line search of the module's optimisers: BFGS for the ARIMA
 * likelihood, L-BFGS and Newton for logistic regression.
 *
 * <p><b>Roundoff regime.</b> Close to a minimum the predicted decrease {@code -t g'p} falls below the rounding
 * error of f, and the Armijo test compares noise. When {@code -g'p <= }{@value #ROUNDOFF_SLOPE}{@code (1 + |f|)}
 * a trial that fails the Armijo test is still accepted if the caller's {@link RoundoffRule} says so (Newton: the
 * full step, which converges quadratically there; L-BFGS: a step that reduces the gradient norm).
 *
 * <p>One instance per optimisation run, reused across iterations: {@link #search} allocates nothing and costs
 * one objective evaluation per trial plus O(dimension). Not thread-safe.
 */
public final class LineSearch {

    /** Sufficient-decrease constant c1 of the Armijo condition (Nocedal &amp; Wright's suggested 1e-4). */
    public static final double ARMIJO = 1e-4;
    /** Halvings of the step before the search gives up (61 trials in all, the last at t = 2^-60). */
    public static final int MAX_HALVINGS = 60;
    /** Relative size of the directional derivative below which the search is in the roundoff regime. */
    public static final double ROUNDOFF_SLOPE = 1e-10;

    /** The objective, evaluated at trial points; it may record side results (e.g. the gradient) of its last call. */
    @FunctionalInterface
    public interface Objective {
        /** f at {@code x} (must not modify x); NaN or infinite where it cannot be evaluated. */
        double value(double[] x);
    }

    /** What the search does with a trial that fails the Armijo test in the roundoff regime. */
    @FunctionalInterface
    public interface RoundoffRule {
        /** Armijo only: no trial is accepted without sufficient decrease. */
        RoundoffRule NONE = (trial, value) -> false;
        /** Take the first trial, the full step (Newton's method near its minimum). */
        RoundoffRule FULL_STEP = (trial, value) -> true;

        /** Whether to accept {@code trial}, whose objective value is {@code value}, although Armijo failed. */
        boolean accept(double[] trial, double value);
    }

    private final double[] trial;
    private double step;
    private double value;

    /**
     * A line search over {@code dimension} parameters.
     *
     * @throws IllegalArgumentException if dimension is negative
     */
    public LineSearch(int dimension) {
        if (dimension < 0) {
            throw new IllegalArgumentException("dimension must be >= 0, was " + dimension);
        }
        this.trial = new double[dimension];
    }

    /**
     * Searches along {@code direction} from {@code x}.
     *
     * @param x         the current point (not modified)
     * @param f         the objective at x (finite)
     * @param direction the search direction p (not modified)
     * @param slope     the directional derivative g'p at x, negative for a descent direction
     * @param objective evaluated at each trial point; when the search succeeds its last call was at the accepted
     *                  point
     * @param roundoff  what to do in the roundoff regime
     * @return whether a step was accepted; then {@link #point()}, {@link #value()} and {@link #step()} describe it
     * @throws IllegalArgumentException if the lengths of x and direction differ from the dimension
     */
    public boolean search(double[] x, double f, double[] direction, double slope, Objective objective,
                          RoundoffRule roundoff) {
        int m = trial.length;
        if (x.length != m || direction.length != m) {
            throw new IllegalArgumentException("x has " + x.length + " values and direction " + direction.length
                    + ", the line search was made for " + m);
        }
        boolean inRoundoff = -slope <= ROUNDOFF_SLOPE * (1 + Math.abs(f));
        double t = 1.0;
        for (int h = 0; h <= MAX_HALVINGS; h++) {
            for (int i = 0; i < m; i++) {
                trial[i] = x[i] + t * direction[i];
            }
            double ft = objective.value(trial);
            if (ft <= f + ARMIJO * t * slope || (inRoundoff && roundoff.accept(trial, ft))) {
                step = t;
                value = ft;
                return true;
            }
            t *= 0.5;
        }
        step = 0;
        value = f;
        return false;
    }

    /** The accepted point of the last successful search (a view that the next search overwrites). */
    public double[] point() {
        return trial;
    }

    /** The objective at the accepted point of the last successful search (f itself after a failed one). */
    public double value() {
        return value;
    }

    /** The accepted step length t of the last successful search, 0 after a failed one. */
    public double step() {
        return step;
    }
}
