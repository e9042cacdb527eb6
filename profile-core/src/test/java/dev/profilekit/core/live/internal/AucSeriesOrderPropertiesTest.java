package dev.profilekit.core.live.internal;

import dev.profilekit.core.live.ModelDiagnostics;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The diagnostics' AUC series, versions and drift alarms are in time order on random streams whose labels resolve
 * out of time order, as a propensity model's do: a positive when the user buys within the horizon, a negative only
 * when the horizon has passed, so an example sampled early may resolve after one sampled later.
 */
class AucSeriesOrderPropertiesTest {

    private static final long HOUR = 3_600_000L;

    /** One sampled example: when it was sampled, when its label resolved, and the label. */
    private record Example(long sampled, long resolved, int label) {
    }

    /** Examples sampled at random increasing times, each resolved within {@code horizon}, in resolution order. */
    private static List<Example> resolutionOrder(long seed, int n, long horizon) {
        Random r = new Random(seed);
        List<Example> out = new ArrayList<>(n);
        long t = 1_767_225_600_000L;
        for (int i = 0; i < n; i++) {
            t += r.nextInt((int) HOUR);
            boolean positive = r.nextDouble() < 0.3;
            long resolved = positive ? t + (long) (r.nextDouble() * horizon) : t + horizon;
            out.add(new Example(t, resolved, positive ? 1 : 0));
        }
        out.sort(Comparator.comparingLong(Example::resolved)); // stable: ties keep sampling order
        return out;
    }

    @Property(tries = 60)
    void seriesVersionsAndAlarmsAreInTimeOrder(@ForAll long seed, @ForAll @IntRange(min = 50, max = 30_000) int n,
                                               @ForAll @LongRange(min = 1, max = 14 * 24) long horizonHours) {
        List<Example> stream = resolutionOrder(seed, n, horizonHours * HOUR);
        DiagnosticsRecorder recorder = new DiagnosticsRecorder(100);
        PrequentialStats stats = new PrequentialStats(500);
        Random r = new Random(~seed);
        long[] latest = new long[n + 1]; // latest sampling time after k examples
        long max = Long.MIN_VALUE;
        boolean outOfOrder = false;
        for (int i = 0; i < n; i++) {
            Example e = stream.get(i);
            outOfOrder |= e.sampled() < max;
            max = Math.max(max, e.sampled());
            latest[i + 1] = max;
            double p = r.nextDouble();
            stats.add(p, e.label());
            recorder.example(e.sampled(), p, e.label(), i / 100, r.nextInt(200) == 0, stats);
            if (r.nextInt(40) == 0) {
                recorder.published(i + 1, r.nextBoolean() ? "online" : "batch");
            }
        }
        ModelDiagnostics d = recorder.snapshot(null);
        assertThat(d.aucSeries()).as("one point every %d labels", DiagnosticsRecorder.FIRST_STEP)
                .hasSizeGreaterThanOrEqualTo(1);
        long prev = Long.MIN_VALUE;
        for (ModelDiagnostics.AucPoint pt : d.aucSeries()) {
            assertThat(pt.time()).as("time of the point after %d examples (out of order: %s)", pt.examples(),
                    outOfOrder).isGreaterThanOrEqualTo(prev).isEqualTo(latest[(int) pt.examples()]);
            prev = pt.time();
        }
        assertNonDecreasing(d.versions().stream().mapToLong(ModelDiagnostics.ModelVersion::time).toArray(),
                "versions");
        assertNonDecreasing(d.driftAlarms().stream().mapToLong(ModelDiagnostics.DriftAlarm::time).toArray(),
                "drift alarms");
        for (ModelDiagnostics.DriftAlarm a : d.driftAlarms()) {
            assertThat(a.time()).isEqualTo(latest[(int) a.examples()]);
        }
    }

    private static void assertNonDecreasing(long[] times, String what) {
        for (int i = 1; i < times.length; i++) {
            assertThat(times[i]).as("%s[%d] after %s[%d]", what, i, what, i - 1).isGreaterThanOrEqualTo(times[i - 1]);
        }
    }
}
