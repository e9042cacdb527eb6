package dev.profilekit.models.cluster;

/**
 * Linkage criteria of {@link AgglomerativeClustering}, on Euclidean distances, each with its Lance-Williams
 * update (as SciPy's {@code linkage}) for merging clusters x and y, seen from cluster i. (Single linkage is
 * computed as a minimum spanning tree, which needs no update.)
 */
public enum Linkage {
    /** Ward's minimum-variance criterion; the merge height is SciPy's (Euclidean scale, not squared). */
    WARD,
    /** UPGMA: mean pairwise distance. */
    AVERAGE,
    /** Farthest pair. */
    COMPLETE,
    /** Nearest pair. */
    SINGLE;

    /** Distance from cluster i to the merge of x and y. */
    double update(double dxi, double dyi, double dxy, int nx, int ny, int ni) {
        switch (this) {
            case SINGLE:
                return Math.min(dxi, dyi);
            case COMPLETE:
                return Math.max(dxi, dyi);
            case AVERAGE:
                return (nx * dxi + ny * dyi) / (nx + ny);
            case WARD:
            default:
                double t = 1.0 / (nx + ny + ni);
                return Math.sqrt((ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * dxy * dxy);
        }
    }
}
