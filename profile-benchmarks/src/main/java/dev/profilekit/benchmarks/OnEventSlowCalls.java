package dev.profilekit.benchmarks;

import dev.profilekit.core.engine.DedupRetention;
import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the slow tail of {@code onEvent} is ({@link OnEventBenchmark}'s {@code onEventLatency}: p99.9 well over
 * 100 us on the fixture schema): one thread, 100,000 users, 4M events of warm-up, then 8M timed calls. For every call
 * over 50 us it records whether a collection ran during it, whether the calling thread's own CPU clock moved by
 * over 40 us (work done, or time the JVM cannot tell from it) and the event's type. With {@code -Dslow.stacks=true}
 * a second thread takes the calling thread's stack whenever a call has run for 40 us, and prints the most common
 * stacks (that sampling itself slows the calls it samples).
 * <pre>
 * java -XX:+UseParallelGC -Xms5g -Xmx5g -cp benchmarks.jar dev.profilekit.benchmarks.OnEventSlowCalls fixture
 * </pre>
 */
public final class OnEventSlowCalls {

    private static final long SLOW_NS = 50_000;
    private static volatile long callNo = -1;
    private static volatile long callStart;
    private static volatile boolean stop;

    private OnEventSlowCalls() {
    }

    /** @param args the schema ({@code fixture} or {@code scalar}) */
    public static void main(String[] args) throws InterruptedException {
        int users = 100_000;
        int warm = 4_000_000;
        int n = 12_000_000;
        String[] ids = Fixtures.userIds(users);
        Event[] events = Fixtures.slices(ids, 1, n, 42)[0];
        ProfileUpdater u = ProfileUpdater.builder(Fixtures.schema(args.length > 0 ? args[0] : "fixture"))
                .expectedUsers(users).dedupRetention(DedupRetention.WITHIN_LATENESS).build();
        Fixtures.warmUsers(u, ids);
        for (int i = 0; i < warm; i++) {
            u.onEvent(events[i]);
        }
        Map<String, Integer> stacks = new ConcurrentHashMap<>();
        Thread watcher = Boolean.getBoolean("slow.stacks") ? watch(Thread.currentThread(), stacks) : null;
        List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long slow = 0;
        long duringGc = 0;
        long busy = 0;
        long[] byLength = new long[4];
        Map<String, Integer> slowTypes = new TreeMap<>();
        Map<String, Integer> allTypes = new TreeMap<>();
        long gcBefore = collections(gcs);
        for (int i = warm; i < n; i++) {
            long cpu = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            callNo = i;
            callStart = t0;
            u.onEvent(events[i]);
            callStart = 0;
            long d = System.nanoTime() - t0;
            cpu = mx.getCurrentThreadCpuTime() - cpu;
            allTypes.merge(events[i].type(), 1, Integer::sum);
            if (d > SLOW_NS) {
                long gc = collections(gcs);
                slow++;
                duringGc += gc != gcBefore ? 1 : 0;
                gcBefore = gc;
                busy += cpu > 40_000 ? 1 : 0;
                byLength[d > 1_000_000 ? 3 : d > 200_000 ? 2 : d > 100_000 ? 1 : 0]++;
                slowTypes.merge(events[i].type(), 1, Integer::sum);
            }
        }
        stop = true;
        if (watcher != null) {
            watcher.join();
        }
        long calls = n - warm;
        System.out.printf(Locale.ROOT, "{\"calls\":%d,\"over_50us\":%d,\"share\":%.5f,\"with_a_collection_during\":%d,"
                + "\"with_over_40us_of_thread_cpu\":%d,\"50_100us\":%d,\"100_200us\":%d,\"200us_1ms\":%d,"
                + "\"over_1ms\":%d,\"slow_by_type\":\"%s\",\"all_by_type\":\"%s\"}%n", calls, slow,
                (double) slow / calls, duringGc, busy, byLength[0], byLength[1], byLength[2], byLength[3], slowTypes,
                allTypes);
        stacks.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(12)
                .forEach(e -> System.out.println(e.getValue() + "  " + e.getKey()));
    }

    private static Thread watch(Thread main, Map<String, Integer> stacks) {
        Thread t = new Thread(() -> {
            long seen = -1;
            while (!stop) {
                long c = callNo;
                long start = callStart;
                if (c != seen && start != 0 && System.nanoTime() - start > 40_000 && callNo == c) {
                    seen = c;
                    StringBuilder b = new StringBuilder();
                    int depth = 0;
                    for (StackTraceElement e : main.getStackTrace()) {
                        if (e.getClassName().equals(OnEventSlowCalls.class.getName()) || depth++ == 6) {
                            break;
                        }
                        String cls = e.getClassName();
                        b.append(cls.substring(cls.lastIndexOf('.') + 1)).append('.').append(e.getMethodName())
                                .append(':').append(e.getLineNumber()).append(" < ");
                    }
                    stacks.merge(b.toString(), 1, Integer::sum);
                }
            }
        }, "slow-call-sampler");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static long collections(List<GarbageCollectorMXBean> gcs) {
        long c = 0;
        for (GarbageCollectorMXBean b : gcs) {
            c += b.getCollectionCount();
        }
        return c;
    }
}
