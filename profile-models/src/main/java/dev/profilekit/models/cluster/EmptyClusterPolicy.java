package dev.profilekit.models.cluster;

/** What batch k-means does when an iteration leaves a cluster with no points. */
public enum EmptyClusterPolicy {
    /**
     * Re-seed the empty cluster with the point farthest from its current centroid (as scikit-learn does);
     * several empty clusters take the farthest, second farthest, ... points.
     */
    FARTHEST_POINT,
    /** Fail with an {@link IllegalStateException} naming the cluster and the iteration. */
    ERROR
}
