package dev.profilekit.models.sequence;

import dev.profilekit.features.Checks;

/**
 * Argument checks and flattening of sequence inputs: every failure names the argument and the index, e.g.
 * {@code "x[3][5][1] must be finite, was NaN"}. Package-private.
 */
final class SequenceInputs {

    private SequenceInputs() {
    }

    /**
     * Batch {@code x} (n x T x I) flattened row-major, after checking it is non-empty, rectangular, of
     * {@code inputSize} features per step (or any, when {@code inputSize} is 0) and finite.
     */
    record Flat(double[] data, int n, int steps, int inputSize) {
    }

    static Flat batch(double[][][] x, String name, int inputSize) {
        Checks.requireNonNull(x, name);
        Checks.requireArgument(x.length >= 1, "%s must hold at least one sequence, was empty", name);
        Checks.requireNonNull(x[0], name + "[0]");
        int steps = x[0].length;
        Checks.requireArgument(steps >= 1, "%s[0] must have at least one step, was empty", name);
        Checks.requireNonNull(x[0][0], name + "[0][0]");
        int features = inputSize > 0 ? inputSize : x[0][0].length;
        Checks.requireArgument(features >= 1, "%s[0][0] must have at least one feature, was empty", name);
        long total = (long) x.length * steps * features;
        Checks.requireArgument(total <= Integer.MAX_VALUE - 8, "%s has %d values (%d x %d x %d), more than an array holds",
                name, total, x.length, steps, features);
        double[] data = new double[(int) total];
        int at = 0;
        for (int s = 0; s < x.length; s++) {
            double[][] seq = x[s];
            if (seq == null) {
                throw new IllegalArgumentException(name + "[" + s + "] must not be null");
            }
            if (seq.length != steps) {
                throw new IllegalArgumentException(name + "[" + s + "] has " + seq.length + " steps, " + name
                        + "[0] has " + steps + " (all sequences of a batch must have the same length)");
            }
            for (int t = 0; t < steps; t++) {
                at = copyStep(seq[t], name, s, t, features, data, at);
            }
        }
        return new Flat(data, x.length, steps, features);
    }

    /** One sequence {@code seq} (T x inputSize) flattened, after the same checks. */
    static double[] sequence(double[][] seq, String name, int inputSize) {
        Checks.requireNonNull(seq, name);
        Checks.requireArgument(seq.length >= 1, "%s must have at least one step, was empty", name);
        double[] data = new double[seq.length * inputSize];
        int at = 0;
        for (int t = 0; t < seq.length; t++) {
            at = copyStep(seq[t], name, -1, t, inputSize, data, at);
        }
        return data;
    }

    /**
     * Copies step {@code t} of sequence {@code s} ({@code s < 0}: a single sequence) after its checks; the
     * argument's name and index are formatted only for a failure, so a valid batch allocates nothing here.
     */
    private static int copyStep(double[] step, String name, int s, int t, int features, double[] out, int at) {
        if (step == null) {
            throw new IllegalArgumentException(where(name, s, t) + " must not be null");
        }
        if (step.length != features) {
            throw new IllegalArgumentException(where(name, s, t) + " has " + step.length + " features, expected "
                    + features);
        }
        for (int j = 0; j < features; j++) {
            double v = step[j];
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(where(name, s, t) + "[" + j + "] must be finite, was " + v);
            }
            out[at++] = v;
        }
        return at;
    }

    private static String where(String name, int s, int t) {
        return s < 0 ? name + "[" + t + "]" : name + "[" + s + "][" + t + "]";
    }

    /** Targets {@code y}: one finite value per sequence. */
    static double[] targets(double[] y, String name, int n) {
        Checks.requireNonNull(y, name);
        Checks.requireArgument(y.length == n, "%s has %d values, x has %d sequences", name, y.length, n);
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(y[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] must be finite, was " + y[i]);
            }
        }
        return y.clone();
    }

    /** A rows x cols matrix of finite values, flattened into {@code out} at {@code offset}. */
    static void matrix(double[][] m, String name, int rows, int cols, double[] out, int offset) {
        Checks.requireNonNull(m, name);
        Checks.requireArgument(m.length == rows, "%s must have %d rows, was %d", name, rows, m.length);
        for (int r = 0; r < rows; r++) {
            Checks.requireNonNull(m[r], name + "[" + r + "]");
            Checks.requireArgument(m[r].length == cols, "%s[%d] must have %d columns, was %d", name, r, cols,
                    m[r].length);
            for (int c = 0; c < cols; c++) {
                double v = m[r][c];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(name + "[" + r + "][" + c + "] must be finite, was " + v);
                }
                out[offset + r * cols + c] = v;
            }
        }
    }

    /** A vector of {@code length} finite values, copied into {@code out} at {@code offset}. */
    static void vector(double[] v, String name, int length, double[] out, int offset) {
        Checks.requireNonNull(v, name);
        Checks.requireArgument(v.length == length, "%s must have %d values, was %d", name, length, v.length);
        for (int i = 0; i < length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] must be finite, was " + v[i]);
            }
            out[offset + i] = v[i];
        }
    }
}
