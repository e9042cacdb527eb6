package dev.profilekit.features.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * A storm of sessions (many events that each open a session, in any order within the allowed lateness)
 * must cost O(log s) per event, not O(s): past {@link SessionTracker#TREE_THRESHOLD} open sessions the
 * tracker keeps them in a tree. The tree gives exactly the sessions of sorting and splitting.
 */
class SessionStormTest {

    /** Sessions of {@code t} by the definition: sort, split where consecutive times differ by more than gap. */
    private static long[] sortAndSplit(long[] t, long gap) {
        long[] s = t.clone();
        Arrays.sort(s);
        long count = 1;
        long total = 0;
        long start = s[0];
        for (int i = 1; i < s.length; i++) {
            if (s[i] - s[i - 1] > gap) {
                total += s[i - 1] - start;
                start = s[i];
                count++;
            }
        }
        total += s[s.length - 1] - start;
        return new long[] {count, total};
    }

    @Property(tries = 60)
    void manyOpenSessionsInAnyOrderAreExact(@ForAll long seed, @ForAll @IntRange(min = 300, max = 4000) int n) {
        SplittableRandom r = new SplittableRandom(seed);
        long gap = r.nextLong(50);
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextLong(n * 60L); // dense enough to merge sometimes, sparse enough to open many sessions
        }
        SessionTracker s = new SessionTracker(gap);
        for (long x : t) {
            s.add(x); // no lateness: nothing is ever closed, every session stays open
        }
        long[] expected = sortAndSplit(t, gap);
        assertThat(s.openSessions()).isEqualTo((int) expected[0]);
        assertThat(s.count()).isEqualTo(expected[0]);
        assertThat(s.totalDurationMs()).isEqualTo(expected[1]);
        // closing works on the tree as on the arrays: close everything
        s.closeBefore(Long.MAX_VALUE);
        assertThat(s.openSessions()).isZero();
        assertThat(s.count()).isEqualTo(expected[0]);
        assertThat(s.totalDurationMs()).isEqualTo(expected[1]);
    }

    private static long stormNanos(int n, long seed) {
        long best = Long.MAX_VALUE;
        for (int run = 0; run < 3; run++) {
            SplittableRandom r = new SplittableRandom(seed);
            long[] t = new long[n];
            for (int i = 0; i < n; i++) {
                t[i] = r.nextLong(1_000_000_000L); // gap 0: almost every event is a session of its own
            }
            SessionTracker s = new SessionTracker(0);
            long start = System.nanoTime();
            for (long x : t) {
                s.add(x);
            }
            best = Math.min(best, System.nanoTime() - start);
            assertThat(s.openSessions()).isGreaterThan(n - n / 100);
        }
        return best;
    }

    @Test
    void aStormOfSessionsIsNotQuadratic() {
        stormNanos(50_000, 1); // warm-up
        long small = stormNanos(50_000, 2);
        long large = stormNanos(200_000, 3);
        // 4x the events: about 4.5x the time at O(n log n); 16x if every insert shifted the arrays
        assertThat((double) large / small).as("200k vs 50k events: %d ms vs %d ms", large / 1_000_000, small / 1_000_000)
                .isLessThan(9.0);
    }
}
