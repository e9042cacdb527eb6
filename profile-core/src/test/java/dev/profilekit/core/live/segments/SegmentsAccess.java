package dev.profilekit.core.live.segments;

import dev.profilekit.core.live.VectorPipeline;
import dev.profilekit.models.cluster.KMeansModel;

/** Test access to the segments package's internals from tests in other packages. */
public final class SegmentsAccess {

    private SegmentsAccess() {
    }

    /** A segments version with its version number and segment ids ({@code SegmentsModel.of}, package-private). */
    public static SegmentsModel of(long version, VectorPipeline pipeline, KMeansModel kmeans, int[] segmentOf) {
        return SegmentsModel.of(version, pipeline, kmeans, segmentOf);
    }
}
