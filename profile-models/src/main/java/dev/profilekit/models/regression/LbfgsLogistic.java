package dev.profilekit.models.regression;

import dev.profilekit.models.optim.LineSearch;

/**
 * Limited-memory BFGS for the penalised logistic objective of {@link LogisticRegression} (Nocedal, "Updating
 * quasi-Newton matrices with limited storage", Math. Comp. 35, 1980; Nocedal &amp; Wright, <i>Numerical
 * Optimization</i>, 2nd ed., Algorithm 7.4 (two-loop recursion) with the module's Armijo backtracking {@link LineSearch}).
 *
 * <p>Each iteration costs one or a few O(n d) passes (value and gradient together) plus O(m d) for the
 * two-loop recursion with m = {@value #MEMORY} stored pairs. Pairs with non-positive curvature
 * {@code s.y <= 0} are skipped, which keeps the implicit inverse-Hessian approximation positive definite.
 */
final class LbfgsLogistic {

    static final int MEMORY = 10;

    private final double[][] x;
    private final int[] y;
    private final LogisticOptions options;
    private final int p;
    final double[] theta;
    /** The gradient norm at theta during the current line search (read by its roundoff rule). */
    private double gradientNorm;

    LbfgsLogistic(double[][] x, int[] y, LogisticOptions options, double[] start) {
        this.x = x;
        this.y = y;
        this.options = options;
        this.p = start.length;
        this.theta = start.clone();
    }

    Convergence run() {
        double[][] s = new double[MEMORY][p];
        double[][] yv = new double[MEMORY][p];
        double[] rho = new double[MEMORY];
        double[] alpha = new double[MEMORY];
        int stored = 0;
        int newest = -1;
        double[] g = new double[p];
        double[] direction = new double[p];
        double[] gTrial = new double[p];
        LineSearch search = new LineSearch(p);
        LineSearch.Objective objective = t -> valueAndGradient(t, gTrial);
        LineSearch.RoundoffRule roundoff = (t, value) -> norm(gTrial) < gradientNorm;
        double f = valueAndGradient(theta, g);
        int iteration = 0;
        while (true) {
            double gNorm = norm(g);
            if (gNorm <= options.tolerance()) {
                return new Convergence(true, iteration, gNorm, f);
            }
            if (iteration == options.maxIterations()) {
                return new Convergence(false, iteration, gNorm, f);
            }
            iteration++;

            // two-loop recursion: direction = -H g
            System.arraycopy(g, 0, direction, 0, p);
            for (int k = 0; k < stored; k++) {
                int i = Math.floorMod(newest - k, MEMORY);
                alpha[i] = rho[i] * dot(s[i], direction);
                axpy(-alpha[i], yv[i], direction);
            }
            double gamma = stored > 0 ? dot(s[newest], yv[newest]) / dot(yv[newest], yv[newest]) : 1.0 / gNorm;
            for (int j = 0; j < p; j++) {
                direction[j] *= gamma;
            }
            for (int k = stored - 1; k >= 0; k--) {
                int i = Math.floorMod(newest - k, MEMORY);
                double beta = rho[i] * dot(yv[i], direction);
                axpy(alpha[i] - beta, s[i], direction);
            }
            for (int j = 0; j < p; j++) {
                direction[j] = -direction[j];
            }
            double slope = dot(g, direction);
            if (!(slope < 0)) { // not a descent direction (numerical trouble): restart from steepest descent
                stored = 0;
                for (int j = 0; j < p; j++) {
                    direction[j] = -g[j] / gNorm;
                }
                slope = -gNorm;
            }
            // In the roundoff regime the change in f is noise; a step is accepted there if it reduces the gradient norm.
            gradientNorm = gNorm;
            if (!search.search(theta, f, direction, slope, objective, roundoff)) {
                return new Convergence(false, iteration, gNorm, f); // no progress possible at this precision
            }
            double[] trial = search.point(); // the objective's last call was here, so gTrial is its gradient
            double fTrial = search.value();
            double sy = 0;
            for (int j = 0; j < p; j++) {
                sy += (trial[j] - theta[j]) * (gTrial[j] - g[j]);
            }
            if (sy > 0) { // only then is the pair written: the slot may hold the oldest pair still in use
                int slot = (newest + 1) % MEMORY;
                for (int j = 0; j < p; j++) {
                    s[slot][j] = trial[j] - theta[j];
                    yv[slot][j] = gTrial[j] - g[j];
                }
                rho[slot] = 1 / sy;
                newest = slot;
                stored = Math.min(stored + 1, MEMORY);
            }
            System.arraycopy(trial, 0, theta, 0, p);
            System.arraycopy(gTrial, 0, g, 0, p);
            f = fTrial;
        }
    }

    /** The penalised objective at {@code t}, with its gradient written to {@code gradient}. O(n d). */
    double valueAndGradient(double[] t, double[] gradient) {
        java.util.Arrays.fill(gradient, 0);
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double[] row = x[i];
            double z = t[0];
            for (int j = 0; j < row.length; j++) {
                z += t[j + 1] * row[j];
            }
            double c = y[i] == 1 ? options.weight1() : options.weight0();
            double softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
            sum += c * (y[i] == 1 ? softplus - z : softplus);
            double r = c * (LogisticModel.sigmoid(z) - y[i]);
            gradient[0] += r;
            for (int j = 0; j < row.length; j++) {
                gradient[j + 1] += r * row[j];
            }
        }
        double penalty = 0;
        for (int k = 1; k < p; k++) {
            penalty += t[k] * t[k];
            gradient[k] += options.lambda() * t[k];
        }
        return sum + 0.5 * options.lambda() * penalty;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static double norm(double[] v) {
        return Math.sqrt(dot(v, v));
    }
}
