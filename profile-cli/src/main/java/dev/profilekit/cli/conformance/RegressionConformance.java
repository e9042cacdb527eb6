package dev.profilekit.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.models.regression.LinearModel;
import dev.profilekit.models.regression.LinearOptions;
import dev.profilekit.models.regression.LinearRegression;
import java.util.List;

/**
 * The {@code regression} fixture kind: OLS with intercept and ridge ({@code alpha} from the task, default 1,
 * penalty alpha||w||^2, intercept not penalised) on raw X; reports coefficients, intercepts and training R².
 */
public final class RegressionConformance {

    private RegressionConformance() {
    }

    /** Runs one {@code regression} fixture; see the class comment. */
    public static ObjectNode run(JsonNode fixture) {
        double[][] x = FixtureInput.matrix(fixture, "X");
        double[] y = FixtureInput.vector(fixture, "y");
        List<String> names = FixtureInput.featureNames(fixture);
        double alpha = FixtureInput.taskParameter(fixture, "alpha", 1.0);
        LinearModel ols = LinearRegression.fit(x, y, names, LinearOptions.ols());
        LinearModel ridge = LinearRegression.fit(x, y, names, LinearOptions.ridge(alpha));
        ObjectNode out = FixtureOutput.object();
        out.set("ols_coef", FixtureOutput.array(ols.coefficients()));
        out.put("ols_intercept", ols.intercept());
        out.put("ols_r2", ols.trainingR2());
        out.set("ridge_coef", FixtureOutput.array(ridge.coefficients()));
        out.put("ridge_intercept", ridge.intercept());
        out.put("ridge_r2", ridge.trainingR2());
        return out;
    }
}
