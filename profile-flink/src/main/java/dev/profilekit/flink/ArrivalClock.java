package dev.profilekit.flink;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks that carry the embedded engine's expiry clock: the largest event time of the events read so far, in
 * arrival order. A watermark follows every record that raises it, so when the keyed operator decides an event, the
 * watermark it has seen is exactly the largest time of the events before it in the source's order; with the
 * event's own time that is the clock {@code ProfileUpdater} measures idleness against (see the TTL rule in
 * PROFILE-SPEC.md). Periodic watermarks would lag by up to the watermark interval, so that a returning user could be
 * kept where the embedded engine starts it again. With one reader (the file source), this holds at any parallelism of
 * the keyed operator. Costs one watermark per record that raises the clock; used when a TTL is configured.
 */
public final class ArrivalClock {

    private ArrivalClock() {
    }

    /** The strategy: record time as timestamp, a watermark after every record that raises the largest time seen. */
    public static WatermarkStrategy<Routed> watermarks() {
        return WatermarkStrategy.<Routed>forGenerator(ctx -> new Generator())
                .withTimestampAssigner((r, previous) -> r.timestamp());
    }

    private static final class Generator implements WatermarkGenerator<Routed> {
        private long max = Long.MIN_VALUE;

        @Override
        public void onEvent(Routed r, long timestamp, WatermarkOutput out) {
            if (r.timestamp() > max) {
                max = r.timestamp();
                out.emitWatermark(new Watermark(max));
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput out) {
            // every raise was emitted with its record
        }
    }
}
