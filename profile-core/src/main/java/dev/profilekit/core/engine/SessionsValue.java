package dev.profilekit.core.engine;

/**
 * Value of a {@code sessions} feature.
 *
 * @param count          number of sessions
 * @param meanDurationS  mean of (last t - first t) in seconds, null when there is no session
 */
public record SessionsValue(long count, Double meanDurationS) {

    /** The component {@code part} ({@code count, mean_duration_s}), or null. */
    public Double component(String part) {
        return switch (part) {
            case "count" -> (double) count;
            case "mean_duration_s" -> meanDurationS;
            default -> null;
        };
    }
}
