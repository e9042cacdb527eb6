package dev.profilekit.models.recommend;

import dev.profilekit.features.Checks;
import dev.profilekit.models.ModelInfo;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Implicit-feedback matrix factorisation by alternating least squares: Hu, Koren and Volinsky, "Collaborative
 * Filtering for Implicit Feedback Datasets", ICDM 2008. Preferences {@code p_ui = 1} where a weight
 * {@code r_ui > 0} was observed and 0 elsewhere, with confidence {@code c_ui = 1 + alpha r_ui}; the loss
 * {@code Σ_ui c_ui (p_ui - x_uᵀ y_i)² + λ (Σ ‖x_u‖² + Σ ‖y_i‖²)} is minimised by alternating exact solves.
 *
 * <p>Each user's solve is {@code x_u = (YᵀY + Yᵀ(C_u - I)Y + λI)⁻¹ Yᵀ C_u p_u}; {@code YᵀY} is computed once per
 * half-step and {@code Yᵀ(C_u - I)Y} touches only the user's observed items (the paper's speed-up), so a sweep costs
 * {@code O(f² nnz + f³ (users + items))}. The f×f systems are symmetric positive definite and solved by Cholesky
 * (EJML). Items mirror users.
 */
public final class ImplicitAls {

    private ImplicitAls() {
    }

    /**
     * Fits the factors.
     *
     * @throws IllegalArgumentException if {@code data} has no interactions or an argument is null
     */
    public static ImplicitAlsModel fit(Interactions data, ImplicitAlsOptions options) {
        Checks.requireNonNull(data, "data");
        Checks.requireNonNull(options, "options");
        Checks.requireArgument(data.size() > 0, "data must have at least one interaction, was empty");
        int f = options.factors();
        SplittableRandom rnd = new SplittableRandom(options.seed());
        double[][] y = new double[data.items()][f];
        double scale = 0.1 / Math.sqrt(f);
        for (double[] row : y) {
            for (int c = 0; c < f; c++) {
                row[c] = scale * (2 * rnd.nextDouble() - 1);
            }
        }
        double[][] x = new double[data.users()][f];
        for (int it = 0; it < options.iterations(); it++) {
            x = userStep(data, y, options);
            y = itemStep(data, x, options);
        }
        ModelInfo info = ModelInfo.of("implicit-als", options.asMap(), options.seed(), data.users(), data.items());
        return new ImplicitAlsModel(data.users.clone(), data.items.clone(), x, y, info);
    }

    /**
     * The user half-step: every user's factors that minimise the loss for fixed item factors {@code itemFactors}
     * (rows in item index order).
     *
     * @throws IllegalArgumentException if {@code itemFactors} does not have one row of {@code options.factors()}
     *                                  columns per item
     */
    public static double[][] userStep(Interactions data, double[][] itemFactors, ImplicitAlsOptions options) {
        checkFactors(itemFactors, data.items(), options.factors(), "itemFactors");
        return halfStep(data.users(), data.userStart, data.userItems, data.userWeights, itemFactors, options);
    }

    /** The item half-step: every item's factors for fixed user factors; see {@link #userStep}. */
    public static double[][] itemStep(Interactions data, double[][] userFactors, ImplicitAlsOptions options) {
        checkFactors(userFactors, data.users(), options.factors(), "userFactors");
        return halfStep(data.items(), data.itemStart, data.itemUsers, data.itemWeights, userFactors, options);
    }

    private static void checkFactors(double[][] m, int rows, int f, String name) {
        Checks.requireNonNull(m, name);
        Checks.requireArgument(m.length == rows, "%s must have %d rows, was %d", name, rows, m.length);
        for (int r = 0; r < rows; r++) {
            Checks.requireArgument(m[r] != null && m[r].length == f, "%s[%d] must have %d columns, was %s", name, r, f,
                    m[r] == null ? "null" : m[r].length);
        }
    }

    private static double[][] halfStep(int rows, int[] start, int[] cols, double[] weights, double[][] fixed,
                                       ImplicitAlsOptions o) {
        int f = o.factors();
        double[] gram = new double[f * f];
        for (double[] v : fixed) { // YᵀY
            for (int a = 0; a < f; a++) {
                double va = v[a];
                for (int b = a; b < f; b++) {
                    gram[a * f + b] += va * v[b];
                }
            }
        }
        for (int a = 0; a < f; a++) {
            for (int b = 0; b < a; b++) {
                gram[a * f + b] = gram[b * f + a];
            }
        }
        DMatrixRMaj a = new DMatrixRMaj(f, f);
        DMatrixRMaj rhs = new DMatrixRMaj(f, 1);
        DMatrixRMaj sol = new DMatrixRMaj(f, 1);
        LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.chol(f);
        double[][] out = new double[rows][f];
        for (int r = 0; r < rows; r++) {
            double[] m = a.data;
            System.arraycopy(gram, 0, m, 0, f * f);
            for (int d = 0; d < f; d++) {
                m[d * f + d] += o.l2();
            }
            java.util.Arrays.fill(rhs.data, 0);
            for (int q = start[r]; q < start[r + 1]; q++) {
                double[] v = fixed[cols[q]];
                double c = 1 + o.alpha() * weights[q];
                double extra = c - 1;
                for (int p = 0; p < f; p++) {
                    double vp = extra * v[p];
                    for (int s = 0; s < f; s++) {
                        m[p * f + s] += vp * v[s];
                    }
                    rhs.data[p] += c * v[p];
                }
            }
            if (!chol.setA(a)) {
                throw new IllegalStateException("ALS system of row " + r + " is not positive definite");
            }
            chol.solve(rhs, sol);
            System.arraycopy(sol.data, 0, out[r], 0, f);
        }
        return out;
    }
}
