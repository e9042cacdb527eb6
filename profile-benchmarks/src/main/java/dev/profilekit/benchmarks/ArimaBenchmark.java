package dev.profilekit.benchmarks;

import dev.profilekit.models.timeseries.Arima;
import dev.profilekit.models.timeseries.ArimaForecast;
import dev.profilekit.models.timeseries.ArimaModel;
import dev.profilekit.models.timeseries.ArimaOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ARIMA(2,1,2) by exact maximum likelihood on a seeded simulated series of n = 1,000 (differences follow
 * phi = (0.5, -0.3), theta = (0.4, 0.2), sigma = 1), and a 20-step forecast of the fitted model.
 *
 * <p>Run: {@code java -jar profile-benchmarks/target/benchmarks.jar ArimaBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ArimaBenchmark {

    static final int N = 1_000;
    static final long SEED = 7L;
    static final ArimaOrder ORDER = ArimaOrder.of(2, 1, 2);

    double[] series;
    ArimaModel fitted;

    /** Simulates the series and fits it once for the forecast benchmark. */
    @Setup(Level.Trial)
    public void setUp() {
        series = ArimaPeersBenchmark.series(N);
        fitted = Arima.fit(series, ORDER);
    }

    /** CSS start, then exact ML by BFGS over the Kalman-filter likelihood. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public ArimaModel fit() {
        return Arima.fit(series, ORDER);
    }

    /** 20 steps with standard errors. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public ArimaForecast forecast20() {
        return fitted.forecast(20);
    }
}
