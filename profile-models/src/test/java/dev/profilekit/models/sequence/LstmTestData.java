package dev.profilekit.models.sequence;

import dev.profilekit.models.ModelInfo;
import java.util.Map;
import java.util.SplittableRandom;

/** Seeded random shapes, data and models for the LSTM tests. */
final class LstmTestData {

    private LstmTestData() {
    }

    static double[][][] sequences(SplittableRandom rng, int n, int steps, int inputSize, double scale) {
        double[][][] x = new double[n][steps][inputSize];
        for (double[][] seq : x) {
            for (double[] step : seq) {
                for (int j = 0; j < inputSize; j++) {
                    step[j] = scale * (2 * rng.nextDouble() - 1);
                }
            }
        }
        return x;
    }

    static double[] targets(SplittableRandom rng, int n, double scale) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = scale * (2 * rng.nextDouble() - 1);
        }
        return y;
    }

    /** A model with parameters uniform on [-scale, scale]. */
    static LstmModel model(SplittableRandom rng, int inputSize, int hidden, double scale) {
        double[] p = new double[LstmKernel.parameterCount(inputSize, hidden)];
        for (int i = 0; i < p.length; i++) {
            p[i] = scale * (2 * rng.nextDouble() - 1);
        }
        return new LstmModel(inputSize, hidden, p, ModelInfo.of("lstm/test", Map.of(), null, 0, inputSize));
    }

    /** The gradient's six blocks in the flat parameter layout. */
    static double[] flat(LstmGradient g) {
        int h = g.wOut()[0].length;
        int in = g.wIh()[0].length;
        double[] out = new double[LstmKernel.parameterCount(in, h)];
        int at = 0;
        for (double[] row : g.wIh()) {
            System.arraycopy(row, 0, out, at, row.length);
            at += row.length;
        }
        for (double[] row : g.wHh()) {
            System.arraycopy(row, 0, out, at, row.length);
            at += row.length;
        }
        System.arraycopy(g.bIh(), 0, out, at, g.bIh().length);
        at += g.bIh().length;
        System.arraycopy(g.bHh(), 0, out, at, g.bHh().length);
        at += g.bHh().length;
        System.arraycopy(g.wOut()[0], 0, out, at, h);
        at += h;
        out[at] = g.bOut()[0];
        return out;
    }
}
