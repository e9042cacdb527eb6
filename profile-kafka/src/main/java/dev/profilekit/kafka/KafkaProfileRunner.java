package dev.profilekit.kafka;

import dev.profilekit.core.audience.AudienceChange;
import dev.profilekit.core.engine.Profile;
import dev.profilekit.core.engine.ProfileUpdate;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.engine.SnapshotMismatchException;
import dev.profilekit.core.io.ParsedEvent;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.snapshot.SnapshotDirectory;
import dev.profilekit.core.spi.InvalidEventException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The embedded engine fed by a Kafka topic: reads every partition of one topic, applies each record's event with
 * {@link ProfileUpdater#onEvent}, and writes a snapshot into a {@link SnapshotDirectory} every
 * {@link Builder#snapshotEvery N records} or {@link Builder#snapshotInterval T}, whichever comes first.
 *
 * <p><b>Exactly once.</b> Each snapshot's metadata holds, per partition, the offset of the next record to read:
 * exactly the records whose events the snapshot contains. On start the runner restores the newest valid snapshot
 * and seeks every partition to its offset (a partition it does not name, to its beginning), so a runner killed at
 * any point and started again ends with the profiles of an uninterrupted run: the records after the snapshot are
 * read again and applied once, because the restored state holds none of them. Offsets are committed to the
 * consumer group ({@link Builder#groupId}) only after the snapshot is durable, and only as a hint for monitoring
 * (lag); the runner never reads them. Duplicate-id detection plays no part in this (a record read twice would be
 * counted as a duplicate, which {@link ProfileUpdater#counts()} shows).
 *
 * <p><b>Order.</b> Acceptance is per user in arrival order, so the topic must be keyed by user: one partition
 * carries all of a user's events, in order. Rules that look across users (TTL against the largest event time of
 * all users, live models learning across users) see the partitions interleaved as the consumer returns them and
 * the workers apply them, so with more than one partition they may differ between two runs; with one partition
 * (one worker) a restarted run sees the same order as an uninterrupted one.
 *
 * <p><b>Output.</b> With {@link Builder#outputTopic}, once a partition's records of a poll are applied the profile
 * of every user whose state they changed is sent to that topic, keyed by user (the stored id: the pseudonym when
 * pseudonymising), valued by the profile as JSON ({@link ProfileJson}) as of the user's latest event: a topic for
 * log compaction. The sends are flushed before each snapshot, so delivery is at least once: after a restart a
 * user's profile may be sent again, with the value it had, and the last value per key is the uninterrupted run's.
 *
 * <p><b>Audience changes.</b> With {@link Builder#audienceTopic} (and audiences on the updaters), every audience
 * change (ENTER, EXIT, REVISE: {@link AudienceChange#toJson}, as {@code replay --audience-log} writes them) is sent to
 * that topic, keyed by user, per user in the order the updater delivered them, after the partition's records of a
 * poll are applied and before the next snapshot is written. Delivery is at least once: after a restart the changes
 * since the restored snapshot are sent again, in the same order (with one partition; with several, time-driven
 * changes follow the interleaving, as the TTL does). Folding a user's changes "from t on" (a change at t replaces the
 * membership from t on; a REVISE from its {@code from}) gives the same history whether or not such a suffix came
 * twice.
 *
 * <p><b>Threads.</b> One thread runs {@link #run}: it polls, hands each partition's records of a poll to that
 * partition's worker, takes the snapshots and calls {@link Builder#onReject}. The workers ({@link
 * Builder#applyThreads}) parse the values (with one worker, the runner's thread parses them) and call
 * {@code onEvent} (and the updater's listeners), each partition always on the same worker, in offset order, so
 * each user's events are applied in arrival order. For a snapshot the runner's thread waits until the workers
 * have applied every record handed out and only then takes the snapshot's cut, with each partition's offset just
 * past its last record applied; a snapshot thread then encodes and writes the file while the workers go on
 * (copy-on-write, see {@link ProfileUpdater#snapshotAsync}), and the offsets are committed once it is durable.
 * With more than one worker the updater's listeners are called from several threads at once (each user's from
 * one). {@link #stop} may be called from any thread. The runner owns the updater and the snapshot directory's
 * lock until {@link #close}.
 */
public final class KafkaProfileRunner implements AutoCloseable {

    /** Metadata key: the topic the snapshot's offsets belong to. */
    public static final String TOPIC = "kafka.topic";
    /** Metadata key: the next offset to read per partition, as {@code partition:offset} separated by commas. */
    public static final String OFFSETS = "kafka.offsets";
    /** Metadata key: the record format ({@code jsonl}, or {@code csv:} and the header). */
    public static final String FORMAT = "kafka.format";
    /** Metadata key: records read up to the snapshot, over every run. */
    public static final String RECORDS = "kafka.records";
    /** Metadata key: records rejected up to the snapshot, over every run. */
    public static final String REJECTED = "kafka.rejected";

    /** Metadata key prefix: an option of {@link Builder#snapshotOption}, which a restore must match. */
    public static final String OPTION = "option ";

    /** A record whose value was not an event the engine accepts or refuses by its rules; it changes nothing. */
    public record Rejected(TopicPartition partition, long offset, InvalidEventException error, String text) {
    }

    /**
     * What the runner has done: records read and rejected over every run that wrote to the snapshot directory (as
     * of the restored snapshot, then counting on), snapshots written by this runner.
     */
    public record Stats(long records, long rejected, long snapshots, ProfileUpdater.Counts counts) {
    }

    private final ProfileUpdater updater;
    private final SnapshotDirectory dir;
    private final KafkaConsumer<Void, ByteBuffer> consumer;
    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final String outputTopic;
    private final String audienceTopic;
    private final RecordFormat format;
    private final Map<String, String> options;
    private final boolean commit;
    private final long snapshotEvery;
    private final long intervalNanos;
    private final Duration pollTimeout;
    private final Consumer<Rejected> onReject;
    private final int maxLineBytes;
    private final List<TopicPartition> partitions;
    /** The next offset to read, per partition: after the last record applied and accounted for. */
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    /**
     * Per worker thread: users whose state changed since the worker last published, with their latest update
     * (output topic only).
     */
    private final ThreadLocal<Map<String, ProfileUpdate>> changed;
    /** Per worker thread: audience changes not yet sent, in delivery order (audience topic only). */
    private final ThreadLocal<List<AudienceChange>> audienceChanges;
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private final Optional<ProfileUpdater.SnapshotInfo> restored;
    /** The threads that apply records (and parse them when more than one): each partition on one, always the same. */
    private final ExecutorService[] workers;
    private final Map<TopicPartition, ExecutorService> workerOf = new HashMap<>();
    /** Records handed to the workers and not yet accounted for, in the order they were handed out. */
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
    /** The most records in flight before the runner's thread waits for the workers (two polls' worth). */
    private final long maxInFlight;
    private long inFlightRecords;
    /** Encodes and writes the snapshots, after the runner's thread took their cut. */
    private final ExecutorService snapshotWriter = daemonThread("profilekit-kafka-snapshot");
    /** The snapshot being written, if any. */
    private Writing writing;
    /** Set when a run failed while records were being applied: the updater may hold part of them. */
    private boolean broken;
    private volatile boolean stopRequested;
    private long records;
    private long rejected;
    private long snapshots;
    /** Records handed out since the last snapshot (every one of them is accounted for before the next). */
    private long sinceSnapshot;
    private long lastSnapshotNanos;

    private KafkaProfileRunner(Builder b) {
        this.topic = b.topic;
        this.outputTopic = b.outputTopic;
        this.audienceTopic = b.audienceTopic;
        this.format = b.format;
        this.options = Map.copyOf(b.options);
        this.commit = b.consumerProperties.containsKey(ConsumerConfig.GROUP_ID_CONFIG);
        this.snapshotEvery = b.snapshotEvery;
        this.intervalNanos = b.snapshotInterval.toNanos();
        this.pollTimeout = b.pollTimeout;
        this.onReject = b.onReject;
        ThreadLocal<Map<String, ProfileUpdate>> latest = ThreadLocal.withInitial(LinkedHashMap::new);
        this.changed = outputTopic == null ? null : latest;
        if (outputTopic != null) {
            b.updaters.listener(u -> latest.get().put(u.user(), u)); // on the worker's thread, inside onEvent
        }
        ThreadLocal<List<AudienceChange>> pendingChanges = ThreadLocal.withInitial(ArrayList::new);
        this.audienceChanges = audienceTopic == null ? null : pendingChanges;
        if (audienceTopic != null) {
            // on the thread that applies the user's event (or fires its timer), under the user's lock
            b.updaters.audienceListener(c -> pendingChanges.get().add(c));
        }
        Properties consumerConfig = consumerConfig(b);
        this.maxInFlight = 2L * Integer.parseInt(
                String.valueOf(consumerConfig.get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG)).trim());
        this.dir = SnapshotDirectory.open(b.snapshotDirectory);
        KafkaConsumer<Void, ByteBuffer> c = null;
        KafkaProducer<String, String> p = null;
        ProfileUpdater u = null;
        ExecutorService[] w = new ExecutorService[0];
        try {
            SnapshotDirectory.Restored r = dir.restoreNewest(b.updaters::build, info -> check(info));
            u = r.updater();
            this.restored = r.snapshot();
            this.maxLineBytes = u.limits().maxLineBytes();
            // values in place (no copy per record); keys unread: the event names its user
            c = new KafkaConsumer<>(consumerConfig, new NoKey(), new ByteBufferDeserializer());
            List<PartitionInfo> infos = c.partitionsFor(topic); // waits up to default.api.timeout.ms
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic '" + topic + "' does not exist at " + b.bootstrapServers
                        + " (or has no partitions)");
            }
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo i : infos) {
                tps.add(new TopicPartition(topic, i.partition()));
            }
            tps.sort(java.util.Comparator.comparingInt(TopicPartition::partition));
            this.partitions = List.copyOf(tps);
            c.assign(partitions);
            Map<Integer, Long> saved = restored.map(s -> parseOffsets(s.file(), s.metadata().get(OFFSETS)))
                    .orElse(Map.of());
            List<TopicPartition> fromStart = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                Long o = saved.get(tp.partition());
                if (o == null) {
                    fromStart.add(tp);
                    positions.put(tp, 0L);
                } else {
                    c.seek(tp, o);
                    positions.put(tp, o);
                }
            }
            if (!fromStart.isEmpty()) {
                c.seekToBeginning(fromStart); // (an empty list would mean every partition)
            }
            if (restored.isPresent()) {
                Map<String, String> m = restored.get().metadata();
                records = Long.parseLong(m.getOrDefault(RECORDS, "0"));
                rejected = Long.parseLong(m.getOrDefault(REJECTED, "0"));
            }
            if (outputTopic != null || audienceTopic != null) {
                p = new KafkaProducer<>(producerConfig(b), new StringSerializer(), new StringSerializer());
            }
            int threads = b.applyThreads > 0 ? b.applyThreads
                    : Math.max(1, Math.min(partitions.size(), Runtime.getRuntime().availableProcessors() - 1));
            w = new ExecutorService[Math.min(threads, partitions.size())];
            for (int i = 0; i < w.length; i++) {
                w[i] = daemonThread("profilekit-kafka-apply-" + i);
            }
            for (int i = 0; i < partitions.size(); i++) {
                workerOf.put(partitions.get(i), w[i % w.length]);
            }
        } catch (RuntimeException e) {
            stopWorkers(w);
            stopWriter(snapshotWriter);
            closeAll(c, p, u);
            dir.close();
            throw e;
        }
        this.consumer = c;
        this.producer = p;
        this.updater = u;
        this.workers = w;
        this.lastSnapshotNanos = System.nanoTime();
    }

    /**
     * A runner builder over {@code updaters}, the configuration every updater of this runner is built from (the
     * restored one and any tried while restoring). With an output topic, the runner adds its own listener to it;
     * with an audience topic, its own audience listener.
     */
    public static Builder builder(ProfileUpdater.Builder updaters) {
        return new Builder(updaters);
    }

    /** The updater, restored from the newest valid snapshot or new: read profiles from it while {@link #run} runs. */
    public ProfileUpdater updater() {
        return updater;
    }

    /** The snapshot this runner started from, or empty when it started from the beginning of the topic. */
    public Optional<ProfileUpdater.SnapshotInfo> restoredFrom() {
        return restored;
    }

    /** The partitions read, in order. */
    public List<TopicPartition> partitions() {
        return partitions;
    }

    /** How many threads apply the records (see {@link Builder#applyThreads}). */
    public int applyThreads() {
        return workers.length;
    }

    /** What the runner has done so far (records, rejects and snapshots over every run of its directory). */
    public Stats stats() {
        return new Stats(records, rejected, snapshots, updater.counts());
    }

    /**
     * Reads and applies records until {@link #stop} is called, then writes a last snapshot (when anything was read
     * since the previous one) and returns.
     *
     * @throws java.io.UncheckedIOException if a snapshot cannot be written (the run stops; a new runner resumes
     *                                      from the last snapshot written)
     * @throws IllegalStateException        if the output topic refused a profile or the audience topic a change
     */
    public void run() {
        runUntil(false);
    }

    /**
     * As {@link #run}, but returns once every partition has been read up to its end as of this call (or
     * {@link #stop} was called), after a last snapshot: for batch runs, tests and benchmarks.
     */
    public void runToEnd() {
        runUntil(true);
    }

    /** Asks {@link #run} to end after the records in hand (it then writes its last snapshot). Any thread. */
    public void stop() {
        stopRequested = true;
        consumer.wakeup();
    }

    private void runUntil(boolean toEnd) {
        if (broken) {
            throw new IllegalStateException("an earlier run of this runner failed while records were being applied; "
                    + "close it and build a new runner: it resumes from the last snapshot written");
        }
        Map<TopicPartition, Long> end = toEnd ? consumer.endOffsets(partitions) : Map.of();
        boolean settled = false;
        try {
            while (!stopRequested && !(toEnd && reached(end))) {
                ConsumerRecords<Void, ByteBuffer> batch;
                try {
                    batch = consumer.poll(pollTimeout);
                } catch (WakeupException e) {
                    break;
                }
                dispatch(batch);
                settle(maxInFlight);
                finishWrite(false);
                if (sinceSnapshot >= snapshotEvery
                        || (sinceSnapshot > 0 && System.nanoTime() - lastSnapshotNanos >= intervalNanos)) {
                    settle(0); // the cut: every record handed out is applied and accounted for
                    snapshot();
                }
            }
            settle(0); // returned by poll: applied before the last snapshot, never skipped
            settled = true;
        } finally {
            stopRequested = false;
            if (!settled) {
                abandon(); // a failure: the snapshot directory decides where the next run starts
            }
        }
        if (sinceSnapshot > 0) {
            snapshot();
        }
        finishWrite(true);
    }

    /** Records of one partition handed to its worker, and how many. */
    private record Pending(Future<Applied> work, int records) {
    }

    /** What a worker did with one partition's records of a poll. */
    private record Applied(TopicPartition partition, long next, int records, int rejected, List<Rejected> rejects) {
    }

    /** Hands each partition's records of a poll to the partition's worker. */
    private void dispatch(ConsumerRecords<Void, ByteBuffer> batch) {
        for (TopicPartition tp : batch.partitions()) {
            List<ConsumerRecord<Void, ByteBuffer>> recs = batch.records(tp);
            if (recs.isEmpty()) {
                continue;
            }
            int n = recs.size();
            List<ByteBuffer> values = new ArrayList<>(n);
            long[] offsets = new long[n];
            for (int i = 0; i < n; i++) {
                ConsumerRecord<Void, ByteBuffer> r = recs.get(i);
                values.add(r.value());
                offsets[i] = r.offset();
            }
            Future<Applied> work;
            if (workers.length == 1) { // this thread parses while the one worker applies: the two share the work
                List<ParsedEvent> parsed = format.parse(values, maxLineBytes);
                work = workers[0].submit(() -> apply(tp, offsets, parsed));
            } else { // each worker parses its own partitions: this thread would hold them all up
                work = workerOf.get(tp).submit(() -> apply(tp, offsets, format.parse(values, maxLineBytes)));
            }
            inFlight.add(new Pending(work, n));
            inFlightRecords += n;
            sinceSnapshot += n;
        }
    }

    /**
     * Accounts for the work done, in the order it was handed out (positions, counts, rejects), waiting for the
     * oldest work while more than {@code limit} records are in flight: with 0, until every record is applied.
     */
    private void settle(long limit) {
        while (!inFlight.isEmpty() && (inFlightRecords > limit || inFlight.peek().work().isDone())) {
            Pending p = inFlight.poll();
            inFlightRecords -= p.records();
            Applied a;
            try {
                a = p.work().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                broken = true;
                throw new IllegalStateException("interrupted while records were being applied", e);
            } catch (ExecutionException e) {
                broken = true;
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("cannot apply records: " + e.getCause(), e.getCause());
            }
            records += a.records();
            rejected += a.rejected();
            positions.put(a.partition(), a.next());
            if (onReject != null) {
                a.rejects().forEach(onReject);
            }
        }
    }

    /** After a failure: waits until no worker touches the updater any more, and refuses further runs if any did. */
    private void abandon() {
        if (inFlight.isEmpty()) {
            return;
        }
        broken = true;
        for (Pending p : inFlight) {
            try {
                p.work().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                // the run fails with the first failure already
            }
        }
        inFlight.clear();
        inFlightRecords = 0;
    }

    /** Whether every partition has been read up to {@code end}; a {@link #stop} meanwhile counts as the end. */
    private boolean reached(Map<TopicPartition, Long> end) {
        try {
            for (TopicPartition tp : partitions) {
                if (consumer.position(tp) < end.get(tp)) {
                    return false;
                }
            }
            return true;
        } catch (WakeupException e) {
            return true; // stop() was called while no poll was waiting
        }
    }

    /**
     * Applies the parsed values of one partition's records of a poll, in order (on the partition's worker), then
     * sends the profiles they changed to the output topic and the audience changes to the audience topic.
     */
    private Applied apply(TopicPartition tp, long[] offsets, List<ParsedEvent> parsed) {
        int n = offsets.length;
        int rejects = 0;
        List<Rejected> rejectList = List.of();
        for (ParsedEvent p : parsed) {
            InvalidEventException error = p.error();
            if (error == null) {
                try {
                    updater.onEvent(p.event());
                } catch (InvalidEventException e) {
                    error = e; // counted by the updater
                }
            } else {
                updater.countRejected(error.reason());
            }
            if (error != null) {
                rejects++;
                if (onReject != null) {
                    if (rejectList.isEmpty()) {
                        rejectList = new ArrayList<>();
                    }
                    int i = (int) Math.max(0, Math.min(n - 1, p.line() - format.firstLine()));
                    rejectList.add(new Rejected(tp, offsets[i], error, p.text()));
                }
            }
        }
        if (changed != null) {
            publish(changed.get());
        }
        if (audienceChanges != null) {
            publishChanges(audienceChanges.get());
        }
        return new Applied(tp, offsets[n - 1] + 1, n, rejects, rejectList);
    }

    /** Sends the profile of every user in {@code latest} (changed since the last call) to the output topic. */
    private void publish(Map<String, ProfileUpdate> latest) {
        for (ProfileUpdate u : latest.values()) {
            Profile p = u.profile(); // as of the user's latest event
            send(outputTopic, p.user(), ProfileJson.toJson(p));
        }
        latest.clear();
    }

    /** Sends {@code changes} (this thread's, since its last call) to the audience topic, in their order. */
    private void publishChanges(List<AudienceChange> changes) {
        for (AudienceChange c : changes) {
            send(audienceTopic, c.user(), c.toJson());
        }
        changes.clear();
    }

    private void send(String to, String key, String value) {
        producer.send(new ProducerRecord<>(to, key, value), (meta, e) -> {
            if (e != null) {
                sendFailure.compareAndSet(null,
                        new IllegalStateException("cannot send to topic '" + to + "': " + e, e));
            }
        });
    }

    /**
     * Writes a snapshot holding the offsets of exactly the records applied (no record is in flight), then (with a
     * group id) commits those offsets. The sends to the output and audience topics are flushed first, so the profiles
     * and audience changes of the records in the snapshot are in Kafka before the snapshot says they were read.
     */
    private void snapshot() {
        if (producer != null) {
            producer.flush();
            Exception e = sendFailure.get();
            if (e != null) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        finishWrite(true); // one snapshot at a time
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(TOPIC, topic);
        meta.put(FORMAT, format.toString());
        meta.put(OFFSETS, formatOffsets(positions));
        meta.put(RECORDS, Long.toString(records));
        meta.put(REJECTED, Long.toString(rejected));
        options.forEach((k, v) -> meta.put(OPTION + k, v));
        // the cut is taken now; the workers go on while the snapshot thread encodes and writes the profiles
        writing = new Writing(dir.writeAsync(updater, meta, snapshotWriter), Map.copyOf(positions));
        sinceSnapshot = 0;
        lastSnapshotNanos = System.nanoTime();
    }

    /** A snapshot being written, and the offsets it holds. */
    private record Writing(CompletableFuture<ProfileUpdater.SnapshotInfo> file, Map<TopicPartition, Long> offsets) {
    }

    /**
     * Once the snapshot being written is durable (waiting for it with {@code wait}), counts it and (with a group id)
     * commits its offsets.
     *
     * @throws java.io.UncheckedIOException if it could not be written
     */
    private void finishWrite(boolean wait) {
        if (writing == null || (!wait && !writing.file().isDone())) {
            return;
        }
        Writing w = writing;
        writing = null;
        try {
            w.file().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("cannot write a snapshot: " + e.getCause(), e.getCause());
        }
        snapshots++;
        if (commit) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            w.offsets().forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o)));
            try {
                consumer.commitSync(offsets); // a hint for monitoring: the snapshot, not the group, holds the truth
            } catch (WakeupException e) {
                consumer.commitSync(offsets); // stop() was called while no poll was waiting; the wakeup is spent
            }
        }
    }

    /** Refuses a snapshot of another topic, record format or {@linkplain Builder#snapshotOption option}. */
    private void check(ProfileUpdater.SnapshotInfo info) {
        Map<String, String> m = info.metadata();
        if (!topic.equals(m.get(TOPIC))) {
            throw new SnapshotMismatchException(info.file(), SnapshotMismatchException.Kind.INPUT,
                    m.get(TOPIC) == null ? "holds no Kafka offsets (it was not written by a Kafka runner)"
                            : "holds the offsets of topic '" + m.get(TOPIC) + "', not '" + topic + "'");
        }
        if (!format.toString().equals(m.get(FORMAT))) {
            throw new SnapshotMismatchException(info.file(), SnapshotMismatchException.Kind.OPTIONS,
                    "was written reading records as " + m.get(FORMAT) + ", not " + format);
        }
        for (Map.Entry<String, String> o : new TreeMap<>(options).entrySet()) {
            String was = m.get(OPTION + o.getKey());
            if (!o.getValue().equals(was)) {
                throw new SnapshotMismatchException(info.file(), SnapshotMismatchException.Kind.OPTIONS,
                        was == null ? "does not record " + o.getKey() : "was written with another " + o.getKey()
                                + " (" + was + "; this run: " + o.getValue() + ")");
            }
        }
        parseOffsets(info.file(), m.get(OFFSETS));
    }

    static String formatOffsets(Map<TopicPartition, Long> positions) {
        StringBuilder s = new StringBuilder();
        new TreeMap<>(positions.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                e -> e.getKey().partition(), Map.Entry::getValue))).forEach((p, o) -> {
                    if (s.length() > 0) {
                        s.append(',');
                    }
                    s.append(p).append(':').append(o);
                });
        return s.toString();
    }

    static Map<Integer, Long> parseOffsets(Path file, String text) {
        Map<Integer, Long> out = new HashMap<>();
        if (text == null) {
            throw new SnapshotMismatchException(file, SnapshotMismatchException.Kind.INPUT, "holds no Kafka offsets");
        }
        if (text.isEmpty()) {
            return out;
        }
        try {
            for (String part : text.split(",")) {
                int colon = part.indexOf(':');
                out.put(Integer.parseInt(part.substring(0, colon)), Long.parseLong(part.substring(colon + 1)));
            }
        } catch (RuntimeException e) {
            throw new SnapshotMismatchException(file, SnapshotMismatchException.Kind.INPUT,
                    "holds unreadable Kafka offsets '" + text + "'", e);
        }
        return out;
    }

    /** Closes the consumer, the producer (after sending what it holds) and the updater, and releases the lock. */
    @Override
    public void close() {
        stopWorkers(workers);
        stopWriter(snapshotWriter); // a snapshot being written after a failed run is finished first
        try {
            closeAll(consumer, producer, updater);
        } finally {
            dir.close();
        }
    }

    /** A single thread of the runner's, named {@code name}, that does not keep the JVM alive. */
    private static ExecutorService daemonThread(String name) {
        return Executors.newSingleThreadExecutor(job -> {
            Thread t = new Thread(job, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Stops the workers (interrupted) and waits a little for any still applying (after a failed run only). */
    private static void stopWorkers(ExecutorService[] workers) {
        for (ExecutorService w : workers) {
            w.shutdownNow();
        }
        for (ExecutorService w : workers) {
            awaitStopped(w);
        }
    }

    /** Stops the snapshot writer once a snapshot it writes (after a failed run only) is finished. */
    private static void stopWriter(ExecutorService writer) {
        writer.shutdown();
        awaitStopped(writer);
    }

    private static void awaitStopped(ExecutorService e) {
        try {
            e.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads no key: the runner takes the user from the event, so the key's bytes are not even copied. */
    private static final class NoKey implements Deserializer<Void> {
        @Override
        public Void deserialize(String topic, byte[] data) {
            return null;
        }

        @Override
        public Void deserialize(String topic, Headers headers, ByteBuffer data) {
            return null;
        }
    }

    private static void closeAll(KafkaConsumer<?, ?> c, KafkaProducer<?, ?> p, ProfileUpdater u) {
        try {
            if (c != null) {
                c.close();
            }
        } finally {
            try {
                if (p != null) {
                    p.close();
                }
            } finally {
                if (u != null) {
                    u.close();
                }
            }
        }
    }

    private static Properties consumerConfig(Builder b) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        p.putAll(b.consumerProperties);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"); // offsets are committed after each snapshot
        return p;
    }

    private static Properties producerConfig(Builder b) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.putAll(b.producerProperties);
        return p;
    }

    /** Configures a {@link KafkaProfileRunner}. */
    public static final class Builder {
        private final ProfileUpdater.Builder updaters;
        private String bootstrapServers;
        private String topic;
        private Path snapshotDirectory;
        private String outputTopic;
        private String audienceTopic;
        private RecordFormat format = RecordFormat.jsonLines();
        private long snapshotEvery = 100_000;
        private Duration snapshotInterval = Duration.ofSeconds(30);
        private Duration pollTimeout = Duration.ofMillis(500);
        private Consumer<Rejected> onReject;
        private int applyThreads;
        private final Map<String, String> options = new HashMap<>();
        private final Map<String, Object> consumerProperties = new HashMap<>();
        private final Map<String, Object> producerProperties = new HashMap<>();

        private Builder(ProfileUpdater.Builder updaters) {
            this.updaters = Objects.requireNonNull(updaters, "updaters");
        }

        /** The brokers, as Kafka's {@code bootstrap.servers} (required). Example: {@code "localhost:9092"}. */
        public Builder bootstrapServers(String servers) {
            this.bootstrapServers = requireText(servers, "bootstrapServers");
            return this;
        }

        /** The topic of events, keyed by user (required); every partition of it is read. */
        public Builder topic(String topic) {
            this.topic = requireText(topic, "topic");
            return this;
        }

        /**
         * The snapshot directory (required): locked by this runner, restored from on start, written every
         * {@link #snapshotEvery} records or {@link #snapshotInterval}.
         */
        public Builder snapshotDirectory(Path dir) {
            this.snapshotDirectory = Objects.requireNonNull(dir, "snapshotDirectory");
            return this;
        }

        /** The consumer group to commit offsets to after each snapshot, for monitoring only. Default: none. */
        public Builder groupId(String group) {
            consumerProperties.put(ConsumerConfig.GROUP_ID_CONFIG, requireText(group, "groupId"));
            return this;
        }

        /** How each record's value holds an event. Default {@link RecordFormat#jsonLines()}. */
        public Builder format(RecordFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /** Records read between snapshots, at most (default 100,000); a snapshot is taken after a poll. */
        public Builder snapshotEvery(long records) {
            if (records < 1) {
                throw new IllegalArgumentException("snapshotEvery must be >= 1, was " + records);
            }
            this.snapshotEvery = records;
            return this;
        }

        /** Time between snapshots, at most, while records arrive (default 30 s). */
        public Builder snapshotInterval(Duration interval) {
            this.snapshotInterval = requirePositive(interval, "snapshotInterval");
            return this;
        }

        /** How long one poll waits for records (default 500 ms): the longest a {@link #stop} waits too. */
        public Builder pollTimeout(Duration timeout) {
            this.pollTimeout = requirePositive(timeout, "pollTimeout");
            return this;
        }

        /** Publish each changed profile to this topic, keyed by user (for log compaction). Default: none. */
        public Builder outputTopic(String topic) {
            this.outputTopic = requireText(topic, "outputTopic");
            return this;
        }

        /**
         * Publish every audience change to this topic, keyed by user (see the class comment); the updaters must
         * have audiences ({@link ProfileUpdater.Builder#audiences}). Default: none.
         */
        public Builder audienceTopic(String topic) {
            this.audienceTopic = requireText(topic, "audienceTopic");
            return this;
        }

        /**
         * A setting of the host that changes the state (for example which pseudonymisation key or TTL the updaters
         * are built with; give secrets as an id, never the secret): recorded in every snapshot, and a snapshot
         * written with another value, or without it, is refused on start ({@link SnapshotMismatchException}).
         * The schema, models and encryption key are checked by the snapshot itself.
         */
        public Builder snapshotOption(String name, String value) {
            options.put(requireText(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * How many threads apply records (and parse them when more than one: with one, the runner's thread
         * parses), each partition always on the same one (partition {@code i} of the sorted partitions on thread
         * {@code i mod n}); at most one per partition. Default: one per partition, at most one fewer than the
         * machine has processors, at least one: the runner's own thread (polling, parsing), the snapshot thread,
         * the consumer's network thread and the garbage collector need a processor too: on 2 loaded processors a
         * second apply thread cost 15-20% more CPU time per event and was slower (BENCHMARKS.md). Profiles and
         * counts do not depend on it: a user's events all come from one partition and are applied in its order;
         * rules across users (TTL, live models) see the partitions interleaved however many threads there are
         * (see the class comment).
         */
        public Builder applyThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("applyThreads must be >= 1, was " + threads);
            }
            this.applyThreads = threads;
            return this;
        }

        /** Called with each rejected record, on the runner's thread. Default: rejects are only counted. */
        public Builder onReject(Consumer<Rejected> handler) {
            this.onReject = handler;
            return this;
        }

        /**
         * A consumer setting ({@link ConsumerConfig}), such as security or fetch sizes. The runner keeps
         * {@code enable.auto.commit} off; it sets {@code isolation.level=read_committed} and
         * {@code max.poll.records=10000} unless given here.
         */
        public Builder consumerProperty(String key, Object value) {
            consumerProperties.put(requireText(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** A producer setting ({@link ProducerConfig}) for the output and audience topics. Default: acks=all, idempotent. */
        public Builder producerProperty(String key, Object value) {
            producerProperties.put(requireText(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Opens and locks the snapshot directory, restores the newest valid snapshot (damaged ones are set
         * aside), and seeks every partition to the snapshot's offset or to its beginning.
         *
         * @throws IllegalStateException if a required setting is missing or the topic does not exist
         * @throws SnapshotMismatchException if the newest valid snapshot is of another topic, record format,
         *                                   schema or models configuration (nothing in the directory is changed)
         * @throws SnapshotDirectory.InUseException if another runner holds the directory
         */
        public KafkaProfileRunner build() {
            if (bootstrapServers == null || topic == null || snapshotDirectory == null) {
                throw new IllegalStateException("bootstrapServers, topic and snapshotDirectory are required");
            }
            if (topic.equals(outputTopic) || topic.equals(audienceTopic)) {
                throw new IllegalStateException("outputTopic and audienceTopic must differ from the events' topic '"
                        + topic + "'");
            }
            if (audienceTopic != null && audienceTopic.equals(outputTopic)) {
                throw new IllegalStateException("audienceTopic must differ from outputTopic '" + outputTopic + "'");
            }
            return new KafkaProfileRunner(this);
        }

        private static Duration requirePositive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }

        private static String requireText(String s, String name) {
            if (s == null || s.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return s;
        }
    }
}
