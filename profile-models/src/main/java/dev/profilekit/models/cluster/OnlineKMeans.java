package dev.profilekit.models.cluster;

import dev.profilekit.features.Checks;
import dev.profilekit.models.ModelInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sequential (online) k-means for centroids that follow a stream: each point moves its nearest centroid
 * towards itself. Without a half-life this is MacQueen's (1967) sequential k-means, each centroid the running
 * mean of the points it won; with a half-life {@code h} each centroid is the exponentially weighted mean of
 * its points, a point's weight halving every {@code h} updates of the whole stream (so a centroid that stops
 * winning points keeps its position but loses its inertia against newcomers).
 *
 * <p>Mutable and not thread-safe: confine an instance to one thread or guard it. {@link #update(double[])} and
 * {@link #nearest(double[])} cost O(k d) and allocate nothing; {@link #snapshot()} copies the centroids into an
 * immutable {@link KMeansModel}.
 *
 * <pre>{@code
 * OnlineKMeans online = OnlineKMeans.start(KMeans.fit(warmup, KMeansOptions.k(8)), 10_000);
 * for (double[] x : stream) { online.update(x); }
 * KMeansModel now = online.snapshot();
 * }</pre>
 */
public final class OnlineKMeans {

    private final double[][] centroids;
    private final double[] weights;
    private final long[] lastUpdate;
    private final double halfLife;
    private final double logDecay;
    private long updates;

    private OnlineKMeans(double[][] centroids, double[] weights, double halfLife) {
        this.centroids = centroids;
        this.weights = weights;
        this.lastUpdate = new long[centroids.length];
        this.halfLife = halfLife;
        this.logDecay = Double.isInfinite(halfLife) ? 0.0 : -Math.log(2) / halfLife;
    }

    /**
     * Starts from given centroids, each counting as one point already seen.
     *
     * @param initial  k rows of d finite coordinates (copied)
     * @param halfLife half-life in stream updates, finite and {@code > 0}, or {@link Double#POSITIVE_INFINITY}
     *                 for plain running means
     * @throws IllegalArgumentException on an empty/ragged/non-finite matrix or a bad half-life
     */
    public static OnlineKMeans start(double[][] initial, double halfLife) {
        Inputs.requirePoints(initial, "initial");
        Checks.requireArgument(halfLife > 0, "halfLife must be > 0 (or +Infinity for none), was %s", halfLife);
        double[] w = new double[initial.length];
        java.util.Arrays.fill(w, 1.0);
        return new OnlineKMeans(Inputs.copy(initial), w, halfLife);
    }

    /** Starts from the centroids of a trained model; see {@link #start(double[][], double)}. */
    public static OnlineKMeans start(KMeansModel model, double halfLife) {
        Checks.requireNonNull(model, "model");
        return start(model.centroids(), halfLife);
    }

    /** Number of clusters. */
    public int k() {
        return centroids.length;
    }

    /** Number of coordinates per point. */
    public int dimension() {
        return centroids[0].length;
    }

    /** Number of points seen through {@link #update(double[])}. */
    public long updates() {
        return updates;
    }

    /** Index of the centroid nearest to {@code x} (lowest index on ties). O(k d), allocates nothing. */
    public int nearest(double[] x) {
        Inputs.requirePoint(x, centroids[0].length, "x");
        return Inputs.nearest(x, centroids);
    }

    /**
     * Moves the centroid nearest to {@code x} towards it and returns that centroid's index. O(k d), allocates
     * nothing.
     *
     * @throws IllegalArgumentException if {@code x} has the wrong length or a non-finite value (the state is
     *                                  unchanged then)
     */
    public int update(double[] x) {
        int d = centroids[0].length;
        Inputs.requirePoint(x, d, "x");
        for (int j = 0; j < d; j++) {
            if (!Double.isFinite(x[j])) {
                throw new IllegalArgumentException("x column " + j + " is " + x[j]);
            }
        }
        updates++;
        int c = Inputs.nearest(x, centroids);
        double w = weights[c];
        if (logDecay != 0.0) {
            w *= Math.exp(logDecay * (updates - lastUpdate[c]));
        }
        w += 1.0;
        weights[c] = w;
        lastUpdate[c] = updates;
        double eta = 1.0 / w;
        double[] cc = centroids[c];
        for (int j = 0; j < d; j++) {
            cc[j] += eta * (x[j] - cc[j]);
        }
        return c;
    }

    /** A copy of centroid {@code c}. */
    public double[] centroid(int c) {
        Checks.requireArgument(c >= 0 && c < centroids.length, "cluster must be in [0, %d), was %d",
                centroids.length, c);
        return centroids[c].clone();
    }

    /**
     * An immutable model with the current centroids; its inertia is NaN (the stream is not kept), its
     * iterations the number of updates, {@code converged} false.
     */
    public KMeansModel snapshot() {
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("k", centroids.length);
        opts.put("halfLife", Double.isInfinite(halfLife) ? "none" : (Object) halfLife);
        int rows = updates > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) updates;
        return new KMeansModel(centroids, Double.NaN, rows, false,
                ModelInfo.of("kmeans/online", opts, null, rows, centroids[0].length));
    }

    /** Writes the centroids, their weights and update times, and the update count, for a snapshot. */
    public void writeState(dev.profilekit.features.codec.ByteWriter out) {
        out.varInt(centroids.length).varInt(centroids[0].length);
        for (int c = 0; c < centroids.length; c++) {
            for (double v : centroids[c]) {
                out.f64(v);
            }
            out.f64(weights[c]).zigZag(lastUpdate[c]);
        }
        out.varLong(updates);
    }

    /**
     * Replaces the state with one {@link #writeState} wrote on a learner with the same k, dimension and half-life.
     *
     * @throws dev.profilekit.features.codec.StateFormatException if k or the dimension differ
     */
    public void readState(dev.profilekit.features.codec.ByteReader in) {
        int k = in.varInt(Integer.MAX_VALUE);
        int d = in.varInt(Integer.MAX_VALUE);
        if (k != centroids.length || d != centroids[0].length) {
            throw in.error("online k-means state of " + k + " x " + d + ", this learner is " + centroids.length + " x "
                    + centroids[0].length);
        }
        double[][] c = new double[k][d];
        double[] wt = new double[k];
        long[] lu = new long[k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < d; j++) {
                c[i][j] = in.f64();
            }
            wt[i] = in.f64();
            lu[i] = in.zigZag();
        }
        long u = in.varLong();
        for (int i = 0; i < k; i++) {
            System.arraycopy(c[i], 0, centroids[i], 0, d);
        }
        System.arraycopy(wt, 0, weights, 0, k);
        System.arraycopy(lu, 0, lastUpdate, 0, k);
        updates = u;
    }
}
