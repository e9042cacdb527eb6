package dev.profilekit.models.timeseries;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * ARMA(p, q) in the state-space form of Harvey (1989) used by R's {@code arima}: state dimension
 * r = max(p, q + 1), transition T with the AR coefficients in its first column and ones on the superdiagonal,
 * disturbance loading R = (1, theta_1, .., theta_{r-1}), observation Z = (1, 0, .., 0), and the stationary
 * initial covariance P0 solving P0 = T P0 T' + R R'. The Kalman filter runs with unit innovation variance so
 * that sigma2 can be concentrated out of the likelihood.
 *
 * <p>Also the Jones (1980) / Monahan (1984) reparameterisation: unconstrained reals map through
 * {@code u / sqrt(1 + u²)} to partial autocorrelations in (-1, 1) and, by the Durbin-Levinson recursion, to the
 * coefficients of a stationary AR polynomial; for MA coefficients the negated coefficients are mapped, which makes
 * the MA polynomial invertible.
 */
final class ArmaStateSpace {

    private ArmaStateSpace() {
    }

    /** Unconstrained reals to the coefficients of a stationary AR polynomial (y_t = sum phi_i y_{t-i} + e_t). */
    static double[] constrainAr(double[] u, int from, int count) {
        double[] phi = new double[count];
        double[] tmp = new double[count];
        for (int k = 0; k < count; k++) {
            double x = u[from + k];
            double r = x / Math.sqrt(1 + x * x);
            for (int i = 0; i < k; i++) {
                tmp[i] = phi[i] - r * phi[k - 1 - i];
            }
            System.arraycopy(tmp, 0, phi, 0, k);
            phi[k] = r;
        }
        return phi;
    }

    /**
     * The Jacobian of {@link #constrainAr}: {@code jac[i][k] = d phi_i / d u_{from + k}}, by forward-mode
     * differentiation of the same Durbin-Levinson recursion. O(count³).
     */
    static double[][] constrainArJacobian(double[] u, int from, int count) {
        double[] phi = new double[count];
        double[] tmp = new double[count];
        double[][] dphi = new double[count][count]; // dphi[k][i] = d phi_i / d u_k
        double[][] dtmp = new double[count][count];
        for (int k = 0; k < count; k++) {
            double x = u[from + k];
            double s = Math.sqrt(1 + x * x);
            double r = x / s;
            double dr = 1 / (s * s * s);
            for (int i = 0; i < k; i++) {
                tmp[i] = phi[i] - r * phi[k - 1 - i];
            }
            for (int m = 0; m <= k; m++) {
                double drm = m == k ? dr : 0.0;
                for (int i = 0; i < k; i++) {
                    dtmp[m][i] = dphi[m][i] - drm * phi[k - 1 - i] - r * dphi[m][k - 1 - i];
                }
            }
            System.arraycopy(tmp, 0, phi, 0, k);
            phi[k] = r;
            for (int m = 0; m <= k; m++) {
                System.arraycopy(dtmp[m], 0, dphi[m], 0, k);
                dphi[m][k] = m == k ? dr : 0.0;
            }
        }
        double[][] jac = new double[count][count];
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < count; k++) {
                jac[i][k] = dphi[k][i];
            }
        }
        return jac;
    }

    /** Unconstrained reals to the coefficients of an invertible MA polynomial 1 + sum theta_j B^j. */
    static double[] constrainMa(double[] u, int from, int count) {
        double[] theta = constrainAr(u, from, count);
        for (int i = 0; i < count; i++) {
            theta[i] = -theta[i];
        }
        return theta;
    }

    /**
     * The inverse of {@link #constrainAr}: the reals that map to {@code phi}, or {@code null} if phi is not
     * strictly stationary (some partial autocorrelation not in (-1, 1)).
     */
    static double[] unconstrainAr(double[] phi) {
        int p = phi.length;
        double[] cur = phi.clone();
        double[] u = new double[p];
        for (int k = p - 1; k >= 0; k--) {
            double r = cur[k];
            if (!(Math.abs(r) < 1)) {
                return null;
            }
            u[k] = r / Math.sqrt(1 - r * r);
            double[] prev = new double[k];
            for (int i = 0; i < k; i++) {
                prev[i] = (cur[i] + r * cur[k - 1 - i]) / (1 - r * r);
            }
            cur = prev;
        }
        return u;
    }

    /** The inverse of {@link #constrainMa}, or {@code null} if theta is not strictly invertible. */
    static double[] unconstrainMa(double[] theta) {
        double[] neg = new double[theta.length];
        for (int i = 0; i < theta.length; i++) {
            neg[i] = -theta[i];
        }
        return unconstrainAr(neg);
    }

    /** Whether phi is strictly stationary (all partial autocorrelations in (-1, 1)). */
    static boolean stationary(double[] phi) {
        return unconstrainAr(phi) != null;
    }

    /** State dimension. */
    static int dimension(int p, int q) {
        return Math.max(p, q + 1);
    }

    /**
     * The stationary state covariance (unit innovation variance), solving the vectorised Lyapunov equation
     * (I - T (x) T) vec(P) = vec(R R') by LU; {@code null} if the system is singular or the solution is not a
     * covariance (a unit root).
     */
    static double[][] stationaryCovariance(double[] ar, double[] ma) {
        int r = dimension(ar.length, ma.length);
        double[][] t = transition(ar, r);
        double[] rr = loading(ma, r);
        int m = r * r;
        DMatrixRMaj a = new DMatrixRMaj(m, m);
        DMatrixRMaj b = new DMatrixRMaj(m, 1);
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                int row = i * r + j;
                b.set(row, 0, rr[i] * rr[j]);
                for (int k = 0; k < r; k++) {
                    if (t[i][k] == 0) {
                        continue;
                    }
                    for (int l = 0; l < r; l++) {
                        a.add(row, k * r + l, -t[i][k] * t[j][l]);
                    }
                }
                a.add(row, row, 1.0);
            }
        }
        DMatrixRMaj x = new DMatrixRMaj(m, 1);
        if (!CommonOps_DDRM.solve(a, b, x)) {
            return null;
        }
        double[][] p = new double[r][r];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                p[i][j] = 0.5 * (x.get(i * r + j, 0) + x.get(j * r + i, 0));
            }
            if (!(p[i][i] >= 0) || !Double.isFinite(p[i][i])) {
                return null;
            }
        }
        return p;
    }

    static double[][] transition(double[] ar, int r) {
        double[][] t = new double[r][r];
        for (int i = 0; i < r; i++) {
            if (i < ar.length) {
                t[i][0] = ar[i];
            }
            if (i + 1 < r) {
                t[i][i + 1] = 1.0;
            }
        }
        return t;
    }

    static double[] loading(double[] ma, int r) {
        double[] rr = new double[r];
        rr[0] = 1.0;
        for (int j = 1; j < r; j++) {
            rr[j] = j - 1 < ma.length ? ma[j - 1] : 0.0;
        }
        return rr;
    }

    /** What one pass of the filter over the data gives. */
    static final class FilterResult {
        /** Sum of log F_t (unit innovation variance). */
        double sumLogF;
        /** Sum of v_t² / F_t. */
        double sumSquares;
        /** Number of observations. */
        int n;
        /** Predicted state a_{n+1|n} after the last observation (unit variance scale). */
        double[] state;
        /** Its covariance P_{n+1|n} (unit variance scale). */
        double[][] covariance;

        /** The exact Gaussian log-likelihood with sigma2 at its maximiser sumSquares / n. */
        double concentratedLogLikelihood() {
            double sigma2 = sumSquares / n;
            return -0.5 * (n * Math.log(2 * Math.PI) + sumLogF + n * Math.log(sigma2) + n);
        }

        double sigma2() {
            return sumSquares / n;
        }
    }

    /**
     * Relative change of the prediction covariance below which the filter switches to its steady state: the
     * covariance recursion is a contraction for a stationary, invertible ARMA model, and once it has stopped
     * moving (to rounding) the remaining steps need only the fixed gain (Harvey 1989, 3.3.4).
     */
    static final double STEADY_TOLERANCE = 1e-15;

    /**
     * Runs the Kalman filter over {@code w - mean}. O(n r²) until the covariance reaches its fixed point, O(r)
     * per step after.
     *
     * @return the sums, or {@code null} if the parameters are not stationary or a prediction variance is not
     *         positive
     */
    static FilterResult filter(double[] w, double mean, double[] ar, double[] ma) {
        double[][] p = stationaryCovariance(ar, ma);
        if (p == null) {
            return null;
        }
        int r = p.length;
        double[] rr = loading(ma, r);
        double[] phi = new double[r];
        System.arraycopy(ar, 0, phi, 0, ar.length);
        double[] a = new double[r];
        double[] au = new double[r];
        double[][] pu = new double[r][r];
        double[][] tp = new double[r][r];
        double sumLogF = 0;
        double ss = 0;
        boolean steady = false;
        int n = w.length;
        int t = 0;
        for (; t < n && !steady; t++) {
            double v = w[t] - mean - a[0];
            double f = p[0][0];
            if (!(f > 0) || !Double.isFinite(f)) {
                return null;
            }
            sumLogF += Math.log(f);
            ss += v * v / f;
            // update: a|t = a + P[:,0] v / F ; P|t = P - P[:,0] P[0,:] / F
            for (int i = 0; i < r; i++) {
                double k = p[i][0] / f;
                au[i] = a[i] + k * v;
                for (int j = 0; j < r; j++) {
                    pu[i][j] = p[i][j] - k * p[0][j];
                }
            }
            // predict: a = T a|t ; P = T P|t T' + R R'
            for (int i = 0; i < r; i++) {
                a[i] = phi[i] * au[0] + (i + 1 < r ? au[i + 1] : 0.0);
                for (int j = 0; j < r; j++) {
                    tp[i][j] = phi[i] * pu[0][j] + (i + 1 < r ? pu[i + 1][j] : 0.0);
                }
            }
            double change = 0;
            double size = 0;
            for (int i = 0; i < r; i++) {
                for (int j = i; j < r; j++) {
                    double val = phi[j] * tp[i][0] + (j + 1 < r ? tp[i][j + 1] : 0.0) + rr[i] * rr[j];
                    change = Math.max(change, Math.abs(val - p[i][j]));
                    size = Math.max(size, Math.abs(val));
                    p[i][j] = val;
                    p[j][i] = val;
                }
            }
            steady = change <= STEADY_TOLERANCE * Math.max(1.0, size) && p[0][0] > 0;
        }
        if (t < n) {
            // P has reached its fixed point: the gain and F no longer change (the steady-state filter). Each of the
            // remaining steps is O(r) and allocation-free: a|t = a + K v, then a = T a|t done in place (T shifts a up
            // and adds phi times the first element). The arithmetic is the general step's, operation for operation.
            double f = p[0][0];
            double logF = Math.log(f);
            double[] gain = new double[r];
            for (int i = 0; i < r; i++) {
                gain[i] = p[i][0] / f;
            }
            double g0 = gain[0];
            int last = r - 1;
            if (r <= 3) {
                // The common small models (p <= 3, q <= 2), state in registers, unused slots 0, in innovations
                // form: with y = w_t - mean, v = y - a_0 and L = T K, a' = T (a + K v) = (T - L e_1') a + L y, i.e.
                // a'_i = c_i a_0 + a_{i+1} + L_i y with c_i = phi_i - L_i. The recursion through a_0 is then one
                // multiply-add per step (the textbook order is four dependent operations); equal up to rounding.
                double a0 = a[0];
                double a1 = r > 1 ? a[1] : 0.0;
                double a2 = r > 2 ? a[2] : 0.0;
                double l0 = phi[0] * g0 + (r > 1 ? gain[1] : 0.0);
                double l1 = r > 1 ? phi[1] * g0 + (r > 2 ? gain[2] : 0.0) : 0.0;
                double l2 = r > 2 ? phi[2] * g0 : 0.0;
                double c0 = phi[0] - l0;
                double c1 = r > 1 ? phi[1] - l1 : 0.0;
                double c2 = r > 2 ? phi[2] - l2 : 0.0;
                for (; t < n; t++) {
                    double y = w[t] - mean;
                    double v = y - a0;
                    sumLogF += logF;
                    ss += v * v / f;
                    double n0 = c0 * a0 + (a1 + l0 * y);
                    a1 = c1 * a0 + (a2 + l1 * y);
                    a2 = c2 * a0 + l2 * y;
                    a0 = n0;
                }
                a[0] = a0;
                if (r > 1) {
                    a[1] = a1;
                }
                if (r > 2) {
                    a[2] = a2;
                }
            }
            for (; t < n; t++) {
                double v = w[t] - mean - a[0];
                sumLogF += logF;
                ss += v * v / f;
                double au0 = a[0] + g0 * v;
                for (int i = 0; i < last; i++) {
                    a[i] = phi[i] * au0 + (a[i + 1] + gain[i + 1] * v);
                }
                a[last] = phi[last] * au0;
            }
        }
        FilterResult res = new FilterResult();
        res.sumLogF = sumLogF;
        res.sumSquares = ss;
        res.n = w.length;
        res.state = a;
        res.covariance = p;
        return res;
    }

    /** What one pass of {@link #filterApproximateDiffuse} gives. */
    record DiffuseResult(double logLikelihood, double[] state, double[][] covariance) {
    }

    /**
     * The Kalman filter of the undifferenced series {@code y} with the d integration states in the state vector,
     * as statsmodels' {@code SARIMAX} (simple_differencing=False) sets it up: state
     * (Δ^0 y_{t-1}, .., Δ^{d-1} y_{t-1}, ARMA state), integration block of the transition upper triangular ones
     * plus the first ARMA state, observation y_t = sum of the integration states + the first ARMA state. The
     * integration states start at 0 with variance {@code diffuseVariance} (approximate diffuse), the ARMA state
     * from its stationary distribution times sigma2, independent. The log-likelihood leaves out the first d
     * prediction errors (statsmodels' loglikelihood_burn = d). O(n (d + r)³).
     *
     * @return the log-likelihood and the predicted ARMA state after the last observation with its covariance
     *         (absolute scale, sigma2 included), or {@code null} if the parameters are not stationary or a
     *         prediction variance is not positive
     */
    static DiffuseResult filterApproximateDiffuse(double[] y, int d, double[] ar, double[] ma, double sigma2,
                                                  double diffuseVariance) {
        double[][] ps = stationaryCovariance(ar, ma);
        if (ps == null || !(sigma2 > 0) || !Double.isFinite(sigma2)) {
            return null;
        }
        int r = ps.length;
        int m = d + r;
        double[] rr = loading(ma, r);
        double[][] tr = new double[m][m];
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                tr[i][j] = 1;
            }
            tr[i][d] = 1;
        }
        double[][] ta = transition(ar, r);
        for (int i = 0; i < r; i++) {
            System.arraycopy(ta[i], 0, tr[d + i], d, r);
        }
        double[] a = new double[m];
        double[][] p = new double[m][m];
        for (int i = 0; i < d; i++) {
            p[i][i] = diffuseVariance;
        }
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                p[d + i][d + j] = sigma2 * ps[i][j];
            }
        }
        double[] pz = new double[m];
        double[][] tp = new double[m][m];
        double ll = 0;
        for (int t = 0; t < y.length; t++) {
            // Z = (1, .., 1 [d], 1, 0, .., 0 [r])
            double v = y[t];
            for (int i = 0; i <= d; i++) {
                v -= a[i];
            }
            double f = 0;
            for (int i = 0; i < m; i++) {
                double s = 0;
                for (int j = 0; j <= d; j++) {
                    s += p[i][j];
                }
                pz[i] = s;
            }
            for (int i = 0; i <= d; i++) {
                f += pz[i];
            }
            if (!(f > 0) || !Double.isFinite(f)) {
                return null;
            }
            if (t >= d) {
                ll -= 0.5 * (Math.log(2 * Math.PI) + Math.log(f) + v * v / f);
            }
            for (int i = 0; i < m; i++) {
                a[i] += pz[i] * v / f;
                for (int j = 0; j < m; j++) {
                    p[i][j] -= pz[i] * pz[j] / f;
                }
            }
            // predict: a = T a ; P = T P T' + sigma2 R R' (ARMA block)
            double[] na = new double[m];
            for (int i = 0; i < m; i++) {
                double s = 0;
                for (int k = 0; k < m; k++) {
                    s += tr[i][k] * a[k];
                }
                na[i] = s;
                for (int j = 0; j < m; j++) {
                    double u = 0;
                    for (int k = 0; k < m; k++) {
                        u += tr[i][k] * p[k][j];
                    }
                    tp[i][j] = u;
                }
            }
            a = na;
            for (int i = 0; i < m; i++) {
                for (int j = i; j < m; j++) {
                    double u = 0;
                    for (int k = 0; k < m; k++) {
                        u += tp[i][k] * tr[j][k];
                    }
                    if (i >= d && j >= d) {
                        u += sigma2 * rr[i - d] * rr[j - d];
                    }
                    p[i][j] = u;
                    p[j][i] = u;
                }
            }
        }
        double[] state = new double[r];
        double[][] cov = new double[r][r];
        for (int i = 0; i < r; i++) {
            state[i] = a[d + i];
            for (int j = 0; j < r; j++) {
                cov[i][j] = p[d + i][d + j];
            }
        }
        return new DiffuseResult(ll, state, cov);
    }

    /**
     * {@link #conditionalSumOfSquares} and its gradient in one pass: {@code grad} (length 1 + p + q) receives
     * d SS / d mean, d SS / d phi_i, d SS / d theta_j, from the derivative recursions of the residuals
     * (d e_t / d phi_i = -(w_{t-1-i} - mean) - sum_j theta_j d e_{t-1-j} / d phi_i, and likewise for theta and the
     * mean). O(n (p + q + 1) q) time.
     *
     * @return the sum of squares, NaN if not finite (grad is then unspecified)
     */
    static double conditionalSumOfSquaresGradient(double[] w, double mean, double[] ar, double[] ma, double[] grad) {
        int p = ar.length;
        int q = ma.length;
        int n = w.length;
        int k = 1 + p + q;
        // Residuals and their derivatives for the last q + 1 steps: slot s mod ring holds e_s and d e_s / d param
        // (params mean, phi, theta). Step t writes the slot of t - q - 1, which no longer is read, and every lag it
        // reads that is before p (or before 0) is a slot not yet written, so it reads the recursion's zeros.
        int ring = q + 1;
        double[] e = new double[ring];
        double[] de = new double[ring * k];
        int[] lag = new int[q];
        double[] dss = new double[k];
        double sumPhi = 0;
        for (double v : ar) {
            sumPhi += v;
        }
        double ss = 0;
        int cur = p % ring;
        for (int t = p; t < n; t++) {
            int base = cur * k;
            double v = w[t] - mean;
            for (int i = 0; i < p; i++) {
                double x = w[t - 1 - i] - mean;
                v -= ar[i] * x;
                de[base + 1 + i] = -x;
            }
            de[base] = -1 + sumPhi;
            for (int j = 0; j < q; j++) {
                int slot = cur - 1 - j;
                slot = slot < 0 ? slot + ring : slot;
                lag[j] = slot * k;
                double ej = e[slot];
                v -= ma[j] * ej;
                de[base + 1 + p + j] = -ej;
            }
            for (int j = 0; j < q; j++) {
                int prev = lag[j];
                double th = ma[j];
                for (int c = 0; c < k; c++) {
                    de[base + c] -= th * de[prev + c];
                }
            }
            e[cur] = v;
            ss += v * v;
            double twoV = 2 * v;
            for (int c = 0; c < k; c++) {
                dss[c] += twoV * de[base + c];
            }
            if (++cur == ring) {
                cur = 0;
            }
        }
        System.arraycopy(dss, 0, grad, 0, k);
        return Double.isFinite(ss) ? ss : Double.NaN;
    }

    /**
     * Conditional sum of squares (R's "CSS"): residuals e_t of the ARMA recursion for t >= p with e_t = 0 before,
     * summed squared; NaN if not finite.
     */
    static double conditionalSumOfSquares(double[] w, double mean, double[] ar, double[] ma) {
        int p = ar.length;
        int q = ma.length;
        int n = w.length;
        int ring = Math.max(q, 1);
        double[] e = new double[ring]; // e_s at s mod ring: only the last q residuals are read
        double ss = 0;
        int cur = p % ring; // t mod ring, kept without a division per step
        for (int t = p; t < n; t++) {
            double v = w[t] - mean;
            for (int i = 0; i < p; i++) {
                v -= ar[i] * (w[t - 1 - i] - mean);
            }
            for (int j = 0; j < q && t - 1 - j >= 0; j++) {
                int slot = cur - 1 - j;
                v -= ma[j] * e[slot < 0 ? slot + ring : slot];
            }
            if (q > 0) {
                e[cur] = v;
            }
            ss += v * v;
            if (++cur == ring) {
                cur = 0;
            }
        }
        return Double.isFinite(ss) ? ss : Double.NaN;
    }
}
