package dev.profilekit.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.features.transform.Dataset;
import dev.profilekit.features.transform.Pca;
import dev.profilekit.features.transform.PcaOptions;
import dev.profilekit.features.transform.Scaler;
import java.util.Arrays;

/**
 * Fixture kind {@code scaling-pca}: z-score standardisation of {@code X} (population std, ddof 0), then PCA
 * with all components on the standardised data. Outputs {@code mean}, {@code std}, the components (rows),
 * explained variance (ddof 1) and its ratio, and the projections of the first five rows. Components and
 * projections follow the library's sign rule; the fixture compares them up to sign.
 */
public final class ScalingPcaConformance {

    /** Rows of the projection reported, as in the fixture's {@code pca_projection_first5_sign_free}. */
    static final int PROJECTED_ROWS = 5;

    private ScalingPcaConformance() {
    }

    /** Computes the results for one {@code scaling-pca} fixture from its {@code X}. */
    public static ObjectNode run(JsonNode fixture) {
        double[][] x = FixtureInput.matrixWithMissing(fixture, "X");
        Dataset data = Dataset.of(names(x[0].length), x);
        Scaler scaler = Scaler.zScore(data);
        Dataset z = scaler.transform(data);
        Pca pca = Pca.fit(z, PcaOptions.all());
        Dataset scores = pca.transform(z.selectRows(firstRows(Math.min(PROJECTED_ROWS, data.rowCount()))));

        double[] std = scaler.scale();
        // the scaler replaces a zero std by 1 so constant columns map to 0; report the true std
        for (int j = 0; j < std.length; j++) {
            double[] col = data.columnValues(j);
            if (Arrays.stream(col).allMatch(v -> v == col[0])) {
                std[j] = 0;
            }
        }
        ObjectNode out = FixtureOutput.object();
        out.set("mean", FixtureOutput.array(scaler.center()));
        out.set("std", FixtureOutput.array(std));
        out.set("pca_components_rows_sign_free", FixtureOutput.array(pca.components()));
        out.set("pca_explained_variance_ddof1", FixtureOutput.array(pca.explainedVariance()));
        out.set("pca_explained_variance_ratio", FixtureOutput.array(pca.explainedVarianceRatio()));
        out.set("pca_projection_first5_sign_free", FixtureOutput.array(scores.toArray()));
        return out;
    }

    private static int[] firstRows(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return idx;
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
