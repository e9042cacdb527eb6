package dev.profilekit.core.testkit;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.io.ExplanationJson;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.models.TrainingMode;
import dev.profilekit.core.schema.ProfileSchema;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Streams and configurations for tests of the live models (here, not in the tests' package, so that other modules'
 * tests can use them: the core's own packages are the core module's on the module path).
 */
public final class LiveStreams {

    private static final long H = 3_600_000L;
    /** 2026-01-01T00:00Z. */
    private static final long T0 = 1_767_225_600_000L;
    private static final String[] CATEGORIES = {"books", "electronics", "fashion", "home"};

    private LiveStreams() {
    }

    /**
     * {@code users} users over {@code days} days, in time order: each user has two sessions a day (views, some
     * carts, purchases more likely after a cart and for some users than for others) exactly 12 hours apart, so
     * every user is sampled twice a day (the sample interval) and the model gets labels of both classes.
     */
    public static List<Event> shop(int users, int days) {
        SplittableRandom r = new SplittableRandom(11);
        List<Event> out = new ArrayList<>();
        int id = 0;
        for (int d = 0; d < days; d++) {
            List<Event> day = new ArrayList<>();
            for (int u = 0; u < users; u++) {
                double buyer = (u % 10) / 20.0;
                for (int s = 0; s < 2; s++) {
                    long t = T0 + d * 24 * H + s * 12 * H + u * 30_000L;
                    String category = CATEGORIES[(u + r.nextInt(2)) % CATEGORIES.length];
                    int views = 1 + r.nextInt(2);
                    for (int v = 0; v < views; v++) {
                        day.add(Event.builder("e" + id++, "u" + u, "view", t + v * 1000L).attr("category", category)
                                .build());
                    }
                    boolean cart = r.nextDouble() < 0.3;
                    if (cart) {
                        day.add(Event.builder("e" + id++, "u" + u, "cart", t + 60_000L).attr("category", category)
                                .build());
                    }
                    if (r.nextDouble() < buyer * (cart ? 1.5 : 0.3)) {
                        day.add(Event.builder("e" + id++, "u" + u, "purchase", t + 120_000L)
                                .attr("category", category).attr("amount", 5 + r.nextInt(200)).build());
                    }
                }
            }
            day.sort(Comparator.comparingLong(Event::timestamp));
            out.addAll(day);
        }
        return out;
    }

    /**
     * All four models of {@code live-models-all.json}, with a forecast of {@code forecast} ("arima" or "lstm") over 12
     * days, so that it is fitted from the stream's 11th day on (the pooled series divides by the number of users).
     */
    public static ProfileUpdater.Builder builder(String forecast) {
        String models = SpecAssertions.text("/live-models-all.json").replace(
                "\"forecast\": {\"type\": \"view\", \"days\": 7}",
                "\"forecast\": {\"type\": \"view\", \"days\": 12, \"model\": \"" + forecast + "\"}");
        return ProfileUpdater.builder(ProfileSchema.fromJson(SpecAssertions.text("/live-schema.json")))
                .models(ModelsConfig.fromJson(models)).training(TrainingMode.DETERMINISTIC);
    }

    /**
     * {@link #shop} of {@code users} users, delivered out of order: one event in 8 arrives up to 50 minutes late
     * (within the schema's hour of lateness), one in 100 fourteen hours late (too late for its user by then, mostly),
     * and one in 100 twice.
     */
    public static List<Event> lateStream(int users, int days) {
        List<Event> ordered = shop(users, days);
        SplittableRandom r = new SplittableRandom(5);
        List<long[]> arrival = new ArrayList<>(); // {arrival time, index}
        for (int i = 0; i < ordered.size(); i++) {
            long t = ordered.get(i).timestamp();
            double p = r.nextDouble();
            long delay = p < 0.125 ? r.nextLong(50 * 60_000L) : p < 0.135 ? 14 * 3_600_000L : 0;
            arrival.add(new long[] {t + delay, i});
            if (r.nextDouble() < 0.01) {
                arrival.add(new long[] {t + delay + r.nextLong(600_000L), i});
            }
        }
        arrival.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        List<Event> out = new ArrayList<>(arrival.size());
        for (long[] a : arrival) {
            out.add(ordered.get((int) a[1]));
        }
        return out;
    }

    /** Everything observable of the updater's models and profiles, as text (after the replay's end). */
    public static List<String> outcome(ProfileUpdater u, long end) throws InterruptedException {
        u.finishReplay(end);
        List<String> out = new ArrayList<>();
        out.add(String.valueOf(u.modelStatus().orElseThrow()));
        out.add(u.models().orElseThrow().diagnostics().toJson());
        out.add(String.valueOf(u.models().orElseThrow().recommendStats().orElseThrow()));
        out.add(String.valueOf(u.counts()));
        for (String user : u.users()) {
            out.add(ProfileJson.toJson(u.profile(user, end)));
            out.add(ExplanationJson.toJson(u.explain(user, end).orElseThrow()));
            out.add(String.valueOf(u.recommend(user, 3)));
        }
        return out;
    }
}
