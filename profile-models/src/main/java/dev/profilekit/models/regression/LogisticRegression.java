package dev.profilekit.models.regression;

import dev.profilekit.features.Checks;
import dev.profilekit.models.ModelInfo;
import dev.profilekit.models.optim.LineSearch;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batch binary logistic regression by Newton's method (iteratively reweighted least squares) with a
 * Cholesky solve of the Hessian (EJML) and the module's backtracking Armijo {@link LineSearch}, or by L-BFGS for many features
 * (see {@link LogisticSolver}).
 *
 * <p>Minimises {@code f(b, w) = sum_i c_{y_i} [log(1 + exp(z_i)) - y_i z_i] + (lambda / 2) ||w||^2} with
 * {@code z_i = b + w.x_i} and the intercept b not penalised. For {@code lambda > 0} f is strictly convex and
 * Newton's method converges quadratically from the start point (intercept at the weighted log-odds of the
 * labels, w = 0); see Nocedal &amp; Wright, <i>Numerical Optimization</i>, 2nd ed., ch. 3 (line search) and
 * Hastie, Tibshirani &amp; Friedman, <i>Elements of Statistical Learning</i>, sec. 4.4.1 (IRLS).
 *
 * <p>Cost per iteration: O(n d^2) to form the Hessian plus O(d^3) for the Cholesky factorisation; memory
 * O(d^2). This suits d up to a few hundred; the fit is exact (gradient norm at roundoff) rather than
 * approximate. L-BFGS costs O(n d) per iteration and O(10 d) memory and needs more iterations. A fit that stops at the iteration cap returns its last iterate with
 * {@link Convergence#converged()} false (and logs a warning); it does not fail.
 */
public final class LogisticRegression {

    private static final Logger LOG = LoggerFactory.getLogger(LogisticRegression.class);
    /** {@link LogisticSolver#AUTO} uses Newton up to this many features and L-BFGS beyond. */
    public static final int AUTO_NEWTON_MAX_FEATURES = 32;

    private LogisticRegression() {
    }

    /**
     * Fits with default feature names {@code x0..x{d-1}}.
     *
     * @see #fit(double[][], int[], List, LogisticOptions)
     */
    public static LogisticModel fit(double[][] x, int[] y, LogisticOptions options) {
        return fit(x, y, null, options);
    }

    /**
     * Fits a binary logistic regression.
     *
     * @param x            n x d finite feature matrix (not modified)
     * @param y            n labels, each 0 or 1, both present
     * @param featureNames d distinct names, or null for {@code x0..x{d-1}}
     * @param options      penalty, tolerance, iteration cap and class weights
     * @return the model, with its {@link Convergence} report
     * @throws IllegalArgumentException on a NaN/infinite value, ragged rows, mismatched lengths, labels other than
     *                                  0/1 or only one class
     */
    public static LogisticModel fit(double[][] x, int[] y, List<String> featureNames, LogisticOptions options) {
        Checks.requireNonNull(options, "options");
        int d = Inputs.requireMatrix(x, featureNames);
        int n = x.length;
        Inputs.requireBinaryLabels(y, n);
        List<String> names = Inputs.names(featureNames, d);

        LogisticSolver solver = options.solver();
        if (solver == LogisticSolver.AUTO) {
            solver = d <= AUTO_NEWTON_MAX_FEATURES ? LogisticSolver.NEWTON : LogisticSolver.LBFGS;
        }
        Convergence c;
        double[] theta;
        String algorithm;
        if (solver == LogisticSolver.NEWTON) {
            Newton newton = new Newton(x, y, options);
            c = newton.run();
            theta = newton.theta;
            algorithm = "logistic-regression/newton-cholesky";
        } else {
            double[] start = new double[d + 1];
            start[0] = startIntercept(y, options);
            LbfgsLogistic lbfgs = new LbfgsLogistic(x, y, options, start);
            c = lbfgs.run();
            theta = lbfgs.theta;
            algorithm = "logistic-regression/lbfgs";
        }
        if (!c.converged()) {
            LOG.warn("logistic regression ({}) did not converge in {} iterations: gradient norm {} > tolerance {}",
                    solver, c.iterations(), c.gradientNorm(), options.tolerance());
        }
        double[] w = new double[d];
        System.arraycopy(theta, 1, w, 0, d);
        ModelInfo info = ModelInfo.of(algorithm, options.asMap(), null, n, d);
        return new LogisticModel(theta[0], w, names, c, info);
    }

    /** The weighted log-odds of the labels: the optimal intercept when w = 0, a good start for both solvers. */
    static double startIntercept(int[] y, LogisticOptions options) {
        double w1 = 0;
        double w0 = 0;
        for (int label : y) {
            if (label == 1) {
                w1 += options.weight1();
            } else {
                w0 += options.weight0();
            }
        }
        return Math.log(w1 / w0);
    }

    /** Newton iteration state; theta[0] is the intercept, theta[1..d] the coefficients. */
    private static final class Newton {
        private final double[][] x;
        private final int[] y;
        private final LogisticOptions options;
        private final int p;
        final double[] theta;
        private final double[] gradient;
        private final DMatrixRMaj hessian;
        private final DMatrixRMaj rhs;
        private final DMatrixRMaj step;
        private final LineSearch search;

        Newton(double[][] x, int[] y, LogisticOptions options) {
            this.x = x;
            this.y = y;
            this.options = options;
            this.p = x[0].length + 1;
            this.theta = new double[p];
            this.gradient = new double[p];
            this.hessian = new DMatrixRMaj(p, p);
            this.rhs = new DMatrixRMaj(p, 1);
            this.step = new DMatrixRMaj(p, 1);
            this.search = new LineSearch(p);
            theta[0] = startIntercept(y, options);
        }

        Convergence run() {
            double f = objective(theta);
            int iteration = 0;
            while (true) {
                derivatives();
                double gNorm = norm(gradient);
                if (gNorm <= options.tolerance()) {
                    return new Convergence(true, iteration, gNorm, f);
                }
                if (iteration == options.maxIterations()) {
                    return new Convergence(false, iteration, gNorm, f);
                }
                iteration++;
                solveNewtonStep();
                double slope = 0; // directional derivative g.step, negative for a descent direction
                for (int k = 0; k < p; k++) {
                    slope += gradient[k] * step.data[k];
                }
                // Close to the optimum the decrease (~ -slope / 2) drops below the roundoff in f, so the Armijo
                // test becomes noise; there the full Newton step is taken as is (quadratic convergence).
                if (!search.search(theta, f, step.data, slope, this::objective, LineSearch.RoundoffRule.FULL_STEP)) {
                    // no sufficient decrease even for a tiny step: we are at the roundoff floor; report the current point
                    return new Convergence(gNorm <= options.tolerance(), iteration, gNorm, f);
                }
                System.arraycopy(search.point(), 0, theta, 0, p);
                f = search.value();
            }
        }

        /** The penalised objective at {@code t}. O(n d). */
        double objective(double[] t) {
            double sum = 0;
            for (int i = 0; i < x.length; i++) {
                double[] row = x[i];
                double z = t[0];
                for (int j = 0; j < row.length; j++) {
                    z += t[j + 1] * row[j];
                }
                // log(1 + exp(z)) - y z, computed without overflow
                double softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
                double loss = y[i] == 1 ? softplus - z : softplus;
                sum += (y[i] == 1 ? options.weight1() : options.weight0()) * loss;
            }
            double penalty = 0;
            for (int k = 1; k < p; k++) {
                penalty += t[k] * t[k];
            }
            return sum + 0.5 * options.lambda() * penalty;
        }

        /** Gradient and Hessian (upper triangle accumulated, then mirrored) at theta. O(n d^2). */
        void derivatives() {
            java.util.Arrays.fill(gradient, 0);
            double[] h = hessian.data;
            java.util.Arrays.fill(h, 0);
            for (int i = 0; i < x.length; i++) {
                double[] row = x[i];
                double z = theta[0];
                for (int j = 0; j < row.length; j++) {
                    z += theta[j + 1] * row[j];
                }
                double prob = LogisticModel.sigmoid(z);
                double c = y[i] == 1 ? options.weight1() : options.weight0();
                double r = c * (prob - y[i]);
                double s = c * prob * (1 - prob);
                gradient[0] += r;
                h[0] += s;
                for (int j = 0; j < row.length; j++) {
                    double sx = s * row[j];
                    gradient[j + 1] += r * row[j];
                    h[j + 1] += sx; // row 0
                    int base = (j + 1) * p;
                    for (int k = j; k < row.length; k++) {
                        h[base + k + 1] += sx * row[k];
                    }
                }
            }
            for (int k = 1; k < p; k++) {
                gradient[k] += options.lambda() * theta[k];
                h[k * p + k] += options.lambda();
            }
            for (int a = 0; a < p; a++) {
                for (int b = a + 1; b < p; b++) {
                    h[b * p + a] = h[a * p + b];
                }
            }
        }

        /** Solves H step = -g by Cholesky; when H is numerically singular (lambda = 0), adds a growing ridge. */
        void solveNewtonStep() {
            for (int k = 0; k < p; k++) {
                rhs.data[k] = -gradient[k];
            }
            double trace = 0;
            for (int k = 0; k < p; k++) {
                trace += hessian.data[k * p + k];
            }
            double damping = 0;
            DMatrixRMaj a = hessian.copy();
            for (int attempt = 0; attempt < 30; attempt++) {
                LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.chol(p);
                if (chol.setA(a)) {
                    chol.solve(rhs, step);
                    if (allFinite(step.data)) {
                        return;
                    }
                }
                damping = damping == 0 ? 1e-12 * Math.max(trace / p, 1e-300) : damping * 10;
                a = hessian.copy();
                for (int k = 0; k < p; k++) {
                    a.data[k * p + k] += damping;
                }
            }
            // Hessian unusable: fall back to steepest descent, which the line search can still use
            for (int k = 0; k < p; k++) {
                step.data[k] = -gradient[k];
            }
        }

        private static boolean allFinite(double[] v) {
            for (double e : v) {
                if (!Double.isFinite(e)) {
                    return false;
                }
            }
            return true;
        }

        private static double norm(double[] v) {
            double s = 0;
            for (double e : v) {
                s += e * e;
            }
            return Math.sqrt(s);
        }
    }
}
