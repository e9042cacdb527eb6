package dev.profilekit.core.engine;

import java.util.List;

/**
 * Value of a {@code stats} feature: count, mean, population standard deviation (divisor count),
 * min and max of the field values.
 */
public record StatsValue(long count, double mean, double std, double min, double max) implements PartsValue {

    static final List<String> PARTS = List.of("count", "mean", "std", "min", "max");

    @Override
    public List<String> parts() {
        return PARTS;
    }

    /** {@code count} as a {@link Long}, the others as {@link Double}s. */
    @Override
    public Object part(String name) {
        if (name.equals("count")) {
            return count;
        }
        Double v = component(name);
        if (v == null) {
            throw new IllegalArgumentException("stats has no part '" + name + "' (parts: " + PARTS + ")");
        }
        return v;
    }

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
