package dev.profilekit.features.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The shared string dictionary and the counters that keep codes in it. */
class StringDictionaryTest {

    @Test
    void countsHoldersFreesTheLastAndReusesCodes() {
        StringDictionary d = new StringDictionary(10);
        String a = new String("alpha");
        int c = d.acquire(a);
        assertThat(d.acquire(new String("alpha"))).isEqualTo(c);
        assertThat(d.references("alpha")).isEqualTo(2);
        assertThat(d.string(c)).isEqualTo("alpha").isNotSameAs(a); // a canonical copy, not the caller's instance
        assertThat(d.find("alpha")).isEqualTo(c);
        assertThat(d.codeOfCanonical(d.string(c))).isEqualTo(c);
        assertThat(d.codeOfCanonical(a)).isEqualTo(-1);
        d.release(c);
        assertThat(d.size()).isEqualTo(1);
        d.release(c);
        assertThat(d.size()).isZero();
        assertThat(d.find("alpha")).isEqualTo(-1);
        assertThat(d.references("alpha")).isZero();
        assertThat(d.acquire("beta")).isEqualTo(c); // the freed code is reused
        assertThatThrownBy(() -> d.release(c + 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("code " + (c + 1) + " is not held");
    }

    @Test
    void refusesNewStringsAtItsBoundButServesThoseItHolds() {
        StringDictionary d = new StringDictionary(2);
        int a = d.acquire("a");
        d.acquire("b");
        assertThat(d.acquire("c")).isEqualTo(-1);
        assertThat(d.refused()).isEqualTo(1);
        assertThat(d.acquire("a")).isEqualTo(a);
        assertThat(d.size()).isEqualTo(2);
        d.release(a);
        d.release(a);
        assertThat(d.acquire("c")).isGreaterThanOrEqualTo(0); // room again once "a" is gone
        assertThatThrownBy(() -> new StringDictionary(0)).hasMessageContaining("maxEntries must be >= 1, was 0");
    }

    /** Threads acquire and release overlapping strings; every string ends with exactly the references still held. */
    @Test
    void concurrentAcquireAndReleaseKeepExactCounts() throws Exception {
        StringDictionary d = new StringDictionary(1 << 16);
        int threads = 4;
        int rounds = 200_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        ConcurrentHashMap<String, Integer> codeSeen = new ConcurrentHashMap<>();
        List<Future<int[]>> held = new ArrayList<>();
        try {
            for (int w = 0; w < threads; w++) {
                int id = w;
                held.add(pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(id);
                    int[] mine = new int[64]; // references this thread keeps to "s0".."s63"
                    int[] code = new int[64];
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        int k = r.nextInt(64);
                        if (mine[k] > 0 && r.nextBoolean()) {
                            d.release(code[k]);
                            mine[k]--;
                        } else {
                            int c = d.acquire("s" + k);
                            assertThat(c).isGreaterThanOrEqualTo(0);
                            if (mine[k] > 0) {
                                assertThat(c).isEqualTo(code[k]); // a held string keeps its code
                            }
                            assertThat(d.string(c)).isEqualTo("s" + k);
                            code[k] = c;
                            mine[k]++;
                        }
                    }
                    for (int k = 0; k < 64; k++) {
                        if (mine[k] > 0) {
                            codeSeen.merge("s" + k, code[k], (x, y) -> {
                                assertThat(x).isEqualTo(y); // two holders of one string hold one code
                                return x;
                            });
                        }
                    }
                    return mine;
                }));
            }
            int[] total = new int[64];
            for (Future<int[]> f : held) {
                int[] mine = f.get();
                for (int k = 0; k < 64; k++) {
                    total[k] += mine[k];
                }
            }
            int live = 0;
            for (int k = 0; k < 64; k++) {
                assertThat(d.references("s" + k)).as("s" + k).isEqualTo(total[k]);
                live += total[k] > 0 ? 1 : 0;
            }
            assertThat(d.size()).isEqualTo(live);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Coded, partly coded (a full dictionary) and un-coded counters read the same, and give every code back. */
    @Test
    void codedCountersReadAsStringCountersAndReleaseEveryCode() {
        for (int bound : new int[] {1, 3, 1000}) {
            StringDictionary d = new StringDictionary(bound);
            SplittableRandom r = new SplittableRandom(bound);
            DistinctCounter plainDistinct = new DistinctCounter(50);
            DistinctCounter codedDistinct = new DistinctCounter(50, d);
            TopKCounter plainTop = new TopKCounter(12, 3_600_000L);
            TopKCounter codedTop = new TopKCounter(12, 3_600_000L, d);
            for (int i = 0; i < 2_000; i++) {
                String v = "v" + r.nextInt(i < 1_000 ? 30 : 60); // later: past both the top-k capacity and the limit
                long t = 1_000_000L + i * 60_000L;
                plainDistinct.add(v);
                codedDistinct.add(new String(v));
                plainTop.add(v, t);
                codedTop.add(new String(v), t);
                if (i % 97 == 0) {
                    assertThat(codedDistinct.count()).isEqualTo(plainDistinct.count());
                    assertThat(codedTop.top(5, t)).isEqualTo(plainTop.top(5, t));
                }
            }
            long asOf = 1_000_000L + 2_000 * 60_000L;
            assertThat(codedTop.top(12, asOf)).isEqualTo(plainTop.top(12, asOf));
            assertThat(codedDistinct.count()).isEqualTo(plainDistinct.count());
            assertThat(encode(codedTop)).isEqualTo(encode(plainTop)); // strings, never codes, in the encoding
            codedTop.release();
            codedDistinct.release();
            assertThat(d.size()).as("bound %d", bound).isZero();
            assertThat(codedTop.top(12, asOf)).isEqualTo(plainTop.top(12, asOf));
            // decoded (strings) and adopted again: the same reads, the codes back
            TopKCounter back = TopKCounter.decode(new ByteReader(encode(plainTop), "test"), 12, 3_600_000L);
            back.adopt(d);
            assertThat(back.top(12, asOf)).isEqualTo(plainTop.top(12, asOf));
            assertThat(d.size()).isEqualTo(Math.min(bound, 12));
            back.release();
            assertThat(d.size()).isZero();
        }
    }

    @Test
    void exactDistinctValuesMoveBetweenCodesAndStrings() {
        StringDictionary d = new StringDictionary(4);
        DistinctCounter c = new DistinctCounter(100);
        for (int i = 0; i < 10; i++) {
            c.add("x" + i);
        }
        c.adopt(d); // four coded, six kept as strings
        assertThat(d.size()).isEqualTo(4);
        assertThat(c.count()).isEqualTo(10);
        for (int i = 0; i < 10; i++) {
            c.add("x" + i); // each found in one form or the other: no double count
        }
        assertThat(c.count()).isEqualTo(10);
        c.add("y");
        assertThat(c.count()).isEqualTo(11);
        ByteWriter w = new ByteWriter(64);
        c.encode(w);
        assertThat(DistinctCounter.decode(new ByteReader(w.toByteArray(), "test"), 100).count()).isEqualTo(11);
        c.release();
        assertThat(d.size()).isZero();
        assertThat(c.count()).isEqualTo(11);
    }

    @Test
    void crossingTheExactLimitGivesTheCodesBack() {
        StringDictionary d = new StringDictionary(1000);
        DistinctCounter c = new DistinctCounter(20, d);
        for (int i = 0; i < 500; i++) {
            c.add("v" + i);
        }
        assertThat(c.isExact()).isFalse();
        assertThat(d.size()).isZero();
        assertThat((double) c.count()).isCloseTo(500, org.assertj.core.data.Offset.offset(25.0));
    }

    private static byte[] encode(TopKCounter c) {
        ByteWriter w = new ByteWriter(64);
        c.encode(w);
        return w.toByteArray();
    }
}
