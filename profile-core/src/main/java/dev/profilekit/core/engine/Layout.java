package dev.profilekit.core.engine;

/**
 * Running offsets into a profile's two state arrays while a schema is compiled: each feature kind asks for the
 * primitive value slots ({@code double[]}) and object slots ({@code Object[]}) it needs and keeps the offsets.
 */
final class Layout {
    int values;
    int objects;

    /** Reserves {@code n} consecutive value slots; returns the first. */
    int values(int n) {
        int at = values;
        values += n;
        return at;
    }

    /** Reserves {@code n} consecutive object slots; returns the first. */
    int objects(int n) {
        int at = objects;
        objects += n;
        return at;
    }
}
