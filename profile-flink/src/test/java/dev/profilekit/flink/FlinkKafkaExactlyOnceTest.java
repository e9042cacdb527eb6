package dev.profilekit.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.kafka.testkit.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flink job from a Kafka topic to a Kafka topic, exactly once, on an in-process KRaft broker
 * ({@link EmbeddedKafka}) and a MiniCluster at parallelism 2: a run that fails at 5 seeded points (each time just
 * after a checkpoint completed, so the restore from that checkpoint replays input whose output went out in the
 * failed attempt's open transaction) leaves the same committed output topic, user by user and in order, as an
 * uninterrupted run of the job's own command line. That the failures hit open transactions is checked too: the
 * failed run's topic holds aborted records that a {@code read_committed} reader skips.
 */
@Tag("slow")
class FlinkKafkaExactlyOnceTest {

    @RegisterExtension
    static final MiniClusterExtension MINI = FlinkTestSupport.miniCluster();

    /** The seed of the kill points ({@code -Dprofilekit.flinkKillSeed=N} to try others). */
    private static final long SEED = Long.getLong("profilekit.flinkKillSeed", 24L);
    private static final int KILLS = 5;
    /** The fixed clock events are checked against (the simulator's stream lies before it). */
    private static final String NOW = "4102444800000";

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static Path schema;
    static int events;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        schema = FlinkTestSupport.resource("ecommerce/schema.json", dir);
        List<String> lines = Files.readAllLines(FlinkTestSupport.simulated(dir, 120, 21, 5L));
        events = lines.size();
        FlinkTestSupport.produceByUser(kafka, "events", 4, lines);
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    static Map<String, List<String>> clean;
    static long accepted;

    /** The uninterrupted run, through the job's command line, to the topic {@code clean} (once for all tests). */
    private static synchronized Map<String, List<String>> clean() throws Exception {
        if (clean == null) {
            kafka.createTopic("clean", 3, false);
            String summary = FlinkTestSupport.runJob("--schema", schema.toString(), "--bootstrap-servers",
                    kafka.bootstrapServers(), "--topic", "events", "--output-topic", "clean", "--group", "clean",
                    "--until-end", "--parallelism", "2", "--checkpoint-interval", "PT0.2S", "--now", NOW);
            clean = byUser(kafka.readAll("clean"));
            accepted = Long.parseLong(summary.replaceAll(".*\"accepted\":(\\d+).*", "$1"));
            assertThat(accepted).isGreaterThan(events / 2L);
            assertThat(clean.values().stream().mapToLong(List::size).sum()).isEqualTo(accepted);
        }
        return clean;
    }

    @Test
    void failuresAtFiveSeededPointsCommitWhatAnUninterruptedRunCommits() throws Exception {
        Map<String, List<String>> clean = clean();
        kafka.createTopic("killed", 3, false);

        // the same job from the same pieces with a kill switch after the source, killed 5 times
        Random random = new Random(SEED);
        long[] gaps = new long[KILLS];
        for (int i = 0; i < KILLS; i++) { // each kill after 1/20 to 1/8 of the input, counted since the last restart
            gaps[i] = events / 20 + random.nextInt(events / 8 - events / 20);
        }
        KillSwitch.arm(gaps);
        KernelSpec spec = KernelSpec.of(Files.readString(schema)).withNow(Long.parseLong(NOW));
        KafkaOptions io = new KafkaOptions(kafka.bootstrapServers(), "events", "killed", null, "killed",
                "profilekit-killed", true, Map.of());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(killable());
        env.setParallelism(2);
        DataStream<Routed> routed = ProfilePipeline.kafkaSource(env, io, spec, Set.of())
                .map(new KillSwitch(), RoutedSerializer.TYPE).uid("kill-switch");
        ProfilePipeline.kafkaSink(ProfilePipeline.profiles(routed, spec, true), io);
        env.execute("killed 5 times");

        assertThat(KillSwitch.KILLED.get()).as("kills done (gaps %s)", java.util.Arrays.toString(gaps))
                .isEqualTo(KILLS);
        Map<String, List<String>> killed = byUser(kafka.readAll("killed"));
        assertThat(killed.keySet()).isEqualTo(clean.keySet());
        for (String user : clean.keySet()) {
            assertThat(killed.get(user)).as("user %s's profiles, in order", user).isEqualTo(clean.get(user));
        }
        // the failed attempts had written records in open transactions: aborted, skipped by read_committed
        assertThat(countUncommitted("killed")).isGreaterThan(accepted);
        assertThat(countUncommitted("clean")).isEqualTo(accepted);
    }

    @Test
    void aJobStoppedWithASavepointAndRestartedFromItCommitsWhatAnUninterruptedRunCommits(
            @org.apache.flink.test.junit5.InjectClusterClient org.apache.flink.client.program.ClusterClient<?> client)
            throws Exception {
        Map<String, List<String>> clean = clean();
        // the input in two halves: the first before the stop, the second after it
        List<Map.Entry<String, String>> input = kafka.readAll("events");
        int half = input.size() / 2;
        kafka.createTopic("halves", 4, false);
        kafka.createTopic("resumed", 3, false);
        produce("halves", input.subList(0, half));
        String[] job = {"--schema", schema.toString(), "--bootstrap-servers", kafka.bootstrapServers(),
            "--topic", "halves", "--output-topic", "resumed", "--group", "halves", "--parallelism", "2",
            "--checkpoint-interval", "PT0.2S", "--now", NOW};
        Thread first = runInBackground(job);
        // stopped as soon as it has written something (read_uncommitted): somewhere in the first half
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (countUncommitted("resumed") == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        String savepoint = stop(client, running(client));
        first.join(60_000);

        produce("halves", input.subList(half, input.size()));
        List<String> resume = new ArrayList<>(List.of(job));
        resume.addAll(List.of("--from-savepoint", savepoint));
        Thread second = runInBackground(resume.toArray(new String[0]));
        while (kafka.readAll("resumed").size() < accepted && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        stop(client, running(client));
        second.join(60_000);

        Map<String, List<String>> resumed = byUser(kafka.readAll("resumed"));
        assertThat(resumed.keySet()).isEqualTo(clean.keySet());
        for (String user : clean.keySet()) {
            assertThat(resumed.get(user)).as("user %s's profiles, in order", user).isEqualTo(clean.get(user));
        }
    }

    private static String stop(org.apache.flink.client.program.ClusterClient<?> client,
                               org.apache.flink.api.common.JobID id) throws Exception {
        return client.stopWithSavepoint(id, false, dir.resolve("savepoints").toUri().toString(),
                org.apache.flink.core.execution.SavepointFormatType.CANONICAL).get(120, TimeUnit.SECONDS);
    }

    private static void produce(String topic, List<Map.Entry<String, String>> records) throws Exception {
        kafka.produce(topic, records.stream().map(Map.Entry::getKey).toList(),
                records.stream().map(Map.Entry::getValue).toList());
    }

    /** The job's command line on a thread of its own (an unbounded job runs until cancelled or stopped). */
    private static Thread runInBackground(String[] args) {
        Thread t = new Thread(() -> ProfileFlinkJob.run(args, System.out, System.err), "job");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The id of the running job. */
    private static org.apache.flink.api.common.JobID running(org.apache.flink.client.program.ClusterClient<?> client)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (var j : client.listJobs().get(30, TimeUnit.SECONDS)) {
                if (j.getJobState() == org.apache.flink.api.common.JobStatus.RUNNING) {
                    return j.getJobId();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no job is running");
    }

    /** Cancels what a failed test left running, so that the next test has the slots. */
    @org.junit.jupiter.api.AfterEach
    void cancelLeftovers(@org.apache.flink.test.junit5.InjectClusterClient
                         org.apache.flink.client.program.ClusterClient<?> client) throws Exception {
        for (var j : client.listJobs().get(30, TimeUnit.SECONDS)) {
            if (!j.getJobState().isGloballyTerminalState()) {
                client.cancel(j.getJobId()).get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static Configuration killable() {
        Configuration c = new Configuration();
        c.set(PipelineOptions.GENERIC_TYPES, false);
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(200));
        c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, KILLS + 1);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        return c;
    }

    /** Each user's values in topic order (a user's records are on one partition, so in the order they were written). */
    private static Map<String, List<String>> byUser(List<Map.Entry<String, String>> records) {
        Map<String, List<String>> out = new TreeMap<>();
        for (Map.Entry<String, String> r : records) {
            out.computeIfAbsent(r.getKey(), k -> new ArrayList<>()).add(r.getValue());
        }
        return out;
    }

    /** The records of {@code topic} a {@code read_uncommitted} reader sees (aborted ones included). */
    private static long countUncommitted(String topic) {
        return kafka.readAll(topic, false).size();
    }

    /**
     * Fails the job at seeded points: after {@code gaps[k]} records since the last (re)start, it slows to one record
     * a millisecond, waits for the next completed checkpoint, and throws on the record after it (state shared
     * through statics: the MiniCluster runs in this JVM).
     */
    static final class KillSwitch implements MapFunction<Routed, Routed>, CheckpointListener {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger KILLED = new AtomicInteger();
        static final AtomicLong SINCE_RESTART = new AtomicLong();
        static final AtomicBoolean FIRE = new AtomicBoolean();
        static volatile long[] gaps = new long[0];

        static void arm(long[] g) {
            gaps = g.clone();
            KILLED.set(0);
            SINCE_RESTART.set(0);
            FIRE.set(false);
        }

        private static boolean due() {
            int k = KILLED.get();
            return k < gaps.length && SINCE_RESTART.get() >= gaps[k];
        }

        @Override
        public Routed map(Routed r) throws Exception {
            if (FIRE.compareAndSet(true, false)) {
                KILLED.incrementAndGet();
                SINCE_RESTART.set(0);
                throw new IllegalStateException("kill point " + KILLED.get());
            }
            SINCE_RESTART.incrementAndGet();
            if (due()) {
                Thread.sleep(1); // the input must not run out before a checkpoint completes
            }
            return r;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (due()) {
                FIRE.set(true);
            }
        }
    }
}
