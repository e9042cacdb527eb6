package dev.profilekit.benchmarks;

import dev.profilekit.features.transform.Dataset;
import dev.profilekit.features.transform.OnlineStandardScaler;
import dev.profilekit.features.transform.Pca;
import dev.profilekit.features.transform.PcaOptions;
import dev.profilekit.features.transform.Scaler;
import dev.profilekit.features.transform.ScalerKind;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Batch feature transforms: PCA fit (thin SVD of the centred 20,000 x 100 matrix, EJML), batch scaler fit and
 * transform for each {@link ScalerKind} on the same data, and the allocation-free online z-score update.
 * Data are seeded Gaussian columns with different scales and a shared latent factor, so the SVD sees a
 * realistic spectrum.
 *
 * <p>Run e.g. {@code java -jar profile-benchmarks/target/benchmarks.jar TransformBenchmarks -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class TransformBenchmarks {

    /** The seeded synthetic data set, built once per trial. */
    @State(Scope.Benchmark)
    public static class Data {

        /** Rows of the synthetic matrix. */
        @Param("20000")
        public int rows;

        /** Columns of the synthetic matrix. */
        @Param("100")
        public int columns;

        Dataset dataset;
        double[][] array;

        /** Builds the data. */
        @Setup(Level.Trial)
        public void setUp() {
            SplittableRandom rnd = new SplittableRandom(20_000L * 100L);
            double[][] x = new double[rows][columns];
            for (double[] row : x) {
                double latent = rnd.nextGaussian();
                for (int j = 0; j < columns; j++) {
                    row[j] = (j + 1) * (0.3 * latent + rnd.nextGaussian()) + j;
                }
            }
            String[] names = new String[columns];
            for (int j = 0; j < columns; j++) {
                names[j] = "f" + j;
            }
            dataset = Dataset.of(names, x);
            array = dataset.toArray();
        }
    }

    /** A scaler kind and the scaler fitted on {@link Data}. */
    @State(Scope.Benchmark)
    public static class Scalers {

        /** Scaler kind for the scaler benchmarks. */
        @Param({"Z_SCORE", "MIN_MAX", "ROBUST"})
        public ScalerKind kind;

        Scaler fitted;

        /** Fits the scaler once per trial. */
        @Setup(Level.Trial)
        public void setUp(Data data) {
            fitted = Scaler.fit(data.dataset, kind);
        }
    }

    /** PCA fit keeping 10 components (cost dominated by the thin SVD of the centred matrix). */
    @Benchmark
    public Pca pcaFit(Data data) {
        return Pca.fit(data.dataset, PcaOptions.components(10));
    }

    /** Batch scaler fit over all rows. */
    @Benchmark
    public Scaler scalerFit(Data data, Scalers scalers) {
        return Scaler.fit(data.dataset, scalers.kind);
    }

    /** Batch scaler transform of all rows (allocates the output dataset). */
    @Benchmark
    public Dataset scalerTransform(Data data, Scalers scalers) {
        return scalers.fitted.transform(data.dataset);
    }

    /** Online z-score fit: one allocation-free update per row, from an empty accumulator. */
    @Benchmark
    public Scaler onlineScalerFit(Data data) {
        OnlineStandardScaler s = OnlineStandardScaler.create(data.dataset.columns());
        for (double[] r : data.array) {
            s.update(r);
        }
        return s.toScaler();
    }
}
