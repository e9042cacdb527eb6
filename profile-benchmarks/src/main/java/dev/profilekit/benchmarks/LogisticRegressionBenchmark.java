package dev.profilekit.benchmarks;

import dev.profilekit.models.metrics.ClassificationMetrics;
import dev.profilekit.models.regression.Convergence;
import dev.profilekit.models.regression.LogisticModel;
import dev.profilekit.models.regression.LogisticOptions;
import dev.profilekit.models.regression.LogisticRegression;
import dev.profilekit.models.regression.OnlineLogisticOptions;
import dev.profilekit.models.regression.OnlineLogisticRegression;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Logistic regression: batch fit (Newton-Cholesky) on 100,000 x 50 seeded synthetic data, and one online
 * AdaGrad update plus one prediction (the hot-path pair, which should show 0 B/op under {@code -prof gc}).
 *
 * <p>The data: x ~ N(0, 1) i.i.d., true coefficients ~ N(0, 0.5^2), intercept -0.5, y ~ Bernoulli(sigmoid).
 * At the end of a trial the last fitted model's training log loss, iterations and gradient norm are printed.
 *
 * <pre>
 * java -jar profile-benchmarks/target/benchmarks.jar LogisticRegressionBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(1)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
public class LogisticRegressionBenchmark {

    /** Number of training rows. */
    @Param({"100000"})
    public int rows;

    /** Number of features. */
    @Param({"50"})
    public int columns;

    private double[][] x;
    private int[] y;
    private LogisticModel last;
    private OnlineLogisticRegression online;
    private int next;

    /** Generates the seeded data set and a fresh online learner. */
    @Setup(Level.Trial)
    public void generate() {
        LogisticRegressionPeersBenchmark.Data data = LogisticRegressionPeersBenchmark.data(rows, columns);
        x = data.x();
        y = data.y();
        online = OnlineLogisticRegression.create(columns, OnlineLogisticOptions.learningRate(0.05).l2(1.0 / rows));
    }

    /** One full batch fit with lambda = 1 (sklearn C = 1). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public LogisticModel batchFit() {
        last = LogisticRegression.fit(x, y, LogisticOptions.l2(1.0));
        return last;
    }

    /** One online update followed by one prediction, cycling through the rows. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public double onlineLearnAndPredict() {
        int i = next;
        next = i + 1 == rows ? 0 : i + 1;
        online.learn(x[i], y[i]);
        return online.predictProbability(x[next]);
    }

    /** Prints the final training log loss of the last batch fit and of the online learner. */
    @TearDown(Level.Trial)
    public void report() {
        if (last != null) {
            Convergence c = last.convergence().orElseThrow();
            double logLoss = ClassificationMetrics.logLoss(y, last.predictProbabilities(x));
            System.out.printf("%nbatch fit %d x %d: train log loss %.6f, converged %s in %d iterations, gradient norm %.3e%n",
                    rows, columns, logLoss, c.converged(), c.iterations(), c.gradientNorm());
        }
        if (online.examplesSeen() > 0) {
            double logLoss = ClassificationMetrics.logLoss(y, online.snapshot().predictProbabilities(x));
            System.out.printf("%nonline after %d updates: train log loss %.6f%n", online.examplesSeen(), logLoss);
        }
    }
}
