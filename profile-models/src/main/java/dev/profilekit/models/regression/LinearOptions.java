package dev.profilekit.models.regression;

import dev.profilekit.features.Checks;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of {@link LinearRegression}: ordinary least squares ({@code alpha = 0}) or ridge regression, which
 * minimises {@code ||y - b - X w||^2 + alpha ||w||^2} with the intercept b not penalised (scikit-learn's
 * {@code Ridge(alpha)}).
 *
 * @param alpha ridge penalty, finite and {@code >= 0}
 */
public record LinearOptions(double alpha) {

    /** Validates alpha. */
    public LinearOptions {
        Checks.requireArgument(alpha >= 0 && Double.isFinite(alpha), "alpha must be finite and >= 0, was %s", alpha);
    }

    /** Ordinary least squares (with coefficient standard errors). */
    public static LinearOptions ols() {
        return new LinearOptions(0.0);
    }

    /** Ridge regression with penalty {@code alpha ||w||^2}. */
    public static LinearOptions ridge(double alpha) {
        return new LinearOptions(alpha);
    }

    /** Whether this is ordinary least squares. */
    public boolean isOls() {
        return alpha == 0.0;
    }

    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("alpha", alpha);
        return m;
    }
}
