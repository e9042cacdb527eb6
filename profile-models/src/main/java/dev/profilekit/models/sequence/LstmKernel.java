package dev.profilekit.models.sequence;

/**
 * The LSTM's numerical core on flat {@code double[]}: one sample's forward pass, its backpropagation through time
 * into an accumulated gradient, and the parameter updates. An instance owns the workspaces for one sequence length
 * and is used by one thread; nothing here allocates after construction.
 *
 * <p>Parameter layout (one flat array, each block row-major): {@code W_ih} (4H x I) at {@link #wIh()},
 * {@code W_hh} (4H x H) at {@link #wHh()}, {@code b_ih} (4H), {@code b_hh} (4H), {@code W_out} (H),
 * {@code b_out} (1); gate rows in the order i, f, g, o as in {@code torch.nn.LSTM}. Inputs are flat too:
 * sample s, step t, feature j at {@code x[(s * T + t) * I + j]}.
 *
 * <p>Forward (Hochreiter and Schmidhuber 1997 with the forget gate of Gers et al. 2000, as PyTorch writes it):
 * {@code z = (W_ih x_t + b_ih) + (W_hh h_{t-1} + b_hh)}, {@code i, f, o = sigmoid(z_i, z_f, z_o)},
 * {@code g = tanh(z_g)}, {@code c_t = f c_{t-1} + i g}, {@code h_t = o tanh(c_t)}, h_0 = c_0 = 0; the prediction is
 * {@code W_out h_T + b_out}. The backward pass is the exact derivative of that computation.
 */
final class LstmKernel {

    final int inputSize;
    final int hidden;
    final int steps;
    private final int gates;
    /** Post-activation gates i, f, g, o per step: steps x 4H. */
    private final double[] act;
    /** Cell states c_0..c_T: (steps + 1) x H, c_0 = 0. */
    private final double[] cs;
    /** Hidden states h_0..h_T: (steps + 1) x H, h_0 = 0. */
    private final double[] hs;
    /** tanh(c_t) per step: steps x H. */
    private final double[] tcs;
    private final double[] dh;
    private final double[] dc;
    private final double[] dz;

    LstmKernel(int inputSize, int hidden, int steps) {
        this.inputSize = inputSize;
        this.hidden = hidden;
        this.steps = steps;
        this.gates = 4 * hidden;
        this.act = new double[steps * gates];
        this.cs = new double[(steps + 1) * hidden];
        this.hs = new double[(steps + 1) * hidden];
        this.tcs = new double[steps * hidden];
        this.dh = new double[hidden];
        this.dc = new double[hidden];
        this.dz = new double[gates];
    }

    // ---- layout ----

    static int parameterCount(int inputSize, int hidden) {
        return 4 * hidden * inputSize + 4 * hidden * hidden + 8 * hidden + hidden + 1;
    }

    static int wIh() {
        return 0;
    }

    static int wHh(int inputSize, int hidden) {
        return 4 * hidden * inputSize;
    }

    static int bIh(int inputSize, int hidden) {
        return wHh(inputSize, hidden) + 4 * hidden * hidden;
    }

    static int bHh(int inputSize, int hidden) {
        return bIh(inputSize, hidden) + 4 * hidden;
    }

    static int wOut(int inputSize, int hidden) {
        return bHh(inputSize, hidden) + 4 * hidden;
    }

    static int bOut(int inputSize, int hidden) {
        return wOut(inputSize, hidden) + hidden;
    }

    static double sigmoid(double v) {
        return 1.0 / (1.0 + Math.exp(-v));
    }

    /** Number of doubles {@link #predict(double[], double[], int, int, int, int, double[])} needs as workspace. */
    static int predictWorkspace(int hidden) {
        return 7 * hidden;
    }

    // ---- forward ----

    /**
     * Forward pass of one sample of this kernel's length, keeping every step for {@link #backward}.
     *
     * @return the prediction
     */
    double forward(double[] p, double[] x, int xOffset) {
        int ii = inputSize;
        int hh = hidden;
        int g4 = gates;
        int oWhh = wHh(ii, hh);
        int oBih = bIh(ii, hh);
        int oBhh = bHh(ii, hh);
        java.util.Arrays.fill(hs, 0, hh, 0.0);
        java.util.Arrays.fill(cs, 0, hh, 0.0);
        for (int t = 0; t < steps; t++) {
            int xo = xOffset + t * ii;
            int hPrev = t * hh;
            int a = t * g4;
            for (int r = 0; r < g4; r++) {
                double zx = 0;
                int w = r * ii;
                for (int j = 0; j < ii; j++) {
                    zx += p[w + j] * x[xo + j];
                }
                double zh = 0;
                int wh = oWhh + r * hh;
                for (int k = 0; k < hh; k++) {
                    zh += p[wh + k] * hs[hPrev + k];
                }
                act[a + r] = (zx + p[oBih + r]) + (zh + p[oBhh + r]);
            }
            int hNext = hPrev + hh;
            int tc = t * hh;
            for (int k = 0; k < hh; k++) {
                double i = sigmoid(act[a + k]);
                double f = sigmoid(act[a + hh + k]);
                double g = Math.tanh(act[a + 2 * hh + k]);
                double o = sigmoid(act[a + 3 * hh + k]);
                act[a + k] = i;
                act[a + hh + k] = f;
                act[a + 2 * hh + k] = g;
                act[a + 3 * hh + k] = o;
                double c = f * cs[hPrev + k] + i * g;
                cs[hNext + k] = c;
                double th = Math.tanh(c);
                tcs[tc + k] = th;
                hs[hNext + k] = o * th;
            }
        }
        int oWout = wOut(ii, hh);
        double y = 0;
        int hLast = steps * hh;
        for (int k = 0; k < hh; k++) {
            y += p[oWout + k] * hs[hLast + k];
        }
        return y + p[oWout + hh];
    }

    /** Copies h_T of the last {@link #forward} into {@code out} at {@code offset}. */
    void lastHidden(double[] out, int offset) {
        System.arraycopy(hs, steps * hidden, out, offset, hidden);
    }

    /** Copies c_T of the last {@link #forward} into {@code out} at {@code offset}. */
    void lastCell(double[] out, int offset) {
        System.arraycopy(cs, steps * hidden, out, offset, hidden);
    }

    /**
     * Backpropagation through time of the last {@link #forward}: adds {@code dPrediction} times the gradient of the
     * prediction with respect to every parameter into {@code grad}.
     */
    void backward(double[] p, double[] x, int xOffset, double dPrediction, double[] grad) {
        int ii = inputSize;
        int hh = hidden;
        int g4 = gates;
        int oWhh = wHh(ii, hh);
        int oBih = bIh(ii, hh);
        int oBhh = bHh(ii, hh);
        int oWout = wOut(ii, hh);
        int hLast = steps * hh;
        for (int k = 0; k < hh; k++) {
            grad[oWout + k] += dPrediction * hs[hLast + k];
            dh[k] = dPrediction * p[oWout + k];
            dc[k] = 0.0;
        }
        grad[oWout + hh] += dPrediction;
        for (int t = steps - 1; t >= 0; t--) {
            int a = t * g4;
            int hPrev = t * hh;
            int tc = t * hh;
            for (int k = 0; k < hh; k++) {
                double i = act[a + k];
                double f = act[a + hh + k];
                double g = act[a + 2 * hh + k];
                double o = act[a + 3 * hh + k];
                double th = tcs[tc + k];
                double dC = dc[k] + dh[k] * o * (1.0 - th * th);
                dz[k] = dC * g * i * (1.0 - i);
                dz[hh + k] = dC * cs[hPrev + k] * f * (1.0 - f);
                dz[2 * hh + k] = dC * i * (1.0 - g * g);
                dz[3 * hh + k] = dh[k] * th * o * (1.0 - o);
                dc[k] = dC * f;
            }
            int xo = xOffset + t * ii;
            for (int r = 0; r < g4; r++) {
                double d = dz[r];
                grad[oBih + r] += d;
                grad[oBhh + r] += d;
                int w = r * ii;
                for (int j = 0; j < ii; j++) {
                    grad[w + j] += d * x[xo + j];
                }
                int wh = oWhh + r * hh;
                for (int k = 0; k < hh; k++) {
                    grad[wh + k] += d * hs[hPrev + k];
                }
            }
            if (t > 0) {
                for (int k = 0; k < hh; k++) {
                    double s = 0;
                    for (int r = 0; r < g4; r++) {
                        s += p[oWhh + r * hh + k] * dz[r];
                    }
                    dh[k] = s;
                }
            }
        }
    }

    /**
     * Squared-error loss of the samples {@code order[from..to)} and, when {@code grad} is not null, the gradient
     * of {@code sum (pred - y)² / denominator} added into it.
     *
     * @return the sum of squared errors over those samples
     */
    double lossAndGradient(double[] p, double[] x, double[] y, int[] order, int from, int to, double denominator,
                           double[] grad) {
        int stride = steps * inputSize;
        double sse = 0;
        for (int s = from; s < to; s++) {
            int sample = order[s];
            double e = forward(p, x, sample * stride) - y[sample];
            sse += e * e;
            if (grad != null) {
                backward(p, x, sample * stride, 2.0 * e / denominator, grad);
            }
        }
        return sse;
    }

    // ---- prediction without the step history ----

    /**
     * The prediction for one sequence of {@code steps} steps at {@code x[offset..]} (row-major, {@code inputSize}
     * per step), keeping only the current state in {@code work} (at least {@link #predictWorkspace(int)} doubles).
     * Computes the same values, in the same order, as {@link #forward}.
     */
    static double predict(double[] p, double[] x, int offset, int steps, int inputSize, int hidden, double[] work) {
        int hh = hidden;
        int g4 = 4 * hh;
        int oWhh = wHh(inputSize, hh);
        int oBih = bIh(inputSize, hh);
        int oBhh = bHh(inputSize, hh);
        // work: h [0, H), c [H, 2H), z [2H, 6H), hNext [6H, 7H)
        int h = 0;
        int c = hh;
        int z = 2 * hh;
        int hn = 6 * hh;
        java.util.Arrays.fill(work, 0, 2 * hh, 0.0);
        for (int t = 0; t < steps; t++) {
            int xo = offset + t * inputSize;
            for (int r = 0; r < g4; r++) {
                double zx = 0;
                int w = r * inputSize;
                for (int j = 0; j < inputSize; j++) {
                    zx += p[w + j] * x[xo + j];
                }
                double zh = 0;
                int wh = oWhh + r * hh;
                for (int k = 0; k < hh; k++) {
                    zh += p[wh + k] * work[h + k];
                }
                work[z + r] = (zx + p[oBih + r]) + (zh + p[oBhh + r]);
            }
            for (int k = 0; k < hh; k++) {
                double i = sigmoid(work[z + k]);
                double f = sigmoid(work[z + hh + k]);
                double g = Math.tanh(work[z + 2 * hh + k]);
                double o = sigmoid(work[z + 3 * hh + k]);
                double cNew = f * work[c + k] + i * g;
                work[c + k] = cNew;
                work[hn + k] = o * Math.tanh(cNew);
            }
            System.arraycopy(work, hn, work, h, hh);
        }
        int oWout = wOut(inputSize, hh);
        double y = 0;
        for (int k = 0; k < hh; k++) {
            y += p[oWout + k] * work[h + k];
        }
        return y + p[oWout + hh];
    }

    // ---- updates ----

    /** The global L2 norm of {@code g}. */
    static double norm(double[] g) {
        double s = 0;
        for (double v : g) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    /**
     * Clips {@code g} to global norm {@code maxNorm} as {@code torch.nn.utils.clip_grad_norm_}: when
     * {@code maxNorm / (norm + 1e-6) < 1} every element is multiplied by that coefficient.
     *
     * @return the norm before clipping
     */
    static double clip(double[] g, double maxNorm) {
        double total = norm(g);
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1.0) {
            for (int i = 0; i < g.length; i++) {
                g[i] *= coef;
            }
        }
        return total;
    }

    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;

    /** One Adam step number {@code t} (from 1) as {@code torch.optim.Adam}: updates m, v and p in place. */
    static void adam(double[] p, double[] g, double[] m, double[] v, double lr, int t) {
        double bias1 = 1.0 - Math.pow(BETA1, t);
        double bias2 = 1.0 - Math.pow(BETA2, t);
        double stepSize = lr / bias1;
        double bias2Sqrt = Math.sqrt(bias2);
        for (int i = 0; i < p.length; i++) {
            double gi = g[i];
            double mi = m[i] * BETA1 + (1.0 - BETA1) * gi;
            double vi = v[i] * BETA2 + (1.0 - BETA2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            double denom = Math.sqrt(vi) / bias2Sqrt + EPS;
            p[i] -= stepSize * (mi / denom);
        }
    }

    /** One plain SGD step. */
    static void sgd(double[] p, double[] g, double lr) {
        for (int i = 0; i < p.length; i++) {
            p[i] -= lr * g[i];
        }
    }
}
