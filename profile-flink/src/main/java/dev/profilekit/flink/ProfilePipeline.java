package dev.profilekit.flink;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Builds ProfileKit's Flink dataflow: a source of {@link Routed} records, keyed by user, into {@link ProfileFunction}. */
public final class ProfilePipeline {

    /** The operator's uid (keep it stable: savepoints map state to operators by uid). */
    public static final String OPERATOR_UID = "profilekit-profiles";
    /** The file source's uid. */
    public static final String SOURCE_UID = "profilekit-events";
    /** The Kafka source's uid. */
    public static final String KAFKA_SOURCE_UID = "profilekit-kafka-events";
    /** The Kafka sink's uid. */
    public static final String KAFKA_SINK_UID = "profilekit-kafka-profiles";
    /** The Kafka sink of audience changes' uid. */
    public static final String KAFKA_AUDIENCE_SINK_UID = "profilekit-kafka-audiences";
    /**
     * The sink's default Kafka transaction timeout: the broker's default maximum (15 minutes). A transaction stays
     * open from one checkpoint to the next, and one left by a failed job is aborted when the job restores; an
     * interval plus restart time longer than this would lose the transaction's records.
     */
    public static final String TRANSACTION_TIMEOUT_MS = "900000";
    /**
     * How long a Kafka partition may give no record before the source marks it idle, so that the watermark (and
     * with it the audience timers and the TTL's) goes on with the other partitions. Without it one quiet
     * partition stops every time-driven change; and a job resumed from a savepoint was seen in tests to keep its
     * watermark at its start after reading all its input, until this timeout. An idle partition's later events
     * may lie behind the watermark: the operator takes them as any event (audiences revise what they change).
     */
    public static final Duration PARTITION_IDLE_TIMEOUT = Duration.ofSeconds(10);

    private ProfilePipeline() {
    }

    /**
     * A JSON Lines file read as replay reads it, by as many readers as the environment's parallelism, each user's
     * lines by one reader in file order ({@link UserShareFormat}: the file is shared out by user, not cut into byte
     * ranges), with event-time watermarks per reader that follow the largest event time it has seen. Reader k reads
     * the users of the keyed operator's subtask k ({@link UserShareSource}), so the stream comes back already keyed
     * by {@link Routed#key} and {@link #profiles} runs chained to the readers; its parallelism is the environment's
     * and cannot change on restore. With a TTL, audiences or live models, by one reader (with a TTL or audiences, a
     * watermark per raise of the largest event time, {@link ArrivalClock}), keyed by {@link #profiles}.
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
        org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(events.toAbsolutePath().toUri());
        // the engine's clock (largest event time in file order) decides expiry and fires audience timers
        boolean arrival = spec.kernel().ttlMillis() >= 0 || spec.audiencesJson() != null;
        if (arrival || spec.kernel().models().isPresent()) {
            // One reader keeps file order. With a TTL or audiences a watermark per raise of the clock (ArrivalClock)
            // makes expiry and time-driven audience changes exactly the embedded engine's. With live models the
            // trainer learns in an order close to replay's (readers running apart would reorder labels and samples
            // across users: measured AUC 0.019 away from replay's at parallelism 2).
            FileSource<Routed> single = FileSource.forRecordStreamFormat(new EventLineFormat(spec, forgotten), path)
                    .build();
            return env.fromSource(single, arrival ? ArrivalClock.watermarks() : watermarks(),
                            "events " + events.getFileName())
                    .uid(SOURCE_UID).setParallelism(1);
        }
        // reader k emits only the users of the keyed operator's subtask k: the operator is chained to it, no exchange
        int maxParallelism = env.getConfig().getMaxParallelism() > 0 ? env.getConfig().getMaxParallelism()
                : KeyGroupRangeAssignment.computeDefaultMaxParallelism(env.getParallelism());
        UserShareSource source = new UserShareSource(path, new UserShareFormat(spec, forgotten, maxParallelism));
        DataStream<Routed> shares = env.fromSource(source, watermarks(), "events " + events.getFileName())
                .uid(SOURCE_UID).setMaxParallelism(maxParallelism);
        return DataStreamUtils.reinterpretAsKeyedStream(shares, Routed::key, Types.STRING);
    }

    /** {@link #kafkaSource(StreamExecutionEnvironment, KafkaOptions, KernelSpec, Set, Duration)} with {@link #PARTITION_IDLE_TIMEOUT}. */
    public static DataStream<Routed> kafkaSource(StreamExecutionEnvironment env, KafkaOptions kafka, KernelSpec spec,
                                                 Set<String> forgotten) {
        return kafkaSource(env, kafka, spec, forgotten, PARTITION_IDLE_TIMEOUT);
    }

    /**
     * Events from a Kafka topic: every partition read in parallel (at the environment's parallelism), from the
     * earliest offset on a fresh start (a restored job goes on from its checkpoint's offsets), values read as
     * {@link KafkaEventSchema} reads them, with per-partition event-time watermarks; a partition that has given no
     * record for {@code idleTimeout} is idle and holds the watermark back no longer. Each user's events keep their
     * order when the topic is keyed by user (one partition per user): the operator downstream is keyed by user,
     * and Flink keeps the order of each source instance's records per key.
     *
     * @param env       the environment
     * @param kafka     the topic, brokers and format
     * @param spec      the kernel configuration
     * @param forgotten raw user ids whose events are dropped (empty for none)
     * @param idleTimeout how long a partition may give no record before it is idle (at least 1 ms; the job's
     *                    {@code --partition-idle-timeout}, default {@link #PARTITION_IDLE_TIMEOUT})
     */
    public static DataStream<Routed> kafkaSource(StreamExecutionEnvironment env, KafkaOptions kafka, KernelSpec spec,
                                                 Set<String> forgotten, Duration idleTimeout) {
        if (env == null || kafka == null || spec == null || forgotten == null || idleTimeout == null) {
            throw new IllegalArgumentException("env, kafka, spec, forgotten and idleTimeout must not be null");
        }
        if (idleTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("idleTimeout must be at least 1 ms, was " + idleTimeout);
        }
        KafkaSourceBuilder<Routed> b = KafkaSource.<Routed>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(kafka.topic())
                .setGroupId(kafka.group())
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new KafkaEventSchema(spec, forgotten, kafka.csvHeader()))
                .setProperty("isolation.level", "read_committed"); // a transactional producer's aborted records: never
        kafka.properties().forEach(b::setProperty);
        if (kafka.untilEnd()) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return env.fromSource(b.build(), watermarks().withIdleness(idleTimeout), "kafka " + kafka.topic())
                .uid(KAFKA_SOURCE_UID);
    }

    /**
     * Writes profile lines to the Kafka output topic ({@link ProfileRecordSchema}: keyed by user) with exactly-once
     * delivery: each checkpoint's records go out in one Kafka transaction, committed when the checkpoint completes,
     * so a reader with {@code isolation.level=read_committed} sees every record once, across failures and restores.
     * The job must checkpoint (the records of a transaction are visible only after the next checkpoint).
     *
     * @param profiles the profile lines ({@link #profiles} with updates emitted)
     * @param kafka    the output topic, brokers and transactional id prefix
     */
    public static void kafkaSink(DataStream<String> profiles, KafkaOptions kafka) {
        if (profiles == null || kafka == null) {
            throw new IllegalArgumentException("profiles and kafka must not be null");
        }
        exactlyOnce(profiles, kafka, kafka.outputTopic(), kafka.transactionalIdPrefix(), KAFKA_SINK_UID);
    }

    /**
     * Writes the audience changes (the operator's {@link ProfileFunction#AUDIENCES} side output: one
     * {@code --audience-log} line per ENTER, EXIT or REVISE) to {@code topic}, keyed by user, exactly once as
     * {@link #kafkaSink} writes profiles: in Kafka transactions committed on checkpoints, with the transactional id
     * prefix {@link #audienceTransactionalIdPrefix}. Each user's changes keep the order the operator delivered them
     * in, so folding a user's records in topic order gives its history.
     *
     * @param changes the change lines
     * @param kafka   the brokers, producer settings and the profiles' transactional id prefix
     * @param topic   the audience topic
     */
    public static void audienceSink(DataStream<String> changes, KafkaOptions kafka, String topic) {
        if (changes == null || kafka == null || topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("changes, kafka and a non-blank topic are required");
        }
        exactlyOnce(changes, kafka, topic, audienceTransactionalIdPrefix(kafka), KAFKA_AUDIENCE_SINK_UID);
    }

    /** The audience sink's transactional id prefix: the profiles' prefix followed by {@code -audiences}. */
    public static String audienceTransactionalIdPrefix(KafkaOptions kafka) {
        return kafka.transactionalIdPrefix() + "-audiences";
    }

    /** A Kafka sink of lines led by a {@code "user"} field, keyed by it, exactly once. */
    private static void exactlyOnce(DataStream<String> lines, KafkaOptions kafka, String topic, String prefix,
                                    String uid) {
        Properties producer = new Properties();
        producer.setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        producer.putAll(kafka.properties());
        KafkaSink<String> sink = KafkaSink.<String>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setRecordSerializer(new ProfileRecordSchema(topic))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(prefix)
                .setKafkaProducerConfig(producer)
                .build();
        lines.sinkTo(sink).uid(uid).name("kafka " + topic);
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
        // a stream already keyed (the shared file source) goes to the operator as it is
        @SuppressWarnings("unchecked")
        KeyedStream<Routed, String> keyed = routed instanceof KeyedStream<?, ?> k ? (KeyedStream<Routed, String>) k
                : routed.keyBy(Routed::key, Types.STRING);
        return keyed.process(new ProfileFunction(spec, emitUpdates), Types.STRING)
                .uid(OPERATOR_UID).name("profiles");
    }
}
