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
 * must cost O(log s) per event, not O(s) (counted as entries shifted, not timed): past {@link SessionTracker#TREE_THRESHOLD} open sessions the
 * tracker keeps them in a tree. The tree gives exactly the sessions of sorting and splitting.
 */
class SessionStormTest {

    /** Sessions of {@code t} by the definition: sort, split where consecutive times differ by more than gap. */
    static long[] sortAndSplit(long[] t, long gap) {
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

    @Test
    void aStormOfSessionsShiftsABoundedNumberOfEntriesPerEvent() {
        int n = 200_000;
        SplittableRandom r = new SplittableRandom(3);
        SessionTracker s = new SessionTracker(0); // gap 0: almost every event is a session of its own
        for (int i = 0; i < n; i++) {
            s.prepare();
            s.add(r.nextLong(1_000_000_000L));
        }
        assertThat(s.openSessions()).isGreaterThan(n - n / 100);
        // sorted arrays alone would shift about n^2/4 = 10^10 entries for random arrival; the tree bounds the
        // shifts to the arrays' phase, at most TREE_THRESHOLD entries for each of its events
        assertThat(s.shiftedEntries()).isLessThanOrEqualTo((long) SessionTracker.TREE_THRESHOLD * SessionTracker.TREE_THRESHOLD);
    }
}
