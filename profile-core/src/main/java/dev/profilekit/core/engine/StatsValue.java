package dev.profilekit.core.engine;

/**
 * Value of a {@code stats} feature: count, mean, population standard deviation (divisor count),
 * min and max of the field values.
 */
public record StatsValue(long count, double mean, double std, double min, double max) {

    /** The component {@code part} ({@code count, mean, std, min, max}), or null for another name. */
    public Double component(String part) {
        return switch (part) {
            case "count" -> (double) count;
            case "mean" -> mean;
            case "std" -> std;
            case "min" -> min;
            case "max" -> max;
            default -> null;
        };
    }
}
