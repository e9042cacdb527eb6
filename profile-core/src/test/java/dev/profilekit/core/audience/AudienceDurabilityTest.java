package dev.profilekit.core.audience;

import static dev.profilekit.core.audience.AudienceRuleTest.DAY;
import static dev.profilekit.core.audience.AudienceRuleTest.SCHEMA;
import static dev.profilekit.core.audience.AudienceRuleTest.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.engine.SnapshotMismatchException;
import dev.profilekit.core.store.ProfileStore;
import dev.profilekit.core.store.ProfileStores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audiences survive snapshots, a backing store and expiry: a run cut by a snapshot and restored delivers the same
 * changes as an uninterrupted one; users evicted to a store keep their memberships and timers; an expired user leaves
 * every audience at its exact expiry millisecond.
 */
class AudienceDurabilityTest {

    private static final long HOUR = 3_600_000L;

    /** Time-driven rules over recency, decay, windows (bucket edges) and constant values. */
    static final String[] RULES = {
        "lapsed", "since_seen > P2D",
        "carters", "carts_2d >= 1 and not since_purchase < P1D",
        "warm", "views_1d > 1.5",
        "big", "spend_3d > 50",
        "fans", "fav_category in ('toys', 'games') and not purchases = 0",
    };

    static List<AudienceRule> rules(String... pairs) {
        List<AudienceRule> list = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            list.add(AudienceRule.compile(pairs[i], pairs[i + 1], SCHEMA));
        }
        return list;
    }

    /** 4,000 events of 120 users over 20 days, with late events (within the 6 h lateness) and redeliveries. */
    static List<Event> stream(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] types = {"view", "view", "view", "cart", "purchase"};
        String[] categories = {"toys", "games", "books", "garden"};
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            if (i > 10 && r.nextInt(40) == 0) {
                out.add(out.get(i - 1 - r.nextInt(10))); // a redelivery
                continue;
            }
            long t = T0 + i * (20 * DAY / 4000) - (r.nextInt(15) == 0 ? r.nextLong(5 * HOUR) : 0);
            String type = types[r.nextInt(types.length)];
            Map<String, Object> attrs = type.equals("purchase")
                    ? Map.of("amount", (double) r.nextInt(100), "category", categories[r.nextInt(4)])
                    : Map.of("category", categories[r.nextInt(4)], "product", "p" + r.nextInt(30));
            out.add(Event.of("e" + i, "u" + r.nextInt(120), type, t, attrs));
        }
        return out;
    }

    private static ProfileUpdater.Builder builder(List<String> log) {
        return ProfileUpdater.builder(SCHEMA).audiences(rules(RULES)).audienceListener(c -> log.add(c.toJson()));
    }

    private static final long END = T0 + 25 * DAY;

    /** The log of an uninterrupted run over {@code events}, ending with the clock at END. */
    private static List<String> uninterrupted(List<Event> events) {
        List<String> log = new ArrayList<>();
        ProfileUpdater u = builder(log).build();
        events.forEach(u::onEvent);
        u.advanceClock(END);
        return log;
    }

    @Test
    void aRunCutBySnapshotsAndRestoredDeliversTheUninterruptedLog(@TempDir Path dir) {
        List<Event> events = stream(7);
        List<String> expected = uninterrupted(events);
        assertThat(expected).hasSizeGreaterThan(500);
        List<String> log = new ArrayList<>();
        ProfileUpdater u = builder(log).build();
        int[] cuts = {1, 1500, 2600, 3999};
        int next = 0;
        Map<String, Long> sizesAtCut = null;
        for (int c = 0; c < cuts.length; c++) {
            for (; next < cuts[c]; next++) {
                u.onEvent(events.get(next));
            }
            Path file = dir.resolve("s" + c + ".pks");
            u.snapshot(file, Map.of());
            sizesAtCut = u.audienceSizes();
            u = builder(log).build();
            u.restore(file);
            assertThat(u.audienceSizes()).isEqualTo(sizesAtCut);
        }
        for (; next < events.size(); next++) {
            u.onEvent(events.get(next));
        }
        u.advanceClock(END);
        assertThat(log).isEqualTo(expected);
    }

    @Test
    void aSnapshotOfOtherAudiencesIsRefusedInOneLineAndTheUpdaterStaysEmpty(@TempDir Path dir) {
        List<String> log = new ArrayList<>();
        ProfileUpdater u = builder(log).build();
        stream(3).subList(0, 200).forEach(u::onEvent);
        Path file = dir.resolve("s.pks");
        u.snapshot(file, Map.of());

        ProfileUpdater other = ProfileUpdater.builder(SCHEMA).audiences(rules("lapsed", "since_seen > P3D")).build();
        assertThatThrownBy(() -> other.restore(file)).isInstanceOf(SnapshotMismatchException.class)
                .hasMessage("snapshot " + file + ": it keeps the audiences lapsed = 'since_seen > P2D', carters = "
                        + "'carts_2d >= 1 and not since_purchase < P1D', warm = 'views_1d > 1.5', big = "
                        + "'spend_3d > 50', fans = 'fav_category in ('toys', 'games') and not purchases = 0', and this "
                        + "updater defines lapsed = 'since_seen > P3D'");
        assertThat(other.users()).isEmpty();
        assertThat(other.audienceSizes()).isEqualTo(Map.of("lapsed", 0L));

        ProfileUpdater none = ProfileUpdater.builder(SCHEMA).build();
        assertThatThrownBy(() -> none.restore(file)).isInstanceOf(SnapshotMismatchException.class)
                .hasMessage("snapshot " + file + ": it keeps audiences, and this updater has none");

        ProfileUpdater plain = ProfileUpdater.builder(SCHEMA).build();
        stream(3).subList(0, 200).forEach(plain::onEvent);
        Path plainFile = dir.resolve("plain.pks");
        plain.snapshot(plainFile, Map.of());
        ProfileUpdater withAudiences = builder(log).build();
        assertThatThrownBy(() -> withAudiences.restore(plainFile)).isInstanceOf(SnapshotMismatchException.class)
                .hasMessage("snapshot " + plainFile + ": it was written without audiences, and this updater has some");
    }

    @Test
    void usersEvictedToAStoreAndLoadedAgainKeepTheirMembershipsAndTimers() {
        List<Event> events = stream(11);
        List<String> expected = uninterrupted(events);
        List<String> log = new ArrayList<>();
        ProfileStore store = ProfileStores.heap();
        ProfileUpdater u = builder(log).store(store).cacheSize(64).writeBatch(7).build();
        events.subList(0, 3000).forEach(u::onEvent);
        assertThat(u.cacheMisses()).isGreaterThan(500); // most users went to the store and came back
        u.flush();
        Map<String, Long> sizes = u.audienceSizes();
        // the store opened again by a new updater: memberships count, timers fire when the clock passes them
        ProfileUpdater again = builder(log).store(store).cacheSize(64).writeBatch(7).build();
        assertThat(again.audienceSizes()).isEqualTo(sizes);
        events.subList(3000, events.size()).forEach(again::onEvent);
        again.advanceClock(END);
        assertThat(log).isEqualTo(expected);
        assertThat(again.audienceSizes()).isEqualTo(uninterruptedSizes(events));
    }

    /**
     * Four threads, each feeding its own users (in the stream's order), through a 64-profile cache over a store whose
     * writes take a varying time: every user ends in the audiences an uninterrupted single-threaded run puts it in,
     * and the sizes match.
     */
    @org.junit.jupiter.api.RepeatedTest(3)
    void fourThreadsThroughAStoreEndWithTheMembershipsOfOneThread() throws Exception {
        List<Event> events = stream(13);
        ProfileUpdater reference = builder(new ArrayList<>()).build();
        events.forEach(reference::onEvent);
        reference.advanceClock(END);
        ProfileStore slow = dev.profilekit.core.testkit.Concurrently.slowStore(100_000);
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        ProfileUpdater u = builder(log).store(slow).cacheSize(64).writeBatch(7).build();
        dev.profilekit.core.testkit.Concurrently.feedByUser(events, 4, u::onEvent);
        u.advanceClock(END);
        assertThat(u.cacheMisses()).as("users went to the store and came back").isGreaterThan(500);
        for (String user : reference.users()) {
            assertThat(u.audiences(user, END)).as(user).isEqualTo(reference.audiences(user, END));
        }
        assertThat(u.audienceSizes()).isEqualTo(reference.audienceSizes());
        assertThat(reference.audienceSizes().values()).as("some audiences have members").anyMatch(n -> n > 0);
    }

    private static Map<String, Long> uninterruptedSizes(List<Event> events) {
        ProfileUpdater u = builder(new ArrayList<>()).build();
        events.forEach(u::onEvent);
        u.advanceClock(END);
        return u.audienceSizes();
    }

    @Test
    void anExpiredUserLeavesEveryAudienceAtItsExpiryMillisecond() {
        List<String> log = new ArrayList<>();
        ProfileUpdater u = ProfileUpdater.builder(SCHEMA).ttl(Duration.ofDays(10))
                .audiences(rules("seen", "since_seen is not missing", "lapsed", "since_seen > P3D",
                        "buyers", "purchases >= 1"))
                .audienceListener(c -> log.add(c.toJson())).build();
        u.onEvent(Event.of("p1", "u1", "purchase", T0, Map.of("amount", 5.0, "category", "toys")));
        u.onEvent(Event.of("v1", "u2", "view", T0 + 9 * DAY, Map.of("category", "toys", "product", "p")));
        assertThat(u.audiences("u1")).containsExactly("buyers", "lapsed", "seen");
        u.onEvent(Event.of("v2", "u2", "view", T0 + 12 * DAY, Map.of("category", "toys", "product", "p")));
        long expiry = T0 + 10 * DAY + 1; // the first millisecond at which u1's latest event is more than 10 days old
        assertThat(log).containsExactly(
                change("u1", "seen", "enter", T0), change("u1", "buyers", "enter", T0),
                change("u2", "seen", "enter", T0 + 9 * DAY),
                change("u1", "lapsed", "enter", T0 + 3 * DAY + 1),
                change("u1", "seen", "exit", expiry), change("u1", "lapsed", "exit", expiry),
                change("u1", "buyers", "exit", expiry));
        assertThat(u.audiences("u1")).isEmpty();
        assertThat(u.profile("u1")).isEmpty();
        assertThat(u.audienceSizes()).isEqualTo(Map.of("seen", 1L, "lapsed", 0L, "buyers", 0L));
        // u1 comes back: a new profile, no purchase
        log.clear();
        u.onEvent(Event.of("v3", "u1", "view", T0 + 13 * DAY, Map.of("category", "toys", "product", "p")));
        assertThat(log).containsExactly(change("u1", "seen", "enter", T0 + 13 * DAY));
        assertThat(u.audiences("u1")).containsExactly("seen");
    }

    static String change(String user, String audience, String change, long ts) {
        return "{\"user\":\"" + user + "\",\"audience\":\"" + audience + "\",\"change\":\"" + change + "\",\"ts\":" + ts
                + "}";
    }

    @Test
    void anExpiredUserInTheStoreLeavesItsAudiencesAtItsExpiryMillisecond() {
        List<String> log = new ArrayList<>();
        ProfileUpdater u = ProfileUpdater.builder(SCHEMA).ttl(Duration.ofDays(10)).store(ProfileStores.heap())
                .cacheSize(64).audiences(rules("buyers", "purchases >= 1"))
                .audienceListener(c -> log.add(c.toJson())).build();
        u.onEvent(Event.of("p1", "u1", "purchase", T0, Map.of("amount", 5.0, "category", "toys")));
        for (int i = 0; i < 200; i++) { // push u1 out of the cache
            u.onEvent(Event.of("v" + i, "w" + i, "view", T0 + DAY + i, Map.of("category", "toys", "product", "p")));
        }
        assertThat(u.profilesInMemory()).isLessThan(200);
        assertThat(u.audienceSizes()).isEqualTo(Map.of("buyers", 1L));
        // another user's event moves the TTL's watermark past u1's expiry; the clock fires u1's timer from the store
        u.onEvent(Event.of("late", "w0", "view", T0 + 11 * DAY, Map.of("category", "toys", "product", "p")));
        assertThat(log).containsExactly(change("u1", "buyers", "enter", T0),
                change("u1", "buyers", "exit", T0 + 10 * DAY + 1));
        assertThat(u.audienceSizes()).isEqualTo(Map.of("buyers", 0L));
        assertThat(u.profile("u1")).isEmpty();
    }
}
