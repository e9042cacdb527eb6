package dev.profilekit.core.live.segments;

import java.util.Comparator;
import java.util.List;

/**
 * The segment of one profile explained: the Euclidean distance from its model input (the pipeline's z-scores) to
 * every centroid, and which inputs separate the assigned segment from the next nearest one. For input {@code j}
 * the separation is {@code (z_j - next_j)² - (z_j - assigned_j)²}: positive when the input is closer to the
 * assigned centroid; the separations sum to the difference of the two squared distances.
 *
 * @param version     the segments version that was explained
 * @param segment     the assigned segment (nearest centroid, the lowest cluster on ties, as the profile's)
 * @param distances   the distance to the centroid of every segment, in segment id order
 * @param nextNearest the segment of the second nearest centroid, -1 when there is one segment only
 * @param separating  per input, by decreasing separation (ties by input name); empty when there is one segment
 */
public record SegmentsExplanation(long version, int segment, List<Distance> distances, int nextNearest,
                                  List<Separation> separating) {

    /**
     * The distance to one segment's centroid.
     *
     * @param segment  the segment id
     * @param distance Euclidean distance in model-input (standardised) units
     */
    public record Distance(int segment, double distance) {
    }

    /**
     * One input's share of the gap between the next nearest and the assigned centroid.
     *
     * @param input      the column name (as in {@link dev.profilekit.core.live.propensity.PropensityExplanation.Contribution#input()})
     * @param difference {@code (z - next)² - (z - assigned)²} for this column
     */
    public record Separation(String input, double difference) {
    }

    /** Decreasing difference, then input name. */
    static final Comparator<Separation> ORDER = Comparator
            .comparingDouble((Separation s) -> -s.difference()).thenComparing(Separation::input);

    /** Copies the lists. */
    public SegmentsExplanation {
        if (distances == null || separating == null) {
            throw new IllegalArgumentException("distances and separating must not be null");
        }
        distances = List.copyOf(distances);
        separating = List.copyOf(separating);
    }
}
