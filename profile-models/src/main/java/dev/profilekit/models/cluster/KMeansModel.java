package dev.profilekit.models.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.Checks;
import dev.profilekit.features.io.JsonCodec;
import dev.profilekit.models.ModelInfo;
import dev.profilekit.models.io.ModelInfoJson;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable set of k centroids (from {@link KMeans}, {@link MiniBatchKMeans} or an
 * {@link OnlineKMeans#snapshot() online snapshot}) with the inertia and convergence of the fit that made it.
 *
 * <p>JSON: {@code {"format":"profilekit.kmeans","version":1,"centroids":[[..]..],"inertia":..,
 * "iterations":..,"converged":..,"info":{..}}}; an unknown inertia (online snapshots) is written as
 * {@code null}.
 */
public final class KMeansModel {

    static final String FORMAT = "profilekit.kmeans";
    static final int VERSION = 1;

    private final double[][] centroids;
    private final double inertia;
    private final int iterations;
    private final boolean converged;
    private final ModelInfo info;

    KMeansModel(double[][] centroids, double inertia, int iterations, boolean converged, ModelInfo info) {
        Checks.requireArgument(centroids.length >= 1, "centroids must have at least 1 row, was 0");
        Inputs.requirePoints(centroids, "centroids");
        this.centroids = Inputs.copy(centroids);
        this.inertia = inertia;
        this.iterations = iterations;
        this.converged = converged;
        this.info = Checks.requireNonNull(info, "info");
    }

    /** Number of clusters. */
    public int k() {
        return centroids.length;
    }

    /** Number of columns of the points this model clusters. */
    public int dimension() {
        return centroids[0].length;
    }

    /** A copy of the centroids, one row per cluster. */
    public double[][] centroids() {
        return Inputs.copy(centroids);
    }

    /** A copy of centroid {@code c}. */
    public double[] centroid(int c) {
        Checks.requireArgument(c >= 0 && c < centroids.length, "cluster must be in [0, %d), was %d",
                centroids.length, c);
        return centroids[c].clone();
    }

    /**
     * Sum of squared Euclidean distances of the training points to their nearest centroid, or NaN
     * when unknown (online snapshots).
     */
    public double inertia() {
        return inertia;
    }

    /** Iterations of the kept run (batches for mini-batch, updates for online). */
    public int iterations() {
        return iterations;
    }

    /** Whether the kept run met its stopping rule before its iteration limit. */
    public boolean converged() {
        return converged;
    }

    /** What made this model. */
    public ModelInfo info() {
        return info;
    }

    /** The nearest centroid of {@code x} (Euclidean; lowest index on ties). O(k d), allocates nothing. */
    public int predict(double[] x) {
        Inputs.requirePoint(x, dimension(), "x");
        return Inputs.nearest(x, centroids);
    }

    /** The nearest centroid of every row of {@code x}. */
    public int[] predict(double[][] x) {
        int d = Inputs.requirePoints(x, "x");
        Checks.requireArgument(d == dimension(), "x has %d columns, model expects %d", d, dimension());
        int[] labels = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            labels[i] = Inputs.nearest(x[i], centroids);
        }
        return labels;
    }

    /** Sum of squared distances of the rows of {@code x} to their nearest centroid. */
    public double inertia(double[][] x) {
        int[] labels = predict(x);
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += Inputs.sqDist(x[i], centroids[labels[i]]);
        }
        return s;
    }

    /** The versioned JSON form; {@link #fromJson(String)} restores an equal model. */
    public String toJson() {
        ObjectNode root = JsonCodec.header(FORMAT, VERSION);
        root.set("centroids", JsonCodec.matrix(centroids));
        if (Double.isNaN(inertia)) {
            root.putNull("inertia");
        } else {
            root.put("inertia", inertia);
        }
        root.put("iterations", iterations);
        root.put("converged", converged);
        root.set("info", ModelInfoJson.write(info));
        return JsonCodec.write(root);
    }

    /**
     * Reads a model written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException if the text is not a {@code profilekit.kmeans} version 1 object
     */
    public static KMeansModel fromJson(String json) {
        JsonNode root = JsonCodec.read(json, FORMAT, VERSION);
        JsonNode in = root.get("inertia");
        double inertia = in == null || in.isNull() ? Double.NaN : in.doubleValue();
        return new KMeansModel(JsonCodec.readMatrix(root, "centroids"), inertia,
                JsonCodec.field(root, "iterations").intValue(), JsonCodec.field(root, "converged").booleanValue(),
                ModelInfoJson.read(root));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KMeansModel m && Arrays.deepEquals(centroids, m.centroids)
                && Double.compare(inertia, m.inertia) == 0 && iterations == m.iterations
                && converged == m.converged && info.equals(m.info);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.deepHashCode(centroids), inertia, iterations, converged, info);
    }

    @Override
    public String toString() {
        return "KMeansModel[k=" + k() + ", dimension=" + dimension() + ", inertia=" + inertia
                + ", iterations=" + iterations + ", converged=" + converged + ", algorithm=" + info.algorithm() + "]";
    }
}
