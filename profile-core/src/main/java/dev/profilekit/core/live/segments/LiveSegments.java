package dev.profilekit.core.live.segments;

import dev.profilekit.core.live.VectorPipeline;
import dev.profilekit.core.live.internal.TrackingExecutor;
import dev.profilekit.core.live.internal.Vectors;
import dev.profilekit.core.live.internal.TrainerInbox;
import dev.profilekit.core.spi.FeatureAccess;
import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.core.spi.ModelOutputs;
import dev.profilekit.core.spi.ModelStatus;
import dev.profilekit.core.spi.UserView;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
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
 * a batch refit every {@code refit_every} samples runs on the executor over the latest sample of each of the
 * (at most {@code training_window}) most recently sampled users: profile-models' {@link KMeans} with
 * {@code restarts} seeded k-means++ restarts, keeping the lowest inertia (Arthur and Vassilvitskii 2007).
 * One row per user, not a ring of samples (which holds an active user many times over), so a refit sees what
 * batch k-means on {@code ProfileDatasets} sees. After a refit the online k-means continues with each
 * centroid weighing as many points as its cluster: restarted with weight 1 per centroid, the first samples
 * after a refit each pulled their centroid half-way towards themselves. On the simulator (4 latent segments,
 * drift on day 15, seed 13) the live segments' adjusted Rand index at the end went from 0.67 to 0.95 with the
 * weights, the same as batch k-means on every profile in hindsight; 10 restarts instead of 4 took seed 6 from
 * 0.71 to 0.95. Its centroids are matched to the live ones (the assignment with the least
 * total squared distance, exhaustive for k ≤ 8, greedy above) so segment ids stay stable across refits.
 */
public final class LiveSegments implements LiveModel<SegmentsModel> {

    /** Per-user state; guarded by the user's lock. */
    static final class UserState {
        long lastSample = Long.MIN_VALUE;
        int segment = -1;
        long segmentVersion;
    }

    private static final Logger LOG = LoggerFactory.getLogger(LiveSegments.class);
    static final int PUBLISH_EVERY = 100;

    final SegmentsConfig config;
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
    /**
     * The latest sample of each recently sampled user, least recently sampled first; bounded. Keyed by the user's
     * id, not its view: with a backing store a user's view leaves memory and comes back as another object.
     */
    private final java.util.LinkedHashMap<String, double[]> latest = new java.util.LinkedHashMap<>(16, 0.75f, true);
    private long samples;
    private long sinceRefit;
    private long sincePublish;
    private long refits;
    private final AtomicBoolean refitting = new AtomicBoolean();
    /** Samples taken by the event threads and not yet added ({@link #sample}); drained holding {@code lock}. */
    private final TrainerInbox<Sample> inbox;

    /** A sampled raw vector of a user, waiting in the inbox. */
    private record Sample(UserView user, double[] x) {
    }

    LiveSegments(SegmentsConfig config, FeatureAccess schema, Executor executor,
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
        this.inbox = new TrainerInbox<>(this.executor, lock, config.trainingWindow(), e -> add(e.user().user(), e.x()));
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

    @Override
    public int forget(UserView user) {
        synchronized (lock) {
            inbox.drain(); // the user's samples taken before the forget are merged, then removed
            return latest.remove(user.user()) == null ? 0 : 1;
        }
    }

    /**
     * One sampled vector (owned by this object from now on), handed to the trainer through the inbox: the event
     * thread does not take {@code lock}; the samples reach the refit window and the online k-means on the
     * executor, in the order they were taken. With an inline executor that happens right here, exactly where the
     * sample used to be added under the lock, so a single-threaded replay learns exactly as before. Public for
     * hosts that keep the users' states themselves and send the samples to one trainer (profile-flink): their
     * views must be equal for the same user, as the refit window keys its rows by view.
     */
    public void sample(UserView user, double[] x) {
        inbox.add(new Sample(user, x));
    }

    /** Caller holds {@code lock}: one sample into the refit window and the online k-means. */
    private void add(String user, double[] x) {
        latest.put(user, x); // access order: a user's new sample moves it last, with no new entry
        if (latest.size() > config.trainingWindow()) {
            java.util.Iterator<double[]> eldest = latest.values().iterator();
            eldest.next();
            eldest.remove();
        }
        samples++;
        sinceRefit++;
        SegmentsModel m = live;
        if (m == null) {
            if (latest.size() >= Math.max(50, 10 * config.k())) {
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

    /** Caller holds {@code lock}. */
    private void requestRefit() {
        if (!refitting.compareAndSet(false, true)) {
            return;
        }
        sinceRefit = 0;
        double[][] x = latest.values().toArray(new double[0][]);
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
            SegmentsModel fresh = SegmentsModel.of(0, pipeline, km, SegmentsModel.invert(clusterOf));
            OnlineKMeans next = warmOnline(fresh.standardisedCentroids(), z);
            synchronized (lock) {
                SegmentsModel m = fresh.withVersion(++lastVersion);
                online = next;
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
     * An online k-means that continues from {@code centroids} with each centroid weighing as many points as its
     * cluster has in {@code z}. {@link OnlineKMeans#start} gives every centroid the weight of one point, so the
     * first samples after a refit would each pull their centroid half-way towards themselves; it has no weight
     * parameter, so each centroid is fed itself once per member of its cluster: its nearest centroid is itself
     * (distance 0), which does not move it and adds 1 to its weight.
     */
    private OnlineKMeans warmOnline(double[][] centroids, double[][] z) {
        OnlineKMeans o = OnlineKMeans.start(centroids, config.halfLifeSamples());
        int[] size = new int[centroids.length];
        for (double[] row : z) {
            size[o.nearest(row)]++;
        }
        for (int c = 0; c < centroids.length; c++) {
            for (int i = 1; i < size[c]; i++) { // start() counts the centroid as one point already
                o.update(centroids[c]);
            }
        }
        return o;
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

    /** The pipeline of the segments' raw vector, unfitted (see {@code LiveModels.segmentsPipeline()}). */
    public VectorPipeline pipeline() {
        return vectors.pipeline();
    }

    @Override
    public Object newUserState() {
        return new UserState();
    }

    /** Rejects the event (OVERFLOW) when the user's input to the live model would be non-finite. */
    @Override
    public void checkInputs(UserView s, long asOf) {
        SegmentsModel m = live;
        if (!vectors.finiteInputs(s, asOf, m == null ? null : m.pipeline())) {
            throw new InvalidEventException(
                    InvalidEventException.Reason.OVERFLOW,
                    "the segments input of user '" + s.user() + "' would be non-finite");
        }
    }

    @Override
    public void observe(UserView s, int typeId, long t) {
        UserState u = stateOf.apply(s);
        long latestTime = s.latestTime();
        boolean due = t == latestTime && Vectors.due(u.lastSample, t, sampleInterval);
        SegmentsModel m = live;
        if (!due && m == null) {
            return;
        }
        double[] x = rawScratch.get(); // the user's vector at the latest event, read once for sample and segment
        vectors.raw(s, latestTime, x);
        if (due) {
            u.lastSample = t;
            sample(s, x.clone());
        }
        if (m != null) { // the segment at the user's latest event, kept for lastScores; allocates nothing
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
            return ModelOutputs.of(ModelOutputs.SEGMENTS, null, 0);
        }
        return ModelOutputs.of(ModelOutputs.SEGMENTS, m.assign(vectors.raw(s, asOf)), m.version());
    }

    @Override
    public ModelOutputs lastScores(UserView s) {
        UserState u = stateOf.apply(s);
        return ModelOutputs.of(ModelOutputs.SEGMENTS, u.segment >= 0 ? u.segment : null, u.segmentVersion);
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
            inbox.drain(); // samples taken before the swap move the previous centroids, as they did when taken
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

    // ---- snapshots ----

    @Override
    public void encodeUserState(Object state, ByteWriter out) {
        UserState u = (UserState) state;
        out.zigZag(u.lastSample).zigZag(u.segment).varLong(u.segmentVersion);
    }

    @Override
    public Object decodeUserState(ByteReader in, UserView owner) {
        UserState u = new UserState();
        u.lastSample = in.zigZag();
        long seg = in.zigZag();
        if (seg < -1 || seg >= config.k()) {
            throw in.error("segment " + seg + " of user '" + owner.user() + "' outside [-1, " + config.k() + ")");
        }
        u.segment = (int) seg;
        u.segmentVersion = in.varLong();
        return u;
    }

    @Override
    public void encodeState(ByteWriter out) {
        synchronized (lock) {
            inbox.drain(); // the snapshot holds every sample its users' states say was taken
            SegmentsModel m = live;
            out.nullableString(m == null ? null : m.toJson());
            out.varLong(lastVersion);
            out.bool(online != null);
            if (online != null) {
                online.writeState(out);
            }
            out.varLong(samples).varLong(sinceRefit).varLong(sincePublish).varLong(refits);
            out.varInt(latest.size());
            for (java.util.Map.Entry<String, double[]> e : latest.entrySet()) { // least recently sampled first
                out.string(e.getKey());
                Vectors.writeVector(out, e.getValue());
            }
        }
    }

    @Override
    public void restoreState(ByteReader in, Function<String, UserView> users) {
        String json = in.nullableString();
        SegmentsModel m;
        try {
            m = json == null ? null : SegmentsModel.fromJson(json);
        } catch (RuntimeException e) {
            throw in.error("unreadable segments model (" + e.getMessage() + ")");
        }
        long version = in.varLong();
        OnlineKMeans o = null;
        if (in.bool()) {
            o = OnlineKMeans.start(new double[config.k()][vectors.dimension()], config.halfLifeSamples());
            o.readState(in);
        }
        long s = in.varLong();
        long sr = in.varLong();
        long sp = in.varLong();
        long rf = in.varLong();
        int n = in.count(2);
        java.util.LinkedHashMap<String, double[]> map = new java.util.LinkedHashMap<>(16, 0.75f, true);
        for (int i = 0; i < n; i++) {
            String user = in.string();
            if (users.apply(user) == null) {
                throw in.error("a segments sample of user '" + user + "', who has no state in the snapshot");
            }
            map.put(user, Vectors.readVector(in, vectors.dimension()));
        }
        synchronized (lock) {
            inbox.clear(); // samples of the state being replaced
            live = m;
            lastVersion = version;
            online = o;
            samples = s;
            sinceRefit = sr;
            sincePublish = sp;
            refits = rf;
            latest.clear();
            latest.putAll(map);
        }
    }

    // ---- explanations ----

    /**
     * The segment {@link #score} gives {@code s} as of {@code asOf}, explained (see {@link SegmentsModel#explain});
     * null before the first model. The caller holds the user's lock.
     */
    @Override
    public SegmentsExplanation explain(UserView s, long asOf) {
        SegmentsModel m = live;
        return m == null ? null : m.explain(vectors.raw(s, asOf));
    }
}
