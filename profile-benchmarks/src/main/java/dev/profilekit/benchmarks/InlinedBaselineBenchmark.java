package dev.profilekit.benchmarks;

import dev.profilekit.core.engine.Event;
import java.util.HashMap;
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
 * The practical floor for {@link OnEventBenchmark}: the fixture schema's scalar features written inline
 * over a {@code HashMap<String, double[]>} (one array per user), on the same pre-built events, one thread.
 *
 * <p>Per event it does exactly: one {@code HashMap.get} of the user; a lateness check against the user's
 * latest time (6 h, as the schema; nothing was late in these streams, so it never skips); a {@code switch} on
 * the type string; then the arithmetic of the features {@code events}, {@code views}, {@code carts},
 * {@code purchases} (counts), {@code spend} (sum), {@code views_decay_1d} and {@code spend_decay_7d}
 * (decayed count/sum as value and reference time, one {@code Math.exp} per update, with the out-of-order
 * branch), {@code views_6h} and {@code spend_3d} (epoch-aligned bucket rings of 6 and 3 buckets),
 * {@code order_value} (Welford count/mean/M2 plus min and max), {@code since_purchase} (latest purchase
 * time) and {@code first_seen} (earliest time). The amount is read with one {@code Map.get} on purchases.
 *
 * <p>It does <b>not</b> do: duplicate detection (no id table: the engine pays a hash probe and an insert
 * per event for it), {@code last_category} (a {@code last_value} needs an object slot), locking (one
 * thread), outcome counters, or listeners. Those are the costs the engine adds on top of this floor;
 * {@code cart_to_purchase} (a ratio) is computed on read by both, so it costs nothing per event.
 * It is the floor for {@code schema=scalar}; {@link FixtureInlinedBaselineBenchmark} is the floor for the
 * whole fixture schema, with and without the duplicate check.
 *
 * <p>Because the baseline keeps no ids, the event slice is replayed in laps (iterations can be as long as
 * wanted): lap {@code k} adds {@code k} times the slice's time span to every timestamp, so time keeps
 * moving forward exactly as in a longer stream.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms8g", "-Xmx8g"})
public class InlinedBaselineBenchmark {

    private static final long LATENESS = 6 * 3_600_000L;
    private static final double RATE_VIEWS = Math.log(2.0) / 86_400_000.0;       // half-life 1 day
    private static final double RATE_SPEND = Math.log(2.0) / (7 * 86_400_000.0); // half-life 7 days
    private static final long VIEW_BUCKET = 3_600_000L;   // 6 h / 6 buckets
    private static final long SPEND_BUCKET = 86_400_000L; // 3 d / 3 buckets

    // layout of a user's double[]
    private static final int MAX_T = 0;
    private static final int EVENTS = 1;
    private static final int VIEWS = 2;
    private static final int CARTS = 3;
    private static final int PURCHASES = 4;
    private static final int SPEND = 5;
    private static final int VIEWS_DECAY = 6;   // value, reference time
    private static final int SPEND_DECAY = 8;   // value, reference time
    private static final int VIEWS_6H = 10;     // 6 bucket ids, then 6 sums
    private static final int SPEND_3D = 22;     // 3 bucket ids, then 3 sums
    private static final int STATS = 28;        // n, mean, M2, min, max
    private static final int LAST_PURCHASE = 33;
    private static final int FIRST_SEEN = 34;
    private static final int SLOTS = 35;

    /** Number of users, all created before measuring. */
    @Param({"100000", "2000000"})
    public int users;

    /** Pre-built events (replayed in laps). */
    @Param({"16777216"})
    public int events;

    private HashMap<String, double[]> profiles;
    private Event[] slice;
    private long span;
    private int mask;
    private long next;

    /** Builds the same events as {@link OnEventBenchmark} (one thread) and one profile per user. */
    @Setup(Level.Trial)
    public void setUp() {
        if (Integer.bitCount(events) != 1) {
            throw new IllegalArgumentException("events must be a power of two, was " + events);
        }
        String[] userIds = Fixtures.userIds(users);
        slice = Fixtures.slices(userIds, 1, events, 42)[0];
        span = Fixtures.span(slice);
        mask = events - 1;
        profiles = new HashMap<>((int) (users / 0.75f) + 1);
        for (String u : userIds) {
            double[] p = newProfile();
            apply(p, Fixtures.WARM_TIME, "view", Double.NaN);
            profiles.put(u, p);
        }
        next = 0;
    }

    private static double[] newProfile() {
        double[] p = new double[SLOTS];
        p[MAX_T] = Double.NEGATIVE_INFINITY;
        p[VIEWS_DECAY + 1] = Double.NEGATIVE_INFINITY;
        p[SPEND_DECAY + 1] = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < 6; i++) {
            p[VIEWS_6H + i] = Double.NEGATIVE_INFINITY;
        }
        for (int i = 0; i < 3; i++) {
            p[SPEND_3D + i] = Double.NEGATIVE_INFINITY;
        }
        p[STATS + 3] = Double.POSITIVE_INFINITY;
        p[STATS + 4] = Double.NEGATIVE_INFINITY;
        p[LAST_PURCHASE] = Double.NEGATIVE_INFINITY;
        p[FIRST_SEEN] = Double.POSITIVE_INFINITY;
        return p;
    }

    /** One event; returns the user's event count so the work cannot be eliminated. */
    @Benchmark
    public double onEvent() {
        long i = next++;
        Event e = slice[(int) i & mask];
        long t = e.timestamp() + (i >>> Integer.numberOfTrailingZeros(events)) * span;
        double[] p = profiles.get(e.user());
        String type = e.type();
        double amount = type.equals("purchase") && e.attr("amount") instanceof Double d ? d : Double.NaN;
        return apply(p, t, type, amount);
    }

    private static double apply(double[] p, long t, String type, double amount) {
        if (t < p[MAX_T] - LATENESS) {
            return p[EVENTS];
        }
        if (t > p[MAX_T]) {
            p[MAX_T] = t;
        }
        p[EVENTS]++;
        if (t < p[FIRST_SEEN]) {
            p[FIRST_SEEN] = t;
        }
        switch (type) {
            case "view" -> {
                p[VIEWS]++;
                decay(p, VIEWS_DECAY, t, 1.0, RATE_VIEWS);
                ring(p, VIEWS_6H, 6, Math.floorDiv(t, VIEW_BUCKET), 1.0);
            }
            case "cart" -> p[CARTS]++;
            case "purchase" -> {
                p[PURCHASES]++;
                if (t > p[LAST_PURCHASE]) {
                    p[LAST_PURCHASE] = t;
                }
                if (amount == amount) {
                    p[SPEND] += amount;
                    decay(p, SPEND_DECAY, t, amount, RATE_SPEND);
                    ring(p, SPEND_3D, 3, Math.floorDiv(t, SPEND_BUCKET), amount);
                    double n = p[STATS] + 1.0;
                    double delta = amount - p[STATS + 1];
                    double mean = p[STATS + 1] + delta / n;
                    p[STATS] = n;
                    p[STATS + 1] = mean;
                    p[STATS + 2] += delta * (amount - mean);
                    if (amount < p[STATS + 3]) {
                        p[STATS + 3] = amount;
                    }
                    if (amount > p[STATS + 4]) {
                        p[STATS + 4] = amount;
                    }
                }
            }
            default -> {
            }
        }
        return p[EVENTS];
    }

    private static void decay(double[] p, int at, long t, double x, double rate) {
        double ref = p[at + 1];
        if (t >= ref) {
            double v = p[at];
            p[at] = (v == 0.0 ? 0.0 : v * Math.exp(-(t - ref) * rate)) + x;
            p[at + 1] = t;
        } else {
            p[at] += x * Math.exp(-(ref - t) * rate);
        }
    }

    private static void ring(double[] p, int at, int n, long bucket, double x) {
        int slot = (int) Math.floorMod(bucket, (long) n);
        double held = p[at + slot];
        if (held == bucket) {
            p[at + n + slot] += x;
        } else if (held < bucket) {
            p[at + slot] = bucket;
            p[at + n + slot] = x;
        }
    }
}
