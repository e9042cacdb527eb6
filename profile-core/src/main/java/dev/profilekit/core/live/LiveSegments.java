package dev.profilekit.core.live;


import dev.profilekit.models.cluster.KMeans;
import dev.profilekit.models.cluster.KMeansModel;
import dev.profilekit.models.cluster.KMeansOptions;
import dev.profilekit.models.cluster.OnlineKMeans;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live segments, as their own {@link LiveModel}: at most one sampled profile vector per user per
 * {@code sample_interval} (taken at the user's latest event); online k-means (with a half-life, in samples)
 * follows the samples and publishes a new immutable {@link SegmentsModel} every {@link #PUBLISH_EVERY} samples;
 * a batch refit every {@code refit_every} samples runs on the executor over a bounded ring of recent samples:
 * profile-models' {@link KMeans} with {@code restarts} seeded k-means++ restarts, keeping the lowest inertia
 * (Arthur and Vassilvitskii 2007). Its centroids are matched to the live ones (the assignment with the least
 * total squared distance, exhaustive for k ≤ 8, greedy above) so segment ids stay stable across refits.
 */
final class LiveSegments implements LiveModel<SegmentsModel> {

    /** Per-user state; guarded by the user's lock. */
    static final class UserState {
        long lastSample = Long.MIN_VALUE;
        int segment = -1;
        long segmentVersion;
    }

    private static final Logger LOG = LoggerFactory.getLogger(LiveSegments.class);
    static final int PUBLISH_EVERY = 100;

    final ModelsConfig.Segments config;
    final VectorPipeline.Bound vectors;
    private final Function<UserView, UserState> stateOf;
    private final TrackingExecutor executor;
    private final long sampleInterval;
    private final ThreadLocal<double[]> rawScratch;
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

    LiveSegments(ModelsConfig.Segments config, FeatureAccess schema, Executor executor,
                 Function<UserView, UserState> stateOf) {
        this.config = config;
        try {
            this.vectors = VectorPipeline.of(config.features()).bind(schema);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("segments." + e.getMessage(), e);
        }
        this.stateOf = stateOf;
        this.executor = new TrackingExecutor(executor);
        this.sampleInterval = config.sampleInterval().toMillis();
        int d = vectors.dimension();
        this.scratch = new double[d];
        this.rawScratch = ThreadLocal.withInitial(() -> new double[d]);
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
            m.pipeline().transform(x, scratch);
            online.update(scratch);
            if (++sincePublish >= PUBLISH_EVERY) {
                sincePublish = 0;
                live = SegmentsModel.of(++lastVersion, m.pipeline(), online.snapshot(), identity(config.k()));
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
            VectorPipeline pipeline = vectors.fit(x);
            double[][] z = pipeline.transform(x);
            KMeansModel km = KMeans.fit(z, KMeansOptions.k(config.k()).restarts(config.restarts()).seed(config.seed()));
            int[] clusterOf = identity(config.k());
            if (current != null) {
                clusterOf = matchToPrevious(km.centroids(), current, pipeline);
            }
            synchronized (lock) {
                SegmentsModel m = SegmentsModel.of(++lastVersion, pipeline, km, SegmentsModel.invert(clusterOf));
                online = OnlineKMeans.start(m.standardisedCentroids(), config.halfLifeSamples());
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

    /**
     * The order of {@code fresh} that puts at index i the centroid closest to the previous centroid i (compared
     * in the new model-input space).
     */
    static int[] matchToPrevious(double[][] fresh, SegmentsModel previous, VectorPipeline pipeline) {
        int k = fresh.length;
        double[][] cost = new double[k][k];
        for (int i = 0; i < k; i++) {
            double[] old = previous.centroid(i); // raw units
            double[] oldZ = new double[old.length];
            pipeline.transform(old, oldZ);
            for (int j = 0; j < k; j++) {
                double c = 0;
                for (int t = 0; t < oldZ.length; t++) {
                    double diff = oldZ[t] - fresh[j][t];
                    c += diff * diff;
                }
                cost[i][j] = c;
            }
        }
        return k <= 8 ? bestPermutation(cost) : greedy(cost);
    }

    static int[] identity(int k) {
        int[] p = new int[k];
        for (int i = 0; i < k; i++) {
            p[i] = i;
        }
        return p;
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

    // ---- LiveModel ----

    @Override
    public Object newUserState() {
        return new UserState();
    }

    @Override
    public void observe(UserView s, int typeId, long t) {
        UserState u = stateOf.apply(s);
        if (t == s.latestTime() && LivePropensity.due(u.lastSample, t, sampleInterval)) {
            u.lastSample = t;
            sample(vectors.raw(s, t));
        }
        SegmentsModel m = live;
        if (m != null) { // the segment at the user's latest event, kept for lastScores; allocates nothing
            double[] x = rawScratch.get();
            vectors.raw(s, s.latestTime(), x);
            u.segment = m.assign(x);
            u.segmentVersion = m.version();
        }
    }

    @Override
    public void afterEvent(long time) {
    }

    @Override
    public ModelOutputs score(UserView s, long asOf) {
        SegmentsModel m = live;
        if (m == null) {
            return new ModelOutputs(false, null, 0, true, null, 0, false, null);
        }
        return new ModelOutputs(false, null, 0, true, m.assign(vectors.raw(s, asOf)), m.version(), false, null);
    }

    @Override
    public ModelOutputs lastScores(UserView s) {
        UserState u = stateOf.apply(s);
        return new ModelOutputs(false, null, 0, true, u.segment >= 0 ? u.segment : null, u.segmentVersion, false,
                null);
    }

    @Override
    public SegmentsModel snapshot() {
        return live;
    }

    /** Publishes {@code m} as the next version; online updates and later refits continue from its centroids. */
    @Override
    public void swap(SegmentsModel m) {
        if (m == null) {
            throw new IllegalArgumentException("version must not be null");
        }
        if (!m.pipeline().sameInputs(vectors.pipeline()) || !m.featureNames().equals(vectors.columns())) {
            throw new IllegalArgumentException("version's inputs " + m.featureNames() + " do not match the configured "
                    + vectors.columns());
        }
        if (m.k() != config.k()) {
            throw new IllegalArgumentException("version must have k = " + config.k() + " segments, was " + m.k());
        }
        synchronized (lock) {
            online = OnlineKMeans.start(m.standardisedCentroids(), config.halfLifeSamples());
            sincePublish = 0;
            live = m.withVersion(++lastVersion);
        }
    }

    @Override
    public ModelStatus status() {
        SegmentsModel m = live;
        return new ModelStatus(null, 0, 0, 0, 0, m == null ? 0 : m.version(), refits(), 0);
    }

    @Override
    public void finish(long endTime) throws InterruptedException {
        awaitIdle();
    }

    @Override
    public void awaitIdle() throws InterruptedException {
        executor.awaitIdle();
    }

    /** Nothing to stop: the executor belongs to whoever built this model. */
    @Override
    public void close() {
    }
}
