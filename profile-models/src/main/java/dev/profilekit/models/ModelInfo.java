package dev.profilekit.models;

import dev.profilekit.features.Checks;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What made a trained model: the algorithm, its options, the seed, the shape of the training data
 * and the library version. Every model in this module carries one and writes it into its JSON.
 *
 * @param algorithm      algorithm name, e.g. {@code "logistic-regression/lbfgs"}
 * @param options        the options as plain JSON-able values (numbers, strings, booleans), in a stable order
 * @param seed           the seed used, or {@code null} for deterministic algorithms
 * @param rows           number of training rows
 * @param columns        number of training columns (features)
 * @param libraryVersion ProfileKit version that trained it
 */
public record ModelInfo(String algorithm, Map<String, Object> options, Long seed, int rows, int columns,
                        String libraryVersion) {

    /** The library version recorded in new models. */
    public static final String LIBRARY_VERSION = "0.1.0";

    /** Validates and freezes the options map. */
    public ModelInfo {
        Checks.requireNonNull(algorithm, "algorithm");
        Checks.requireNonNull(libraryVersion, "libraryVersion");
        Checks.requireArgument(rows >= 0, "rows must be >= 0, was %d", rows);
        Checks.requireArgument(columns >= 0, "columns must be >= 0, was %d", columns);
        options = options == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** A record for a model trained now by this library version. */
    public static ModelInfo of(String algorithm, Map<String, Object> options, Long seed, int rows, int columns) {
        return new ModelInfo(algorithm, options, seed, rows, columns, LIBRARY_VERSION);
    }
}
