package dev.profilekit.core.live;


import dev.profilekit.models.cluster.KMeans;
import dev.profilekit.models.cluster.KMeansModel;
import dev.profilekit.models.cluster.KMeansOptions;
import dev.profilekit.models.cluster.OnlineKMeans;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live segments: online k-means (with a half-life, in samples) follows the stream of sampled profile
 * vectors and publishes a new immutable {@link SegmentsModel} every {@link #PUBLISH_EVERY} samples; a batch
 * k-means refit every {@code refit_every} samples runs on the executor over a bounded ring of recent samples,
 * and its centroids are matched to the live ones (the assignment with the least total squared distance,
 * exhaustive for k ≤ 8, greedy above) so segment ids stay stable across refits.
 */
final class LiveSegments {

    private static final Logger LOG = LoggerFactory.getLogger(LiveSegments.class);
    static final int PUBLISH_EVERY = 100;

    final ModelsConfig.Segments config;
    final FeatureVectorizer vectorizer;
    private final Executor executor;
    private final Object lock = new Object();
    private volatile SegmentsModel live;
    private long lastVersion;
    private OnlineKMeans online;
    private final double[] scratch;
    private final double[][] ring;
    private int ringNext;
    private int ringCount;
    private long samples;
    private long sinceRefit;
    private long sincePublish;
    private long refits;
    private final AtomicBoolean refitting = new AtomicBoolean();

    LiveSegments(ModelsConfig.Segments config, FeatureAccess schema, Executor executor) {
        this.config = config;
        this.vectorizer = new FeatureVectorizer(schema, config.features(), "segments");
        this.executor = executor;
        this.scratch = new double[vectorizer.dimension()];
        this.ring = new double[config.trainingWindow()][];
    }

    SegmentsModel live() {
        return live;
    }

    long refits() {
        synchronized (lock) {
            return refits;
        }
    }

    boolean refitting() {
        return refitting.get();
    }

    /** One sampled vector (owned by this object from now on). */
    void sample(double[] x) {
        synchronized (lock) {
            ring[ringNext] = x;
            ringNext = (ringNext + 1) % ring.length;
            ringCount = Math.min(ringCount + 1, ring.length);
            samples++;
            sinceRefit++;
            SegmentsModel m = live;
            if (m == null) {
                if (ringCount >= Math.max(50, 10 * config.k())) {
                    requestRefit();
                }
                return;
            }
            m.scaler().z(x, scratch);
            online.update(scratch);
            if (++sincePublish >= PUBLISH_EVERY) {
                sincePublish = 0;
                live = new SegmentsModel(++lastVersion, m.featureNames(), m.scaler(), online.snapshot().centroids());
            }
            if (sinceRefit >= config.refitEvery()) {
                requestRefit();
            }
        }
    }

    /** Caller holds {@code lock}. */
    private void requestRefit() {
        if (!refitting.compareAndSet(false, true)) {
            return;
        }
        sinceRefit = 0;
        int n = ringCount;
        double[][] x = new double[n][];
        int start = (ringNext - n + ring.length) % ring.length;
        for (int i = 0; i < n; i++) {
            x[i] = ring[(start + i) % ring.length];
        }
        SegmentsModel current = live;
        try {
            executor.execute(() -> refit(x, current));
        } catch (RuntimeException e) {
            refitting.set(false);
            LOG.warn("segment refit could not be scheduled", e);
        }
    }

    private void refit(double[][] x, SegmentsModel current) {
        try {
            int d = vectorizer.dimension();
            Standardizer scaler = Standardizer.fit(x, 0, x.length, d);
            double[][] z = new double[x.length][d];
            for (int i = 0; i < x.length; i++) {
                scaler.z(x[i], z[i]);
            }
            KMeansModel km = KMeans.fit(z, KMeansOptions.k(config.k()).restarts(4).seed(config.seed()));
            double[][] centroids = km.centroids();
            if (current != null) {
                centroids = matchToPrevious(centroids, current, scaler);
            }
            synchronized (lock) {
                SegmentsModel m = new SegmentsModel(++lastVersion, vectorizer.names(), scaler, centroids);
                online = OnlineKMeans.start(centroids, config.halfLife());
                sincePublish = 0;
                refits++;
                live = m;
            }
        } catch (RuntimeException e) {
            LOG.warn("segment refit failed", e);
        } finally {
            refitting.set(false);
        }
    }

    /** Reorders {@code fresh} so that centroid i is the one closest to the previous centroid i. */
    static double[][] matchToPrevious(double[][] fresh, SegmentsModel previous, Standardizer scaler) {
        int k = fresh.length;
        double[][] cost = new double[k][k];
        for (int i = 0; i < k; i++) {
            double[] old = previous.centroid(i); // raw units
            double[] oldZ = new double[old.length];
            scaler.z(old, oldZ);
            for (int j = 0; j < k; j++) {
                double c = 0;
                for (int t = 0; t < oldZ.length; t++) {
                    double diff = oldZ[t] - fresh[j][t];
                    c += diff * diff;
                }
                cost[i][j] = c;
            }
        }
        int[] assignment = k <= 8 ? bestPermutation(cost) : greedy(cost);
        double[][] out = new double[k][];
        for (int i = 0; i < k; i++) {
            out[i] = fresh[assignment[i]];
        }
        return out;
    }

    /** Exhaustive minimum-cost assignment (Heap's algorithm over permutations). */
    static int[] bestPermutation(double[][] cost) {
        int k = cost.length;
        int[] p = new int[k];
        for (int i = 0; i < k; i++) {
            p[i] = i;
        }
        int[] best = p.clone();
        double bestCost = total(cost, p);
        int[] c = new int[k];
        int i = 0;
        while (i < k) {
            if (c[i] < i) {
                int a = i % 2 == 0 ? 0 : c[i];
                int tmp = p[a];
                p[a] = p[i];
                p[i] = tmp;
                double t = total(cost, p);
                if (t < bestCost) {
                    bestCost = t;
                    best = p.clone();
                }
                c[i]++;
                i = 0;
            } else {
                c[i] = 0;
                i++;
            }
        }
        return best;
    }

    private static double total(double[][] cost, int[] p) {
        double t = 0;
        for (int i = 0; i < p.length; i++) {
            t += cost[i][p[i]];
        }
        return t;
    }

    private static int[] greedy(double[][] cost) {
        int k = cost.length;
        int[] out = new int[k];
        boolean[] rowDone = new boolean[k];
        boolean[] colDone = new boolean[k];
        for (int step = 0; step < k; step++) {
            int bi = -1;
            int bj = -1;
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    if (!rowDone[i] && !colDone[j] && (bi < 0 || cost[i][j] < cost[bi][bj])) {
                        bi = i;
                        bj = j;
                    }
                }
            }
            out[bi] = bj;
            rowDone[bi] = true;
            colDone[bj] = true;
        }
        return out;
    }

    /** Publishes {@code m} as the next version; online updates continue from its centroids. */
    void swap(SegmentsModel m) {
        if (m.featureNames().size() != vectorizer.dimension() || !m.featureNames().equals(vectorizer.names())) {
            throw new IllegalArgumentException("segments model inputs " + m.featureNames() + " do not match the configured "
                    + vectorizer.names());
        }
        synchronized (lock) {
            SegmentsModel next = new SegmentsModel(++lastVersion, m.featureNames(), m.scaler(), m.standardisedCentroids());
            online = OnlineKMeans.start(next.standardisedCentroids(), config.halfLife());
            sincePublish = 0;
            live = next;
        }
    }
}
