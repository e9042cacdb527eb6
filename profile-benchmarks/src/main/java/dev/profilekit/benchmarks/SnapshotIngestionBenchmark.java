package dev.profilekit.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Ingestion during a snapshot (issue 21): an updater holds {@code USERS} profiles of the worked example's schema
 * ({@code examples/ecommerce/schema.json}, 5 events each); one thread calls {@link ProfileUpdater#onEvent} on
 * existing users without a break while the main thread takes {@code ROUNDS} snapshots, each after a window of
 * {@code WINDOW_MS} without one. Per round it prints the ingesting thread's rate in the window before the snapshot
 * and during it, their ratio, its longest call in each (a call that overlaps the snapshot counts for it), the
 * snapshot's synchronous pause ({@link ProfileUpdater.SnapshotInfo#pause()}) and its total write time. A call's
 * time includes the garbage collector's stop-the-world pauses it overlapped (the snapshot's allocation makes young
 * collections more frequent during it), so the longest call during the snapshot is also printed net of them: the
 * time it waited for something else, such as the snapshot. A plain main, run in its own JVM:
 *
 * <pre>java -Xms8g -Xmx8g -cp benchmarks.jar dev.profilekit.benchmarks.SnapshotIngestionBenchmark USERS [ROUNDS] [WINDOW_MS]</pre>
 */
public final class SnapshotIngestionBenchmark {

    private static final int EVENTS_PER_USER = 5;

    private SnapshotIngestionBenchmark() {
    }

    /** What the ingesting thread publishes: events done and its longest calls, per phase. */
    private static final class Ingester extends Thread {
        private final ProfileUpdater updater;
        private final Event[] events;
        volatile long done;
        volatile boolean stop;
        /** Start and end (nanoTime) of the snapshot being measured; end MAX_VALUE while it runs. */
        volatile long snapshotFrom = Long.MAX_VALUE;
        volatile long snapshotTo = Long.MAX_VALUE;
        volatile long longestDuring;
        volatile long longestOther;
        /** Calls of over 1 ms: start and end (nanoTime), a ring of the latest; {@code slow} counts them all. */
        final long[] slowFrom = new long[1 << 16];
        final long[] slowTo = new long[1 << 16];
        volatile int slow;

        Ingester(ProfileUpdater updater, Event[] events) {
            super("ingest");
            this.updater = updater;
            this.events = events;
        }

        @Override
        public void run() {
            long n = 0;
            for (Event e : events) {
                if (stop) {
                    break;
                }
                long t0 = System.nanoTime();
                updater.onEvent(e);
                long t1 = System.nanoTime();
                long took = t1 - t0;
                if (took > 1_000_000) {
                    int k = slow;
                    slowFrom[k & (slowFrom.length - 1)] = t0;
                    slowTo[k & (slowFrom.length - 1)] = t1;
                    slow = k + 1;
                }
                if (t1 >= snapshotFrom && t0 <= snapshotTo) {
                    if (took > longestDuring) {
                        longestDuring = took;
                    }
                } else if (took > longestOther) {
                    longestOther = took;
                }
                if ((++n & 255) == 0) {
                    done = n; // a volatile write every 256 events, not every event
                }
            }
            stop = true;
        }
    }

    /** Stop-the-world collector pauses as {start, end} in nanoTime, from the collectors' notifications. */
    private static List<long[]> watchGcPauses() {
        List<long[]> pauses = java.util.Collections.synchronizedList(new ArrayList<>());
        long nanoBase = System.nanoTime();
        long upBase = ManagementFactory.getRuntimeMXBean().getUptime();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
                if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                }
                GarbageCollectionNotificationInfo info =
                        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                if (info.getGcAction().contains("cycle")) {
                    return; // a concurrent cycle (ZGC), not a pause
                }
                long from = nanoBase + (info.getGcInfo().getStartTime() - upBase) * 1_000_000;
                long to = nanoBase + (info.getGcInfo().getEndTime() - upBase + 1) * 1_000_000; // ms resolution
                pauses.add(new long[] {from - 1_000_000, to});
            }, null, null);
        }
        return pauses;
    }

    /** The longest call overlapping [from, to], less the collector pauses within it. */
    private static long longestNetOfGc(Ingester in, long from, long to, List<long[]> pauses) {
        long longest = 0;
        List<long[]> gc;
        synchronized (pauses) {
            gc = new ArrayList<>(pauses);
        }
        for (int i = 0; i < Math.min(in.slow, in.slowFrom.length); i++) {
            long a = in.slowFrom[i];
            long b = in.slowTo[i];
            if (b < from || a > to) {
                continue;
            }
            long net = b - a;
            for (long[] p : gc) {
                net -= Math.max(0, Math.min(b, p[1]) - Math.max(a, p[0]));
            }
            longest = Math.max(longest, net);
        }
        return longest;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: SnapshotIngestionBenchmark USERS [ROUNDS] [WINDOW_MS]");
            System.exit(2);
        }
        int users = Integer.parseInt(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long windowMs = args.length > 2 ? Long.parseLong(args[2]) : 2000;
        String[] ids = Fixtures.userIds(users);
        int fill = (EVENTS_PER_USER - 1) * users;
        // enough for the fill, a warm-up and every round at up to ~1 M events/s
        long measured = Math.min(Integer.MAX_VALUE - fill, (long) (1.0e6 * (3 + rounds * (windowMs / 1000.0 + 4))));
        Event[] stream = Fixtures.slices(ids, 1, (int) (fill + measured), 7)[0];
        ProfileUpdater updater = ProfileUpdater.builder(Fixtures.fixtureSchema()).expectedUsers(users).build();
        Fixtures.warmUsers(updater, ids);
        for (int i = 0; i < fill; i++) {
            updater.onEvent(stream[i]);
        }
        Event[] rest = java.util.Arrays.copyOfRange(stream, fill, stream.length);
        stream = null;
        System.gc();
        Path dir = Files.createTempDirectory("profilekit-snapshot-ingest");
        Path file = dir.resolve("profiles.pks");
        List<long[]> pauses = watchGcPauses();
        Ingester in = new Ingester(updater, rest);
        in.setDaemon(true);
        in.start();
        try {
            Thread.sleep(3000); // JIT warm-up of the ingesting path
            for (int round = 1; round <= rounds && !in.stop; round++) {
                in.longestOther = 0;
                long n0 = in.done;
                long w0 = System.nanoTime();
                Thread.sleep(windowMs);
                long n1 = in.done;
                long w1 = System.nanoTime();
                long longestBefore = in.longestOther;
                in.longestDuring = 0;
                in.snapshotTo = Long.MAX_VALUE;
                in.snapshotFrom = w1;
                ProfileUpdater.SnapshotInfo info = updater.snapshot(file, Map.of("round", Integer.toString(round)));
                long n2 = in.done;
                long w2 = System.nanoTime();
                in.snapshotTo = w2;
                Thread.sleep(1500); // let a call that overlaps the end finish, and its collector pauses be notified
                if (in.stop) {
                    System.out.println("[snapshot-ingest] the event stream ran out during round " + round
                            + "; raise the heap or lower the rounds");
                    break;
                }
                double before = (n1 - n0) / ((w1 - w0) / 1e9);
                double during = (n2 - n1) / ((w2 - w1) / 1e9);
                long net = longestNetOfGc(in, w1, w2, pauses);
                double load1 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
                System.out.println(String.format(Locale.ROOT, "[snapshot-ingest] users=%d round=%d: ingestion %,.0f"
                                + " events/s before, %,.0f during (%.2fx); longest onEvent %.1f ms during (%.1f ms net"
                                + " of collector pauses), %.1f ms before; pause %.1f ms, written in %,d ms, %,d"
                                + " profiles, %,d bytes; load %.2f",
                        users, round, before, during, during / before, in.longestDuring / 1e6, net / 1e6,
                        longestBefore / 1e6, info.pause().toNanos() / 1e6, info.written().toMillis(), info.users(),
                        Files.size(file), load1));
                in.snapshotFrom = Long.MAX_VALUE;
            }
        } finally {
            in.stop = true;
            in.join();
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
