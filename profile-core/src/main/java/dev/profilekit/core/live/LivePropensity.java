package dev.profilekit.core.live;


import dev.profilekit.models.drift.Adwin;
import dev.profilekit.models.drift.DriftDetector;
import dev.profilekit.models.drift.PageHinkley;
import dev.profilekit.models.metrics.ClassificationMetrics;
import dev.profilekit.models.regression.LogisticModel;
import dev.profilekit.models.regression.LogisticOptions;
import dev.profilekit.models.regression.LogisticRegression;
import dev.profilekit.models.regression.OnlineLogisticOptions;
import dev.profilekit.models.regression.OnlineLogisticRegression;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live propensity model: prequential scoring of each labelled example, an online AdaGrad logistic
 * regression that learns from it and publishes a new immutable version every {@code publish_every} labels,
 * and background batch retrains (every {@code retrain_every} labels or on a drift alarm) on a bounded ring of
 * the most recent labelled examples. A retrained model replaces the live one only if its AUC on a holdout of
 * the most recent examples is no worse than the live model's by more than {@code swap_margin}.
 *
 * <p>Scoring reads the {@code live} reference once (a volatile read), so every score comes from exactly one
 * version. Learning is serialised by {@code lock}; it is taken only when a label resolves, never on the plain
 * event path, and never while waiting for a retrain: retrains run on the given executor and only the final
 * swap takes the lock.
 */
final class LivePropensity {

    private static final Logger LOG = LoggerFactory.getLogger(LivePropensity.class);

    final ModelsConfig.Propensity config;
    final FeatureVectorizer vectorizer;
    private final Executor executor;
    private final Consumer<PropensityModel> modelListener;
    private final Consumer<LabelledExample> exampleListener;
    private final Object lock = new Object();
    private volatile PropensityModel live;
    private long lastVersion;
    private OnlineLogisticRegression learner;
    private final double[] scratch;
    private final PrequentialStats stats;
    private final DriftDetector drift;
    private long driftAlarms;
    private long retrains;
    private long rejectedRetrains;
    // ring of the most recent labelled examples
    private final double[][] xs;
    private final int[] ys;
    private int ringNext;
    private int ringCount;
    private long labels;
    private long positives;
    private long labelsSinceRetrain;
    private long labelsSincePublish;
    private final AtomicBoolean retraining = new AtomicBoolean();

    LivePropensity(ModelsConfig.Propensity config, FeatureAccess schema, Executor executor,
                   Consumer<PropensityModel> modelListener, Consumer<LabelledExample> exampleListener) {
        this.config = config;
        this.vectorizer = new FeatureVectorizer(schema, config.features(), "propensity");
        this.executor = executor;
        this.modelListener = modelListener;
        this.exampleListener = exampleListener;
        this.scratch = new double[vectorizer.dimension()];
        this.stats = new PrequentialStats(config.recentWindow());
        this.drift = switch (config.drift()) {
            case "adwin" -> Adwin.of(0.002);
            case "page_hinkley" -> PageHinkley.of(0.05, 50).withMinInstances(200);
            default -> null;
        };
        this.xs = new double[config.trainingWindow()][];
        this.ys = new int[config.trainingWindow()];
    }

    PropensityModel live() {
        return live;
    }

    /**
     * Prequential step for one resolved example: score it with the live version, record the metrics and the
     * drift statistic, learn from it, and only then decide about a retrain (which, with an inline executor,
     * runs right here and replaces the live model).
     */
    void learn(String user, long time, double[] x, int y) {
        LabelledExample example;
        synchronized (lock) {
            PropensityModel m = live;
            double p = m != null ? m.score(x) : (positives + 1.0) / (labels + 2.0);
            double loss = stats.add(p, y);
            boolean alarm = drift != null && drift.update(loss);
            xs[ringNext] = x;
            ys[ringNext] = y;
            ringNext = (ringNext + 1) % xs.length;
            ringCount = Math.min(ringCount + 1, xs.length);
            labels++;
            positives += y;
            labelsSinceRetrain++;
            if (m != null) {
                m.scaler().z(x, scratch);
                learner.learn(scratch, y);
                if (++labelsSincePublish >= config.publishEvery()) {
                    LogisticModel now = learner.snapshot();
                    publish(new PropensityModel(++lastVersion, "online", m.featureNames(), m.scaler(),
                            now.coefficients(), now.intercept(), m.trainedOn() + labelsSincePublish));
                }
            }
            example = exampleListener == null ? null
                    : new LabelledExample(user, time, x.clone(), y, p, m == null ? 0 : m.version());
            if (alarm) {
                driftAlarms++;
                LOG.info("drift alarm #{} on the prequential log loss after {} labels; retraining", driftAlarms, labels);
            }
            boolean firstFitDue = m == null && ringCount >= config.minExamples()
                    && labelsSinceRetrain >= Math.max(1, config.minExamples() / 4);
            if (alarm || firstFitDue || (m != null && labelsSinceRetrain >= config.retrainEvery())) {
                requestRetrain();
            }
        }
        if (example != null) {
            exampleListener.accept(example);
        }
    }

    /** Caller holds {@code lock}. */
    private void publish(PropensityModel m) {
        live = m;
        labelsSincePublish = 0;
        if (modelListener != null) {
            modelListener.accept(m);
        }
    }

    /** Caller holds {@code lock}: copies the recent examples and hands the fit to the executor. */
    private void requestRetrain() {
        if (ringCount < config.minExamples() || !retraining.compareAndSet(false, true)) {
            return;
        }
        labelsSinceRetrain = 0;
        int n = ringCount;
        double[][] x = new double[n][];
        int[] y = new int[n];
        int start = (ringNext - n + xs.length) % xs.length; // oldest first
        for (int i = 0; i < n; i++) {
            int at = (start + i) % xs.length;
            x[i] = xs[at];
            y[i] = ys[at];
        }
        PropensityModel current = live;
        try {
            executor.execute(() -> retrain(x, y, current));
        } catch (RuntimeException e) {
            retraining.set(false);
            LOG.warn("retrain could not be scheduled", e);
        }
    }

    private void retrain(double[][] x, int[] y, PropensityModel current) {
        try {
            int n = x.length;
            int holdout = Math.max(1, (int) Math.round(n * config.holdoutFraction()));
            int train = n - holdout;
            boolean accept = true;
            double candidateAuc = Double.NaN;
            double liveAuc = Double.NaN;
            if (current != null && hasBothClasses(y, 0, train) && hasBothClasses(y, train, n)) {
                PropensityModel candidate = fit(x, y, 0, train, 0).model();
                candidateAuc = auc(candidate, x, y, train, n);
                liveAuc = auc(current, x, y, train, n);
                accept = candidateAuc >= liveAuc - config.swapMargin();
            }
            if (!hasBothClasses(y, 0, n)) {
                accept = false;
            }
            Fitted f = accept ? fit(x, y, 0, n, 0) : null; // the expensive part, outside the lock
            synchronized (lock) {
                if (accept) {
                    PropensityModel fitted = f.model().withVersion(++lastVersion);
                    learner = OnlineLogisticRegression.warmStart(f.lr(),
                            OnlineLogisticOptions.learningRate(config.learningRate()).l2(config.onlineL2()));
                    retrains++;
                    publish(fitted);
                    LOG.debug("retrained propensity model v{} on {} examples (holdout AUC {} vs live {})",
                            fitted.version(), n, candidateAuc, liveAuc);
                } else {
                    rejectedRetrains++;
                    LOG.debug("retrained model rejected: holdout AUC {} vs live {}", candidateAuc, liveAuc);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("propensity retrain failed", e);
        } finally {
            retraining.set(false);
        }
    }

    private static boolean hasBothClasses(int[] y, int from, int to) {
        boolean zero = false;
        boolean one = false;
        for (int i = from; i < to; i++) {
            zero |= y[i] == 0;
            one |= y[i] == 1;
        }
        return zero && one;
    }

    private record Fitted(PropensityModel model, LogisticModel lr) {
    }

    private Fitted fit(double[][] x, int[] y, int from, int to, long version) {
        int d = vectorizer.dimension();
        Standardizer scaler = Standardizer.fit(x, from, to, d);
        double[][] z = new double[to - from][d];
        int[] labels = new int[to - from];
        for (int i = from; i < to; i++) {
            scaler.z(x[i], z[i - from]);
            labels[i - from] = y[i];
        }
        LogisticModel lr = LogisticRegression.fit(z, labels, vectorizer.names(),
                LogisticOptions.l2(config.batchL2()).tolerance(1e-6).maxIterations(200));
        return new Fitted(new PropensityModel(version, "batch", vectorizer.names(), scaler, lr.coefficients(),
                lr.intercept(), to - from), lr);
    }

    private static double auc(PropensityModel m, double[][] x, int[] y, int from, int to) {
        double[] s = new double[to - from];
        int[] labels = new int[to - from];
        for (int i = from; i < to; i++) {
            s[i - from] = m.score(x[i]);
            labels[i - from] = y[i];
        }
        return ClassificationMetrics.rocAuc(labels, s);
    }

    Prequential prequential() {
        synchronized (lock) {
            return stats.snapshot();
        }
    }

    long driftAlarms() {
        synchronized (lock) {
            return driftAlarms;
        }
    }

    long retrains() {
        synchronized (lock) {
            return retrains;
        }
    }

    long rejectedRetrains() {
        synchronized (lock) {
            return rejectedRetrains;
        }
    }

    boolean retraining() {
        return retraining.get();
    }

    /** Publishes {@code m} as the next version; online learning continues from it. */
    void swap(PropensityModel m) {
        throw new UnsupportedOperationException("TODO: implement swap once PropensityModel wraps LogisticModel");
    }
}
