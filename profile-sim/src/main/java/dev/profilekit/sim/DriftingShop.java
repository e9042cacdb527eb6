package dev.profilekit.sim;

import dev.profilekit.core.engine.Event;
import dev.profilekit.features.Checks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A second synthetic shop, unlike {@link EcommerceSimulator}: latent segments with their own view, cart and
 * purchase rates and category preferences, a daily AR(1) purchase intent per user, and a shift on one day after
 * which one segment starts buying and another stops. Its truth is each user's latent segment and the probability of
 * a purchase in any window, computed from the generator's own hazard. Deterministic for a seed; the events
 * (a few hundred thousand for the default 1,000 users and 30 days) are generated eagerly.
 *
 * <h2>The model</h2>
 * <ul>
 * <li><b>Users.</b> User u draws a segment s uniformly from 4, an activity factor {@code a_u = exp(0.4 z - 0.08)}
 *     and a buying factor {@code m_u = exp(0.5 z' - 0.125)} (z, z' standard normals; both have mean 1).</li>
 * <li><b>Intent.</b> A daily AR(1): {@code x_0 ~ N(0, σ² / (1 - φ²))}, {@code x_d = φ x_(d-1) + σ ε_d}, with
 *     φ = {@value #PHI}, σ = {@value #SIGMA}; day d's intent is drawn at the start of day d and continues past the
 *     end of the stream by the same recursion.</li>
 * <li><b>Rates on day d</b> (per day): views {@code V_s a_u exp(0.5 x_d)}, browsing carts
 *     {@code C_s a_u exp(0.8 x_d)}, purchases {@code λ_u(d) = P_s(regime) m_u exp(x_d)}, with V = {10, 5, 3, 16},
 *     C = {1, 0.8, 0.3, 2}, P before the shift {0.04, 0.4, 0.1, 0.25} and from the start of the shift day
 *     {0.45, 0.02, 0.1, 0.25}: segment 0 starts buying, segment 1 stops. Each is a Poisson count with times uniform
 *     over the day, so the purchase hazard is constant within a day.</li>
 * <li><b>Purchases</b> carry an amount {@code M_s exp(0.4 z)} (M = {30, 80, 20, 50}, rounded to cents) and are
 *     preceded, on the same product, by a view 2-10 min and a cart 1-2 min before (dropped if before the start).</li>
 * <li><b>Categories.</b> 8 categories ({@link EcommerceSimulator#CATEGORIES}); every event of a segment-s user
 *     has category 2s with probability 0.45, 2s + 1 with 0.25, each other one with 0.05. Products are
 *     {@code "d<100·category + i>"}, i uniform in [0, 100).</li>
 * <li><b>Order and ids.</b> Events sorted by time (ties in generation order), ids {@code e0, e1, ...}.</li>
 * </ul>
 *
 * <p>Truth: {@link #purchaseProbability(int, long, long)} is {@code 1 - E[exp(-∫ λ)]} over the window given what
 * the generator knows at its start (the current day's intent, not the later ones): the integral is a sum over the
 * days the window overlaps, each rate times the overlapped fraction of its day, and the expectation over the unknown
 * later intents is a nested Gauss-Hermite quadrature with {@value #QUADRATURE_NODES} nodes per day (exact for the
 * AR(1)'s Gaussian transitions up to the quadrature error, below 1e-6 here).
 */
public final class DriftingShop {

    /** Number of latent segments. */
    public static final int SEGMENTS = 4;
    static final double PHI = 0.7;
    static final double SIGMA = 0.5;
    static final double[] VIEWS = {10, 5, 3, 16};
    static final double[] CARTS = {1, 0.8, 0.3, 2};
    static final double[][] PURCHASES = {{0.04, 0.4, 0.1, 0.25}, {0.45, 0.02, 0.1, 0.25}};
    static final double[] AMOUNT = {30, 80, 20, 50};
    static final double VIEW_INTENT = 0.5;
    static final double CART_INTENT = 0.8;
    static final int PRODUCTS_PER_CATEGORY = 100;
    static final int QUADRATURE_NODES = 16;
    private static final long DAY_MS = SimulationOptions.DAY_MS;
    private static final double[] NODES = new double[QUADRATURE_NODES];
    private static final double[] WEIGHTS = new double[QUADRATURE_NODES];

    static {
        gaussHermite(NODES, WEIGHTS);
    }

    private final int users;
    private final int days;
    private final int shiftDay;
    private final long seed;
    private final long startMs;
    private final String[] names;
    private final int[] segment;
    private final double[] activity;
    private final double[] buying;
    /** intent[u][d] for d in [0, days). */
    private final double[][] intent;
    private final List<Event> events;
    private final Map<String, Integer> index = new HashMap<>();

    private DriftingShop(int users, int days, int shiftDay, long seed) {
        this.users = users;
        this.days = days;
        this.shiftDay = shiftDay;
        this.seed = seed;
        this.startMs = SimulationOptions.DEFAULT_START_MS;
        this.names = new String[users];
        this.segment = new int[users];
        this.activity = new double[users];
        this.buying = new double[users];
        this.intent = new double[users][days];
        SplittableRandom master = new SplittableRandom(seed);
        SplittableRandom pop = master.split();
        SplittableRandom rnd = master.split();
        String format = "u%0" + String.valueOf(users - 1).length() + "d";
        double stationary = SIGMA / Math.sqrt(1 - PHI * PHI);
        for (int u = 0; u < users; u++) {
            names[u] = String.format(format, u);
            index.put(names[u], u);
            segment[u] = pop.nextInt(SEGMENTS);
            activity[u] = Math.exp(0.4 * EcommerceSimulator.gaussian(pop) - 0.08);
            buying[u] = Math.exp(0.5 * EcommerceSimulator.gaussian(pop) - 0.125);
            double x = stationary * EcommerceSimulator.gaussian(pop);
            for (int d = 0; d < days; d++) {
                if (d > 0) {
                    x = PHI * x + SIGMA * EcommerceSimulator.gaussian(pop);
                }
                intent[u][d] = x;
            }
        }
        this.events = generate(rnd);
    }

    /** The shape: 1,000 users, 30 days, the shift on day 15. */
    public static DriftingShop of(long seed) {
        return of(1000, 30, 15, seed);
    }

    /**
     * A shop of {@code users} users over {@code days} days with the shift at the start of day {@code shiftDay}.
     *
     * @throws IllegalArgumentException if users or days is not positive or shiftDay is outside [0, days]
     */
    public static DriftingShop of(int users, int days, int shiftDay, long seed) {
        Checks.requireArgument(users > 0, "users must be > 0, was %d", users);
        Checks.requireArgument(days > 0, "days must be > 0, was %d", days);
        Checks.requireArgument(shiftDay >= 0 && shiftDay <= days, "shiftDay must be in [0, %d], was %d", days,
                shiftDay);
        return new DriftingShop(users, days, shiftDay, seed);
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** The start of the stream, epoch ms (midnight UTC). */
    public long startMs() {
        return startMs;
    }

    /** The end of the stream (exclusive), epoch ms. */
    public long endMs() {
        return startMs + days * DAY_MS;
    }

    /** The start of the shift day, epoch ms. */
    public long shiftMs() {
        return startMs + shiftDay * DAY_MS;
    }

    /** The events, in time order (an unmodifiable list). */
    public List<Event> events() {
        return events;
    }

    /** The user ids, in index order. */
    public List<String> users() {
        return List.of(names);
    }

    /** The latent segment of a user, in [0, {@link #SEGMENTS}). */
    public int segment(String user) {
        return segment[indexOf(user)];
    }

    /**
     * The probability that {@code user} buys in {@code (t, t + horizonMs]}, given the generator's state at
     * {@code t} (see the class comment).
     *
     * @throws IllegalArgumentException for an unknown user, a time before the start or a negative horizon
     */
    public double purchaseProbability(String user, long t, long horizonMs) {
        return purchaseProbability(indexOf(user), t, horizonMs);
    }

    /** {@link #purchaseProbability(String, long, long)} by user index. */
    public double purchaseProbability(int u, long t, long horizonMs) {
        Checks.requireArgument(t >= startMs, "t must be at least the start %d, was %d", startMs, t);
        Checks.requireArgument(horizonMs >= 0, "horizonMs must be >= 0, was %d", horizonMs);
        long end = t + horizonMs;
        int first = (int) ((t - startMs) / DAY_MS);
        int last = (int) ((end - 1 - startMs) / DAY_MS);
        int n = Math.max(0, last - first + 1);
        double[] exposure = new double[n]; // the overlapped fraction of each day, times the day's base rate
        for (int i = 0; i < n; i++) {
            int d = first + i;
            long from = Math.max(t, startMs + d * DAY_MS);
            long to = Math.min(end, startMs + (d + 1) * DAY_MS);
            exposure[i] = base(u, d) * (to - from) / (double) DAY_MS;
        }
        if (n == 0) {
            return 0;
        }
        double survive;
        if (first < days) { // the intent of the window's first day is known at t
            double x = intent[u][first];
            survive = Math.exp(-exposure[0] * Math.exp(x)) * expectation(exposure, 1, PHI * x, SIGMA);
        } else { // past the end: x_first | x_(days-1) ~ N(φ^k x, σ² (1 - φ^2k) / (1 - φ²)), k = first - days + 1
            double phiK = Math.pow(PHI, first - (days - 1));
            double sd = SIGMA * Math.sqrt((1 - phiK * phiK) / (1 - PHI * PHI));
            survive = expectation(exposure, 0, phiK * intent[u][days - 1], sd);
        }
        return 1 - survive;
    }

    /**
     * {@code E[exp(-Σ_(i ≥ from) exposure[i] exp(x_i))]} where {@code x_from ~ N(mean, sd²)} and later intents
     * follow the AR(1); nested Gauss-Hermite over the unknown intents.
     */
    private static double expectation(double[] exposure, int from, double mean, double sd) {
        if (from == exposure.length) {
            return 1;
        }
        double sum = 0;
        for (int q = 0; q < QUADRATURE_NODES; q++) {
            double x = mean + sd * NODES[q];
            double s = Math.exp(-exposure[from] * Math.exp(x));
            if (s > 0) {
                s *= expectation(exposure, from + 1, PHI * x, SIGMA);
            }
            sum += WEIGHTS[q] * s;
        }
        return sum;
    }

    /** Purchases per day on day d before the intent factor. */
    private double base(int u, int d) {
        return PURCHASES[d >= shiftDay ? 1 : 0][segment[u]] * buying[u];
    }

    private int indexOf(String user) {
        Integer u = index.get(user);
        Checks.requireArgument(u != null, "unknown user '%s'", user);
        return u;
    }

    private record Pending(long ts, int user, byte type, int product, double amount) {
    }

    private static final String[] TYPES = {EventGenerator.VIEW, EventGenerator.CART, EventGenerator.PURCHASE};

    private List<Event> generate(SplittableRandom rnd) {
        List<Pending> out = new ArrayList<>();
        long end = endMs();
        for (int d = 0; d < days; d++) {
            long dayStart = startMs + d * DAY_MS;
            for (int u = 0; u < users; u++) {
                int s = segment[u];
                double x = intent[u][d];
                int views = EventGenerator.poisson(rnd, VIEWS[s] * activity[u] * Math.exp(VIEW_INTENT * x));
                for (int i = 0; i < views; i++) {
                    out.add(new Pending(dayStart + rnd.nextLong(DAY_MS), u, (byte) 0, product(rnd, s), 0));
                }
                int carts = EventGenerator.poisson(rnd, CARTS[s] * activity[u] * Math.exp(CART_INTENT * x));
                for (int i = 0; i < carts; i++) {
                    out.add(new Pending(dayStart + rnd.nextLong(DAY_MS), u, (byte) 1, product(rnd, s), 0));
                }
                int purchases = EventGenerator.poisson(rnd, base(u, d) * Math.exp(x));
                for (int i = 0; i < purchases; i++) {
                    long at = dayStart + rnd.nextLong(DAY_MS);
                    int p = product(rnd, s);
                    double amount = Math.max(1.0,
                            Math.round(AMOUNT[s] * Math.exp(0.4 * EcommerceSimulator.gaussian(rnd)) * 100.0) / 100.0);
                    long view = at - 120_000 - rnd.nextLong(480_001);
                    long cart = at - 60_000 - rnd.nextLong(60_001);
                    if (view >= startMs) {
                        out.add(new Pending(view, u, (byte) 0, p, 0));
                    }
                    if (cart >= startMs) {
                        out.add(new Pending(cart, u, (byte) 1, p, 0));
                    }
                    out.add(new Pending(at, u, (byte) 2, p, amount));
                }
            }
        }
        out.sort(Comparator.comparingLong(Pending::ts)); // stable: ties stay in generation order
        List<Event> events = new ArrayList<>(out.size());
        long id = 0;
        for (Pending p : out) {
            if (p.ts() >= end) {
                continue;
            }
            int category = p.product() / PRODUCTS_PER_CATEGORY;
            String product = "d" + p.product();
            String cat = EcommerceSimulator.CATEGORIES.get(category);
            Map<String, Object> attrs = p.type() == 2
                    ? Map.of("product", product, "category", cat, "amount", p.amount())
                    : Map.of("product", product, "category", cat);
            events.add(Event.of("e" + id++, names[p.user()], TYPES[p.type()], p.ts(), attrs));
        }
        return Collections.unmodifiableList(events);
    }

    /** Category 2s with probability 0.45, 2s + 1 with 0.25, each of the other 6 with 0.05. */
    private static int product(SplittableRandom rnd, int s) {
        double r = rnd.nextDouble();
        int category;
        if (r < 0.45) {
            category = 2 * s;
        } else if (r < 0.70) {
            category = 2 * s + 1;
        } else {
            int other = rnd.nextInt(6);
            category = other < 2 * s ? other : other + 2;
        }
        return category * PRODUCTS_PER_CATEGORY + rnd.nextInt(PRODUCTS_PER_CATEGORY);
    }

    /**
     * Gauss-Hermite nodes and weights for a standard normal (probabilists' form: {@code Σ w f(x) ≈ E f(Z)}), by
     * Newton's method on the orthonormal Hermite recurrence (Numerical Recipes' gauher), rescaled.
     */
    static void gaussHermite(double[] nodes, double[] weights) {
        int n = nodes.length;
        double pim4 = Math.pow(Math.PI, -0.25);
        double[] x = new double[n];
        double[] w = new double[n];
        double z = 0;
        int m = (n + 1) / 2;
        for (int i = 0; i < m; i++) {
            if (i == 0) {
                z = Math.sqrt(2.0 * n + 1) - 1.85575 * Math.pow(2.0 * n + 1, -1.0 / 6);
            } else if (i == 1) {
                z -= 1.14 * Math.pow(n, 0.426) / z;
            } else if (i == 2) {
                z = 1.86 * z - 0.86 * x[0];
            } else if (i == 3) {
                z = 1.91 * z - 0.91 * x[1];
            } else {
                z = 2.0 * z - x[i - 2];
            }
            double pp = 0;
            for (int it = 0; it < 100; it++) {
                double p1 = pim4;
                double p2 = 0;
                for (int j = 0; j < n; j++) {
                    double p3 = p2;
                    p2 = p1;
                    p1 = z * Math.sqrt(2.0 / (j + 1)) * p2 - Math.sqrt((double) j / (j + 1)) * p3;
                }
                pp = Math.sqrt(2.0 * n) * p2;
                double z1 = z;
                z = z1 - p1 / pp;
                if (Math.abs(z - z1) <= 1e-14) {
                    break;
                }
            }
            x[i] = z;
            x[n - 1 - i] = -z;
            w[i] = 2.0 / (pp * pp);
            w[n - 1 - i] = w[i];
        }
        double sqrtPi = Math.sqrt(Math.PI);
        for (int i = 0; i < n; i++) {
            nodes[i] = Math.sqrt(2.0) * x[i];
            weights[i] = w[i] / sqrtPi;
        }
    }
}
