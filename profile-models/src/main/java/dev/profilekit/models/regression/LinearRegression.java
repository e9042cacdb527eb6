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
 *   <li>OLS: X and y are centred (which removes the intercept from the least-squares problem and improves the
 *   conditioning when columns have large means), then {@code Xc = QR} and {@code R w = Q^T yc};
 *   {@code b = mean(y) - mean(X).w}. Standard errors come from {@code (Xc^T Xc)^-1 = R^-1 R^-T} and
 *   {@code Var(b) = sigma^2 (1/n + mean(X)^T (Xc^T Xc)^-1 mean(X))}. Requires n > d + 1 and Xc of full column
 *   rank.</li>
 *   <li>Ridge: X and y are centred (so the intercept is not penalised), then the augmented least-squares problem
 *   {@code [Xc; sqrt(alpha) I] w = [yc; 0]} is solved by QR; {@code b = mean(y) - mean(X).w}.</li>
 * </ul>
 * Cost O(n d^2) time, O(n d) memory.
 */
public final class LinearRegression {

    /**
     * |R_jj| below this fraction of the (centred) column's norm marks the column as linearly dependent on the
     * earlier ones: about 10^4 times the roundoff of Householder QR, so only true (numerical) dependence trips it.
     */
    private static final double RANK_TOLERANCE = 1e-12;

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
        Checks.requireArgument(n > d + 1, "OLS needs more rows than columns + 1 (for the residual variance): x has %d rows "
                + "and %d columns", n, d);
        double[] xMean = columnMeans(x);
        double yMean = mean(y);
        DMatrixRMaj a = new DMatrixRMaj(n, d);
        double[] b = new double[n];
        centre(x, xMean, y, yMean, a, b);
        double[][] rInv = new double[d][];
        double[] w = solveQr(a, b, names, rInv);
        double intercept = interceptOf(xMean, yMean, w);

        double rss = residualSumOfSquares(x, y, intercept, w);
        int dof = n - d - 1;
        double sigma2 = rss / dof;
        // Cov(w) = sigma^2 (Xc^T Xc)^-1 = sigma^2 R^-1 R^-T; Var(b) = sigma^2 (1/n + |R^-T mean(x)|^2)
        double[] coefSe = new double[d];
        for (int j = 0; j < d; j++) {
            double sq = 0;
            for (int k = j; k < d; k++) {
                sq += rInv[j][k] * rInv[j][k];
            }
            coefSe[j] = Math.sqrt(sigma2 * sq);
        }
        double meanTerm = 0;
        for (int k = 0; k < d; k++) {
            double v = 0;
            for (int j = 0; j <= k; j++) {
                v += rInv[j][k] * xMean[j];
            }
            meanTerm += v * v;
        }
        double interceptSe = Math.sqrt(sigma2 * (1.0 / n + meanTerm));
        OlsStatistics stats = new OlsStatistics(dof, Math.sqrt(sigma2), interceptSe, coefSe);
        ModelInfo info = ModelInfo.of("linear-regression/ols-qr", options.asMap(), null, n, d);
        return new LinearModel(intercept, w, names, r2(rss, totalSumOfSquares(y, yMean)), stats, info);
    }

    private static LinearModel ridge(double[][] x, double[] y, List<String> names, LinearOptions options) {
        int n = x.length;
        int d = x[0].length;
        double[] xMean = columnMeans(x);
        double yMean = mean(y);
        DMatrixRMaj a = new DMatrixRMaj(n + d, d);
        double[] b = new double[n + d];
        centre(x, xMean, y, yMean, a, b);
        double root = Math.sqrt(options.alpha());
        for (int j = 0; j < d; j++) {
            a.data[(n + j) * d + j] = root;
        }
        double[] w = solveQr(a, b, names, null);
        double intercept = interceptOf(xMean, yMean, w);
        double rss = residualSumOfSquares(x, y, intercept, w);
        ModelInfo info = ModelInfo.of("linear-regression/ridge-qr", options.asMap(), null, n, d);
        return new LinearModel(intercept, w, names, r2(rss, totalSumOfSquares(y, yMean)), null, info);
    }

    /**
     * Least squares {@code min ||a t - b||} by Householder QR. When {@code rInvOut} is non-null it receives the
     * rows of R^-1 (upper triangular). Fails when a column of {@code a} is numerically dependent on the earlier
     * ones: its distance to their span, |R_jj|, is below {@link #RANK_TOLERANCE} times its norm (a scale-invariant
     * test; a constant column of X has centred norm 0 and is caught too).
     */
    private static double[] solveQr(DMatrixRMaj a, double[] b, List<String> names, double[][] rInvOut) {
        int m = a.numRows;
        int p = a.numCols;
        double[] columnNorm = new double[p];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < p; j++) {
                double v = a.data[i * p + j];
                columnNorm[j] += v * v;
            }
        }
        for (int j = 0; j < p; j++) {
            if (columnNorm[j] == 0) { // EJML's Householder QR rejects an all-zero column outright
                throw rankDeficient(names, j);
            }
        }
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(m, p);
        if (!qr.decompose(a.copy())) {
            throw new IllegalArgumentException("QR decomposition failed for a " + m + " x " + p + " design");
        }
        DMatrixRMaj q = qr.getQ(null, true);
        DMatrixRMaj r = qr.getR(null, true);
        for (int j = 0; j < p; j++) {
            if (!(Math.abs(r.get(j, j)) > RANK_TOLERANCE * Math.sqrt(columnNorm[j]))) {
                throw rankDeficient(names, j);
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

    private static IllegalArgumentException rankDeficient(List<String> names, int j) {
        return new IllegalArgumentException("x is rank deficient: column " + Inputs.columnName(names, j)
                + " is (numerically) constant or a linear combination of the earlier columns and the intercept; "
                + "remove it or use ridge (alpha > 0)");
    }

    /** Writes the centred rows x_i - mean(x) into the first n rows of {@code a}, y_i - mean(y) into {@code b}. */
    private static void centre(double[][] x, double[] xMean, double[] y, double yMean, DMatrixRMaj a, double[] b) {
        int d = xMean.length;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < d; j++) {
                a.data[i * d + j] = x[i][j] - xMean[j];
            }
            b[i] = y[i] - yMean;
        }
    }

    private static double residualSumOfSquares(double[][] x, double[] y, double intercept, double[] w) {
        double rss = 0;
        for (int i = 0; i < x.length; i++) {
            double e = y[i] - predict(intercept, w, x[i]);
            rss += e * e;
        }
        return rss;
    }

    private static double totalSumOfSquares(double[] y, double yMean) {
        double tss = 0;
        for (double v : y) {
            tss += (v - yMean) * (v - yMean);
        }
        return tss;
    }

    private static double[] columnMeans(double[][] x) {
        int d = x[0].length;
        double[] mean = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= x.length;
        }
        return mean;
    }

    private static double interceptOf(double[] xMean, double yMean, double[] w) {
        double b = yMean;
        for (int j = 0; j < w.length; j++) {
            b -= xMean[j] * w[j];
        }
        return b;
    }

    private static double predict(double intercept, double[] w, double[] row) {
        double z = intercept;
        for (int j = 0; j < w.length; j++) {
            z += w[j] * row[j];
        }
        return z;
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
