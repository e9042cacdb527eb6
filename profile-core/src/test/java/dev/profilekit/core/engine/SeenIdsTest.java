package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The id table against a plain map, with and without forgetting, including in-place cleaning. */
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
            String id = "id" + r.nextInt(400);
            Long t = naive.get(id);
            boolean expected = t != null && t >= horizon;
            assertThat(seen.containsId(id, horizon)).isEqualTo(expected);
            if (!expected) {
                seen.addId(id, now, horizon);
                naive.put(id, now);
            }
        }
        if (!forget) {
            assertThat(seen.idCount()).isEqualTo(naive.size());
        } else {
            assertThat(seen.idCount()).isLessThanOrEqualTo(naive.size());
        }
    }
}
