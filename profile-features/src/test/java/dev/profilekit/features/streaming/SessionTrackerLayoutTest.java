package dev.profilekit.features.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Open sessions are kept as (start, end) pairs in one {@code long[]} with room for two at first (issue 21: compact
 * variable-size state), and stay exact through merges, out-of-order events, closing and an encode/decode at any
 * point.
 */
class SessionTrackerLayoutTest {

    private static final long MIN = 60_000L;

    @Test
    void oneOrTwoOpenSessionsKeepFourLongsInOneArray() {
        SessionTracker s = new SessionTracker(30 * MIN);
        s.prepare();
        s.add(0);
        s.prepare();
        s.add(10 * MIN);
        s.prepare();
        s.add(2 * 60 * MIN); // a second session
        assertThat(s.openSessions()).isEqualTo(2);
        assertThat(s.retainedLongs()).isEqualTo(4);
        assertThat(s.count()).isEqualTo(2);
        assertThat(s.totalDurationMs()).isEqualTo(10 * MIN);
        SessionTracker back = roundTrip(s, 30 * MIN);
        assertThat(back.retainedLongs()).isEqualTo(4);
        assertThat(back.count()).isEqualTo(2);
        assertThat(back.totalDurationMs()).isEqualTo(10 * MIN);
        s.prepare();
        s.add(4 * 60 * MIN); // a third: the array grows, the pairs stay in order
        assertThat(s.retainedLongs()).isEqualTo(8);
        s.prepare();
        s.add(60 * MIN); // bridges nothing (gap 30 min either side), opens a session between the first two
        assertThat(s.count()).isEqualTo(4);
        s.prepare();
        s.add(90 * MIN); // bridges the sessions at 60 and 120 min into one
        assertThat(s.count()).isEqualTo(3);
        assertThat(s.totalDurationMs()).isEqualTo(10 * MIN + 60 * MIN);
        s.closeBefore(3 * 60 * MIN);
        assertThat(s.openSessions()).isEqualTo(1);
        assertThat(s.count()).isEqualTo(3);
        assertThat(s.totalDurationMs()).isEqualTo(70 * MIN);
    }

    @Test
    void outOfOrderEventsWithEncodesInBetweenEqualSortAndSplit() {
        for (int seed = 0; seed < 200; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            long gap = 1 + r.nextLong(30 * MIN);
            int n = 1 + r.nextInt(120);
            long[] t = new long[n];
            for (int i = 0; i < n; i++) {
                t[i] = r.nextLong(n * 20 * MIN);
            }
            SessionTracker s = new SessionTracker(gap);
            for (int i = 0; i < n; i++) {
                s.prepare();
                s.add(t[i]);
                if (r.nextInt(5) == 0) {
                    s = roundTrip(s, gap);
                }
            }
            long[] expected = SessionStormTest.sortAndSplit(t, gap);
            assertThat(s.count()).as("seed %d", seed).isEqualTo(expected[0]);
            assertThat(s.totalDurationMs()).as("seed %d", seed).isEqualTo(expected[1]);
        }
    }

    private static SessionTracker roundTrip(SessionTracker s, long gap) {
        ByteWriter w = new ByteWriter();
        s.encode(w);
        return SessionTracker.decode(new ByteReader(w.toByteArray(), "sessions"), gap);
    }
}
