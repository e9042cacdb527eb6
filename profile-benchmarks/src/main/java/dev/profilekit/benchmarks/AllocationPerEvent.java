package dev.profilekit.benchmarks;

import dev.profilekit.core.engine.DedupRetention;
import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * Bytes allocated per {@link ProfileUpdater#onEvent} by the calling thread alone ({@code ThreadMXBean}'s
 * per-thread counter), on the events and users of {@link OnEventBenchmark}: unlike JMH's {@code -prof gc} it
 * counts no other thread's allocation, so it holds on a loaded machine. Optionally records the measured part
 * with JFR (a {@code .jfc} whose {@code jdk.ObjectAllocationSample} throttle is raised, and small TLABs such as
 * {@code -XX:TLABSize=8k -XX:-ResizeTLAB}, give enough samples to attribute every allocation).
 *
 * <p>Usage: {@code AllocationPerEvent users fixture|scalar WITHIN_LATENESS|ALL warmEvents measuredEvents
 * [settings.jfc out.jfr]}.
 */
public final class AllocationPerEvent {

    private AllocationPerEvent() {
    }

    /** Measures and prints one line. */
    public static void main(String[] a) throws Exception {
        if (a.length != 5 && a.length != 7) {
            throw new IllegalArgumentException("usage: AllocationPerEvent users fixture|scalar WITHIN_LATENESS|ALL "
                    + "warmEvents measuredEvents [settings.jfc out.jfr]");
        }
        int users = Integer.parseInt(a[0]);
        int warm = Integer.parseInt(a[3]);
        int measure = Integer.parseInt(a[4]);
        String[] userIds = Fixtures.userIds(users);
        Event[] events = Fixtures.slices(userIds, 1, warm + measure, 42)[0];
        ProfileUpdater u = ProfileUpdater.builder(Fixtures.schema(a[1])).expectedUsers(users)
                .dedupRetention(DedupRetention.valueOf(a[2])).build();
        Fixtures.warmUsers(u, userIds);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < warm; i++) {
            u.onEvent(events[i]);
        }
        Recording recording = null;
        if (a.length == 7) {
            recording = new Recording(Configuration.create(Path.of(a[5])));
            recording.start();
        }
        long before = mx.getThreadAllocatedBytes(thread);
        long t0 = System.nanoTime();
        for (int i = warm; i < warm + measure; i++) {
            u.onEvent(events[i]);
        }
        long t1 = System.nanoTime();
        long after = mx.getThreadAllocatedBytes(thread);
        if (recording != null) {
            recording.stop();
            recording.dump(Path.of(a[6]));
        }
        System.out.printf("%s %s, %,d users: %.2f B/op over %,d events after %,d (%.0f k events/s); %s%n", a[1], a[2],
                users, (after - before) / (double) measure, measure, warm, measure / ((t1 - t0) / 1e6), u.counts());
    }
}
