package dev.profilekit.sim;

import dev.profilekit.core.engine.Profile;
import dev.profilekit.core.engine.ProfileDatasets;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.live.LabelledExample;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.live.VectorPipeline;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.features.transform.Dataset;
import dev.profilekit.models.cluster.KMeans;
import dev.profilekit.models.cluster.KMeansOptions;
import dev.profilekit.models.metrics.ClassificationMetrics;
import dev.profilekit.models.metrics.ClusteringMetrics;
import dev.profilekit.models.regression.OnlineLogisticOptions;
import dev.profilekit.models.regression.OnlineLogisticRegression;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The live models of {@code examples/drift} on a {@link DriftingShop}: what the ranking-and-segments slow test and
 * the benchmark stage print. The models train deterministically (retrains and refits on the event thread), so a
 * seed always gives the same figures.
 * <ul>
 * <li>prequential AUC of the live propensity (each labelled example scored before it is learned), of a naive
 *     online logistic regression (running standardisation, no retrains, no drift handling) over the same examples,
 *     and of the generator's true probability of a purchase in each example's horizon;</li>
 * <li>the Spearman correlation, at the end of the stream, between each user's {@code scores.propensity} and the true
 *     probability of a purchase in the next 72 h (and among users with an event in the last 6 h);</li>
 * <li>the adjusted Rand index between the live segments and the latent ones, and that of batch k-means (10 seeded
 *     k-means++ restarts) on the same standardised vectors of every profile at the end, in hindsight.</li>
 * </ul>
 */
public final class DriftingShopEvaluation {

    /** The schema and models resources ({@code examples/drift}). */
    static final String SCHEMA = "drift/schema.json";
    static final String MODELS = "drift/models.json";
    static final long HORIZON_MS = 72 * 3_600_000L;
    static final long RECENT_MS = 6 * 3_600_000L;

    /**
     * The figures of one seed.
     *
     * @param seed            the shop's seed
     * @param examples        labelled examples
     * @param auc             prequential AUC of the live propensity
     * @param naiveAuc        prequential AUC of the naive online learner
     * @param trueAuc         AUC of the true hazard over the same examples
     * @param spearman        final Spearman with the true 72 h purchase probability, every user
     * @param spearmanRecent  the same among users with an event in the last 6 h
     * @param ari             ARI of the live segments with the latent ones
     * @param batchAri        ARI of batch k-means (10 restarts) at the end
     * @param refits          segment refits
     */
    public record Result(long seed, int examples, double auc, double naiveAuc, double trueAuc, double spearman,
                         double spearmanRecent, double ari, double batchAri, long refits) {

        /** One line of figures. */
        @Override
        public String toString() {
            return String.format("seed %d: prequential AUC %.4f (naive %.4f, true hazard %.4f) over %d examples; "
                            + "Spearman %.4f (active in the last 6 h %.4f); ARI %.4f (batch k-means %.4f), %d refits",
                    seed, auc, naiveAuc, trueAuc, examples, spearman, spearmanRecent, ari, batchAri, refits);
        }
    }

    private DriftingShopEvaluation() {
    }

    /** The text of {@code examples/drift/schema.json}. */
    public static String schemaJson() {
        return resource(SCHEMA);
    }

    /** The text of {@code examples/drift/models.json}. */
    public static String modelsJson() {
        return resource(MODELS);
    }

    /** Replays {@link DriftingShop#of(long)} through the drift example's models and measures them. */
    public static Result run(long seed) throws InterruptedException {
        return run(DriftingShop.of(seed));
    }

    /** Replays {@code shop} through the drift example's models and measures them. */
    public static Result run(DriftingShop shop) throws InterruptedException {
        return run(shop, modelsJson());
    }

    /** Replays {@code shop} through the drift example's schema and the given models file and measures them. */
    public static Result run(DriftingShop shop, String modelsJson) throws InterruptedException {
        // rows of ProfileDatasets.vectors are in the order of updater.users(), as the arrays below
        List<LabelledExample> examples = new ArrayList<>();
        ProfileUpdater updater = ProfileUpdater.builder(ProfileSchema.fromJson(schemaJson()))
                .models(ModelsConfig.fromJson(modelsJson)).modelExecutor(Runnable::run)
                .exampleListener(examples::add).build();
        shop.events().forEach(updater::onEvent);
        long end = shop.endMs();
        updater.finishReplay(end);

        ModelsConfig config = ModelsConfig.fromJson(modelsJson);
        long horizon = config.propensity().orElseThrow().horizon().toMillis();
        int n = examples.size();
        int[] y = new int[n];
        double[] ours = new double[n];
        double[] truth = new double[n];
        for (int i = 0; i < n; i++) {
            LabelledExample e = examples.get(i);
            y[i] = e.label();
            ours[i] = e.score();
            truth[i] = shop.purchaseProbability(e.user(), e.time(), horizon);
        }
        double auc = ClassificationMetrics.rocAuc(y, ours);
        double naive = ClassificationMetrics.rocAuc(y, naiveScores(examples));
        double trueAuc = ClassificationMetrics.rocAuc(y, truth);

        List<String> users = updater.users();
        double[] score = new double[users.size()];
        double[] p = new double[users.size()];
        int[] live = new int[users.size()];
        int[] latent = new int[users.size()];
        List<Integer> recent = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            String user = users.get(i);
            Profile profile = updater.profile(user, end);
            score[i] = profile.models().propensity();
            live[i] = profile.models().segment();
            p[i] = shop.purchaseProbability(user, end, HORIZON_MS);
            latent[i] = shop.segment(user);
            if (profile.getDouble("since_event") * 1000 <= RECENT_MS) {
                recent.add(i);
            }
        }
        double[] rs = new double[recent.size()];
        double[] rp = new double[recent.size()];
        for (int i = 0; i < rs.length; i++) {
            rs[i] = score[recent.get(i)];
            rp[i] = p[recent.get(i)];
        }
        VectorPipeline pipeline = updater.models().orElseThrow().segmentsPipeline().orElseThrow();
        Dataset raw = ProfileDatasets.vectors(updater, pipeline, end);
        double[][] z = pipeline.fit(raw).transform(raw.toArray());
        int[] batch = KMeans.fit(z, KMeansOptions.k(DriftingShop.SEGMENTS).restarts(10).seed(42)).predict(z);
        return new Result(shop.seed(), n, auc, naive, trueAuc, spearman(score, p), spearman(rs, rp),
                ClusteringMetrics.adjustedRandIndex(live, latent),
                ClusteringMetrics.adjustedRandIndex(batch, latent),
                updater.modelStatus().orElseThrow().segmentRefits());
    }

    /**
     * Prequential scores of a plain online logistic regression (learning rate 0.05, L2 1e-4) on the examples'
     * raw vectors, standardised with running means and deviations (missing values at the running mean).
     */
    static double[] naiveScores(List<LabelledExample> examples) {
        int d = examples.get(0).features().length;
        OnlineLogisticRegression lr = OnlineLogisticRegression.create(d,
                OnlineLogisticOptions.learningRate(0.05).l2(1e-4));
        double[] mean = new double[d];
        double[] m2 = new double[d];
        long n = 0;
        double[] scores = new double[examples.size()];
        double[] z = new double[d];
        for (int i = 0; i < examples.size(); i++) {
            double[] x = examples.get(i).features();
            for (int j = 0; j < d; j++) {
                double sd = n > 1 ? Math.sqrt(m2[j] / n) : 0;
                double v = x[j] == x[j] ? x[j] : mean[j];
                z[j] = sd > 1e-12 ? (v - mean[j]) / sd : 0;
            }
            scores[i] = lr.predictProbability(z); // test, then train
            lr.learn(z, examples.get(i).label());
            n++;
            for (int j = 0; j < d; j++) {
                double v = x[j] == x[j] ? x[j] : mean[j];
                double delta = v - mean[j];
                mean[j] += delta / n;
                m2[j] += delta * (v - mean[j]);
            }
        }
        return scores;
    }

    /** Spearman's rank correlation (average ranks for ties). */
    public static double spearman(double[] a, double[] b) {
        double[] ra = ranks(a);
        double[] rb = ranks(b);
        double ma = Arrays.stream(ra).average().orElse(0);
        double mb = Arrays.stream(rb).average().orElse(0);
        double cov = 0;
        double va = 0;
        double vb = 0;
        for (int i = 0; i < a.length; i++) {
            cov += (ra[i] - ma) * (rb[i] - mb);
            va += (ra[i] - ma) * (ra[i] - ma);
            vb += (rb[i] - mb) * (rb[i] - mb);
        }
        return cov / Math.sqrt(va * vb);
    }

    private static double[] ranks(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> Double.compare(v[x], v[y]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[idx[j + 1]] == v[idx[i]]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                r[idx[k]] = (i + j) / 2.0;
            }
            i = j + 1;
        }
        return r;
    }

    private static String resource(String name) {
        try (InputStream in = DriftingShopEvaluation.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " (examples/drift, copied by the build)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prints the figures of the given seeds (default 1, 2, 3), one line each. */
    public static void main(String[] args) throws InterruptedException {
        long[] seeds = args.length == 0 ? new long[] {1, 2, 3} : Arrays.stream(args).mapToLong(Long::parseLong).toArray();
        for (long seed : seeds) {
            System.out.println(run(seed));
        }
    }
}
