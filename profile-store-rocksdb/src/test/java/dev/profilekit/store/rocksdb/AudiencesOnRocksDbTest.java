package dev.profilekit.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.audience.AudienceRule;
import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.schema.ProfileSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audiences on a real RocksDB store: users pass through a small cache, the store is closed and opened again by a new
 * updater, and the changes delivered over both runs are those of one run without a store.
 */
class AudiencesOnRocksDbTest {

    private static final long T0 = 1_767_225_600_000L;
    private static final long HOUR = 3_600_000L;
    private static final ProfileSchema SCHEMA = ProfileSchema.fromJson("""
            {"allowed_lateness":"PT2H","features":[
             {"name":"purchases","kind":"count","types":["purchase"]},
             {"name":"since_seen","kind":"recency"},
             {"name":"views_1d","kind":"decayed_count","types":["view"],"half_life":"P1D"},
             {"name":"carts_2d","kind":"window_count","types":["cart"],"window":"P2D","buckets":4}]}""");

    @TempDir
    Path tmp;

    private static ProfileUpdater.Builder builder(List<String> log) {
        List<AudienceRule> rules = List.of(
                AudienceRule.compile("lapsed", "since_seen > P2D", SCHEMA),
                AudienceRule.compile("warm", "views_1d > 1.2", SCHEMA),
                AudienceRule.compile("carters", "carts_2d >= 1 and purchases = 0", SCHEMA));
        return ProfileUpdater.builder(SCHEMA).audiences(rules).audienceListener(c -> log.add(c.toJson()));
    }

    /** 3,000 events of 300 users over 12 days, some up to 90 minutes late. */
    private static List<Event> stream() {
        SplittableRandom r = new SplittableRandom(5);
        String[] types = {"view", "view", "cart", "purchase"};
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            long t = T0 + i * (12 * 24 * HOUR / 3000) - (r.nextInt(10) == 0 ? r.nextLong(90 * 60_000L) : 0);
            out.add(Event.of("e" + i, "u" + r.nextInt(300), types[r.nextInt(types.length)], t, Map.of()));
        }
        return out;
    }

    @Test
    void membershipsAndTimersSurviveEvictionAndReopening() throws IOException {
        List<Event> events = stream();
        long end = T0 + 16 * 24 * HOUR;
        List<String> expected = new ArrayList<>();
        ProfileUpdater plain = builder(expected).build();
        events.forEach(plain::onEvent);
        plain.advanceClock(end);

        List<String> log = new ArrayList<>();
        Path db = tmp.resolve("db");
        Map<String, Long> sizes;
        try (RocksDbProfileStore store = RocksDbProfileStore.open(db)) {
            ProfileUpdater u = builder(log).store(store).cacheSize(64).writeBatch(16).build();
            events.subList(0, 1800).forEach(u::onEvent);
            assertThat(u.cacheMisses()).isGreaterThan(300);
            sizes = u.audienceSizes();
            u.close();
        }
        try (RocksDbProfileStore store = RocksDbProfileStore.open(db)) {
            ProfileUpdater u = builder(log).store(store).cacheSize(64).writeBatch(16).build();
            assertThat(u.audienceSizes()).isEqualTo(sizes);
            events.subList(1800, events.size()).forEach(u::onEvent);
            u.advanceClock(end);
            assertThat(log).isEqualTo(expected);
            assertThat(u.audienceSizes()).isEqualTo(plain.audienceSizes());
            u.close();
        }
    }
}
