package dev.profilekit.models.timeseries;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.Checks;
import dev.profilekit.features.io.JsonCodec;
import dev.profilekit.models.ModelInfo;
import dev.profilekit.models.io.ModelInfoJson;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.commons.math3.special.Erf;

/**
 * A fitted ARIMA(p, d, q): the ARMA(p, q) of the d-times differenced series
 * {@code w_t - mu = sum phi_i (w_{t-i} - mu) + e_t + sum theta_j e_{t-j}}, e_t ~ N(0, sigma2), mu the constant
 * (0 without one). Immutable. It keeps the end-of-sample Kalman state and the last values of the differences,
 * which is all that forecasting needs, so it does not hold the series.
 *
 * <p>Parameters are in statsmodels' order: const (if any), ar.L1..ar.Lp, ma.L1..ma.Lq, sigma2. The
 * log-likelihood is the exact Gaussian one of the differenced series, or with
 * {@link ArimaLikelihood#APPROXIMATE_DIFFUSE} statsmodels' approximate diffuse one (see {@link ArimaLikelihood});
 * {@code aic = 2k - 2 loglike} and
 * {@code bic = k ln(n - d) - 2 loglike}, k counting sigma2.
 *
 * <p>JSON: {@code {"format":"profilekit.arima","version":1,"order":[p,d,q],"constant":..,"params":[..],
 * "standardErrors":[..],"loglike":..,"observations":..,"iterations":..,"converged":..,"state":[..],
 * "stateCovariance":[[..]..],"levels":[..],"info":{..}}} (a NaN standard error is written as null).
 */
public final class ArimaModel {

    static final String FORMAT = "profilekit.arima";
    static final int VERSION = 1;

    private final ArimaOrder order;
    private final boolean constant;
    private final double mean;
    private final double[] ar;
    private final double[] ma;
    private final double sigma2;
    private final double[] standardErrors;
    private final double loglike;
    private final int observations;
    private final int iterations;
    private final boolean converged;
    private final double[] state;
    private final double[][] stateCovariance;
    private final double[] levels;
    private final ModelInfo info;

    ArimaModel(ArimaOrder order, boolean constant, double mean, double[] ar, double[] ma, double sigma2,
               double[] standardErrors, double loglike, int observations, int iterations, boolean converged,
               double[] state, double[][] stateCovariance, double[] levels, ModelInfo info) {
        this.order = Checks.requireNonNull(order, "order");
        Checks.requireArgument(ar.length == order.p(), "ar has %d coefficients, order has p = %d", ar.length,
                order.p());
        Checks.requireArgument(ma.length == order.q(), "ma has %d coefficients, order has q = %d", ma.length,
                order.q());
        Checks.requireArgument(levels.length == order.d(), "levels has %d values, order has d = %d",
                levels.length, order.d());
        int r = ArmaStateSpace.dimension(order.p(), order.q());
        Checks.requireArgument(state.length == r && stateCovariance.length == r,
                "state must have dimension %d, was %d", r, state.length);
        Checks.requireArgument(!constant || order.d() == 0, "a constant needs d = 0, order is %s", order);
        this.constant = constant;
        this.mean = constant ? mean : 0.0;
        this.ar = ar.clone();
        this.ma = ma.clone();
        this.sigma2 = sigma2;
        int k = (constant ? 1 : 0) + order.p() + order.q() + 1;
        Checks.requireArgument(standardErrors.length == k, "standardErrors has %d values, model has %d params",
                standardErrors.length, k);
        this.standardErrors = standardErrors.clone();
        this.loglike = loglike;
        this.observations = observations;
        this.iterations = iterations;
        this.converged = converged;
        this.state = state.clone();
        this.stateCovariance = new double[r][];
        for (int i = 0; i < r; i++) {
            Checks.requireArgument(stateCovariance[i].length == r, "stateCovariance must be %d x %d", r, r);
            this.stateCovariance[i] = stateCovariance[i].clone();
        }
        this.levels = levels.clone();
        this.info = Checks.requireNonNull(info, "info");
    }

    /** The order. */
    public ArimaOrder order() {
        return order;
    }

    /** Whether a constant (the mean of the series, d = 0) was estimated. */
    public boolean hasConstant() {
        return constant;
    }

    /** The constant: the process mean when {@link #hasConstant()}, else 0. */
    public double mean() {
        return mean;
    }

    /** AR coefficients phi_1..phi_p. */
    public double[] ar() {
        return ar.clone();
    }

    /** MA coefficients theta_1..theta_q (the MA polynomial is 1 + sum theta_j B^j). */
    public double[] ma() {
        return ma.clone();
    }

    /** Innovation variance (its maximum-likelihood estimate). */
    public double sigma2() {
        return sigma2;
    }

    /** All parameters in statsmodels' order: const (if any), ar.L1.., ma.L1.., sigma2. */
    public double[] params() {
        double[] out = new double[parameterCount()];
        int i = 0;
        if (constant) {
            out[i++] = mean;
        }
        for (double v : ar) {
            out[i++] = v;
        }
        for (double v : ma) {
            out[i++] = v;
        }
        out[i] = sigma2;
        return out;
    }

    /** Names of {@link #params()}, as statsmodels names them. */
    public List<String> paramNames() {
        List<String> names = new ArrayList<>();
        if (constant) {
            names.add("const");
        }
        for (int i = 1; i <= ar.length; i++) {
            names.add("ar.L" + i);
        }
        for (int i = 1; i <= ma.length; i++) {
            names.add("ma.L" + i);
        }
        names.add("sigma2");
        return names;
    }

    /**
     * Standard errors of {@link #params()}: for const, AR and MA from the inverse of the numerical Hessian of the
     * profile log-likelihood (sigma2 concentrated out) at the estimate; for sigma2 the asymptotic
     * {@code sigma2 * sqrt(2 / n)}. NaN where the Hessian is not negative definite.
     */
    public double[] standardErrors() {
        return standardErrors.clone();
    }

    /** Number of parameters k, counting sigma2. */
    public int parameterCount() {
        return (constant ? 1 : 0) + ar.length + ma.length + 1;
    }

    /**
     * Log-likelihood at the estimate: the exact Gaussian one of the differenced series, or the approximate diffuse
     * one (first d prediction errors left out) when the model was fitted with
     * {@link ArimaLikelihood#APPROXIMATE_DIFFUSE}.
     */
    public double logLikelihood() {
        return loglike;
    }

    /** Akaike's criterion, 2k - 2 loglike. */
    public double aic() {
        return 2.0 * parameterCount() - 2.0 * loglike;
    }

    /** Schwarz's criterion, k ln(n - d) - 2 loglike. */
    public double bic() {
        return parameterCount() * Math.log(observations) - 2.0 * loglike;
    }

    /** Number of observations of the differenced series (n - d). */
    public int observations() {
        return observations;
    }

    /** Iterations of the maximum-likelihood optimiser. */
    public int iterations() {
        return iterations;
    }

    /** Whether the maximum-likelihood optimiser met its convergence test. */
    public boolean converged() {
        return converged;
    }

    /** What made this model. */
    public ModelInfo info() {
        return info;
    }

    ArimaModel withInfo(ModelInfo newInfo) {
        return new ArimaModel(order, constant, mean, ar, ma, sigma2, standardErrors, loglike, observations,
                iterations, converged, state, stateCovariance, levels, newInfo);
    }

    /** Forecasts with 95% intervals; see {@link #forecast(int, double)}. */
    public ArimaForecast forecast(int steps) {
        return forecast(steps, 0.95);
    }

    /**
     * Forecasts of the original series for the {@code steps} periods after its end, with standard errors and
     * Gaussian intervals. The ARMA state after the last observation and its covariance are propagated together
     * with the d integration levels, so the errors include the end-of-sample state uncertainty (the exact
     * finite-sample forecast of the state-space model). O(steps (r + d)³).
     *
     * @param steps number of periods, >= 1
     * @param level interval coverage in (0, 1)
     */
    public ArimaForecast forecast(int steps, double level) {
        Checks.requireAtLeast(steps, 1, "steps");
        Checks.requireArgument(level > 0 && level < 1, "level must be in (0, 1), was %s", level);
        int r = state.length;
        int d = order.d();
        int m = r + d;
        double[] s = new double[m];
        double[][] c = new double[m][m];
        System.arraycopy(state, 0, s, 0, r);
        System.arraycopy(levels, 0, s, r, d);
        for (int i = 0; i < r; i++) {
            System.arraycopy(stateCovariance[i], 0, c[i], 0, r);
        }
        double[][] integrate = new double[m][m];
        for (int i = 0; i < r; i++) {
            integrate[i][i] = 1;
        }
        // level j (the j-times differenced series) at the next step is itself plus all higher levels plus w
        for (int j = 0; j < d; j++) {
            for (int l = j; l < d; l++) {
                integrate[r + j][r + l] = 1;
            }
            integrate[r + j][0] = 1;
        }
        double[][] transition = new double[m][m];
        double[][] t = ArmaStateSpace.transition(ar, r);
        for (int i = 0; i < r; i++) {
            System.arraycopy(t[i], 0, transition[i], 0, r);
        }
        for (int j = 0; j < d; j++) {
            transition[r + j][r + j] = 1;
        }
        double[] rr = ArmaStateSpace.loading(ma, r);
        double[] mean = new double[steps];
        double[] se = new double[steps];
        for (int h = 0; h < steps; h++) {
            if (d > 0) {
                s = multiply(integrate, s);
                c = sandwich(integrate, c);
                mean[h] = s[r];
                se[h] = Math.sqrt(Math.max(0, c[r][r]));
            } else {
                mean[h] = this.mean + s[0];
                se[h] = Math.sqrt(Math.max(0, c[0][0]));
            }
            s = multiply(transition, s);
            c = sandwich(transition, c);
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < r; j++) {
                    c[i][j] += sigma2 * rr[i] * rr[j];
                }
            }
        }
        double z = Math.sqrt(2.0) * Erf.erfInv(level);
        return new ArimaForecast(mean, se, level, z);
    }

    private static double[] multiply(double[][] a, double[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = 0;
            for (int j = 0; j < x.length; j++) {
                v += a[i][j] * x[j];
            }
            out[i] = v;
        }
        return out;
    }

    /** A C A'. */
    private static double[][] sandwich(double[][] a, double[][] c) {
        int m = c.length;
        double[][] ac = new double[m][m];
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < m; k++) {
                if (a[i][k] == 0) {
                    continue;
                }
                for (int j = 0; j < m; j++) {
                    ac[i][j] += a[i][k] * c[k][j];
                }
            }
        }
        double[][] out = new double[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                double v = 0;
                for (int k = 0; k < m; k++) {
                    v += ac[i][k] * a[j][k];
                }
                out[i][j] = v;
            }
        }
        return out;
    }

    /** The versioned JSON form; {@link #fromJson(String)} restores an equal model. */
    public String toJson() {
        ObjectNode root = JsonCodec.header(FORMAT, VERSION);
        root.putArray("order").add(order.p()).add(order.d()).add(order.q());
        root.put("constant", constant);
        root.set("params", JsonCodec.doubles(params()));
        root.set("standardErrors", JsonCodec.doubles(standardErrors));
        root.put("loglike", loglike);
        root.put("observations", observations);
        root.put("iterations", iterations);
        root.put("converged", converged);
        root.set("state", JsonCodec.doubles(state));
        root.set("stateCovariance", JsonCodec.matrix(stateCovariance));
        root.set("levels", JsonCodec.doubles(levels));
        root.set("info", ModelInfoJson.write(info));
        return JsonCodec.write(root);
    }

    /**
     * Reads a model written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException if the text is not a {@code profilekit.arima} version 1 object or is
     *                                  inconsistent (parameter count against order)
     */
    public static ArimaModel fromJson(String json) {
        JsonNode root = JsonCodec.read(json, FORMAT, VERSION);
        JsonNode o = JsonCodec.field(root, "order");
        Checks.requireArgument(o.isArray() && o.size() == 3, "order must be [p, d, q], was %s", o);
        ArimaOrder order = ArimaOrder.of(o.get(0).intValue(), o.get(1).intValue(), o.get(2).intValue());
        boolean constant = JsonCodec.field(root, "constant").booleanValue();
        double[] params = JsonCodec.readDoubles(root, "params");
        int k = (constant ? 1 : 0) + order.p() + order.q() + 1;
        Checks.requireArgument(params.length == k, "params has %d values, %s%s needs %d", params.length, order,
                constant ? " with constant" : "", k);
        int i = 0;
        double mean = constant ? params[i++] : 0.0;
        double[] ar = Arrays.copyOfRange(params, i, i + order.p());
        i += order.p();
        double[] ma = Arrays.copyOfRange(params, i, i + order.q());
        i += order.q();
        double sigma2 = params[i];
        return new ArimaModel(order, constant, mean, ar, ma, sigma2,
                JsonCodec.readDoubles(root, "standardErrors"),
                JsonCodec.field(root, "loglike").doubleValue(), JsonCodec.field(root, "observations").intValue(),
                JsonCodec.field(root, "iterations").intValue(), JsonCodec.field(root, "converged").booleanValue(),
                JsonCodec.readDoubles(root, "state"),
                JsonCodec.readMatrix(root, "stateCovariance"),
                JsonCodec.readDoubles(root, "levels"),
                ModelInfoJson.read(root));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ArimaModel m && order.equals(m.order) && constant == m.constant
                && Arrays.equals(params(), m.params()) && Arrays.equals(standardErrors, m.standardErrors)
                && Double.compare(loglike, m.loglike) == 0 && observations == m.observations
                && iterations == m.iterations && converged == m.converged && Arrays.equals(state, m.state)
                && Arrays.deepEquals(stateCovariance, m.stateCovariance) && Arrays.equals(levels, m.levels)
                && info.equals(m.info);
    }

    @Override
    public int hashCode() {
        return Objects.hash(order, constant, Arrays.hashCode(params()), loglike, observations, info);
    }

    @Override
    public String toString() {
        return "ArimaModel[" + order + (constant ? " with constant" : "") + ", params=" + paramNames() + "="
                + Arrays.toString(params()) + ", loglike=" + loglike + ", converged=" + converged + "]";
    }
}
