package dev.profilekit.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.transform.Dataset;
import dev.profilekit.features.transform.FeatureSelection;

/**
 * Fixture kind {@code selection}: Pearson correlation of each raw column of {@code X} with {@code y};
 * mutual information (nats) between {@code y} and each column cut into 5 equal-frequency bins (code = number
 * of the 4 interior quantiles, numpy linear interpolation, that are {@code <= x}); and the bin codes of the
 * first five rows ({@code binned_codes_first5[i][j]} = code of row i, column j).
 */
public final class SelectionConformance {

    /** Number of equal-frequency bins the task states. */
    static final int BINS = 5;
    /** Rows of codes reported. */
    static final int CODED_ROWS = 5;

    private SelectionConformance() {
    }

    /** Computes the results for one {@code selection} fixture from its {@code X} and {@code y}. */
    public static ObjectNode run(JsonNode fixture) {
        double[][] x = FixtureInput.matrixWithMissing(fixture, "X");
        double[] y = FixtureInput.vectorWithMissing(fixture, "y");
        Dataset data = Dataset.of(names(x[0].length), x, y);

        int d = data.columnCount();
        int rows = Math.min(CODED_ROWS, data.rowCount());
        int[][] codes = new int[rows][d];
        for (int j = 0; j < d; j++) {
            int[] c = FeatureSelection.equalFrequencyBins(data.columnValues(j), BINS);
            for (int i = 0; i < rows; i++) {
                codes[i][j] = c[i];
            }
        }
        ObjectNode out = FixtureOutput.object();
        out.set("pearson", FixtureOutput.array(FeatureSelection.pearson(data)));
        out.set("mutual_information_nats", FixtureOutput.array(FeatureSelection.mutualInformation(data, BINS)));
        out.set("binned_codes_first5", FixtureOutput.array(codes));
        return out;
    }

    /** Generated column names: feature names are not outputs, and other datasets may repeat or omit them. */
    private static String[] names(int count) {
        String[] out = new String[count];
        for (int j = 0; j < count; j++) {
            out[j] = "x" + j;
        }
        return out;
    }
}
