package dev.profilekit.models.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * update() allocates nothing: a million values through each detector allocate (almost) no bytes on this thread.
 * Counted with HotSpot's per-thread allocation counter, not timed.
 */
class DriftAllocationTest {

    private static final int VALUES = 1_000_000;
    /** Slack for the counter itself and the JIT's bookkeeping on this thread; far below one object per value. */
    private static final long MAX_BYTES = 64 * 1024;

    private static long allocatedBytes() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assertThat(bean).isInstanceOf(com.sun.management.ThreadMXBean.class);
        return ((com.sun.management.ThreadMXBean) bean).getCurrentThreadAllocatedBytes();
    }

    private static long bytesFor(DriftDetector d, double[] x) {
        for (int i = 0; i < 10_000; i++) {
            d.update(x[i]); // reach the steady state (bucket levels, class loading) first
        }
        long before = allocatedBytes();
        long alarms = 0;
        for (int r = 0; r < VALUES / x.length; r++) {
            for (double v : x) {
                if (d.update(v)) {
                    alarms++;
                }
            }
        }
        long bytes = allocatedBytes() - before;
        // the stream shifts its mean half-way: a working detector alarms (this also keeps the loop alive)
        assertThat(alarms).isPositive();
        return bytes;
    }

    @Test
    void pageHinkleyAndAdwinAllocateNothingPerValue() {
        double[] x = Streams.gaussianShift(1, 100_000, 50_000, 1.0);
        assertThat(bytesFor(PageHinkley.of(0.1, 50), x)).isLessThan(MAX_BYTES);
        assertThat(bytesFor(Adwin.of(0.002), x)).isLessThan(MAX_BYTES);
        assertThat(bytesFor(Adwin.of(0.002).withClock(1), x)).isLessThan(MAX_BYTES);
    }
}
