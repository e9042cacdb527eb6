package dev.profilekit.benchmarks;

import dev.profilekit.features.transform.Dataset;
import dev.profilekit.features.transform.Pca;
import dev.profilekit.features.transform.PcaOptions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.stat.correlation.Covariance;
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
 * PCA fit keeping the top {@value #COMPONENTS} components, side by side on the same data: ours
 * ({@link Pca}, thin SVD of the centred matrix with EJML), Smile 3.1.1 ({@code smile.feature.extraction.PCA},
 * LAPACK through OpenBLAS, limited to one BLAS thread so every contender uses one core), and commons-math3
 * 3.6.1 (sample covariance by {@link Covariance}, then {@link EigenDecomposition}). Each method returns the
 * top components as a {@code double[k][d]}, the common output, so conversion costs are included.
 *
 * <p>Data are seeded Gaussian columns with different scales and a shared latent factor (as
 * {@link TransformBenchmarks}), so the spectrum is realistic. Speed is never bought with accuracy:
 * {@link #quality()} reports, for each contender, the sample variance captured by its components
 * (trace of {@code V^T C V} with {@code C} the covariance with divisor n - 1, the same formula for all) and
 * how far they are from orthonormal.
 *
 * <p>Smile is GPL-licensed; it is a benchmark-only dependency, used for comparison, never a dependency of
 * the library modules.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class PcaBenchmark {

    /** Components kept by every contender. */
    public static final int COMPONENTS = 10;

    /** Rows of the synthetic matrix. */
    @Param("20000")
    public int rows;

    /** Columns of the synthetic matrix. */
    @Param("100")
    public int columns;

    private Dataset dataset;
    private double[][] array;

    /** Builds the data and pins Smile's BLAS to one thread. */
    @Setup(Level.Trial)
    public void setUp() {
        array = data(rows, columns);
        dataset = dataset(array);
        singleThreadedBlas();
    }

    /** Seeded synthetic data: column j is (j + 1) (0.3 latent + noise) + j. */
    public static double[][] data(int rows, int columns) {
        SplittableRandom rnd = new SplittableRandom((long) rows * columns);
        double[][] x = new double[rows][columns];
        for (double[] row : x) {
            double latent = rnd.nextGaussian();
            for (int j = 0; j < columns; j++) {
                row[j] = (j + 1) * (0.3 * latent + rnd.nextGaussian()) + j;
            }
        }
        return x;
    }

    static Dataset dataset(double[][] x) {
        String[] names = new String[x[0].length];
        Arrays.setAll(names, j -> "f" + j);
        return Dataset.of(names, x);
    }

    /**
     * OpenBLAS would otherwise use every core for Smile alone; ours and commons-math3 are single-threaded.
     * Calling into the preset also loads OpenBLAS, as Smile does on first use.
     */
    static void singleThreadedBlas() {
        org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads(1);
    }

    /** Ours: {@link Pca#fit}. */
    @Benchmark
    public double[][] ours() {
        return ours(dataset, COMPONENTS);
    }

    /** Smile 3.1.1: {@code PCA.fit(double[][])}, then the top-k loadings. */
    @Benchmark
    public double[][] smile() {
        return smile(array, COMPONENTS);
    }

    /** commons-math3 3.6.1: sample covariance, symmetric eigendecomposition, top-k eigenvectors. */
    @Benchmark
    public double[][] commonsMath() {
        return commonsMath(array, COMPONENTS);
    }

    static double[][] ours(Dataset data, int k) {
        return Pca.fit(data, PcaOptions.components(k)).components();
    }

    static double[][] smile(double[][] x, int k) {
        smile.math.matrix.Matrix loadings = smile.feature.extraction.PCA.fit(x).getProjection(k).loadings();
        int d = x[0].length;
        double[][] out = new double[k][d];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                out[c][j] = loadings.get(j, c); // loadings are d x p, one component per column
            }
        }
        return out;
    }

    static double[][] commonsMath(double[][] x, int k) {
        RealMatrix cov = new Covariance(x).getCovarianceMatrix();
        EigenDecomposition eig = new EigenDecomposition(cov);
        double[] values = eig.getRealEigenvalues();
        Integer[] order = new Integer[values.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
        double[][] out = new double[k][];
        for (int c = 0; c < k; c++) {
            out[c] = eig.getEigenvector(order[c]).toArray();
        }
        return out;
    }

    /**
     * Accuracy of each contender on the default data (20,000 x 100, top {@value #COMPONENTS}): the sample
     * variance captured by its components ({@code captured.<name>}, higher is better, the sum of the top
     * eigenvalues is the maximum), and the largest deviation of {@code V V^T} from the identity
     * ({@code orthonormality_error.<name>}).
     */
    public static Map<String, Double> quality() {
        return quality(20_000, 100);
    }

    static Map<String, Double> quality(int rows, int columns) {
        singleThreadedBlas();
        double[][] x = data(rows, columns);
        Map<String, double[][]> fits = new LinkedHashMap<>();
        fits.put("ours", ours(dataset(x), COMPONENTS));
        fits.put("smile", smile(x, COMPONENTS));
        fits.put("commonsMath", commonsMath(x, COMPONENTS));
        double[][] cov = covariance(x);
        Map<String, Double> out = new LinkedHashMap<>();
        fits.forEach((name, v) -> {
            out.put("captured." + name, captured(cov, v));
            out.put("orthonormality_error." + name, orthonormalityError(v));
        });
        return out;
    }

    /** Sample covariance (divisor n - 1) by the two-pass formula, written out so no contender grades itself. */
    static double[][] covariance(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        double[] mean = new double[d];
        for (double[] r : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[][] c = new double[d][d];
        double[] z = new double[d];
        for (double[] r : x) {
            for (int j = 0; j < d; j++) {
                z[j] = r[j] - mean[j];
            }
            for (int a = 0; a < d; a++) {
                double za = z[a];
                double[] ca = c[a];
                for (int b = a; b < d; b++) {
                    ca[b] += za * z[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                c[a][b] /= n - 1;
                c[b][a] = c[a][b];
            }
        }
        return c;
    }

    /** Sum over components of {@code v C v^T}: the variance of the data projected on them. */
    static double captured(double[][] cov, double[][] v) {
        double total = 0;
        for (double[] vk : v) {
            for (int a = 0; a < vk.length; a++) {
                double s = 0;
                for (int b = 0; b < vk.length; b++) {
                    s += cov[a][b] * vk[b];
                }
                total += vk[a] * s;
            }
        }
        return total;
    }

    /** max |V V^T - I| over all entries. */
    static double orthonormalityError(double[][] v) {
        double worst = 0;
        for (int a = 0; a < v.length; a++) {
            for (int b = 0; b < v.length; b++) {
                double dot = 0;
                for (int j = 0; j < v[a].length; j++) {
                    dot += v[a][j] * v[b][j];
                }
                worst = Math.max(worst, Math.abs(dot - (a == b ? 1 : 0)));
            }
        }
        return worst;
    }
}
