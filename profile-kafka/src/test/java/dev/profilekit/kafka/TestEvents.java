package dev.profilekit.kafka;

import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.schema.ProfileSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A shop's event stream for the tests: unique ids, per-user times mostly increasing with some events out of
 * order within the schema's lateness and some too late, a few records that are not events.
 */
final class TestEvents {

    /** The README's e-commerce schema (lateness PT6H, every feature kind). */
    static final Path SCHEMA = Path.of("..", "examples", "ecommerce", "schema.json");
    static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private static final String[] TYPES = {"view", "view", "view", "cart", "purchase"};
    private static final String[] CATEGORIES = {"books", "tools", "garden", "toys", "food"};

    /** The events' user ids (record keys) and JSON lines; {@code bad} of them are not events. */
    record Stream(List<String> keys, List<String> lines, long maxTs) {
        Stream slice(int from, int to) {
            return new Stream(keys.subList(from, to), lines.subList(from, to), maxTs);
        }
    }

    private TestEvents() {
    }

    static Stream generate(long seed, int events, int users, int bad) {
        Random r = new Random(seed);
        long[] clock = new long[users];
        List<String> keys = new ArrayList<>(events);
        List<String> lines = new ArrayList<>(events);
        long maxTs = 0;
        for (int i = 0; i < events; i++) {
            int u = r.nextInt(users);
            String user = "u" + u;
            clock[u] += 1 + r.nextInt(3_600_000);
            long ts = START + clock[u];
            int roll = r.nextInt(100);
            if (roll < 5) {
                ts -= r.nextInt(3 * 3_600_000); // out of order, within the lateness
            } else if (roll < 7) {
                ts -= 8 * 3_600_000L; // too late
            }
            maxTs = Math.max(maxTs, ts);
            String type = TYPES[r.nextInt(TYPES.length)];
            String attrs = "\"category\":\"" + CATEGORIES[r.nextInt(CATEGORIES.length)] + "\",\"product\":\"p"
                    + r.nextInt(200) + "\"" + ("purchase".equals(type) ? ",\"amount\":" + (1 + r.nextInt(9999)) / 100.0
                    : "");
            keys.add(user);
            lines.add("{\"id\":\"e" + i + "\",\"user\":\"" + user + "\",\"type\":\"" + type + "\",\"ts\":" + ts
                    + ",\"attrs\":{" + attrs + "}}");
        }
        for (int i = 0; i < bad; i++) {
            int at = r.nextInt(lines.size());
            keys.add(at, keys.get(at));
            lines.add(at, "{\"id\":\"bad" + i + "\",\"user\":");
        }
        return new Stream(List.copyOf(keys), List.copyOf(lines), maxTs);
    }

    static ProfileUpdater.Builder updaters() {
        return ProfileUpdater.builder(ProfileSchema.fromJson(SCHEMA));
    }

    /** {@code b} with the example's audiences ({@code examples/ecommerce/audiences.json}). */
    static ProfileUpdater.Builder withAudiences(ProfileUpdater.Builder b) {
        return b.audiences(dev.profilekit.core.audience.Audiences.read(
                Path.of("..", "examples", "ecommerce", "audiences.json"), ProfileSchema.fromJson(SCHEMA)));
    }

    /** Every user's profile as of {@code asOf}, as JSON, by user. */
    static Map<String, String> profiles(ProfileUpdater u, long asOf) {
        Map<String, String> out = new TreeMap<>();
        for (String user : u.users()) {
            out.put(user, ProfileJson.toJson(u.profileByKey(user, asOf)));
        }
        return out;
    }

    /** The updater of the plain engine fed {@code s} in its order (the reference of an uninterrupted run). */
    static ProfileUpdater reference(Stream s) {
        return reference(s, updaters());
    }

    /** The updater built by {@code b} fed {@code s} in its order. */
    static ProfileUpdater reference(Stream s, ProfileUpdater.Builder b) {
        ProfileUpdater u = b.build();
        for (String line : s.lines()) {
            try {
                u.onEvent(EventJson.parse(line));
            } catch (dev.profilekit.core.spi.InvalidEventException e) {
                // the bad records
            }
        }
        return u;
    }
}
