package dev.profilekit.models.cluster;

/** How the batch k-means iterations assign points; both give the same result from the same seeds. */
public enum KMeansAlgorithm {
    /** Lloyd (1982): every point is compared with every centroid, O(n k d) per iteration. */
    LLOYD,
    /**
     * Hamerly (2010), "Making k-means even faster": one upper and one lower distance bound per point skip
     * most distance computations; the assignments, and so the centroids, are those of Lloyd.
     */
    HAMERLY
}
