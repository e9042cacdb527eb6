package dev.profilekit.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.testkit.LiveStreams;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22's parity test: one stream replayed with every profile in memory and with a 1,000-profile cache over
 * RocksDB (1,500 users, so every user's state, pending examples included, goes to the store and back many times)
 * gives the same profiles, scores, segments, forecasts, explanations, recommendations, model status and diagnostics.
 * Training is deterministic (on the event thread at fixed counts), as both runs need for their outputs to be
 * comparable at all.
 */
@Tag("slow")
class ModelsOnRocksDbTest {

    @TempDir
    Path tmp;

    @Test
    void aThousandProfileCacheOverRocksDbGivesWhatEveryProfileInMemoryGives() throws Exception {
        List<Event> events = LiveStreams.lateStream(1_500, 12);
        long end = events.stream().mapToLong(Event::timestamp).max().orElseThrow();

        ProfileUpdater memory = LiveStreams.builder("arima").build();
        events.forEach(memory::onEvent);
        List<String> expected = LiveStreams.outcome(memory, end);

        try (RocksDbProfileStore store = RocksDbProfileStore.open(tmp.resolve("db"))) {
            ProfileUpdater stored = LiveStreams.builder("arima").store(store).cacheSize(1_000).build();
            events.forEach(stored::onEvent);
            List<String> actual = LiveStreams.outcome(stored, end);
            assertThat(stored.cacheMisses()).as("users went to the store and back").isGreaterThan(events.size() / 10);
            assertThat(expected).anySatisfy(line -> assertThat(line).contains("\"method\":\"arima\""));
            assertThat(actual).containsExactlyElementsOf(expected);
            stored.close();
        }
    }
}
