package dev.profilekit.models.timeseries;

import dev.profilekit.models.optim.LineSearch;
import java.util.function.ToDoubleFunction;

/**
 * A small BFGS quasi-Newton minimiser (Nocedal and Wright 2006, algorithm 6.1) with a given gradient or central-difference
 * gradients and the module's backtracking Armijo {@link LineSearch}, for the handful of smooth parameters of an ARMA
 * likelihood. An objective value that is not finite is treated as +infinity, so the line search backs off
 * from it.
 */
final class Bfgs {

    /** Gradient sup-norm below which the minimum is taken as found. */
    static final double GRADIENT_TOLERANCE = 1e-7;
    /** Relative decrease of the objective below which two iterations in a row count as converged. */
    static final double VALUE_TOLERANCE = 1e-14;

    private Bfgs() {
    }

    record Result(double[] x, double value, int iterations, boolean converged) {
    }

    /** The gradient of the objective at a point where it is finite. */
    @FunctionalInterface
    interface Gradient {
        /** The gradient at {@code x}, where the objective is {@code fx} (finite); x must not be modified. */
        double[] at(double[] x, double fx);
    }

    /** Minimises with central-difference gradients ({@link #gradient}). */
    static Result minimize(ToDoubleFunction<double[]> objective, double[] start, int maxIterations) {
        return minimize(objective, (x, fx) -> gradient(objective, x, fx), start, maxIterations);
    }

    /** Minimises with the given gradient (analytic where one is known: one pass instead of 2m evaluations). */
    static Result minimize(ToDoubleFunction<double[]> objective, Gradient gradient, double[] start, int maxIterations) {
        int m = start.length;
        double[] x = start.clone();
        double f = eval(objective, x);
        if (m == 0) {
            return new Result(x, f, 0, Double.isFinite(f));
        }
        if (!Double.isFinite(f)) {
            return new Result(x, f, 0, false);
        }
        double[] g = gradient.at(x, f);
        double[][] h = identity(m);
        LineSearch search = new LineSearch(m);
        LineSearch.Objective f1 = objective::applyAsDouble;
        boolean firstStep = true;
        int smallDecreases = 0;
        int iter = 0;
        boolean converged = false;
        while (iter < maxIterations) {
            if (normInf(g) < GRADIENT_TOLERANCE) {
                converged = true;
                break;
            }
            iter++;
            double[] dir = new double[m];
            for (int i = 0; i < m; i++) {
                double s = 0;
                for (int j = 0; j < m; j++) {
                    s -= h[i][j] * g[j];
                }
                dir[i] = s;
            }
            double slope = dot(g, dir);
            if (!(slope < 0)) {
                h = identity(m);
                for (int i = 0; i < m; i++) {
                    dir[i] = -g[i];
                }
                slope = dot(g, dir);
            }
            if (!search.search(x, f, dir, slope, f1, LineSearch.RoundoffRule.NONE)) {
                if (!isIdentity(h)) {
                    h = identity(m); // the quasi-Newton direction was poor; retry along the gradient
                    firstStep = true;
                    continue;
                }
                // no decrease along the gradient: at a minimum to the precision of the numerical gradient
                converged = normInf(g) < 1e-4;
                break;
            }
            double[] xn = search.point().clone();
            double fn = search.value();
            double[] gn = gradient.at(xn, fn);
            double[] s = new double[m];
            double[] y = new double[m];
            for (int i = 0; i < m; i++) {
                s[i] = xn[i] - x[i];
                y[i] = gn[i] - g[i];
            }
            double sy = dot(s, y);
            if (sy > 1e-16) {
                if (firstStep) {
                    double scale = sy / dot(y, y);
                    for (int i = 0; i < m; i++) {
                        h[i][i] = scale;
                    }
                    firstStep = false;
                }
                update(h, s, y, sy);
            }
            double decrease = f - fn;
            x = xn;
            g = gn;
            double prev = f;
            f = fn;
            smallDecreases = decrease <= VALUE_TOLERANCE * Math.max(1.0, Math.abs(prev)) ? smallDecreases + 1 : 0;
            if (smallDecreases >= 2) {
                converged = normInf(g) < 1e-4;
                break;
            }
        }
        return new Result(x, f, iter, converged);
    }

    private static double eval(ToDoubleFunction<double[]> objective, double[] x) {
        double v = objective.applyAsDouble(x);
        return Double.isFinite(v) ? v : Double.POSITIVE_INFINITY;
    }

    static double[] gradient(ToDoubleFunction<double[]> objective, double[] x, double fx) {
        int m = x.length;
        double[] g = new double[m];
        double[] xp = x.clone();
        for (int i = 0; i < m; i++) {
            double h = 1e-6 * Math.max(1.0, Math.abs(x[i]));
            xp[i] = x[i] + h;
            double fp = eval(objective, xp);
            xp[i] = x[i] - h;
            double fm = eval(objective, xp);
            xp[i] = x[i];
            if (Double.isFinite(fp) && Double.isFinite(fm)) {
                g[i] = (fp - fm) / (2 * h);
            } else if (Double.isFinite(fp)) {
                g[i] = (fp - fx) / h;
            } else if (Double.isFinite(fm)) {
                g[i] = (fx - fm) / h;
            }
        }
        return g;
    }

    private static void update(double[][] h, double[] s, double[] y, double sy) {
        int m = s.length;
        double rho = 1.0 / sy;
        double[] hy = new double[m];
        for (int i = 0; i < m; i++) {
            double v = 0;
            for (int j = 0; j < m; j++) {
                v += h[i][j] * y[j];
            }
            hy[i] = v;
        }
        double yhy = dot(y, hy);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                h[i][j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
            }
        }
    }

    private static double[][] identity(int m) {
        double[][] h = new double[m][m];
        for (int i = 0; i < m; i++) {
            h[i][i] = 1.0;
        }
        return h;
    }

    private static boolean isIdentity(double[][] h) {
        for (int i = 0; i < h.length; i++) {
            for (int j = 0; j < h.length; j++) {
                if (h[i][j] != (i == j ? 1.0 : 0.0)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double normInf(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
