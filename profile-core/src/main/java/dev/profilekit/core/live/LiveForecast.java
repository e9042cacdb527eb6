package dev.profilekit.core.live;

import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;

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
 */
final class LiveForecast implements LiveModel<ForecastModel> {

    private static final long WATERMARK_STEP_MS = 1000;

    /** Per-user state: the ring of daily counts; guarded by the user's lock. */
    static final class UserState {
        final int[] daily;
        long lastDay = Long.MIN_VALUE;

        UserState(int days) {
            daily = new int[days];
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(LiveForecast.class);
    static final long DAY_MS = 86_400_000L;
    static final int MIN_DAYS = 10;

    final ModelsConfig.Forecast config;
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

    LiveForecast(ModelsConfig.Forecast config, FeatureAccess schema, Executor executor, IntSupplier users,
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
            executor.execute(() -> fit(series, lastComplete));
        } catch (RuntimeException e) {
            fitting.set(false);
            LOG.warn("forecast refit could not be scheduled", e);
        }
    }

    /** Mean count per user for the complete days ending at {@code lastComplete}; null if too few days. */
    private double[] pooledSeries(long lastComplete) {
        int n = config.days();
        int userCount = Math.max(1, users.getAsInt());
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
        double[] s = new double[len];
        for (int i = 0; i < len; i++) {
            long d = from + i;
            int slot = (int) Math.floorMod(d, (long) ring);
            s[i] = dayOf.get(slot) == d ? totals.get(slot) / (double) userCount : 0.0;
        }
        return s;
    }

    private void fit(double[] series, long lastComplete) {
        try {
            double mean = 0;
            for (double v : series) {
                mean += v;
            }
            mean /= series.length;
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

    /** The user's expected count of the forecast type for the day after {@code asOf}'s last complete day. */
    double nextDay(UserState u, long asOf) {
        ForecastModel m = model;
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

    // ---- LiveModel ----

    @Override
    public Object newUserState() {
        return new UserState(config.days());
    }

    @Override
    public void observe(UserView user, int type, long time) {
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
        return new ModelOutputs(false, null, 0, false, null, 0, true, nextDay(stateOf.apply(user), asOf));
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

    /** The forecast keeps a user's daily counts only in the user's own state: nothing else to drop. */
    @Override
    public int forget(UserView user) {
        return 0;
    }

    // ---- snapshots ----

    @Override
    public void encodeUserState(Object state, ByteWriter out) {
        UserState u = (UserState) state;
        out.zigZag(u.lastDay).varInt(u.daily.length);
        for (int c : u.daily) {
            out.varInt(c);
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
    }
}
