package dev.profilekit.models.regression;

import dev.profilekit.features.Checks;
import dev.profilekit.models.ModelInfo;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;

/**
 * Linear regression with an intercept: ordinary least squares and ridge, both solved by a Householder QR
 * decomposition (EJML), never by forming the normal equations (which squares the condition number; see
 * Golub &amp; Van Loan, <i>Matrix Computations</i>, 4th ed., sec. 5.3).
 *
 * <ul>
 *   <li>OLS: QR of the design {@code A = [1 X]} (n x (d+1)), then {@code R theta = Q^T y}. Standard errors come
 *   from {@code (A^T A)^-1 = R^-1 R^-T}. Requires n > d + 1 and A of full column rank.</li>
 *   <li>Ridge: X and y are centred (so the intercept is not penalised), then the augmented least-squares problem
 *   {@code [Xc; sqrt(alpha) I] w = [yc; 0]} is solved by QR; {@code b = mean(y) - mean(X).w}.</li>
 * </ul>
 * Cost O(n d^2) time, O(n d) memory.
 */
public final class LinearRegression {

    /** |R_jj| below this fraction of max |R_kk| marks a column as linearly dependent on the earlier ones. */
    private static final double RANK_TOLERANCE = 1e-10;

    private LinearRegression() {
    }

    /** Fits with default feature names {@code x0..}. */
    public static LinearModel fit(double[][] x, double[] y, LinearOptions options) {
        return fit(x, y, null, options);
    }

    /**
     * Fits OLS or ridge (see the class comment).
     *
     * @param x            n x d finite matrix (not modified)
     * @param y            n finite targets
     * @param featureNames d distinct names or null
     * @param options      {@link LinearOptions#ols()} or {@link LinearOptions#ridge(double)}
     * @throws IllegalArgumentException on NaN/infinite values, ragged rows, mismatched lengths, too few rows for OLS
     *                                  (n must exceed d + 1) or a rank-deficient design for OLS (naming the column)
     */
    public static LinearModel fit(double[][] x, double[] y, List<String> featureNames, LinearOptions options) {
        Checks.requireNonNull(options, "options");
        int d = Inputs.requireMatrix(x, featureNames);
        int n = x.length;
        Inputs.requireTargets(y, n);
        List<String> names = Inputs.names(featureNames, d);
        return options.isOls() ? ols(x, y, names, options) : ridge(x, y, names, options);
    }

    private static LinearModel ols(double[][] x, double[] y, List<String> names, LinearOptions options) {
        int n = x.length;
        int d = x[0].length;
        int p = d + 1;
        Checks.requireArgument(n > p, "OLS needs more rows than columns + 1 (for the residual variance): x has %d rows "
                + "and %d columns", n, d);
        DMatrixRMaj a = new DMatrixRMaj(n, p);
        for (int i = 0; i < n; i++) {
            a.data[i * p] = 1.0;
            System.arraycopy(x[i], 0, a.data, i * p + 1, d);
        }
        double[][] rInv = new double[p][];
        double[] theta = solveQr(a, y, names, true, rInv);
        double[] w = new double[d];
        System.arraycopy(theta, 1, w, 0, d);
        double intercept = theta[0];

        double rss = 0;
        double mean = mean(y);
        double tss = 0;
        for (int i = 0; i < n; i++) {
            double pred = intercept;
            for (int j = 0; j < d; j++) {
                pred += w[j] * x[i][j];
            }
            double e = y[i] - pred;
            rss += e * e;
            tss += (y[i] - mean) * (y[i] - mean);
        }
        int dof = n - p;
        double sigma2 = rss / dof;
        double[] se = new double[p];
        for (int j = 0; j < p; j++) {
            // diag of R^-1 R^-T: squared norm of row j of R^-1
            double s = 0;
            for (int k = j; k < p; k++) {
                s += rInv[j][k] * rInv[j][k];
            }
            se[j] = Math.sqrt(sigma2 * s);
        }
        double[] coefSe = new double[d];
        System.arraycopy(se, 1, coefSe, 0, d);
        OlsStatistics stats = new OlsStatistics(dof, Math.sqrt(sigma2), se[0], coefSe);
        ModelInfo info = ModelInfo.of("linear-regression/ols-qr", options.asMap(), null, n, d);
        return new LinearModel(intercept, w, names, r2(rss, tss), stats, info);
    }

    private static LinearModel ridge(double[][] x, double[] y, List<String> names, LinearOptions options) {
        int n = x.length;
        int d = x[0].length;
        double[] xMean = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                xMean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            xMean[j] /= n;
        }
        double yMean = mean(y);
        DMatrixRMaj a = new DMatrixRMaj(n + d, d);
        double[] b = new double[n + d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                a.data[i * d + j] = x[i][j] - xMean[j];
            }
            b[i] = y[i] - yMean;
        }
        double root = Math.sqrt(options.alpha());
        for (int j = 0; j < d; j++) {
            a.data[(n + j) * d + j] = root;
        }
        double[] w = solveQr(a, b, names, false, null);
        double intercept = yMean;
        for (int j = 0; j < d; j++) {
            intercept -= xMean[j] * w[j];
        }
        double rss = 0;
        double tss = 0;
        for (int i = 0; i < n; i++) {
            double pred = intercept;
            for (int j = 0; j < d; j++) {
                pred += w[j] * x[i][j];
            }
            rss += (y[i] - pred) * (y[i] - pred);
            tss += (y[i] - yMean) * (y[i] - yMean);
        }
        ModelInfo info = ModelInfo.of("linear-regression/ridge-qr", options.asMap(), null, n, d);
        return new LinearModel(intercept, w, names, r2(rss, tss), null, info);
    }

    /**
     * Least squares {@code min ||a t - b||} by Householder QR. When {@code rInvOut} is non-null it receives the
     * rows of R^-1 (upper triangular). Fails when a column of {@code a} is numerically dependent on earlier ones.
     */
    private static double[] solveQr(DMatrixRMaj a, double[] b, List<String> names, boolean interceptColumn,
                                    double[][] rInvOut) {
        int m = a.numRows;
        int p = a.numCols;
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(m, p);
        if (!qr.decompose(a)) {
            throw new IllegalArgumentException("QR decomposition failed for a " + m + " x " + p + " design");
        }
        DMatrixRMaj q = qr.getQ(null, true);
        DMatrixRMaj r = qr.getR(null, true);
        double maxDiag = 0;
        for (int j = 0; j < p; j++) {
            maxDiag = Math.max(maxDiag, Math.abs(r.get(j, j)));
        }
        for (int j = 0; j < p; j++) {
            if (!(Math.abs(r.get(j, j)) > RANK_TOLERANCE * maxDiag)) {
                String what = interceptColumn
                        ? (j == 0 ? "the intercept column" : "column " + Inputs.columnName(names, j - 1))
                        : "column " + Inputs.columnName(names, j);
                throw new IllegalArgumentException("x is rank deficient: " + what
                        + " is (numerically) a linear combination of the intercept and earlier columns; "
                        + "remove it or use ridge (alpha > 0)");
            }
        }
        double[] qtb = new double[p];
        for (int i = 0; i < m; i++) {
            double bi = b[i];
            int base = i * p;
            for (int j = 0; j < p; j++) {
                qtb[j] += q.data[base + j] * bi;
            }
        }
        double[] t = new double[p];
        for (int j = p - 1; j >= 0; j--) {
            double s = qtb[j];
            for (int k = j + 1; k < p; k++) {
                s -= r.get(j, k) * t[k];
            }
            t[j] = s / r.get(j, j);
        }
        if (rInvOut != null) {
            // columns of R^-1 by back substitution on unit vectors
            double[][] inv = new double[p][p];
            for (int c = 0; c < p; c++) {
                for (int j = c; j >= 0; j--) {
                    double s = j == c ? 1.0 : 0.0;
                    for (int k = j + 1; k <= c; k++) {
                        s -= r.get(j, k) * inv[k][c];
                    }
                    inv[j][c] = s / r.get(j, j);
                }
            }
            System.arraycopy(inv, 0, rInvOut, 0, p);
        }
        return t;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double e : v) {
            s += e;
        }
        return s / v.length;
    }

    private static double r2(double rss, double tss) {
        return tss == 0 ? (rss == 0 ? 1.0 : 0.0) : 1 - rss / tss;
    }
}
