package dev.profilekit.core.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.store.ProfileStore;
import dev.profilekit.core.store.ProfileStores;
import dev.profilekit.core.testkit.LiveStreams;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
class StoreModelsTest {

    @TempDir
    Path tmp;

    private static final int USERS = 400;
    private static final int DAYS = 14;

    /** A 64-profile cache over a new heap store. */
    private static ProfileUpdater overHeapStore(ProfileUpdater.Builder b) {
        return b.store(ProfileStores.heap()).cacheSize(64).writeBatch(16).build();
    }

    private static void feed(ProfileUpdater u, List<Event> events) {
        for (Event e : events) {
            u.onEvent(e);
        }
    }

    @ParameterizedTest(name = "forecast {0}")
    @ValueSource(strings = {"arima", "lstm"})
    void aSmallCacheOverAStoreGivesWhatEveryProfileInMemoryGives(String forecast) throws Exception {
        List<Event> events = LiveStreams.lateStream(USERS, DAYS);
        long end = events.stream().mapToLong(Event::timestamp).max().orElseThrow();

        ProfileUpdater memory = LiveStreams.builder(forecast).build();
        feed(memory, events);
        List<String> expected = LiveStreams.outcome(memory, end);

        ProfileStore store = ProfileStores.heap();
        ProfileUpdater stored = LiveStreams.builder(forecast).store(store).cacheSize(64).writeBatch(16).build();
        feed(stored, events);
        List<String> actual = LiveStreams.outcome(stored, end);

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
        List<Event> events = LiveStreams.lateStream(USERS / 2, DAYS);
        long end = events.stream().mapToLong(Event::timestamp).max().orElseThrow();
        int cut = events.size() * 2 / 3;

        ProfileUpdater memory = LiveStreams.builder("arima").build();
        feed(memory, events);
        List<String> expected = LiveStreams.outcome(memory, end);

        ProfileUpdater first = overHeapStore(LiveStreams.builder("arima"));
        feed(first, events.subList(0, cut));
        Path file = tmp.resolve("cut.snap");
        first.snapshot(file, java.util.Map.of());
        ProfileUpdater resumed = overHeapStore(LiveStreams.builder("arima"));
        resumed.restore(file);
        assertThat(resumed.modelStatus().orElseThrow().pendingExamples()).as("examples waiting at the cut")
                .isEqualTo(first.modelStatus().orElseThrow().pendingExamples()).isPositive();
        feed(resumed, events.subList(cut, events.size()));
        assertThat(LiveStreams.outcome(resumed, end)).containsExactlyElementsOf(expected);
    }

    /**
     * Four threads, each feeding a quarter of the users, through a 64-profile cache: every example is labelled exactly
     * once (no example is labelled again from a copy of it in a user's stored state) and none waits at the end.
     */
    @Test
    void underFourThreadsEveryExampleIsLabelledOnceThroughTheStore() throws Exception {
        List<Event> events = LiveStreams.lateStream(USERS, 8);
        long end = events.stream().mapToLong(Event::timestamp).max().orElseThrow();
        List<LabelledExample> labelled = java.util.Collections.synchronizedList(new ArrayList<>());
        ProfileUpdater u = overHeapStore(LiveStreams.builder("arima").exampleListener(labelled::add));
        dev.profilekit.core.testkit.Concurrently.feedByUser(events, 4, u::onEvent);
        u.finishReplay(end + 2 * 86_400_000L); // past every horizon: every example gets its label
        assertThat(u.modelStatus().orElseThrow().pendingExamples()).isZero();
        assertThat(labelled).as("labelled examples").hasSizeGreaterThan(USERS);
        assertThat(labelled.stream().map(e -> e.user() + "@" + e.time()).distinct().count())
                .as("each example labelled once").isEqualTo(labelled.size());
        assertThat(u.cacheMisses()).isGreaterThan(events.size() / 2);
    }
}
