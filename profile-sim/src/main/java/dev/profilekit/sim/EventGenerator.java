package dev.profilekit.sim;

import dev.profilekit.core.engine.Event;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Generates the events of one simulation day by day (see {@link EcommerceSimulator} for the model). Events of a
 * day are generated into a buffer, sorted by time, and released once no later day can produce an earlier event:
 * a purchase session reaches at most {@link #MAX_PURCHASE_LEAD_MS} before its purchase, so after day d everything
 * before the start of day d + 1 minus that lead is final.
 */
final class EventGenerator implements Iterator<Event> {

    static final String VIEW = "view";
    static final String CART = "cart";
    static final String PURCHASE = "purchase";
    static final String SEARCH = "search";
    private static final String[] TYPES = {VIEW, CART, PURCHASE, SEARCH};
    private static final byte T_VIEW = 0;
    private static final byte T_CART = 1;
    private static final byte T_PURCHASE = 2;
    private static final byte T_SEARCH = 3;

    static final int PRODUCTS_PER_CATEGORY = 500;
    static final int SEGMENT_BLOCK = 40;
    static final double SEGMENT_PRODUCT_SHARE = 0.6;
    static final double DOMINANT_SHARE = 0.7;
    static final double MEAN_SESSION_EVENTS = 5;
    static final int MAX_SESSION_EVENTS = 40;
    static final double SEARCH_FIRST = 0.35;
    static final double CART_PER_CONVERSION = 1.5;
    static final double MAX_CART_SHARE = 0.3;
    static final double BROWSE_GAP_MEAN_MS = 75_000;
    static final long BROWSE_GAP_MAX_MS = 600_000;
    static final double PURCHASE_GAP_MEAN_MS = 60_000;
    static final long PURCHASE_GAP_MAX_MS = 180_000;
    static final long MIN_GAP_MS = 1_000;
    /** At most 3 views and a cart, each at most 3 min apart, precede a purchase. */
    static final long MAX_PURCHASE_LEAD_MS = 4 * PURCHASE_GAP_MAX_MS;
    static final double AMOUNT_SIGMA = 0.4;
    /** Relative activity per hour of day (UTC): quiet at night, peak in the evening. */
    static final double[] HOUR_WEIGHTS = {1.0, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 2.0, 2.2, 2.3, 2.5, 2.8, 2.6, 2.4,
        2.4, 2.6, 3.0, 3.5, 4.0, 4.2, 3.8, 3.0, 2.0};
    private static final double[] HOUR_CUMULATIVE = new double[24];
    private static final String[] PRODUCT_NAMES;

    static {
        double sum = 0;
        for (int h = 0; h < 24; h++) {
            sum += HOUR_WEIGHTS[h];
            HOUR_CUMULATIVE[h] = sum;
        }
        for (int h = 0; h < 24; h++) {
            HOUR_CUMULATIVE[h] /= sum;
        }
        int c = EcommerceSimulator.CATEGORIES.size();
        PRODUCT_NAMES = new String[c * PRODUCTS_PER_CATEGORY];
        for (int k = 0; k < c; k++) {
            for (int i = 0; i < PRODUCTS_PER_CATEGORY; i++) {
                PRODUCT_NAMES[k * PRODUCTS_PER_CATEGORY + i] = "p" + (1000 * k + i);
            }
        }
    }

    /** One generated event before it gets its id. */
    private record Pending(long ts, int user, byte type, int product, double amount) {
    }

    private static final Comparator<Pending> BY_TIME = Comparator.comparingLong(Pending::ts);

    private final SimulationOptions options;
    private final EcommerceSimulator.Population pop;
    private final SplittableRandom rnd;
    private final SplittableRandom jitter;
    /** The collaborative catalogue, or null for the original product choice. */
    private final TasteCatalog tastes;
    private final long start;
    private final long end;
    private List<Pending> pending = new ArrayList<>();
    private List<Pending> ready = new ArrayList<>();
    private int readyPos;
    private int nextDay;
    private long nextId;

    EventGenerator(SimulationOptions options, EcommerceSimulator.Population pop) {
        this.options = options;
        this.pop = pop;
        SplittableRandom master = new SplittableRandom(options.seed());
        master.split(); // the users' stream, drawn by EcommerceSimulator.run
        this.rnd = master.split();
        this.jitter = master.split();
        this.tastes = options.collaborative() ? new TasteCatalog(master.split(), pop.segment,
                EcommerceSimulator.CATEGORIES.size(), PRODUCTS_PER_CATEGORY) : null;
        this.start = options.startMs();
        this.end = options.endMs();
    }

    @Override
    public boolean hasNext() {
        while (readyPos == ready.size()) {
            if (nextDay > options.days()) {
                return false;
            }
            refill();
        }
        return true;
    }

    @Override
    public Event next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the simulated stream has ended");
        }
        Pending p = ready.get(readyPos++);
        long ts = p.ts();
        if (options.jitterMs() > 0) {
            ts = Math.max(start, ts - jitter.nextLong(options.jitterMs() + 1));
        }
        int category = p.product() / PRODUCTS_PER_CATEGORY;
        String product = PRODUCT_NAMES[p.product()];
        String cat = EcommerceSimulator.CATEGORIES.get(category);
        Map<String, Object> attrs = p.type() == T_PURCHASE
                ? Map.of("product", product, "category", cat, "amount", p.amount())
                : Map.of("product", product, "category", cat);
        return Event.of("e" + nextId++, pop.names[p.user()], TYPES[p.type()], ts, attrs);
    }

    private void refill() {
        long horizon;
        if (nextDay < options.days()) {
            generateDay(nextDay);
            horizon = start + (nextDay + 1) * SimulationOptions.DAY_MS - MAX_PURCHASE_LEAD_MS;
        } else {
            horizon = Long.MAX_VALUE;
        }
        nextDay++;
        pending.sort(BY_TIME);
        int cut = 0;
        while (cut < pending.size() && pending.get(cut).ts() < horizon) {
            cut++;
        }
        List<Pending> released = new ArrayList<>(pending.subList(0, cut));
        pending = new ArrayList<>(pending.subList(cut, pending.size()));
        ready = released;
        readyPos = 0;
    }

    private void generateDay(int day) {
        long dayStart = start + day * SimulationOptions.DAY_MS;
        int regime = options.hasDrift() && day >= options.driftDay() ? 1 : 0;
        for (int u = 0; u < pop.names.length; u++) {
            int s = pop.segment[u];
            int dominant = EcommerceSimulator.dominantIndex(s, regime == 1);
            double activity = pop.activity[u];
            double conversion = pop.conversion[regime][u];
            double cartShare = Math.min(MAX_CART_SHARE, CART_PER_CONVERSION * conversion);

            int sessions = poisson(rnd, activity / MEAN_SESSION_EVENTS);
            for (int k = 0; k < sessions; k++) {
                long t = dayStart + timeOfDay();
                int length = sessionLength();
                for (int i = 0; i < length; i++) {
                    if (i > 0) {
                        t += gap(BROWSE_GAP_MEAN_MS, BROWSE_GAP_MAX_MS);
                    }
                    byte type;
                    if (i == 0 && rnd.nextDouble() < SEARCH_FIRST) {
                        type = T_SEARCH;
                    } else {
                        type = rnd.nextDouble() < cartShare ? T_CART : T_VIEW;
                    }
                    int product = tastes != null ? tastes.product(u, rnd) : product(s, category(dominant));
                    add(t, u, type, product, 0.0);
                }
            }

            int purchases = poisson(rnd, activity * conversion);
            for (int k = 0; k < purchases; k++) {
                long at = dayStart + timeOfDay();
                int product = tastes != null ? tastes.product(u, rnd) : product(s, category(dominant));
                double amount = amount(s);
                if (tastes != null && !tastes.sessionBeforePurchase(rnd)) {
                    add(at, u, T_PURCHASE, product, amount);
                    continue;
                }
                // the session leading to the purchase, built backwards from it: a cart, then 1-3 views
                long t = at - gap(PURCHASE_GAP_MEAN_MS, PURCHASE_GAP_MAX_MS);
                add(t, u, T_CART, product, 0.0);
                int views = 1 + rnd.nextInt(3);
                for (int v = 0; v < views; v++) {
                    t -= gap(PURCHASE_GAP_MEAN_MS, PURCHASE_GAP_MAX_MS);
                    add(t, u, T_VIEW, product, 0.0);
                }
                add(at, u, T_PURCHASE, product, amount);
            }
        }
    }

    private void add(long ts, int user, byte type, int product, double amount) {
        if (ts >= start && ts < end) {
            pending.add(new Pending(ts, user, type, product, amount));
        }
    }

    private int category(int dominant) {
        if (rnd.nextDouble() < DOMINANT_SHARE) {
            return dominant;
        }
        int other = rnd.nextInt(EcommerceSimulator.CATEGORIES.size() - 1);
        return other >= dominant ? other + 1 : other;
    }

    private int product(int segment, int category) {
        int i = rnd.nextDouble() < SEGMENT_PRODUCT_SHARE
                ? segment * SEGMENT_BLOCK + rnd.nextInt(SEGMENT_BLOCK)
                : rnd.nextInt(PRODUCTS_PER_CATEGORY);
        return category * PRODUCTS_PER_CATEGORY + i;
    }

    private double amount(int segment) {
        double a = EcommerceSimulator.SEGMENT_AMOUNT[segment] * Math.exp(AMOUNT_SIGMA * EcommerceSimulator.gaussian(rnd));
        return Math.max(1.0, Math.round(a * 100.0) / 100.0);
    }

    /** Milliseconds into the day, from the diurnal density: an hour by its weight, then uniform within it. */
    private long timeOfDay() {
        double u = rnd.nextDouble();
        int h = 0;
        while (h < 23 && u >= HOUR_CUMULATIVE[h]) {
            h++;
        }
        return h * 3_600_000L + rnd.nextLong(3_600_000L);
    }

    private int sessionLength() {
        int n = 1;
        double p = 1.0 / MEAN_SESSION_EVENTS;
        while (n < MAX_SESSION_EVENTS && rnd.nextDouble() >= p) {
            n++;
        }
        return n;
    }

    private long gap(double meanMs, long maxMs) {
        double g = -meanMs * Math.log(1.0 - rnd.nextDouble());
        return Math.min(maxMs, Math.max(MIN_GAP_MS, (long) g));
    }

    /** Knuth's multiplication method: exact, O(mean) draws; means here are at most a few dozen. */
    static int poisson(SplittableRandom rnd, double mean) {
        if (mean <= 0) {
            return 0;
        }
        double limit = Math.exp(-mean);
        double product = rnd.nextDouble();
        int k = 0;
        while (product > limit) {
            k++;
            product *= rnd.nextDouble();
        }
        return k;
    }
}
