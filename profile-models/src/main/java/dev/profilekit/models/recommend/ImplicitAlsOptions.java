package dev.profilekit.models.recommend;

import dev.profilekit.features.Checks;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of {@link ImplicitAls}: {@code factors} latent dimensions, confidence {@code c = 1 + alpha * r} of an
 * observed weight r, ridge strength {@code l2} (λ) and {@code iterations} full sweeps (users, then items), from
 * item factors drawn with {@code seed}.
 *
 * <p>Example: {@code ImplicitAlsOptions.factors(16).alpha(10).l2(0.1).iterations(10).seed(42)}.
 *
 * @param factors    latent dimensions, 1..1024
 * @param alpha      confidence slope, finite and {@code >= 0}
 * @param l2         λ, finite and {@code > 0}
 * @param iterations sweeps, {@code >= 1}
 * @param seed       seed of the initial item factors
 */
public record ImplicitAlsOptions(int factors, double alpha, double l2, int iterations, long seed) {

    /** Validates every option. */
    public ImplicitAlsOptions {
        Checks.requireArgument(factors >= 1 && factors <= 1024, "factors must be between 1 and 1024, was %d", factors);
        Checks.requireArgument(alpha >= 0 && Double.isFinite(alpha), "alpha must be finite and >= 0, was %s", alpha);
        Checks.requireArgument(l2 > 0 && Double.isFinite(l2), "l2 must be finite and > 0, was %s", l2);
        Checks.requireAtLeast(iterations, 1, "iterations");
    }

    /** {@code f} factors, alpha 40 (the paper's), l2 0.1, 10 iterations, seed 42. */
    public static ImplicitAlsOptions factors(int f) {
        return new ImplicitAlsOptions(f, 40, 0.1, 10, 42);
    }

    /** A copy with confidence slope {@code a}. */
    public ImplicitAlsOptions alpha(double a) {
        return new ImplicitAlsOptions(factors, a, l2, iterations, seed);
    }

    /** A copy with ridge strength {@code lambda}. */
    public ImplicitAlsOptions l2(double lambda) {
        return new ImplicitAlsOptions(factors, alpha, lambda, iterations, seed);
    }

    /** A copy with {@code n} sweeps. */
    public ImplicitAlsOptions iterations(int n) {
        return new ImplicitAlsOptions(factors, alpha, l2, n, seed);
    }

    /** A copy with seed {@code s}. */
    public ImplicitAlsOptions seed(long s) {
        return new ImplicitAlsOptions(factors, alpha, l2, iterations, s);
    }

    /** The options for {@link dev.profilekit.models.ModelInfo}. */
    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("factors", factors);
        m.put("alpha", alpha);
        m.put("l2", l2);
        m.put("iterations", iterations);
        return m;
    }
}
