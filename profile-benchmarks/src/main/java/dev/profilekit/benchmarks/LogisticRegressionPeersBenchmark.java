package dev.profilekit.benchmarks;

import dev.profilekit.models.regression.LogisticModel;
import dev.profilekit.models.regression.LogisticOptions;
import dev.profilekit.models.regression.LogisticRegression;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.liblinear.LibLinearClassificationTrainer;
import org.tribuo.classification.liblinear.LinearClassificationType;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Binary logistic regression fit on the same seeded 100,000 x 50 data as {@link LogisticRegressionBenchmark}
 * (x ~ N(0, 1), true coefficients ~ N(0, 0.5^2), intercept -0.5), ours against Tribuo 4.3.2 (liblinear and
 * SGD) and Smile 3.1.1, with the same L2 penalty where the peer has one:
 *
 * <ul>
 *   <li>ours: {@code sum_i logloss_i + (lambda / 2) ||w||^2}, intercept not penalised, the default solver
 *       ({@code AUTO}: Newton-Cholesky up to {@value dev.profilekit.models.regression.LogisticRegression#AUTO_NEWTON_MAX_FEATURES} features, L-BFGS above), stop when the Euclidean norm of that objective's
 *       gradient is below {@link #OURS_TOLERANCE};</li>
 *   <li>liblinear ({@code L2R_LR}, trust-region Newton): {@code (1 / 2) ||w||^2 + C sum_i logloss_i}; dividing by
 *       C gives ours with {@code C = 1 / lambda}. Tribuo appends a constant bias feature, so liblinear also
 *       penalises the intercept (a negligible difference at n = 100,000). Stopping: liblinear's
 *       {@code ||grad f(w)|| <= eps min(n+, n-) / n ||grad f(0)||} with eps {@link #LIBLINEAR_EPS};</li>
 *   <li>Smile ({@code LogisticRegression.binomial}, L-BFGS): {@code sum_i logloss_i + (lambda / 2) ||w||^2} with
 *       the intercept not penalised, so Smile's lambda is ours; stopping on Smile's relative gradient test
 *       {@code max_i |g_i| max(|w_i|, 1) / max(f, 1) < tol} with tol {@link #SMILE_TOLERANCE};</li>
 *   <li>Tribuo SGD (the configuration of its {@code LogisticRegressionTrainer}: softmax over the two labels,
 *       AdaGrad, 5 epochs, mini-batch 1, Tribuo's defaults): no penalty and a fixed number of epochs, so it
 *       does not solve the same problem exactly; its log loss shows what its speed buys.</li>
 * </ul>
 *
 * <p>Speed is never read without accuracy: {@link #quality()} reports each contender's mean training log loss
 * (the same formula on each model's predicted probabilities). Tribuo's inputs (a {@code MutableDataset} of
 * dense examples) are built once outside the measurement, as ours and Smile's {@code double[][]} are; the
 * conversion Tribuo does inside {@code train} is measured. The fork runs with the common fork-join pool
 * disabled ({@code parallelism=0}), so Smile's parallel streams run on the calling thread like everything else.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Djava.util.concurrent.ForkJoinPool.common.parallelism=0"})
public class LogisticRegressionPeersBenchmark {

    /** L2 strength lambda of ours and Smile (liblinear C = 1 / lambda). */
    public static final double LAMBDA = 1.0;
    /** Our gradient-norm tolerance (the library default). */
    public static final double OURS_TOLERANCE = LogisticOptions.DEFAULT_TOLERANCE;
    /** Smile's relative gradient tolerance: tight enough to reach ours' log loss to about 1e-9. */
    public static final double SMILE_TOLERANCE = 1e-10;
    /** liblinear's relative stopping tolerance (its default is 0.01): tight, for the same optimum. */
    public static final double LIBLINEAR_EPS = 1e-6;
    /** Iteration cap of every iterative peer. */
    public static final int MAX_ITERATIONS = 1000;
    /** Epochs of Tribuo's SGD (the default of its {@code LogisticRegressionTrainer}). */
    public static final int SGD_EPOCHS = 5;
    /** Seed of the data (as {@link LogisticRegressionBenchmark}) and of Tribuo's SGD. */
    public static final long SEED = 20_261_127L;

    /** Number of training rows. */
    @Param({"100000"})
    public int rows;

    /** Number of features. */
    @Param({"50"})
    public int columns;

    private Data data;
    private MutableDataset<Label> tribuo;

    /** Seeded data: the features, the 0/1 labels. */
    public record Data(double[][] x, int[] y) {
    }

    /** Builds the data and Tribuo's copy of it. */
    @Setup(Level.Trial)
    public void setUp() {
        data = data(rows, columns);
        tribuo = tribuoDataset(data);
    }

    /**
     * The data of {@link LogisticRegressionBenchmark}: x ~ N(0, 1) i.i.d., w ~ N(0, 0.5^2), intercept -0.5,
     * y ~ Bernoulli(sigmoid(-0.5 + w.x)), from seed {@value #SEED}.
     */
    public static Data data(int rows, int columns) {
        SplittableRandom random = new SplittableRandom(SEED);
        double[] w = new double[columns];
        for (int j = 0; j < columns; j++) {
            w[j] = 0.5 * random.nextGaussian();
        }
        double[][] x = new double[rows][columns];
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            double z = -0.5;
            for (int j = 0; j < columns; j++) {
                x[i][j] = random.nextGaussian();
                z += w[j] * x[i][j];
            }
            y[i] = random.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
        }
        return new Data(x, y);
    }

    static MutableDataset<Label> tribuoDataset(Data d) {
        int columns = d.x()[0].length;
        String[] names = new String[columns];
        for (int j = 0; j < columns; j++) {
            names[j] = String.format("f%03d", j); // zero-padded: Tribuo keeps features sorted by name
        }
        Label one = new Label("1");
        Label zero = new Label("0");
        MutableDataset<Label> set = new MutableDataset<>(new SimpleDataSourceProvenance("synthetic",
                new LabelFactory()), new LabelFactory());
        for (int i = 0; i < d.x().length; i++) {
            set.add(new ArrayExample<>(d.y()[i] == 1 ? one : zero, names, d.x()[i]));
        }
        return set;
    }

    /** Ours: the default solver (L-BFGS at 50 features), lambda = {@value #LAMBDA}. */
    @Benchmark
    public LogisticModel ours() {
        return ours(data);
    }

    /** Smile 3.1.1 {@code LogisticRegression.binomial}, same lambda. */
    @Benchmark
    public Object smile() {
        return smile(data);
    }

    /** Tribuo 4.3.2 liblinear {@code L2R_LR}, C = 1 / lambda. */
    @Benchmark
    public Model<Label> tribuoLiblinear() {
        return tribuoLiblinear(tribuo);
    }

    /** Tribuo 4.3.2 SGD logistic regression with its defaults (AdaGrad, 5 epochs, no penalty). */
    @Benchmark
    public Model<Label> tribuoSgd() {
        return tribuoSgd(tribuo);
    }

    static LogisticModel ours(Data d) {
        return LogisticRegression.fit(d.x(), d.y(), LogisticOptions.l2(LAMBDA).tolerance(OURS_TOLERANCE)
                .maxIterations(MAX_ITERATIONS));
    }

    static smile.classification.LogisticRegression.Binomial smile(Data d) {
        return smile.classification.LogisticRegression.binomial(d.x(), d.y(), LAMBDA, SMILE_TOLERANCE,
                MAX_ITERATIONS);
    }

    static Model<Label> tribuoLiblinear(MutableDataset<Label> set) {
        LibLinearClassificationTrainer trainer = new LibLinearClassificationTrainer(
                new LinearClassificationType(LinearClassificationType.LinearType.L2R_LR), 1.0 / LAMBDA,
                MAX_ITERATIONS, LIBLINEAR_EPS);
        return trainer.train(set);
    }

    static Model<Label> tribuoSgd(MutableDataset<Label> set) {
        // LogisticRegressionTrainer's configuration (log loss over a softmax, AdaGrad(1.0, 0.1), 5 epochs,
        // mini-batch 1), spelled out to seed it
        LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(1.0, 0.1), SGD_EPOCHS,
                1_000_000, 1, SEED);
        return trainer.train(set);
    }

    /** Mean training log loss of every contender on the default data (100,000 x 50), lower is better. */
    public static Map<String, Double> quality() {
        return quality(100_000, 50);
    }

    static Map<String, Double> quality(int rows, int columns) {
        Data d = data(rows, columns);
        MutableDataset<Label> set = tribuoDataset(d);
        Map<String, double[]> p = new LinkedHashMap<>();
        LogisticModel ours = ours(d);
        p.put("ours", ours.predictProbabilities(d.x()));
        smile.classification.LogisticRegression.Binomial s = smile(d);
        double[] ps = new double[rows];
        double[] posterior = new double[2];
        for (int i = 0; i < rows; i++) {
            s.predict(d.x()[i], posterior);
            ps[i] = posterior[1];
        }
        p.put("smile", ps);
        p.put("tribuoLiblinear", tribuoProbabilities(tribuoLiblinear(set), set));
        p.put("tribuoSgd", tribuoProbabilities(tribuoSgd(set), set));
        Map<String, Double> out = new LinkedHashMap<>();
        p.forEach((name, probs) -> out.put("log_loss." + name, meanLogLoss(d.y(), probs)));
        return out;
    }

    static double[] tribuoProbabilities(Model<Label> model, MutableDataset<Label> set) {
        List<Prediction<Label>> predictions = new ArrayList<>(model.predict(set));
        double[] p = new double[predictions.size()];
        for (int i = 0; i < p.length; i++) {
            Label one = predictions.get(i).getOutputScores().get("1");
            p[i] = one == null ? 0 : one.getScore();
        }
        return p;
    }

    /** Mean of {@code -log p(y_i)}, probabilities clipped to [1e-15, 1 - 1e-15] (scikit-learn's convention). */
    static double meanLogLoss(int[] y, double[] p) {
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            double q = Math.min(Math.max(p[i], 1e-15), 1 - 1e-15);
            sum -= y[i] == 1 ? Math.log(q) : Math.log(1 - q);
        }
        return sum / y.length;
    }
}
