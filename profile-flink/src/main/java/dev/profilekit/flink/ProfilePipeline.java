package dev.profilekit.flink;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Builds ProfileKit's Flink dataflow: a source of {@link Routed} records, keyed by user, into {@link ProfileFunction}. */
public final class ProfilePipeline {

    /** The operator's uid (keep it stable: savepoints map state to operators by uid). */
    public static final String OPERATOR_UID = "profilekit-profiles";
    /** The file source's uid. */
    public static final String SOURCE_UID = "profilekit-events";

    private ProfilePipeline() {
    }

    /**
     * A JSON Lines file read as replay reads it ({@link EventLineFormat}), by one reader (file order is arrival
     * order), with event-time watermarks that follow the largest event time seen.
     *
     * @param env       the environment
     * @param events    the file (any Flink file system URI works through {@code org.apache.flink.core.fs.Path})
     * @param spec      the kernel configuration
     * @param forgotten raw user ids whose events are dropped (empty for none)
     */
    public static DataStream<Routed> fileSource(StreamExecutionEnvironment env, Path events, KernelSpec spec,
                                                Set<String> forgotten) {
        if (env == null || events == null || spec == null || forgotten == null) {
            throw new IllegalArgumentException("env, events, spec and forgotten must not be null");
        }
        FileSource<Routed> source = FileSource.forRecordStreamFormat(new EventLineFormat(spec, forgotten),
                new org.apache.flink.core.fs.Path(events.toAbsolutePath().toUri())).build();
        // with a TTL, a watermark per raise of the clock: expiry exactly as the embedded engine's (ArrivalClock)
        return env.fromSource(source, spec.kernel().ttlMillis() >= 0 ? ArrivalClock.watermarks() : watermarks(),
                        "events " + events.getFileName())
                .uid(SOURCE_UID).setParallelism(1);
    }

    /** Watermarks that follow the largest event time seen (records other than events carry no time). */
    public static WatermarkStrategy<Routed> watermarks() {
        return WatermarkStrategy.<Routed>forBoundedOutOfOrderness(Duration.ZERO)
                .withTimestampAssigner((r, previous) -> r.timestamp());
    }

    /**
     * JSON Lines text from any source (a Kafka topic read with {@code SimpleStringSchema}, a socket...) routed as a
     * replay treats lines ({@link Routed#ofLine}): blank lines dropped, invalid ones counted as rejected, events
     * admitted (pseudonymised, filtered). The routing runs chained to the source, so each source partition's order
     * is kept; for per-user order the source must deliver each user's events through one partition in order (a
     * Kafka topic keyed by user).
     *
     * @param lines     the lines
     * @param spec      the kernel configuration
     * @param forgotten raw user ids whose events are dropped (empty for none)
     */
    public static SingleOutputStreamOperator<Routed> routeLines(DataStream<String> lines, KernelSpec spec, Set<String> forgotten) {
        if (lines == null || spec == null || forgotten == null) {
            throw new IllegalArgumentException("lines, spec and forgotten must not be null");
        }
        Set<String> dropped = Set.copyOf(forgotten);
        return lines.flatMap((String line, org.apache.flink.util.Collector<Routed> out) -> {
            Routed r = Routed.ofLine(spec.kernel(), line, dropped);
            if (r != null) {
                out.collect(r);
            }
        }, RoutedSerializer.TYPE).name("route lines");
    }

    /**
     * The profile operator on {@code routed}, keyed by user key.
     *
     * @param routed      the records, each user's in arrival order
     * @param spec        the kernel configuration
     * @param emitUpdates whether to emit a profile line per accepted event on the main output
     * @return the operator; its side output {@link ProfileFunction#FINAL} carries the final states
     */
    public static SingleOutputStreamOperator<String> profiles(DataStream<Routed> routed, KernelSpec spec,
                                                              boolean emitUpdates) {
        if (routed == null || spec == null) {
            throw new IllegalArgumentException("routed and spec must not be null");
        }
        return routed.keyBy(Routed::key, org.apache.flink.api.common.typeinfo.Types.STRING)
                .process(new ProfileFunction(spec, emitUpdates), org.apache.flink.api.common.typeinfo.Types.STRING)
                .uid(OPERATOR_UID).name("profiles");
    }
}
