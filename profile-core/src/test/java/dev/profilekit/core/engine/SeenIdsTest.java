package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The id table against a plain map, with and without forgetting, including in-place cleaning, in both of its forms
 * (a dense table of a few ids, a hash table of more), through the codec, and what a few ids cost.
 */
class SeenIdsTest {

    @Property(tries = 60)
    void agreesWithAMapOfIdsToTimes(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        boolean forget = r.nextBoolean();
        long window = 1 + r.nextInt(200);
        SeenIds seen = new SeenIds() { };
        Map<String, Long> naive = new HashMap<>();
        long now = 0;
        for (int i = 0; i < 3000; i++) {
            now += r.nextInt(3);
            long horizon = forget ? now - window : Long.MIN_VALUE;
            step(seen, naive, "id" + r.nextInt(400), now, horizon);
        }
        if (!forget) {
            assertThat(seen.idCount()).isEqualTo(naive.size());
        } else {
            assertThat(seen.idCount()).isLessThanOrEqualTo(naive.size());
        }
    }

    /**
     * Few live ids at a time (a pool of up to 14, windows of a few steps): the table moves between dense and hashed,
     * drops expired ids in place in both forms, and answers as the map does before and after an encoding round trip.
     */
    @Property(tries = 200)
    void agreesWithAMapWhenFewIdsAreLiveAndAfterTheCodec(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        boolean forget = r.nextInt(4) != 0;
        long window = 1 + r.nextInt(12);
        int pool = 1 + r.nextInt(14);
        SeenIds seen = new SeenIds() { };
        Map<String, Long> naive = new HashMap<>();
        long now = 0;
        for (int i = 0; i < 400; i++) {
            now += r.nextInt(3);
            long horizon = forget ? now - window : Long.MIN_VALUE;
            step(seen, naive, "id" + r.nextInt(pool), now, horizon);
            if (i % 50 == 49) {
                seen = roundTrip(seen);
                for (int k = 0; k < pool; k++) {
                    Long tk = naive.get("id" + k);
                    assertThat(seen.containsId("id" + k, horizon)).as("id%d after the codec", k)
                            .isEqualTo(tk != null && tk >= horizon);
                }
            }
        }
    }

    /** A user with n <= 8 ids keeps them in a dense table of n slots rounded up to even: 24 bytes an id, no spare half. */
    @Property(tries = 40)
    void aFewIdsCostTheirOwnSlotsOnly(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 1 + r.nextInt(8);
        SeenIds seen = new SeenIds() { };
        for (int i = 0; i < n; i++) {
            seen.addId("event-" + r.nextLong(), i, Long.MIN_VALUE);
        }
        assertThat(seen.idCount()).isEqualTo(n);
        assertThat(seen.idsHashed()).isFalse();
        assertThat(seen.idLongs()).as("longs for %d ids", n).isEqualTo(2 + 3 * (n + (n & 1)));
        seen.addId("one-more", n, Long.MIN_VALUE);
        assertThat(seen.idsHashed()).isEqualTo(n == 8);
        assertThat(roundTrip(seen).idCount()).isEqualTo(n + 1);
    }

    /** Asks the table and the map whether {@code id} was seen at or after {@code horizon}; adds it to both if not. */
    private static void step(SeenIds seen, Map<String, Long> naive, String id, long now, long horizon) {
        Long t = naive.get(id);
        boolean expected = t != null && t >= horizon;
        assertThat(seen.containsId(id, horizon)).as("id %s at %d", id, now).isEqualTo(expected);
        if (!expected) {
            seen.addId(id, now, horizon);
            naive.put(id, now);
        }
    }

    private static SeenIds roundTrip(SeenIds seen) {
        ByteWriter w = new ByteWriter(64);
        seen.encodeIds(w);
        SeenIds back = new SeenIds() { };
        back.decodeIds(new ByteReader(w.toByteArray(), "seen ids"));
        assertThat(back.idCount()).isEqualTo(seen.idCount());
        return back;
    }
}
