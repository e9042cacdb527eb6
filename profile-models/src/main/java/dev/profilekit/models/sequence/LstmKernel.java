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
 *
 * <p>The matrix-vector products run over transposed copies of {@code W_ih} and {@code W_hh} ({@link #prepare}) as
 * sums of scaled columns: every output accumulates its terms in the same order as a row-by-row dot product
 * (so the results are the same, bit for bit), but the outputs are independent of each other, which the JIT can
 * vectorise and the CPU can pipeline, where a dot product is one chain of dependent additions.
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
    /** W_ih transposed (I x 4H) and W_hh transposed (H x 4H), filled by {@link #prepare}. */
    private final double[] wIhT;
    private final double[] wHhT;
    /** The recurrent half of the gate pre-activations of one step (4H). */
    private final double[] zh;

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
        this.wIhT = new double[inputSize * gates];
        this.wHhT = new double[hidden * gates];
        this.zh = new double[gates];
    }

    /** Copies the transposed weight matrices of {@code p}; call after every change of {@code p}. */
    void prepare(double[] p) {
        transpose(p, inputSize, hidden, wIhT, wHhT);
    }

    /** W_ih (4H x I) of {@code p} into {@code wIhT} (I x 4H), W_hh (4H x H) into {@code wHhT} (H x 4H). */
    static void transpose(double[] p, int inputSize, int hidden, double[] wIhT, double[] wHhT) {
        int g4 = 4 * hidden;
        int oWhh = wHh(inputSize, hidden);
        for (int r = 0; r < g4; r++) {
            for (int j = 0; j < inputSize; j++) {
                wIhT[j * g4 + r] = p[r * inputSize + j];
            }
            for (int k = 0; k < hidden; k++) {
                wHhT[k * g4 + r] = p[oWhh + r * hidden + k];
            }
        }
    }

    /**
     * Gate pre-activations of one step into {@code z[zOff..zOff+4H)}: {@code (W_ih x + b_ih) + (W_hh h + b_hh)},
     * each product summed in index order as columns scaled by x[j] and h[k]; {@code zh} (4H) is scratch.
     */
    static void preActivations(double[] p, double[] wIhT, double[] wHhT, int inputSize, int hidden, double[] x,
                               int xo, double[] h, int ho, double[] z, int zOff, double[] zh, int zhOff) {
        int g4 = 4 * hidden;
        int oBih = bIh(inputSize, hidden);
        int oBhh = bHh(inputSize, hidden);
        java.util.Arrays.fill(z, zOff, zOff + g4, 0.0);
        java.util.Arrays.fill(zh, zhOff, zhOff + g4, 0.0);
        for (int j = 0; j < inputSize; j++) {
            double xj = x[xo + j];
            int col = j * g4;
            for (int r = 0; r < g4; r++) {
                z[zOff + r] += wIhT[col + r] * xj;
            }
        }
        for (int k = 0; k < hidden; k++) {
            double hk = h[ho + k];
            int col = k * g4;
            for (int r = 0; r < g4; r++) {
                zh[zhOff + r] += wHhT[col + r] * hk;
            }
        }
        for (int r = 0; r < g4; r++) {
            z[zOff + r] = (z[zOff + r] + p[oBih + r]) + (zh[zhOff + r] + p[oBhh + r]);
        }
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

    /** Number of doubles {@link #predict} needs as workspace. */
    static int predictWorkspace(int hidden) {
        return 10 * hidden;
    }

    // ---- forward ----

    /**
     * Forward pass of one sample of this kernel's length, keeping every step for {@link #backward}; the
     * transposed weights must be those of {@code p} ({@link #prepare}).
     *
     * @return the prediction
     */
    double forward(double[] p, double[] x, int xOffset) {
        int ii = inputSize;
        int hh = hidden;
        int g4 = gates;
        java.util.Arrays.fill(hs, 0, hh, 0.0);
        java.util.Arrays.fill(cs, 0, hh, 0.0);
        for (int t = 0; t < steps; t++) {
            int xo = xOffset + t * ii;
            int hPrev = t * hh;
            int a = t * g4;
            preActivations(p, wIhT, wHhT, ii, hh, x, xo, hs, hPrev, act, a, zh, 0);
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
                // dh = W_hh' dz, each element summed over r in order, as rows of W_hh scaled by dz[r]
                java.util.Arrays.fill(dh, 0.0);
                for (int r = 0; r < g4; r++) {
                    double d = dz[r];
                    int w = oWhh + r * hh;
                    for (int k = 0; k < hh; k++) {
                        dh[k] += p[w + k] * d;
                    }
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
        prepare(p);
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
     * per step), keeping only the current state in {@code work} (at least {@link #predictWorkspace(int)} doubles)
     * and given the transposed weights of {@code p} ({@link #transpose}). Computes the same values, in the same
     * order, as {@link #forward}.
     */
    static double predict(double[] p, double[] wIhT, double[] wHhT, double[] x, int offset, int steps,
                          int inputSize, int hidden, double[] work) {
        int hh = hidden;
        // work: h [0, H), c [H, 2H), z [2H, 6H), the recurrent half of z [6H, 10H)
        int h = 0;
        int c = hh;
        int z = 2 * hh;
        java.util.Arrays.fill(work, 0, 2 * hh, 0.0);
        for (int t = 0; t < steps; t++) {
            preActivations(p, wIhT, wHhT, inputSize, hh, x, offset + t * inputSize, work, h, work, z, work, 6 * hh);
            for (int k = 0; k < hh; k++) {
                double i = sigmoid(work[z + k]);
                double f = sigmoid(work[z + hh + k]);
                double g = Math.tanh(work[z + 2 * hh + k]);
                double o = sigmoid(work[z + 3 * hh + k]);
                double cNew = f * work[c + k] + i * g;
                work[c + k] = cNew;
                work[h + k] = o * Math.tanh(cNew); // the previous h is no longer needed
            }
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
