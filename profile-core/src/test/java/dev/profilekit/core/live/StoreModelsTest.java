package dev.profilekit.core.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.io.ExplanationJson;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.store.ProfileStore;
import dev.profilekit.core.store.ProfileStores;
import dev.profilekit.core.testkit.SpecAssertions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Live models with a backing store: with a cache far smaller than the users (most users' states, their examples
 * waiting for a label among them, live in the store between their events), a single-threaded replay gives exactly
 * what the same replay gives with every profile in memory: profiles, scores, segments, forecasts, explanations,
 * recommendations, the models' status and the recorded diagnostics (prequential AUC series, versions, drift
 * alarms). The stream has labels (purchases) and events that arrive late (within the lateness and beyond it) and
 * twice.
 */
@org.junit.jupiter.api.Tag("slow")
public class StoreModelsTest {

    @TempDir
    Path tmp;

    private static final int USERS = 400;
    private static final int DAYS = 14;

    /**
     * All four models of {@code live-models-all.json}, with a forecast of {@code forecast} ("arima" or "lstm") over 12
     * days, so that it is fitted from the stream's 11th day on (the pooled series divides by the number of users).
     */
    public static ProfileUpdater.Builder builder(String forecast) {
        String models = SpecAssertions.text("/live-models-all.json").replace("\"forecast\": {\"type\": \"view\", \"days\": 7}",
                "\"forecast\": {\"type\": \"view\", \"days\": 12, \"model\": \"" + forecast + "\"}");
        return ProfileUpdater.builder(ProfileSchema.fromJson(SpecAssertions.text("/live-schema.json")))
                .models(ModelsConfig.fromJson(models)).modelExecutor(Runnable::run);
    }

    /**
     * {@link DiagnosticsSnapshotTest#stream} of {@code users} users, delivered out of order: one event in 8 arrives up
     * to 50 minutes late (within the schema's hour of lateness), one in 100 fourteen hours late (too late for its user
     * by then, mostly), and one in 100 twice.
     */
    public static List<Event> lateStream(int users, int days) {
        List<Event> ordered = DiagnosticsSnapshotTest.stream(users, days);
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

    private static void feed(ProfileUpdater u, List<Event> events) {
        for (Event e : events) {
            u.onEvent(e);
        }
    }

    @ParameterizedTest(name = "forecast {0}")
    @ValueSource(strings = {"arima", "lstm"})
    void aSmallCacheOverAStoreGivesWhatEveryProfileInMemoryGives(String forecast) throws Exception {
        List<Event> events = lateStream(USERS, DAYS);
        long end = events.stream().mapToLong(Event::timestamp).max().orElseThrow();

        ProfileUpdater memory = builder(forecast).build();
        feed(memory, events);
        List<String> expected = outcome(memory, end);

        ProfileStore store = ProfileStores.heap();
        ProfileUpdater stored = builder(forecast).store(store).cacheSize(64).writeBatch(16).build();
        feed(stored, events);
        List<String> actual = outcome(stored, end);

        assertThat(stored.cacheMisses()).as("most events find their user in the store, not the cache")
                .isGreaterThan(events.size() / 2);
        assertThat(memory.counts().late()).as("the stream has events too late for their user").isPositive();
        assertThat(memory.counts().duplicate()).as("and duplicates").isPositive();
        assertThat(memory.modelStatus().orElseThrow().retrains()).as("batch retrains happened").isPositive();
        assertThat(expected).anySatisfy(line -> assertThat(line).contains("\"segment\":"));
        assertThat(expected).anySatisfy(line -> assertThat(line).contains("\"method\":\"" + forecast + "\""));
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    /**
     * The same with a snapshot in the middle: the store-backed run writes it (ingestion paused), a new store-backed
     * updater restores it into an empty store and continues, and ends where the run with every profile in memory
     * ends.
     */
    @Test
    void aSnapshotOfAStoreBackedRunResumesToTheEndOfTheRunInMemory() throws Exception {
        List<Event> events = lateStream(USERS / 2, DAYS);
        long end = events.stream().mapToLong(Event::timestamp).max().orElseThrow();
        int cut = events.size() * 2 / 3;

        ProfileUpdater memory = builder("arima").build();
        feed(memory, events);
        List<String> expected = outcome(memory, end);

        ProfileUpdater first = builder("arima").store(ProfileStores.heap()).cacheSize(64).writeBatch(16).build();
        feed(first, events.subList(0, cut));
        Path file = tmp.resolve("cut.snap");
        first.snapshot(file, java.util.Map.of());
        ProfileUpdater resumed = builder("arima").store(ProfileStores.heap()).cacheSize(64).writeBatch(16).build();
        resumed.restore(file);
        assertThat(resumed.modelStatus().orElseThrow().pendingExamples()).as("examples waiting at the cut")
                .isEqualTo(first.modelStatus().orElseThrow().pendingExamples()).isPositive();
        feed(resumed, events.subList(cut, events.size()));
        assertThat(outcome(resumed, end)).containsExactlyElementsOf(expected);
    }

    /**
     * Four threads, each feeding a quarter of the users, through a 64-profile cache: every example is labelled exactly
     * once (no example is labelled again from a copy of it in a user's stored state) and none waits at the end.
     */
    @Test
    void underFourThreadsEveryExampleIsLabelledOnceThroughTheStore() throws Exception {
        List<Event> events = lateStream(USERS, 8);
        long end = events.stream().mapToLong(Event::timestamp).max().orElseThrow();
        List<LabelledExample> labelled = java.util.Collections.synchronizedList(new ArrayList<>());
        ProfileUpdater u = builder("arima").exampleListener(labelled::add).store(ProfileStores.heap()).cacheSize(64)
                .writeBatch(16).build();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failed = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            int part = t;
            threads.add(new Thread(() -> {
                try {
                    for (Event e : events) {
                        if (Math.floorMod(e.user().hashCode(), 4) == part) {
                            u.onEvent(e);
                        }
                    }
                } catch (Throwable e) {
                    failed.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failed).isEmpty();
        u.finishReplay(end + 2 * 86_400_000L); // past every horizon: every example gets its label
        assertThat(u.modelStatus().orElseThrow().pendingExamples()).isZero();
        assertThat(labelled).as("labelled examples").hasSizeGreaterThan(USERS);
        assertThat(labelled.stream().map(e -> e.user() + "@" + e.time()).distinct().count())
                .as("each example labelled once").isEqualTo(labelled.size());
        assertThat(u.cacheMisses()).isGreaterThan(events.size() / 2);
    }
}
