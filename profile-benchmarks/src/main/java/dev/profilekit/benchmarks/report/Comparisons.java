package dev.profilekit.benchmarks.report;

import dev.profilekit.benchmarks.ArimaPeersBenchmark;
import dev.profilekit.benchmarks.KMeansPeersBenchmark;
import dev.profilekit.benchmarks.LogisticRegressionPeersBenchmark;
import dev.profilekit.benchmarks.PcaBenchmark;
import java.util.List;
import java.util.Map;

/**
 * The peer comparisons of BENCHMARKS.md, in report order: PCA, logistic regression, k-means, ARIMA. Adding one
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
                    Map.of("commonsMath", 2.0)),
            new Comparison("logistic", "Logistic regression fit, 100,000 x 50, L2 lambda = 1 (liblinear C = 1)",
                    "LogisticRegressionPeersBenchmark",
                    new Comparison.Contender("ours", "ProfileKit LogisticRegression (default AUTO solver: "
                            + "L-BFGS at d = 50; lambda = 1, gradient norm <= 1e-8)"),
                    List.of(new Comparison.Contender("tribuoLiblinear", "Tribuo 4.3.2 liblinear L2R_LR (C = 1, "
                                    + "eps = 1e-6; also penalises the intercept)"),
                            new Comparison.Contender("smile", "Smile 3.1.1 LogisticRegression.binomial (L-BFGS, "
                                    + "lambda = 1, tol = 1e-10)"),
                            new Comparison.Contender("tribuoSgd", "Tribuo 4.3.2 SGD logistic (AdaGrad, 5 epochs, "
                                    + "no penalty)")),
                    List.of(new Comparison.Metric("log_loss", "mean training log loss", false)),
                    LogisticRegressionPeersBenchmark::quality,
                    Map.of("tribuoLiblinear", 1.0, "smile", 1.0, "tribuoSgd", 1.0),
                    // the penalised optima agree to ~1e-9; SGD stops short of it, so equal means within 1e-6
                    new Comparison.QualityGate("log_loss", 1e-6), null),
            new Comparison("kmeans", "k-means fit, 100,000 x 16, k = " + KMeansPeersBenchmark.K + ", best of "
                    + KMeansPeersBenchmark.RESTARTS + " k-means++ restarts each",
                    "KMeansPeersBenchmark",
                    new Comparison.Contender("ours", "ProfileKit KMeans (Hamerly)"),
                    List.of(new Comparison.Contender("smile", "Smile 3.1.1 KMeans.fit (BBD tree filtering)"),
                            new Comparison.Contender("commonsMath", "commons-math3 3.6.1 "
                                    + "MultiKMeansPlusPlusClusterer (Lloyd)")),
                    List.of(new Comparison.Metric("inertia", "inertia (sum of squared distances)", false)),
                    KMeansPeersBenchmark::quality,
                    Map.of("smile", 1.0, "commonsMath", 3.0),
                    new Comparison.QualityGate("inertia", 1e-6), null),
            new Comparison("arima", "ARIMA(2,1,2) fit, n = " + ArimaPeersBenchmark.N,
                    "ArimaPeersBenchmark",
                    new Comparison.Contender("ours", "ProfileKit Arima (exact ML, Kalman filter + BFGS)"),
                    List.of(new Comparison.Contender("smile", "Smile 3.1.1 ARMA.fit(2, 2) on the differences "
                            + "(Hannan-Rissanen, not ML)")),
                    List.of(new Comparison.Metric("css_loglike", "conditional log-likelihood of the differences",
                                    true),
                            new Comparison.Metric("exact_loglike", "exact log-likelihood", true)),
                    ArimaPeersBenchmark::quality,
                    Map.of(),
                    null, ArimaPeersBenchmark.TARGET_MILLIS));
}
