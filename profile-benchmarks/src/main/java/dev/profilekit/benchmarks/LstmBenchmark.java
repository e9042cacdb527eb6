package dev.profilekit.benchmarks;

import dev.profilekit.models.sequence.Lstm;
import dev.profilekit.models.sequence.LstmFit;
import dev.profilekit.models.sequence.LstmModel;
import dev.profilekit.models.sequence.LstmOptions;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hand-written LSTM (profile-models' {@code sequence} package) on the activity-forecast shape: 10,000 users'
 * 28-day sequences of {@code [log1p(count), weekend]} (seeded Poisson counts around a per-user level, doubled on
 * weekends), target log1p of the next day's count, H = 16.
 *
 * <p>{@code epochMiniBatch}: one training epoch, Adam, mini-batches of 256 (40 steps), from the same seeded model
 * every time (including the O(n T I) copy of the inputs a call makes). {@code epochFullBatch}: one full-batch
 * Adam step over all 10,000 sequences. {@code forecast}: one user's next-day forecast, the allocation-free
 * {@link LstmModel#predict(double[], int, int, double[])} over all users (time per user).
 *
 * <p>No JVM deep-learning library runs beside it: DL4J's core artifacts (deeplearning4j-core, nd4j-native) are
 * not among the packages known to resolve here, and DJL's PyTorch engine loads its native library from the
 * network at run time, which this build cannot do.
 *
 * <p>Run: {@code java -jar profile-benchmarks/target/benchmarks.jar LstmBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(1)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class LstmBenchmark {

    static final int DAYS = 28;
    static final int HIDDEN = 16;
    static final long SEED = 11L;
    /** Sequences per call of {@link #forecast()}: JMH's per-operation time divides by it. */
    static final int FORECASTS = 10_000;

    /** Users (sequences); BenchmarksSmokeTest runs 1,000. */
    @Param("10000")
    public int users;

    double[][][] x;
    double[] y;
    double[] flat;
    double[] workspace;
    LstmModel initial;
    LstmModel trained;
    LstmOptions miniBatch;
    LstmOptions fullBatch;

    /** Knuth's Poisson sampler; fine for the small means used here. */
    static int poisson(SplittableRandom rng, double mean) {
        double limit = Math.exp(-mean);
        double p = rng.nextDouble();
        int k = 0;
        while (p > limit) {
            p *= rng.nextDouble();
            k++;
        }
        return k;
    }

    /** The seeded users' sequences and targets, a seeded initial model and one trained for a few epochs. */
    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rng = new SplittableRandom(SEED);
        x = new double[users][DAYS][2];
        y = new double[users];
        flat = new double[users * DAYS * 2];
        for (int u = 0; u < users; u++) {
            double level = Math.exp(rng.nextGaussian() * 0.8);
            for (int d = 0; d <= DAYS; d++) {
                boolean weekend = d % 7 >= 5;
                int count = poisson(rng, weekend ? 2 * level : level);
                if (d < DAYS) {
                    x[u][d][0] = Math.log1p(count);
                    x[u][d][1] = weekend ? 1 : 0;
                    flat[(u * DAYS + d) * 2] = x[u][d][0];
                    flat[(u * DAYS + d) * 2 + 1] = x[u][d][1];
                } else {
                    y[u] = Math.log1p(count);
                }
            }
        }
        miniBatch = LstmOptions.adam(HIDDEN, 0.01).epochs(1).batchSize(256).seed(SEED);
        fullBatch = LstmOptions.adam(HIDDEN, 0.01).epochs(1).fullBatch().seed(SEED);
        initial = Lstm.fit(x, y, LstmOptions.sgd(HIDDEN, 1e-12).epochs(1).seed(SEED)).model();
        trained = Lstm.fit(x, y, LstmOptions.adam(HIDDEN, 0.01).epochs(3).batchSize(256).seed(SEED)).model();
        workspace = new double[trained.workspaceSize()];
    }

    /** One epoch of mini-batch Adam (40 steps of 256 sequences). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public LstmFit epochMiniBatch() {
        return Lstm.train(initial, x, y, miniBatch);
    }

    /** One full-batch Adam step over the 10,000 sequences. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public LstmFit epochFullBatch() {
        return Lstm.train(initial, x, y, fullBatch);
    }

    /** One user's forecast (28 steps), averaged over 10,000 forecasts cycling over the users; allocation-free. */
    @Benchmark
    @OperationsPerInvocation(FORECASTS)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public double forecast() {
        double s = 0;
        for (int i = 0; i < FORECASTS; i++) {
            s += trained.predict(flat, (i % users) * DAYS * 2, DAYS, workspace);
        }
        return s;
    }
}
