package dev.profilekit.sim;

import dev.profilekit.core.engine.Event;

import dev.profilekit.features.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A synthetic e-commerce event stream with known ground truth, for tests, demos and benchmarks (not a model
 * of any real shop). Deterministic for a seed; events are generated lazily, one simulated day at a time, so
 * memory is O(users + events of one day) whatever the length of the stream.
 *
 * <pre>{@code
 * SimulationResult sim = EcommerceSimulator.run(SimulationOptions.of(2000, 30, 42).driftDay(20));
 * try (Stream<Event> events = sim.events()) { events.forEach(updater::onEvent); }
 * for (UserTruth t : sim.truth()) { ... t.pPurchaseNextDay() ... }
 * }</pre>
 *
 * <h2>The model</h2>
 * <ul>
 * <li><b>Users and segments.</b> Each user u draws a latent segment s uniformly from {@code [0, segments)} and
 *     two standard normals z_a, z_c. Browsing activity (events per day outside purchase sessions)
 *     {@code a_u = min(200, A_s · exp(0.5 z_a - 0.125))} and conversion (purchases per browsing event)
 *     {@code c_u = min(0.5, C_s · exp(0.6 z_c - 0.18))}: lognormal around the segment means A_s, C_s (the
 *     offsets make the segment values the means). The purchase rate is {@code λ_u = a_u · c_u} per day.
 *     Segment tables (index s): A = {4, 12, 2, 7, 6, 16, 3, 10} events/day,
 *     C = {0.03, 0.012, 0.1, 0.04, 0.05, 0.02, 0.08, 0.025}, median purchase amount
 *     M = {25, 150, 15, 60, 40, 90, 10, 200}.</li>
 * <li><b>Categories.</b> 8 categories ({@link #CATEGORIES}); segment s's dominant category is category s before
 *     the drift and category (s + 4) mod 8 after it. Every event's category is the dominant one with
 *     probability 0.7, otherwise uniform over the other 7. Products are {@code "p<1000·category + i>"},
 *     i in [0, 500): with probability 0.6 from the segment's own block i in [40 s, 40 s + 40), else uniform.</li>
 * <li><b>Time.</b> Days of 24 h from {@code startMs}; within a day, session starts and purchase times follow a
 *     fixed diurnal density (hourly weights, quiet at night, peak 19-21 h). Everything lies in
 *     [startMs, endMs): events that would fall outside are dropped.</li>
 * <li><b>Browsing sessions.</b> Per user and day, Poisson(a_u / 5) sessions. A session has
 *     min(40, 1 + Geometric(0.2)) events (mean 5), consecutive events min(10 min, max(1 s, Exp(mean 75 s)))
 *     apart, so a 30 min gap never splits a session (two sessions that start close together may merge). The
 *     first event is a {@code search} with probability 0.35; each remaining event is a {@code cart} with
 *     probability min(0.3, 1.5 c_u), else a {@code view}. So
 *     views measure activity, carts measure conversion, both noisily.</li>
 * <li><b>Purchases.</b> Per user and day, Poisson(λ_u) purchase times drawn from the diurnal density: together an
 *     inhomogeneous Poisson process whose integral over any 24 h is exactly λ_u, so the probability of at least
 *     one purchase in the next 24 h is {@code 1 - exp(-λ_u)}. Each purchase at T is preceded by a short session
 *     on the same product: 1-3 views (uniform) and a cart, each min(3 min, max(1 s, Exp(mean 60 s))) before the
 *     next. A purchase carries {@code amount} = max(1, M_s · exp(0.4 z)) rounded to cents.</li>
 * <li><b>Drift.</b> From the start of {@code driftDay}: (1) conversion changes: the segments' conversion means
 *     are permuted in reverse order of size (the segment with the highest C among those in use takes the
 *     lowest, and so on) and each user's noise is mirrored, {@code c'_u = min(0.5, C_π(s) · exp(-0.6 z_c - 0.18))},
 *     so users who bought a lot now tend to buy little and vice versa; (2) the dominant categories rotate by 4.
 *     Activity and amounts do not change.</li>
 * <li><b>Ids and order.</b> Events are emitted in order of true time (ties in generation order) with ids
 *     {@code e0, e1, ...} in emission order; timestamps are integer epoch ms. With {@code jitterMs > 0} the
 *     reported ts is the true time minus a uniform offset in [0, jitterMs] (at least startMs).</li>
 * <li><b>Collaborative catalogue</b> (only with {@link SimulationOptions#collaborative()}): products are chosen
 *     by latent tastes with popularity skew instead of by category and segment block, and half of the purchases
 *     come without a preceding session; see {@link TasteCatalog}. Categories of events are the products'.</li>
 * </ul>
 * The truth ({@link UserTruth}) reports λ_u and 1 - exp(-λ_u) in force at the end of the stream.
 */
public final class EcommerceSimulator {

    /** The 8 product categories, in index order. */
    public static final List<String> CATEGORIES = List.of("books", "electronics", "fashion", "home", "sports",
            "beauty", "toys", "grocery");

    static final double[] SEGMENT_ACTIVITY = {4, 12, 2, 7, 6, 16, 3, 10};
    static final double[] SEGMENT_CONVERSION = {0.03, 0.012, 0.1, 0.04, 0.05, 0.02, 0.08, 0.025};
    static final double[] SEGMENT_AMOUNT = {25, 150, 15, 60, 40, 90, 10, 200};
    static final double ACTIVITY_SIGMA = 0.5;
    static final double CONVERSION_SIGMA = 0.6;
    static final double MAX_ACTIVITY = 200;
    static final double MAX_CONVERSION = 0.5;
    /** Expected events in a purchase session: 2 views, a cart, the purchase. */
    static final double EVENTS_PER_PURCHASE = 4;

    private EcommerceSimulator() {
    }

    /**
     * Draws the users and their truth, and returns a result whose {@link SimulationResult#events()} generates the
     * stream lazily. O(users) time and memory here; the events cost nothing until read.
     *
     * @throws IllegalArgumentException if {@code options} is null
     */
    public static SimulationResult run(SimulationOptions options) {
        Checks.requireNonNull(options, "options");
        int n = options.users();
        SplittableRandom master = new SplittableRandom(options.seed());
        SplittableRandom rnd = master.split();
        int[] permutation = driftPermutation(options.segments());
        Population pop = new Population(n);
        int digits = String.valueOf(n - 1).length();
        String format = "u%0" + digits + "d";
        double aOffset = ACTIVITY_SIGMA * ACTIVITY_SIGMA / 2;
        double cOffset = CONVERSION_SIGMA * CONVERSION_SIGMA / 2;
        List<UserTruth> truth = new ArrayList<>(n);
        for (int u = 0; u < n; u++) {
            int s = rnd.nextInt(options.segments());
            double za = gaussian(rnd);
            double zc = gaussian(rnd);
            pop.names[u] = String.format(format, u);
            pop.segment[u] = s;
            pop.activity[u] = Math.min(MAX_ACTIVITY, SEGMENT_ACTIVITY[s] * Math.exp(ACTIVITY_SIGMA * za - aOffset));
            pop.conversion[0][u] = Math.min(MAX_CONVERSION,
                    SEGMENT_CONVERSION[s] * Math.exp(CONVERSION_SIGMA * zc - cOffset));
            pop.conversion[1][u] = Math.min(MAX_CONVERSION,
                    SEGMENT_CONVERSION[permutation[s]] * Math.exp(-CONVERSION_SIGMA * zc - cOffset));
            double initial = pop.activity[u] * pop.conversion[0][u];
            double end = pop.activity[u] * pop.conversion[options.hasDrift() ? 1 : 0][u];
            truth.add(new UserTruth(pop.names[u], s, end, -Math.expm1(-end), initial,
                    pop.activity[u] + EVENTS_PER_PURCHASE * end));
        }
        return new SimulationResult(options, pop, Collections.unmodifiableList(truth));
    }

    /**
     * The dominant category of a segment: category {@code segment} before the drift, {@code (segment + 4) mod 8}
     * after it.
     *
     * @throws IllegalArgumentException if segment is outside [0, 8)
     */
    public static String dominantCategory(int segment, boolean afterDrift) {
        Checks.requireArgument(segment >= 0 && segment < SimulationOptions.MAX_SEGMENTS,
                "segment must be in [0, %d), was %d", SimulationOptions.MAX_SEGMENTS, segment);
        return CATEGORIES.get(dominantIndex(segment, afterDrift));
    }

    static int dominantIndex(int segment, boolean afterDrift) {
        return afterDrift ? (segment + 4) % CATEGORIES.size() : segment;
    }

    /** After the drift segment s uses the conversion mean of segment permutation[s]: reversed order of size. */
    static int[] driftPermutation(int segments) {
        Integer[] bySize = new Integer[segments];
        for (int s = 0; s < segments; s++) {
            bySize[s] = s;
        }
        Arrays.sort(bySize, (a, b) -> Double.compare(SEGMENT_CONVERSION[a], SEGMENT_CONVERSION[b]));
        int[] p = new int[segments];
        for (int r = 0; r < segments; r++) {
            p[bySize[r]] = bySize[segments - 1 - r];
        }
        return p;
    }

    static double gaussian(SplittableRandom rnd) {
        // Box-Muller (SplittableRandom has no nextGaussian in Java 17); 1 - u avoids log(0)
        double u = 1.0 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
    }

    /** Latent parameters of every user, in primitive arrays. */
    static final class Population {
        final String[] names;
        final int[] segment;
        final double[] activity;
        /** conversion[0] before the drift, conversion[1] after. */
        final double[][] conversion;

        Population(int n) {
            names = new String[n];
            segment = new int[n];
            activity = new double[n];
            conversion = new double[2][n];
        }
    }
}
