package dev.profilekit.benchmarks;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.schema.FeatureKind;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.engine.ProfileUpdater;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Schemas and pre-built event streams shared by the engine benchmarks and the memory measurement, so that
 * every engine figure in BENCHMARKS.md is taken on the same events.
 */
final class Fixtures {

    /** Time of the one warm-up event every user gets before measuring (2026-01-01T00:00:00Z). */
    static final long WARM_TIME = 1_767_225_600_000L;
    /** The measured streams start one day after the warm-up events. */
    static final long STREAM_START = WARM_TIME + 86_400_000L;

    private static final String[] TYPES = {"view", "view", "view", "view", "cart", "purchase", "search"};
    private static final String[] CATEGORIES = {"books", "games", "garden", "music", "toys", "tools", "food", "sport"};
    private static final int ATTR_POOL = 4096;

    private Fixtures() {
    }

    /** The 17-feature schema of the worked example (resource {@code fixture-schema.json}). */
    static ProfileSchema fixtureSchema() {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixture-schema.json")) {
            return ProfileSchema.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture schema without distinct_count, top_k and sessions: the kinds that must allocate nothing. */
    static ProfileSchema scalarSchema() {
        ProfileSchema full = fixtureSchema();
        ProfileSchema.Builder b = ProfileSchema.builder().allowedLateness(full.allowedLateness().orElse(null));
        for (FeatureSpec f : full.features()) {
            if (f.kind() != FeatureKind.DISTINCT_COUNT && f.kind() != FeatureKind.TOP_K
                    && f.kind() != FeatureKind.SESSIONS) {
                b.feature(f);
            }
        }
        return b.build();
    }

    /** {@code "fixture"} or {@code "scalar"}. */
    static ProfileSchema schema(String name) {
        return switch (name) {
            case "fixture" -> fixtureSchema();
            case "scalar" -> scalarSchema();
            default -> throw new IllegalArgumentException("schema must be 'fixture' or 'scalar', was '" + name + "'");
        };
    }

    /** User ids {@code user-0 .. user-(n-1)}. */
    /** Deletes {@code dir} and everything under it (a benchmark's temporary store). */
    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static String[] userIds(int n) {
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = "user-" + i;
        }
        return ids;
    }

    /** Gives every user one event at {@link #WARM_TIME}, so that measured events all hit existing users. */
    static void warmUsers(ProfileUpdater updater, String[] userIds) {
        Map<String, Object> attrs = Map.of("category", "books", "product", "p0");
        for (String u : userIds) {
            updater.onEvent(Event.of("warm", u, "view", WARM_TIME, attrs));
        }
    }

    /**
     * Pre-built event slices, one per thread. Slice {@code k} touches only the users {@code u} with
     * {@code u % threads == k}: each user's events then arrive in time order from one thread (as from a
     * stream partitioned by user), so every event is accepted whatever the relative speed of the threads,
     * while all threads share one updater and one store. Times increase by 1..100 ms times {@code threads}
     * within a slice, so the merged stream averages one event per ~50 ms for any thread count (at 100,000
     * users a user sees an event every ~80 minutes). Ids are unique per user ({@code e<k>} for the user's
     * k-th event) and attribute maps come from a shared pool of immutable maps, so a pre-built event costs
     * ~45 bytes and the benchmark allocates nothing of its own while measuring.
     *
     * @param seed seeds slice {@code k} with {@code seed + k}
     */
    static Event[][] slices(String[] userIds, int threads, int eventsPerSlice, long seed) {
        if (userIds.length < threads) {
            throw new IllegalArgumentException("need at least one user per thread: users " + userIds.length
                    + ", threads " + threads);
        }
        List<Map<String, Object>> views = new ArrayList<>();
        List<Map<String, Object>> purchases = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < ATTR_POOL; i++) {
            String category = CATEGORIES[r.nextInt(CATEGORIES.length)];
            String product = "p" + r.nextInt(300);
            views.add(Map.of("category", category, "product", product));
            purchases.add(Map.of("category", category, "product", product, "amount", r.nextInt(10_000) / 100.0));
        }
        Event[][] out = new Event[threads][];
        Thread[] workers = new Thread[threads];
        for (int k = 0; k < threads; k++) {
            int slice = k;
            workers[k] = new Thread(() -> out[slice] = slice(userIds, threads, slice, eventsPerSlice, seed + slice,
                    views, purchases), "events-" + k);
            workers[k].start();
        }
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while building events", e);
            }
        }
        return out;
    }

    private static Event[] slice(String[] userIds, int threads, int k, int n, long seed,
                                 List<Map<String, Object>> views, List<Map<String, Object>> purchases) {
        SplittableRandom r = new SplittableRandom(seed);
        int own = (userIds.length - k + threads - 1) / threads; // users k, k + threads, ...
        int[] perUser = new int[own];
        String[] idPool = idPool(1 << 12);
        Event[] events = new Event[n];
        long t = STREAM_START;
        for (int i = 0; i < n; i++) {
            t += (long) threads * (1 + r.nextInt(100));
            int local = r.nextInt(own);
            String type = TYPES[r.nextInt(TYPES.length)];
            Map<String, Object> attrs = (type.equals("purchase") ? purchases : views).get(r.nextInt(ATTR_POOL));
            if (perUser[local] == idPool.length) {
                idPool = idPool(idPool.length * 2);
            }
            events[i] = Event.of(idPool[perUser[local]++], userIds[k + local * threads], type, t, attrs);
        }
        return events;
    }

    private static String[] idPool(int n) {
        String[] ids = new String[n];
        Arrays.setAll(ids, i -> "e" + i);
        return ids;
    }

    /** Time span covered by a slice: from the stream start to just after its last event. */
    static long span(Event[] slice) {
        return slice[slice.length - 1].timestamp() - STREAM_START + 1;
    }
}
