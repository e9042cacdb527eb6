package dev.profilekit.benchmarks;

import dev.profilekit.core.engine.DedupRetention;
import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import java.util.Map;
import org.openjdk.jol.info.GraphStats;

/**
 * Heap bytes per user that audiences add, measured with JOL: {@code users} users with one event each, with and
 * without the audience {@code since_seen > P30D} (every user then holds a pending timer), the whole updater walked
 * and the difference divided by the number of users. It counts each user's audience state (memberships, delivery
 * frontier, timer) and its place in the timer heap. Not a JMH benchmark.
 *
 * <p>Usage: {@code AudienceTimerMemory [users]} (default 1,000,000).
 */
public final class AudienceTimerMemory {

    private AudienceTimerMemory() {
    }

    public static void main(String[] args) {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        long with = GraphStats.parseInstance(AudienceTransitionsBenchmark.lapsing(users, null)).totalSize();
        ProfileUpdater plain = ProfileUpdater.builder(AudienceTransitionsBenchmark.SCHEMA).expectedUsers(users)
                .dedupRetention(DedupRetention.WITHIN_LATENESS).build();
        for (int i = 0; i < users; i++) {
            plain.onEvent(Event.of("e" + i, "u" + i, "view", AudienceTransitionsBenchmark.T0 + i, Map.of()));
        }
        long without = GraphStats.parseInstance(plain).totalSize();
        System.out.printf(java.util.Locale.ROOT, "{\"users\":%d,\"bytes_with_audiences\":%d,\"bytes_without\":%d,"
                + "\"audience_bytes_per_user\":%.1f}%n", users, with, without, (double) (with - without) / users);
    }
}
