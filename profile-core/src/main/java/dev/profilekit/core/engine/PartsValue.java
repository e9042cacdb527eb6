package dev.profilekit.core.engine;

import java.util.List;

/**
 * A feature value made of named parts, such as {@link StatsValue} and {@link SessionsValue}: profile JSON writes it
 * as an object of its parts, CSV output as one column per part, and {@link Profile#get(String)} reads one part as
 * {@code feature.part}. A feature kind with a structured value implements this and needs no change in any of them.
 */
public interface PartsValue {

    /** The names of the parts, in output order. */
    List<String> parts();

    /**
     * The value of part {@code name} as output: a {@link Long}, a {@link Double} or null.
     *
     * @throws IllegalArgumentException when {@code name} is not one of {@link #parts()}
     */
    Object part(String name);
}
