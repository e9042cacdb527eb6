package dev.profilekit.core.live.visits;

/**
 * A published version of the visits model: the total count of visits when it was published.
 *
 * @param version the version, from 1
 * @param total   visits counted over all users by then
 */
public record VisitsModel(long version, long total) {
}
