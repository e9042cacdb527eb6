package dev.profilekit.features.transform;

import dev.profilekit.features.Checks;

/**
 * Feature crosses: pairwise products of numeric columns (degree-2 interaction terms, as scikit-learn's
 * {@code PolynomialFeatures(interaction_only=True, include_bias=False)} without the linear terms), and hashed
 * crosses of categorical columns (the token {@code a=x&b=y} for every pair of columns, hashed by a
 * {@link FeatureHasher}), which keeps the width fixed however many value pairs occur.
 */
public final class CrossFeatures {

    private CrossFeatures() {
    }

    /**
     * The products {@code x_a * x_b} for every column pair {@code a < b}, named {@code a*b}, in the order
     * (0,1), (0,2), ..., (1,2), ...; labels are kept. O(rows * columns^2). NaN propagates.
     *
     * @throws IllegalArgumentException if data has fewer than 2 columns
     */
    public static Dataset pairwiseProducts(Dataset data) {
        Checks.requireNonNull(data, "data");
        int d = data.columnCount();
        Checks.requireArgument(d >= 2, "data must have at least 2 columns to cross, was %s", data.shape());
        int m = d * (d - 1) / 2;
        String[] names = new String[m];
        for (int a = 0, k = 0; a < d; a++) {
            for (int b = a + 1; b < d; b++) {
                names[k++] = data.column(a) + "*" + data.column(b);
            }
        }
        double[][] rows = data.rawRows();
        double[][] out = new double[rows.length][m];
        for (int i = 0; i < rows.length; i++) {
            double[] r = rows[i];
            for (int a = 0, k = 0; a < d; a++) {
                for (int b = a + 1; b < d; b++) {
                    out[i][k++] = r[a] * r[b];
                }
            }
        }
        return Dataset.of(names, out, data.rawLabels());
    }

    /**
     * Hashed pairwise crosses of categorical columns: for every row and column pair {@code a < b}, the token
     * {@code a=x&b=y} with weight 1 is hashed by {@code hasher}. O(rows * columns^2).
     *
     * @throws IllegalArgumentException on fewer than 2 columns, ragged rows or null cells
     */
    public static Dataset hashedCrosses(String[] columns, String[][] rows, FeatureHasher hasher) {
        Categorical.check(columns, rows, "rows");
        Checks.requireNonNull(hasher, "hasher");
        Checks.requireArgument(columns.length >= 2, "columns must have at least 2 names to cross, was %d", columns.length);
        double[][] out = new double[rows.length][hasher.numFeatures()];
        for (int i = 0; i < rows.length; i++) {
            for (int a = 0; a < columns.length; a++) {
                for (int b = a + 1; b < columns.length; b++) {
                    hasher.addTo(crossToken(columns[a], rows[i][a], columns[b], rows[i][b]), 1.0, out[i]);
                }
            }
        }
        return Dataset.of(hasher.slotNames(), out);
    }

    /** The token of one categorical cross: {@code a=x&b=y}. */
    public static String crossToken(String columnA, String valueA, String columnB, String valueB) {
        return columnA + "=" + valueA + "&" + columnB + "=" + valueB;
    }
}
