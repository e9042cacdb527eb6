package dev.profilekit.benchmarks.report;

import dev.profilekit.benchmarks.PcaBenchmark;
import java.util.List;
import java.util.Map;

/**
 * The peer comparisons of BENCHMARKS.md, in report order. Adding one (logistic regression, k-means, ARIMA)
 * takes a JMH class in {@code dev.profilekit.benchmarks} with an {@code ours} method and one method per peer,
 * plus one entry here; run.sh runs every class listed here, and {@link QualityChecks} computes the accuracy
 * figures of every entry that has them.
 */
public final class Comparisons {

    private Comparisons() {
    }

    /** Every comparison. */
    public static final List<Comparison> ALL = List.of(
            new Comparison("pca", "PCA fit, 20,000 x 100, top " + PcaBenchmark.COMPONENTS + " components",
                    "PcaBenchmark",
                    new Comparison.Contender("ours", "ProfileKit Pca (EJML thin SVD)"),
                    List.of(new Comparison.Contender("smile", "Smile 3.1.1 PCA (OpenBLAS, 1 thread)"),
                            new Comparison.Contender("commonsMath", "commons-math3 3.6.1 Covariance + EigenDecomposition")),
                    List.of(new Comparison.Metric("captured", "variance captured by the top components", true),
                            new Comparison.Metric("orthonormality_error", "largest entry of abs(V V^T - I)", false)),
                    PcaBenchmark::quality,
                    Map.of("commonsMath", 2.0)));
}
