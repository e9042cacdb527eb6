package dev.profilekit.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.GarbageCollectionNotificationInfo;
import dev.profilekit.core.engine.PointInTimeJoin;
import dev.profilekit.core.io.DatasetRows;
import dev.profilekit.core.schema.ProfileSchema;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * How long a point-in-time training set takes: {@code E} synthetic events (the worked example's schema and event
 * shape, out of order within the lateness, 1% redeliveries, 0.5% late events) and {@code L} labels in random order
 * (1% of unknown users) through {@link PointInTimeJoin} to JSON Lines, on files in a temporary directory. A plain
 * main, run in its own JVM by run.sh with the heap of a 2-core/8 GB CI machine ({@code -Xmx2g}), so finishing at all
 * shows the memory bound; it also records the largest heap in use right after a collection (the live data).
 *
 * <pre>java -Xmx2g -cp benchmarks.jar dev.profilekit.benchmarks.PointInTimeDatasetBenchmark OUT.json EVENTS LABELS USERS</pre>
 */
public final class PointInTimeDatasetBenchmark {

    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private static final long HOUR = 3_600_000L;
    private static final String[] TYPES = {"view", "view", "view", "view", "cart", "purchase", "search"};
    private static final String[] CATEGORIES = {"books", "games", "garden", "music", "toys", "tools", "food", "sport"};

    private PointInTimeDatasetBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: PointInTimeDatasetBenchmark OUT.json EVENTS LABELS USERS");
            System.exit(2);
        }
        Path outJson = Path.of(args[0]);
        long events = Long.parseLong(args[1]);
        int labels = Integer.parseInt(args[2]);
        int users = Integer.parseInt(args[3]);
        AtomicLong maxAfterGc = watchLiveHeap();
        Path dir = Files.createTempDirectory("profilekit-pit-bench");
        Path eventsFile = dir.resolve("events.jsonl");
        Path trainFile = dir.resolve("train.jsonl");
        try {
            long g0 = System.nanoTime();
            long spanMs = writeEvents(eventsFile, events, users);
            double genS = (System.nanoTime() - g0) / 1e9;
            List<PointInTimeJoin.Label> ls = labels(labels, users, spanMs);
            double load1 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            ProfileSchema schema = Fixtures.fixtureSchema();
            PointInTimeJoin join = PointInTimeJoin.builder(schema).tempDir(dir)
                    .clock(Clock.fixed(Instant.ofEpochMilli(T0 + spanMs + HOUR), ZoneOffset.UTC)).build();
            System.gc();
            maxAfterGc.set(0);
            long t0 = System.nanoTime();
            PointInTimeJoin.Summary s;
            try (InputStream in = Files.newInputStream(eventsFile);
                 OutputStream out = new BufferedOutputStream(Files.newOutputStream(trainFile), 1 << 16)) {
                s = join.join(in, ls, DatasetRows.jsonLines(), out);
            }
            double wallS = (System.nanoTime() - t0) / 1e9;
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            ObjectNode r = new ObjectMapper().createObjectNode();
            r.put("events", events);
            r.put("events_bytes", Files.size(eventsFile));
            r.put("labels", labels);
            r.put("users", users);
            r.put("accepted", s.accepted());
            r.put("duplicate", s.duplicate());
            r.put("late", s.late());
            r.put("rows", s.labels());
            r.put("train_bytes", Files.size(trainFile));
            r.put("sorted_runs", s.runs());
            r.put("wall_s", wallS);
            r.put("pass1_s", s.pass1Ms() / 1e3);
            r.put("pass2_s", s.pass2Ms() / 1e3);
            r.put("generate_s", genS);
            r.put("max_heap_bytes", heap.getMax());
            r.put("max_live_heap_after_gc_bytes", maxAfterGc.get());
            r.put("load1_before", load1);
            r.put("load1_after", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            r.put("cpus", Runtime.getRuntime().availableProcessors());
            Files.writeString(outJson, r.toPrettyString());
            System.out.printf(Locale.ROOT, "dataset: %,d labels over %,d events (%,d accepted) in %.1f s (pass 1 %.1f s, "
                            + "pass 2 %.1f s, %d sorted runs), max live heap after GC %.0f MiB of %.0f MiB, load %.2f -> %.2f%n",
                    s.labels(), events, s.accepted(), wallS, s.pass1Ms() / 1e3, s.pass2Ms() / 1e3, s.runs(),
                    maxAfterGc.get() / 1048576.0, heap.getMax() / 1048576.0, load1,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        } finally {
            Files.deleteIfExists(eventsFile);
            Files.deleteIfExists(trainFile);
            try (var left = Files.list(dir)) {
                for (Path p : left.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** The largest heap in use right after any collection, from the collectors' notifications. */
    private static AtomicLong watchLiveHeap() {
        AtomicLong max = new AtomicLong();
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((n, h) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                        long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                                .mapToLong(MemoryUsage::getUsed).sum();
                        max.accumulateAndGet(used, Math::max);
                    }
                }, null, null);
            }
        }
        return max;
    }

    /** Events in arrival order; returns the time span covered (ms). */
    private static long writeEvents(Path file, long n, int users) throws IOException {
        SplittableRandom r = new SplittableRandom(42);
        long span = 30 * 24 * HOUR;
        double step = (double) span / n;
        List<String> recent = new ArrayList<>();
        try (BufferedWriter w = new BufferedWriter(new java.io.OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 16)) {
            StringBuilder b = new StringBuilder(200);
            for (long i = 0; i < n; i++) {
                b.setLength(0);
                int roll = r.nextInt(1000);
                if (roll < 10 && recent.size() > 0) { // a redelivery of a recent line
                    w.write(recent.get(r.nextInt(recent.size())));
                    w.newLine();
                    continue;
                }
                long now = T0 + (long) (i * step);
                long ts = roll < 15 ? now - 7 * HOUR // late (6 h lateness)
                        : now - (r.nextInt(4) == 0 ? r.nextLong(HOUR) : 0); // a quarter out of order within the lateness
                String type = TYPES[r.nextInt(TYPES.length)];
                b.append("{\"id\":\"e").append(i).append("\",\"user\":\"u").append(r.nextInt(users))
                        .append("\",\"type\":\"").append(type).append("\",\"ts\":").append(ts)
                        .append(",\"attrs\":{\"category\":\"").append(CATEGORIES[r.nextInt(CATEGORIES.length)])
                        .append("\",\"product\":\"p").append(r.nextInt(5000)).append('"');
                if (type.equals("purchase")) {
                    b.append(",\"amount\":").append(r.nextInt(20000) / 100.0);
                }
                b.append("}}");
                String line = b.toString();
                w.write(line);
                w.newLine();
                if (recent.size() < 1024) {
                    recent.add(line);
                } else {
                    recent.set(r.nextInt(1024), line);
                }
            }
        }
        return span;
    }

    /** Labels in random order: random users (1% unknown) at random times over the stream and a day around it. */
    private static List<PointInTimeJoin.Label> labels(int n, int users, long spanMs) {
        SplittableRandom r = new SplittableRandom(7);
        List<PointInTimeJoin.Label> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String user = r.nextInt(100) == 0 ? "nobody" + i : "u" + r.nextInt(users);
            long ts = T0 - 12 * HOUR + r.nextLong(spanMs + 24 * HOUR);
            out.add(new PointInTimeJoin.Label(user, ts, Integer.toString(r.nextInt(2))));
        }
        return out;
    }
}
