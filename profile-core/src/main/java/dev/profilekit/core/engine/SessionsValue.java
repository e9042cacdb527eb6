package dev.profilekit.core.engine;

import java.util.List;

/**
 * Value of a {@code sessions} feature.
 *
 * @param count          number of sessions
 * @param meanDurationS  mean of (last t - first t) in seconds, null when there is no session
 */
public record SessionsValue(long count, Double meanDurationS) implements PartsValue {

    static final List<String> PARTS = List.of("count", "mean_duration_s");

    @Override
    public List<String> parts() {
        return PARTS;
    }

    /** {@code count} as a {@link Long}, {@code mean_duration_s} as a {@link Double} or null. */
    @Override
    public Object part(String name) {
        return switch (name) {
            case "count" -> count;
            case "mean_duration_s" -> meanDurationS;
            default -> throw new IllegalArgumentException("sessions has no part '" + name + "' (parts: " + PARTS + ")");
        };
    }

    /** The component {@code part} ({@code count, mean_duration_s}), or null. */
    public Double component(String part) {
        return switch (part) {
            case "count" -> (double) count;
            case "mean_duration_s" -> meanDurationS;
            default -> null;
        };
    }
}
