package dev.profilekit.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.core.engine.DedupRetention;
import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.Outcome;
import dev.profilekit.core.engine.ProfileUpdater;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.info.GraphStats;

/**
 * Heap bytes per profile, measured with JOL: every user gets {@code eventsPerUser} events, then the whole
 * store (hash table, user ids, profile states and everything they reference) is walked and divided by the
 * number of users. Not a JMH benchmark; run.sh runs it and {@code BenchmarksReport} reads its JSON.
 *
 * <p>The events are as a JSON reader would deliver them: fresh id strings and fresh attribute strings
 * per event, so retained strings (seen ids, last values, distinct and top-k keys) are counted per user.
 * Types and attributes follow {@link Fixtures}; a user's events are one hour apart (20 events span 19 h,
 * more than the 6 h allowed lateness, so WITHIN_LATENESS may forget ids while ALL keeps them all).
 *
 * <p>The walk uses {@link GraphStats} (JOL's light walker, the same {@code totalSize()} as
 * {@link GraphLayout} without per-object records, which would need tens of GB at a million users); both
 * are run on a 10,000-user store first and must agree, as a cross-check. Two stores are filled and walked
 * at once (each walk over its own store, so the figures do not change). The part of each profile spent on
 * duplicate-id tracking (the id table and the id strings only it keeps) is reported separately, up to
 * {@value #DEDUP_WALK_USERS} users (it is per user, so it does not change with the number of users).
 *
 * <p>Usage: {@code MemoryPerProfile <out.json> [users[:DEDUP+DEDUP],...] [eventsPerUser]}, e.g.
 * {@code 100000,1000000:WITHIN_LATENESS} (both retentions at 100,000 users, one at 1,000,000; the
 * defaults are {@code 100000,1000000:WITHIN_LATENESS} and 20). Both schemas are measured for each size.
 */
public final class MemoryPerProfile {

    private static final String[] TYPES = {"view", "view", "view", "view", "cart", "purchase", "search"};
    private static final String[] CATEGORIES = {"books", "games", "garden", "music", "toys", "tools", "food", "sport"};

    /** Largest store whose duplicate-id share is walked separately (the walk costs ~1 s per million objects). */
    static final int DEDUP_WALK_USERS = 100_000;

    /** Stores measured at once. */
    static final int PARALLEL_WALKS = 2;

    private MemoryPerProfile() {
    }

    /** Measures and writes the JSON. */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 3) {
            throw new IllegalArgumentException("usage: MemoryPerProfile <out.json> [users[:DEDUP+DEDUP],...] "
                    + "[eventsPerUser]");
        }
        String[] sizes = (args.length > 1 ? args[1] : "100000,1000000:WITHIN_LATENESS").split(",");
        int eventsPerUser = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("events_per_user", eventsPerUser);
        root.put("walker", "org.openjdk.jol.info.GraphStats");
        ArrayNode rows = root.putArray("measurements");
        // cross-check the light walker against GraphLayout on a small store (GraphLayout keeps a record per object)
        Object small = fill(10_000, "fixture", DedupRetention.ALL, eventsPerUser);
        long layout = GraphLayout.parseInstance(small).totalSize();
        long light = GraphStats.parseInstance(small).totalSize();
        root.put("cross_check_users", 10_000);
        root.put("cross_check_graph_layout_bytes", layout);
        root.put("cross_check_graph_stats_bytes", light);
        if (layout != light) {
            throw new IllegalStateException("JOL GraphLayout " + layout + " and GraphStats " + light + " disagree");
        }
        small = null;
        List<Callable<ObjectNode>> tasks = new ArrayList<>();
        for (String size : sizes) {
            String[] parts = size.trim().split(":");
            int users = Integer.parseInt(parts[0]);
            List<DedupRetention> retentions = new ArrayList<>();
            if (parts.length > 1) {
                for (String d : parts[1].split("\\+")) {
                    retentions.add(DedupRetention.valueOf(d));
                }
            } else {
                retentions.addAll(List.of(DedupRetention.values()));
            }
            for (String schema : new String[] {"fixture", "scalar"}) {
                for (DedupRetention dedup : retentions) {
                    tasks.add(() -> measure(json, users, schema, dedup, eventsPerUser));
                }
            }
        }
        // JOL's walk is single-threaded and slow (~1 s per few hundred thousand objects): measure two stores at
        // once; each walk is over its own store, so the figures are the same as one at a time
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_WALKS);
        try {
            for (Future<ObjectNode> f : pool.invokeAll(tasks)) {
                rows.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a measurement failed", e.getCause());
        } finally {
            pool.shutdown();
        }
        try {
            Files.writeString(Path.of(args[0]), json.writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode measure(ObjectMapper json, int users, String schema, DedupRetention dedup,
                                      int eventsPerUser) {
        long t0 = System.nanoTime();
        Object store = fill(users, schema, dedup, eventsPerUser);
        long t1 = System.nanoTime();
        GraphStats stats = GraphStats.parseInstance(store);
        // the id table is per user, so its share does not depend on the number of users: walk it only up to
        // DEDUP_WALK_USERS users, where it is cheap
        long dedupBytes = users <= DEDUP_WALK_USERS ? dedupBytes(store) : -1;
        long t2 = System.nanoTime();
        ObjectNode row = json.createObjectNode();
        row.put("users", users);
        row.put("schema", schema);
        row.put("dedup", dedup.name());
        row.put("store_bytes", stats.totalSize());
        row.put("store_objects", stats.totalCount());
        row.put("bytes_per_user", (double) stats.totalSize() / users);
        if (dedupBytes >= 0) {
            row.put("dedup_bytes_per_user", (double) dedupBytes / users);
        }
        System.out.printf("%,d users, %s, %s: %,.1f bytes per user (%,.1f of them duplicate-id tracking); "
                        + "fill %.1f s, walk %.1f s%n", users, schema, dedup, (double) stats.totalSize() / users,
                dedupBytes / (double) users, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        return row;
    }

    /**
     * Bytes of the duplicate-id tracking (the engine's per-user id table and whatever only it keeps): everything
     * reachable from the array fields the state inherits from the engine's {@code SeenIds} (the fingerprint table;
     * in earlier layouts, the id strings' array and the hashes' array), read by reflection because it is the
     * engine's private layout. Static fields (shared by all users) are not counted.
     */
    static long dedupBytes(Object store) {
        List<Object> tables = new ArrayList<>();
        try {
            // the state class is package-private: found by name
            Class<?> seenIds = Class.forName("dev.profilekit.core.engine.ProfileState").getSuperclass();
            List<Field> arrays = new ArrayList<>();
            for (Field f : seenIds.getDeclaredFields()) {
                if (!java.lang.reflect.Modifier.isStatic(f.getModifiers()) && f.getType().isArray()) {
                    f.setAccessible(true);
                    arrays.add(f);
                }
            }
            java.lang.reflect.Method forEach = store.getClass().getDeclaredMethod("forEach",
                    java.util.function.BiConsumer.class);
            forEach.setAccessible(true);
            forEach.invoke(store, (java.util.function.BiConsumer<String, Object>) (u, s) -> {
                try {
                    for (Field f : arrays) {
                        tables.add(f.get(s));
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (ReflectiveOperationException e) {
            return -1; // the engine's layout changed: report the breakdown as unknown rather than fail
        }
        Object[] roots = tables.toArray();
        return GraphStats.parseInstance(roots).totalSize();
    }

    /**
     * The updater's table of live states (read by reflection: it is the engine's private layout) holding
     * {@code users} profiles of {@code schema}, each fed {@code eventsPerUser} events.
     */
    static Object fill(int users, String schema, DedupRetention dedup, int eventsPerUser) {
        ProfileUpdater updater = ProfileUpdater.builder(Fixtures.schema(schema))
                .expectedUsers(users)
                .dedupRetention(dedup)
                .build();
        String[] userIds = Fixtures.userIds(users);
        SplittableRandom r = new SplittableRandom(7);
        long hour = 3_600_000L;
        // user by user (each user's events in time order): the same profiles as an interleaved stream, but the
        // fill stays in cache, which matters at a million users
        for (int u = 0; u < users; u++) {
            for (int k = 0; k < eventsPerUser; k++) {
                long t = Fixtures.STREAM_START + k * hour + (long) u * hour / users;
                String type = TYPES[r.nextInt(TYPES.length)];
                Map<String, Object> attrs = new HashMap<>(4);
                attrs.put("category", new String(CATEGORIES[r.nextInt(CATEGORIES.length)]));
                attrs.put("product", "p" + r.nextInt(300));
                if (type.equals("purchase")) {
                    attrs.put("amount", r.nextInt(10_000) / 100.0);
                }
                Outcome o = updater.onEvent(Event.of("e" + k, userIds[u], type, t, attrs));
                if (o != Outcome.ACCEPTED) {
                    throw new IllegalStateException("event " + k + " of user " + u + " was " + o);
                }
            }
        }
        try {
            Field table = ProfileUpdater.class.getDeclaredField("table");
            table.setAccessible(true);
            return table.get(updater);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the updater's table field changed", e);
        }
    }
}
