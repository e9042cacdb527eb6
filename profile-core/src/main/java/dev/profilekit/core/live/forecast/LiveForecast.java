package dev.profilekit.core.live.forecast;

import dev.profilekit.core.live.ModelDiagnostics;
import dev.profilekit.core.live.internal.TrackingExecutor;
import dev.profilekit.core.spi.FeatureAccess;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.core.spi.ModelOutputs;
import dev.profilekit.core.spi.ModelStatus;
import dev.profilekit.core.spi.UserView;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import dev.profilekit.models.sequence.Lstm;
import dev.profilekit.models.sequence.LstmFit;
import dev.profilekit.models.sequence.LstmModel;
import dev.profilekit.models.sequence.LstmOptions;
import dev.profilekit.models.timeseries.Arima;
import dev.profilekit.models.timeseries.ArimaModel;
import dev.profilekit.models.timeseries.ArimaSearchOptions;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The activity forecast. Each profile keeps its last {@code days} daily counts of the forecast type (UTC
 * days); the engine keeps the pooled daily totals. When a day completes (the global event time passes
 * midnight), an ARIMA model (order by AIC over p, q ≤ 2, d ≤ 1) is refitted in the background on the pooled
 * series of mean counts per user over the last {@code days} complete days.
 *
 * <p>A user's expected count for the next day is their mean daily count over the model's window scaled by
 * the pooled forecast relative to the pooled mean over the same window: {@code userMean × (forecast /
 * pooledMean)}. Before the first model (fewer than 10 complete days) it is the user's mean.
 *
 * <p>With {@code "model": "lstm"} the forecast is an LSTM ({@link Lstm}, H = {@value #LSTM_HIDDEN}) of
 * next-day activity trained on the pooled users' own sequences. When a user's first event (of any type, so users
 * without events of the forecast type count too) of a new day arrives,
 * the user's {@code days} complete days before it are copied (point in time) into a bounded table of the most
 * recently active users' windows (at most {@value #LSTM_MAX_USERS}; one entry per user, so a heavy user does not
 * crowd out the others). Each window gives {@code S = min(7, days / 2)} training sequences: the
 * {@code lookback = days - S} days before each of its last S days, as {@code [log1p(count), weekend ? 1 : 0]} per
 * day (UTC Saturday and Sunday), with log1p of that day's count as the target. When a day completes the LSTM is
 * retrained in the background like ARIMA: Adam, mini-batches of {@value #LSTM_BATCH}, clipping at norm 1, the
 * most recent fifth of the sequences (by target day) held out for early stopping; the first fit from the seeded
 * initialisation, later ones from the previous version's weights. A user's expected count is
 * {@code max(0, expm1(lstm(last lookback complete days)))}. Before the first LSTM version it is the user's mean,
 * as for ARIMA.
 */
public final class LiveForecast implements LiveModel<ForecastModel> {

    private static final long WATERMARK_STEP_MS = 1000;

    /** Per-user state: the ring of daily counts; guarded by the user's lock. */
    static final class UserState {
        final int[] daily;
        long lastDay = Long.MIN_VALUE;
        /** LSTM: the UTC day of the user's latest event of any type. */
        long lastSeenDay = Long.MIN_VALUE;

        UserState(int days) {
            daily = new int[days];
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(LiveForecast.class);
    static final long DAY_MS = 86_400_000L;
    static final int MIN_DAYS = 10;
    static final int LSTM_HIDDEN = 16;
    static final int LSTM_MAX_USERS = 4_000;
    static final int LSTM_BATCH = 128;
    static final int LSTM_MIN_SEQUENCES = 50;
    static final int LSTM_EPOCHS = 20;
    static final int LSTM_WARM_EPOCHS = 8;
    static final long LSTM_SEED = 42L;

    /** One user's complete days before its latest new day: counts of days {@code end - days + 1 .. end}. */
    static final class Window {
        final int[] counts;
        long end;

        Window(int days) {
            counts = new int[days];
        }
    }

    final ForecastConfig config;
    private final TrackingExecutor executor;
    private final Function<UserView, UserState> stateOf;
    private final int typeId;
    private final AtomicLong watermark = new AtomicLong(Long.MIN_VALUE);
    private final Object swapLock = new Object();
    private long lastVersion;
    private final IntSupplier users;
    private final int ring;
    private final AtomicLongArray totals;
    private final AtomicLongArray dayOf;
    private final AtomicBoolean fitting = new AtomicBoolean();
    private volatile long lastFittedDay = Long.MIN_VALUE;
    private volatile ForecastModel model;
    private final boolean lstm;
    /** LSTM: training sequences per window (S) and their length (days - S). */
    private final int lstmTargets;
    private final int lookback;
    private final Object windowsLock = new Object();
    /** LSTM: a window evicted from {@link #windows}, reused for the next new user; guarded by windowsLock. */
    private Window recycled;
    /**
     * LSTM: the latest window of the most recently active users, least recent first; guarded by windowsLock. Keyed
     * by the user's id, as the segments' samples are (a view may leave memory for a backing store and come back).
     */
    private final java.util.LinkedHashMap<String, Window> windows;
    /** LSTM: per scoring thread, the input sequence and the network's workspace. */
    private final ThreadLocal<double[][]> lstmScratch;

    LiveForecast(ForecastConfig config, FeatureAccess schema, Executor executor, IntSupplier users,
                 Function<UserView, UserState> stateOf) {
        this.config = config;
        this.executor = new TrackingExecutor(executor);
        this.users = users;
        this.stateOf = stateOf;
        this.typeId = schema.typeId(config.type());
        this.ring = config.days() + 4;
        this.totals = new AtomicLongArray(ring);
        this.dayOf = new AtomicLongArray(ring);
        for (int i = 0; i < ring; i++) {
            dayOf.set(i, Long.MIN_VALUE);
        }
        this.lstm = config.model() == ForecastKind.LSTM;
        this.lstmTargets = Math.min(7, config.days() / 2);
        this.lookback = config.days() - lstmTargets;
        this.windows = !lstm ? null : new java.util.LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(java.util.Map.Entry<String, Window> eldest) {
                if (size() > LSTM_MAX_USERS) {
                    recycled = eldest.getValue();
                    return true;
                }
                return false;
            }
        };
        this.lstmScratch = !lstm ? null : ThreadLocal.withInitial(() -> new double[][] {
            new double[2 * lookback], new double[10 * LSTM_HIDDEN]});
    }

    ForecastModel model() {
        return model;
    }

    static long day(long t) {
        return Math.floorDiv(t, DAY_MS);
    }

    /** Counts one event of the forecast type in the user's ring and the pooled totals. Caller holds the user lock. */
    void count(UserState u, long t) {
        long d = day(t);
        int n = u.daily.length;
        if (u.lastDay == Long.MIN_VALUE) {
            u.lastDay = d;
        } else if (d > u.lastDay) {
            long gap = Math.min(n, d - u.lastDay);
            for (long i = 1; i <= gap; i++) {
                u.daily[(int) Math.floorMod(u.lastDay + i, (long) n)] = 0; // days without events
            }
            u.lastDay = d;
        }
        if (u.lastDay - d < n) {
            u.daily[(int) Math.floorMod(d, (long) n)]++;
        }
        int slot = (int) Math.floorMod(d, (long) ring);
        if (dayOf.get(slot) != d) {
            synchronized (this) {
                if (dayOf.get(slot) < d) {
                    totals.set(slot, 0);
                    dayOf.set(slot, d); // after the reset: a reader that sees the day sees the zeroed total
                }
            }
        }
        if (dayOf.get(slot) == d) {
            totals.incrementAndGet(slot);
        }
    }

    /** The user's count on {@code day} from its ring: 0 for days without events or outside the ring. */
    private static int countOn(UserState u, long day) {
        int n = u.daily.length;
        if (u.lastDay != Long.MIN_VALUE && day <= u.lastDay && u.lastDay - day < n) {
            return u.daily[(int) Math.floorMod(day, (long) n)];
        }
        return 0;
    }

    /** Whether a UTC day (days since the epoch, a Thursday) is a Saturday or Sunday. */
    static boolean weekend(long day) {
        return Math.floorMod(day + 3, 7L) >= 5;
    }

    /** LSTM: copies the user's complete days up to {@code end} into its window. Caller holds the user lock. */
    private void keepWindow(UserView user, UserState u, long end) {
        int n = u.daily.length;
        synchronized (windowsLock) {
            Window w = windows.get(user.user());
            if (w == null) {
                w = recycled != null ? recycled : new Window(n);
                recycled = null;
                windows.put(user.user(), w);
            }
            for (int i = 0; i < n; i++) {
                w.counts[i] = countOn(u, end - n + 1 + i);
            }
            w.end = end;
        }
    }

    /** The global event time moved to {@code watermark}: refit once per completed day. */
    void advance(long watermark) {
        long lastComplete = day(watermark) - 1;
        if (lastComplete <= lastFittedDay || fitting.get()) {
            return;
        }
        double[] series = pooledSeries(lastComplete);
        if (series == null || !fitting.compareAndSet(false, true)) {
            return;
        }
        lastFittedDay = lastComplete;
        try {
            executor.execute(lstm ? () -> fitLstm(series, lastComplete) : () -> fit(series, lastComplete));
        } catch (RuntimeException e) {
            fitting.set(false);
            LOG.warn("forecast refit could not be scheduled", e);
        }
    }

    /** Mean count per user for the complete days ending at {@code lastComplete}; null if too few days. */
    private double[] pooledSeries(long lastComplete) {
        int n = config.days();
        long first = Long.MIN_VALUE;
        for (int i = 0; i < ring; i++) {
            long d = dayOf.get(i);
            if (d != Long.MIN_VALUE && (first == Long.MIN_VALUE || d < first)) {
                first = d;
            }
        }
        if (first == Long.MIN_VALUE) {
            return null;
        }
        long from = Math.max(first, lastComplete - n + 1);
        int len = (int) (lastComplete - from + 1);
        if (len < MIN_DAYS) {
            return null;
        }
        // only now: counting the users sums the table's segments, which every watermark step before the first
        // fit (up to once a second of event time, on an event thread) would otherwise pay for nothing
        int userCount = Math.max(1, users.getAsInt());
        double[] s = new double[len];
        for (int i = 0; i < len; i++) {
            long d = from + i;
            int slot = (int) Math.floorMod(d, (long) ring);
            s[i] = dayOf.get(slot) == d ? totals.get(slot) / (double) userCount : 0.0;
        }
        return s;
    }

    private static double mean(double[] series) {
        double mean = 0;
        for (double v : series) {
            mean += v;
        }
        return mean / series.length;
    }

    private void fit(double[] series, long lastComplete) {
        try {
            double mean = mean(series);
            ArimaModel m = Arima.autoFit(series, ArimaSearchOptions.upTo(2, 2));
            double next = Math.max(0.0, m.forecast(1).mean()[0]);
            synchronized (swapLock) {
                model = new ForecastModel(++lastVersion, m, lastComplete, next, mean);
            }
        } catch (RuntimeException e) {
            LOG.warn("forecast refit failed", e);
        } finally {
            fitting.set(false);
        }
    }

    /**
     * LSTM: trains on the kept windows that end by {@code lastComplete} (see the class comment) and publishes a
     * new version; keeps the old one when there are fewer than {@value #LSTM_MIN_SEQUENCES} sequences.
     */
    private void fitLstm(double[] series, long lastComplete) {
        try {
            double mean = mean(series);
            int n = config.days();
            int[][] counts;
            long[] ends;
            synchronized (windowsLock) {
                int k = 0;
                for (Window w : windows.values()) {
                    if (w.end <= lastComplete) {
                        k++;
                    }
                }
                counts = new int[k][];
                ends = new long[k];
                int i = 0;
                for (Window w : windows.values()) {
                    if (w.end <= lastComplete) {
                        counts[i] = w.counts.clone();
                        ends[i++] = w.end;
                    }
                }
            }
            int sTargets = lstmTargets;
            int m = counts.length * sTargets;
            if (m < LSTM_MIN_SEQUENCES) {
                return;
            }
            // sequences in the order of their target day, so that the held-out fifth is the most recent
            Integer[] order = new Integer[m];
            for (int i = 0; i < m; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, java.util.Comparator.comparingLong(i -> ends[i / sTargets] - sTargets + 1
                    + i % sTargets));
            double[][][] x = new double[m][lookback][2];
            double[] y = new double[m];
            for (int r = 0; r < m; r++) {
                int w = order[r] / sTargets;
                int s = order[r] % sTargets;
                int target = n - sTargets + s; // index of the target day in the window
                long firstDay = ends[w] - n + 1;
                for (int t = 0; t < lookback; t++) {
                    int at = target - lookback + t;
                    x[r][t][0] = Math.log1p(counts[w][at]);
                    x[r][t][1] = weekend(firstDay + at) ? 1.0 : 0.0;
                }
                y[r] = Math.log1p(counts[w][target]);
            }
            ForecastModel previous = model;
            LstmOptions options = LstmOptions.adam(LSTM_HIDDEN, 0.01).batchSize(LSTM_BATCH).clipNorm(1.0)
                    .validation(0.2, 3).seed(LSTM_SEED);
            LstmFit fit = previous != null && previous.lstm() != null && previous.lookback() == lookback
                    ? Lstm.train(previous.lstm(), x, y, options.epochs(LSTM_WARM_EPOCHS))
                    : Lstm.fit(x, y, options.epochs(LSTM_EPOCHS));
            LstmModel net = fit.model();
            double[][] scratch = lstmScratch.get();
            double sum = 0;
            for (int w = 0; w < counts.length; w++) {
                long firstDay = ends[w] - n + 1;
                for (int t = 0; t < lookback; t++) {
                    int at = n - lookback + t;
                    scratch[0][2 * t] = Math.log1p(counts[w][at]);
                    scratch[0][2 * t + 1] = weekend(firstDay + at) ? 1.0 : 0.0;
                }
                sum += Math.max(0.0, Math.expm1(net.predict(scratch[0], 0, lookback, scratch[1])));
            }
            double next = sum / counts.length;
            synchronized (swapLock) {
                model = ForecastModel.ofLstm(++lastVersion, net, lookback, lastComplete, next, mean);
            }
        } catch (RuntimeException e) {
            LOG.warn("forecast LSTM refit failed", e);
        } finally {
            fitting.set(false);
        }
    }

    /** The user's expected count of the forecast type for the day after {@code asOf}'s last complete day. */
    double nextDay(UserState u, long asOf) {
        ForecastModel m = model;
        if (m != null && m.lstm() != null) {
            return lstmNextDay(u, m);
        }
        int n = u.daily.length;
        long end = m != null ? m.lastCompleteDay() : day(asOf) - 1;
        int window = m != null ? Math.min(n, m.arima().observations() + m.arima().order().d()) : n;
        double sum = 0;
        for (long d = end - window + 1; d <= end; d++) {
            if (u.lastDay != Long.MIN_VALUE && d <= u.lastDay && u.lastDay - d < n) {
                sum += u.daily[(int) Math.floorMod(d, (long) n)];
            }
        }
        double userMean = sum / window;
        if (m == null || !(m.pooledMean() > 0)) {
            return userMean;
        }
        return userMean * m.nextDay() / m.pooledMean();
    }

    /** LSTM: {@code max(0, expm1(prediction))} from the user's last {@code lookback} complete days. */
    private double lstmNextDay(UserState u, ForecastModel m) {
        int len = m.lookback();
        double[][] scratch = lstmScratch != null ? lstmScratch.get() : null;
        if (scratch == null || scratch[0].length < 2 * len || scratch[1].length < m.lstm().workspaceSize()) {
            scratch = new double[][] {new double[2 * len], new double[m.lstm().workspaceSize()]}; // a swapped-in size
        }
        double[] seq = scratch[0];
        long first = m.lastCompleteDay() - len + 1;
        for (int t = 0; t < len; t++) {
            seq[2 * t] = Math.log1p(countOn(u, first + t));
            seq[2 * t + 1] = weekend(first + t) ? 1.0 : 0.0;
        }
        return Math.max(0.0, Math.expm1(m.lstm().predict(seq, 0, len, scratch[1])));
    }

    /** Days forecast in the diagnostics. */
    static final int DIAGNOSTIC_STEPS = 7;

    /**
     * The pooled series of the live model's window and its forecast with a 95% interval (ARIMA: the model's
     * forecast variance; LSTM: the next day only, with a residual-based interval from the spread of the pooled
     * series' day-to-day changes, since the network gives no variance); null before the first model.
     */
    public ModelDiagnostics.Forecast diagnostics() {
        ForecastModel m = model;
        if (m == null) {
            return null;
        }
        long last = m.lastCompleteDay();
        double[] series = pooledSeries(last);
        if (series == null) {
            return null;
        }
        long firstDay = last - series.length + 1;
        double z = 1.959963984540054;
        if (m.arima() != null) {
            dev.profilekit.models.timeseries.ArimaForecast f = m.arima().forecast(DIAGNOSTIC_STEPS, 0.95);
            double[] mean = f.mean();
            double[] lower = f.lower();
            double[] upper = f.upper();
            for (int i = 0; i < mean.length; i++) {
                mean[i] = Math.max(0, mean[i]);
                lower[i] = Math.max(0, lower[i]);
                upper[i] = Math.max(0, upper[i]);
            }
            return new ModelDiagnostics.Forecast("arima", m.version(), firstDay, series, mean, lower, upper, 0.95,
                    "ARIMA forecast variance (normal 95% interval), clipped at 0");
        }
        double sum = 0;
        double sumSq = 0;
        int n = 0;
        for (int i = 1; i < series.length; i++) {
            double r = series[i] - series[i - 1];
            sum += r;
            sumSq += r * r;
            n++;
        }
        double sd = n < 2 ? 0 : Math.sqrt(Math.max(0, (sumSq - sum * sum / n) / (n - 1)));
        double next = m.nextDay();
        return new ModelDiagnostics.Forecast("lstm", m.version(), firstDay, series, new double[] {next},
                new double[] {Math.max(0, next - z * sd)}, new double[] {next + z * sd}, 0.95,
                "LSTM point forecast; residual-based interval: ±1.96 × sd of the pooled series' day-to-day changes");
    }

    // ---- LiveModel ----

    @Override
    public Object newUserState() {
        return new UserState(config.days());
    }

    @Override
    public void observe(UserView user, int type, long time) {
        if (lstm) {
            UserState u = stateOf.apply(user);
            long d = day(time);
            if (d > u.lastSeenDay) {
                if (u.lastSeenDay != Long.MIN_VALUE) {
                    keepWindow(user, u, d - 1); // the user's first event (of any type) of a new day
                }
                u.lastSeenDay = d;
            }
        }
        if (type == typeId) {
            count(stateOf.apply(user), time);
        }
    }

    @Override
    public void afterEvent(long t) {
        long wm = watermark.get();
        if (t < wm + WATERMARK_STEP_MS || !watermark.compareAndSet(wm, Math.max(wm, t))) {
            return;
        }
        advance(t);
    }

    @Override
    public ModelOutputs score(UserView user, long asOf) {
        return ModelOutputs.of(ModelOutputs.FORECAST, nextDay(stateOf.apply(user), asOf), 0);
    }

    @Override
    public ModelOutputs lastScores(UserView user) {
        return score(user, user.latestTime());
    }

    @Override
    public ForecastModel snapshot() {
        return model;
    }

    /**
     * Makes {@code version} the live pooled model (with the next version number); the next completed day
     * refits as usual.
     */
    @Override
    public void swap(ForecastModel version) {
        if (version == null) {
            throw new IllegalArgumentException("version must not be null");
        }
        synchronized (swapLock) {
            model = version.withVersion(++lastVersion);
        }
    }

    @Override
    public ModelStatus status() {
        return new ModelStatus(null, 0, 0, 0, 0, 0, 0, 0);
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

    /**
     * ARIMA keeps a user's daily counts only in the user's own state: nothing else to drop. The LSTM also keeps the
     * user's latest window of daily counts for training: it is removed (the trained weights stay).
     *
     * @return 1 when a kept window was removed, else 0
     */
    @Override
    public int forget(UserView user) {
        if (windows == null) {
            return 0;
        }
        synchronized (windowsLock) {
            return windows.remove(user.user()) == null ? 0 : 1;
        }
    }

    /** LSTM: number of users whose window is kept (0 for ARIMA). */
    int keptWindows() {
        if (windows == null) {
            return 0;
        }
        synchronized (windowsLock) {
            return windows.size();
        }
    }

    // ---- snapshots ----

    @Override
    public void encodeUserState(Object state, ByteWriter out) {
        UserState u = (UserState) state;
        out.zigZag(u.lastDay).varInt(u.daily.length);
        for (int c : u.daily) {
            out.varInt(c);
        }
        if (lstm) { // the models configuration is in the state's fingerprint, so the reader knows this field
            out.zigZag(u.lastSeenDay);
        }
    }

    @Override
    public Object decodeUserState(ByteReader in, UserView owner) {
        long lastDay = in.zigZag();
        int n = in.varInt(Integer.MAX_VALUE);
        if (n != config.days()) {
            throw in.error("a daily series of " + n + " days where the forecast keeps " + config.days());
        }
        UserState u = new UserState(n);
        u.lastDay = lastDay;
        for (int i = 0; i < n; i++) {
            u.daily[i] = in.varInt(Integer.MAX_VALUE);
        }
        if (lstm) {
            u.lastSeenDay = in.zigZag();
        }
        return u;
    }

    @Override
    public void encodeState(ByteWriter out) {
        ForecastModel m = model;
        out.nullableString(m == null ? null : m.toJson());
        out.varLong(lastVersion).zigZag(watermark.get()).zigZag(lastFittedDay).varInt(ring);
        for (int i = 0; i < ring; i++) {
            out.zigZag(dayOf.get(i)).varLong(totals.get(i));
        }
        if (lstm) {
            synchronized (windowsLock) {
                out.varInt(windows.size());
                for (java.util.Map.Entry<String, Window> e : windows.entrySet()) { // least recently active first
                    out.string(e.getKey()).zigZag(e.getValue().end);
                    for (int c : e.getValue().counts) {
                        out.varInt(c);
                    }
                }
            }
        }
    }

    @Override
    public void restoreState(ByteReader in, Function<String, UserView> users) {
        String json = in.nullableString();
        ForecastModel m;
        try {
            m = json == null ? null : ForecastModel.fromJson(json);
        } catch (RuntimeException e) {
            throw in.error("unreadable forecast model (" + e.getMessage() + ")");
        }
        long version = in.varLong();
        long wm = in.zigZag();
        long fitted = in.zigZag();
        int r = in.varInt(Integer.MAX_VALUE);
        if (r != ring) {
            throw in.error("a pooled ring of " + r + " days where the forecast keeps " + ring);
        }
        long[] days = new long[r];
        long[] tot = new long[r];
        for (int i = 0; i < r; i++) {
            days[i] = in.zigZag();
            tot[i] = in.varLong();
        }
        java.util.LinkedHashMap<String, Window> kept = new java.util.LinkedHashMap<>();
        if (lstm) {
            int count = in.count(2 + config.days());
            for (int i = 0; i < count; i++) {
                String user = in.string();
                if (users.apply(user) == null) {
                    throw in.error("a forecast window of user '" + user + "', who has no state in the snapshot");
                }
                Window w = new Window(config.days());
                w.end = in.zigZag();
                for (int j = 0; j < w.counts.length; j++) {
                    w.counts[j] = in.varInt(Integer.MAX_VALUE);
                }
                kept.put(user, w);
            }
        }
        synchronized (swapLock) {
            model = m;
            lastVersion = version;
            watermark.set(wm);
            lastFittedDay = fitted;
            for (int i = 0; i < r; i++) {
                dayOf.set(i, days[i]);
                totals.set(i, tot[i]);
            }
        }
        if (lstm) {
            synchronized (windowsLock) {
                windows.clear();
                windows.putAll(kept); // in the encoded order: least recently active first
            }
        }
    }

    // ---- explanations ----

    /**
     * The forecast {@link #score} gives {@code user} as of {@code asOf}, with the daily counts it was computed from
     * and its 95% interval (see {@link ForecastExplanation}). The caller holds the user's lock.
     */
    @Override
    public ForecastExplanation explain(UserView user, long asOf) {
        UserState u = stateOf.apply(user);
        ForecastModel m;
        double value;
        do { // the version nextDay used: a refit may publish in between
            m = model;
            value = nextDay(u, asOf);
        } while (m != model);
        boolean network = m != null && m.lstm() != null;
        int window = network ? m.lookback()
                : m != null ? Math.min(u.daily.length, m.arima().observations() + m.arima().order().d())
                : u.daily.length;
        long end = m != null ? m.lastCompleteDay() : day(asOf) - 1;
        java.util.List<ForecastExplanation.Input> inputs = new java.util.ArrayList<>(window + 3);
        double sum = 0;
        for (long d = end - window + 1; d <= end; d++) {
            int c = countOn(u, d);
            sum += c;
            inputs.add(new ForecastExplanation.Input(java.time.LocalDate.ofEpochDay(d).toString(), c));
        }
        if (m == null) {
            return new ForecastExplanation(0, "user_mean", value, inputs, java.util.Optional.empty());
        }
        java.util.Optional<ForecastExplanation.Interval> interval = java.util.Optional.empty();
        double lower = Double.NaN;
        double upper = Double.NaN;
        if (!network) {
            inputs.add(new ForecastExplanation.Input("user_mean", sum / window));
            inputs.add(new ForecastExplanation.Input("pooled_next_day", m.nextDay()));
            inputs.add(new ForecastExplanation.Input("pooled_mean", m.pooledMean()));
            dev.profilekit.models.timeseries.ArimaForecast f = m.arima().forecast(1, 0.95);
            lower = f.lower()[0];
            upper = f.upper()[0];
        } else {
            ModelDiagnostics.Forecast f = diagnostics();
            if (f != null) {
                lower = f.lower()[0];
                upper = f.upper()[0];
            }
        }
        if (m.nextDay() > 0 && upper == upper) {
            double ratio = value / m.nextDay();
            interval = java.util.Optional.of(new ForecastExplanation.Interval(Math.max(0, lower) * ratio,
                    Math.max(0, upper) * ratio, 0.95));
        }
        return new ForecastExplanation(m.version(), network ? "lstm" : "arima", value, inputs, interval);
    }
}
