package dev.profilekit.features.transform;

import dev.profilekit.features.Checks;

/** Shape checks for categorical input given as {@code String[rows][columns]} with column names. */
final class Categorical {

    private Categorical() {
    }

    static void check(String[] columns, String[][] rows, String argument) {
        Checks.requireNonNull(columns, "columns");
        Checks.requireNonNull(rows, argument);
        Checks.requireArgument(columns.length > 0, "columns must not be empty");
        for (int j = 0; j < columns.length; j++) {
            Checks.requireArgument(columns[j] != null, "columns[%d] must not be null", j);
        }
        for (int i = 0; i < rows.length; i++) {
            Checks.requireArgument(rows[i] != null, "%s[%d] must not be null", argument, i);
            Checks.requireArgument(rows[i].length == columns.length,
                    "%s row %d has %d values, columns has %d", argument, i, rows[i].length, columns.length);
            for (int j = 0; j < columns.length; j++) {
                Checks.requireArgument(rows[i][j] != null,
                        "%s column '%s' (index %d) row %d is null (missing categories must be given as a value, e.g. \"\")",
                        argument, columns[j], j, i);
            }
        }
    }
}
