package dev.profilekit.core.live.segments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.core.live.VectorPipeline;
import dev.profilekit.features.io.JsonCodec;
import dev.profilekit.models.cluster.KMeansModel;
import java.util.List;

/**
 * One immutable version of the live segments: a profile-models {@link KMeansModel} whose centroids live in
 * the model-input space of a fitted {@link VectorPipeline}, and the segment id of each of its clusters (a
 * refit's clusters are renumbered to match the previous version's, so ids stay stable; the k-means model itself
 * is kept as fitted, with its provenance). {@link #assign(double[])} takes the raw vector (missing values NaN),
 * standardises it into a per-thread scratch array and returns the segment of
 * {@link KMeansModel#predict(double[])}; it allocates nothing.
 *
 * <p>JSON ({@link #toJson()}): {@code {"format":"profilekit.segments-model","version":1,"model_version":..,
 * "segment_of_cluster":[..],"pipeline":{..},"kmeans":{..KMeansModel..}}}.
 */
public final class SegmentsModel {

    /** The JSON format name. */
    public static final String FORMAT = "profilekit.segments-model";
    /** The JSON format version. */
    public static final int VERSION = 1;

    private static final ThreadLocal<double[]> SCRATCH = ThreadLocal.withInitial(() -> new double[0]);

    private final long version;
    private final VectorPipeline pipeline;
    private final KMeansModel kmeans;
    private final int[] segmentOf;
    private final int[] clusterOf;

    private SegmentsModel(long version, VectorPipeline pipeline, KMeansModel kmeans, int[] segmentOf) {
        this.version = version;
        this.pipeline = pipeline;
        this.kmeans = kmeans;
        this.segmentOf = segmentOf;
        this.clusterOf = invert(segmentOf);
    }

    /** The inverse of a permutation. */
    static int[] invert(int[] p) {
        int[] q = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            q[p[i]] = i;
        }
        return q;
    }

    /**
     * A segments version, for example fitted in batch: {@code KMeans.fit(pipeline.transform(raw), options)}.
     *
     * @throws IllegalArgumentException if the pipeline is unfitted or the centroids' dimension is not the
     *                                  pipeline's
     */
    public static SegmentsModel of(VectorPipeline pipeline, KMeansModel kmeans) {
        return of(0, pipeline, kmeans, kmeans == null ? null : LiveSegments.identity(kmeans.k()));
    }

    static SegmentsModel of(long version, VectorPipeline pipeline, KMeansModel kmeans, int[] segmentOf) {
        if (pipeline == null || !pipeline.fitted()) {
            throw new IllegalArgumentException("pipeline must be a fitted VectorPipeline, was " + pipeline);
        }
        if (kmeans == null || kmeans.dimension() != pipeline.dimension()) {
            throw new IllegalArgumentException("kmeans must have " + pipeline.dimension() + " columns (the pipeline's "
                    + pipeline.columns() + "), was " + (kmeans == null ? "null" : kmeans.dimension()));
        }
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, was " + version);
        }
        boolean[] seen = new boolean[kmeans.k()];
        boolean permutation = segmentOf != null && segmentOf.length == kmeans.k();
        for (int i = 0; permutation && i < segmentOf.length; i++) {
            permutation = segmentOf[i] >= 0 && segmentOf[i] < seen.length && !seen[segmentOf[i]];
            if (permutation) {
                seen[segmentOf[i]] = true;
            }
        }
        if (!permutation) {
            throw new IllegalArgumentException("segmentOf must be a permutation of 0.." + (kmeans.k() - 1) + ", was "
                    + java.util.Arrays.toString(segmentOf));
        }
        return new SegmentsModel(version, pipeline, kmeans, segmentOf.clone());
    }

    /** The version number. */
    public long version() {
        return version;
    }

    /** Number of segments. */
    public int k() {
        return kmeans.k();
    }

    /** The pipeline from a profile to the model input. */
    public VectorPipeline pipeline() {
        return pipeline;
    }

    /** The centroids, in model-input (standardised) units. */
    public KMeansModel kmeans() {
        return kmeans;
    }

    /** Column names of the segment vector. */
    public List<String> featureNames() {
        return pipeline.columns();
    }

    /** The segment id of k-means cluster {@code cluster}. */
    public int segmentOf(int cluster) {
        if (cluster < 0 || cluster >= segmentOf.length) {
            throw new IllegalArgumentException("cluster must be in [0, " + segmentOf.length + "), was " + cluster);
        }
        return segmentOf[cluster];
    }

    /** The centroid of segment {@code segment} in raw (unstandardised) units. */
    public double[] centroid(int segment) {
        if (segment < 0 || segment >= clusterOf.length) {
            throw new IllegalArgumentException("segment must be in [0, " + clusterOf.length + "), was " + segment);
        }
        return pipeline.inverse(kmeans.centroid(clusterOf[segment]));
    }

    /** The centroids in segment order, in model-input units. */
    double[][] standardisedCentroids() {
        double[][] c = new double[clusterOf.length][];
        for (int s = 0; s < c.length; s++) {
            c[s] = kmeans.centroid(clusterOf[s]);
        }
        return c;
    }

    SegmentsModel withVersion(long v) {
        return new SegmentsModel(v, pipeline, kmeans, segmentOf);
    }

    /**
     * The segment (nearest centroid, lowest index on ties) of a raw vector. O(k d), no allocation.
     *
     * @throws IllegalArgumentException if {@code raw} does not have {@link VectorPipeline#dimension()} values
     */
    public int assign(double[] raw) {
        double[] z = SCRATCH.get();
        if (z.length != pipeline.dimension()) {
            z = new double[pipeline.dimension()];
            SCRATCH.set(z);
        }
        pipeline.transform(raw, z);
        return segmentOf[kmeans.predict(z)];
    }

    /** This version as JSON: its pipeline and its k-means model. */
    public String toJson() {
        ObjectNode root = JsonCodec.objectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("model_version", version);
        com.fasterxml.jackson.databind.node.ArrayNode ids = root.putArray("segment_of_cluster");
        for (int id : segmentOf) {
            ids.add(id);
        }
        root.set("pipeline", pipeline.toNode());
        root.set("kmeans", VectorPipeline.readTree(kmeans.toJson()));
        return JsonCodec.write(root);
    }

    /**
     * Reads segments written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException if the text is not such a model or its parts do not fit together
     */
    public static SegmentsModel fromJson(String json) {
        if (json == null) {
            throw new IllegalArgumentException("json must not be null");
        }
        JsonNode root = JsonCodec.read(json, FORMAT, VERSION);
        JsonNode km = root.get("kmeans");
        if (km == null || !km.isObject()) {
            throw new IllegalArgumentException("json kmeans must be a profilekit.kmeans object, was " + km);
        }
        KMeansModel kmeans = KMeansModel.fromJson(JsonCodec.write(km));
        JsonNode ids = root.get("segment_of_cluster");
        int[] segmentOf = ids == null ? LiveSegments.identity(kmeans.k()) : new int[ids.size()];
        for (int i = 0; ids != null && i < ids.size(); i++) {
            segmentOf[i] = ids.get(i).asInt(-1);
        }
        return of(root.path("model_version").asLong(0), VectorPipeline.fromNode(root.get("pipeline")), kmeans,
                segmentOf);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SegmentsModel m && version == m.version && pipeline.equals(m.pipeline)
                && kmeans.equals(m.kmeans) && java.util.Arrays.equals(segmentOf, m.segmentOf);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(version, pipeline, kmeans, java.util.Arrays.hashCode(segmentOf));
    }

    @Override
    public String toString() {
        return "SegmentsModel{version=" + version + ", k=" + kmeans.k() + '}';
    }

    /**
     * The segment of a raw profile vector explained: distances to every centroid and the per-column separation of
     * the assigned segment from the next nearest; its {@link SegmentsExplanation#segment()} is exactly
     * {@link #assign(double[])}. O(k d + d log d), allocating.
     *
     * @throws IllegalArgumentException if {@code raw} does not have {@link VectorPipeline#dimension()} values
     */
    public SegmentsExplanation explain(double[] raw) {
        double[] z = new double[pipeline.dimension()];
        pipeline.transform(raw, z);
        double[][] c = standardisedCentroids();
        double[] sq = new double[c.length];
        List<SegmentsExplanation.Distance> distances = new java.util.ArrayList<>(c.length);
        for (int s = 0; s < c.length; s++) {
            for (int j = 0; j < z.length; j++) { // the order k-means sums in
                double t = z[j] - c[s][j];
                sq[s] += t * t;
            }
            distances.add(new SegmentsExplanation.Distance(s, Math.sqrt(sq[s])));
        }
        int assigned = segmentOf[kmeans.predict(z)];
        int next = -1;
        for (int s = 0; s < c.length; s++) {
            if (s != assigned && (next < 0 || sq[s] < sq[next])) {
                next = s;
            }
        }
        List<SegmentsExplanation.Separation> separating = new java.util.ArrayList<>();
        List<String> names = featureNames();
        for (int j = 0; next >= 0 && j < z.length; j++) {
            double a = z[j] - c[assigned][j];
            double b = z[j] - c[next][j];
            separating.add(new SegmentsExplanation.Separation(names.get(j), b * b - a * a));
        }
        separating.sort(SegmentsExplanation.ORDER);
        return new SegmentsExplanation(version, assigned, distances, next, separating);
    }
}
