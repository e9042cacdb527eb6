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
 *
 * <p>The job runs with audiences ({@code --audiences}, {@code --as-of} a time late in the stream) on a stream with
 * out-of-order and late events: its committed audience topic ({@code --audience-topic}), folded per user, is
 * {@code replay --audience-log}'s history on the same events (the timers fire from the partitions' watermarks, and
 * up to the as-of time at the end of the input), each user's last profile line carries its memberships, the
 * failed run's audience topic folds to the same history, and so does that of the job stopped with a savepoint and
 * resumed, which never reaches an end of input: there, as in a job that runs on from the start, the watermarks
 * alone fire the timers up to the as-of time.
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
    static Path eventsFile;
    static Path audiences;
    static int events;
    /** The as-of time of every run: the time of the event at 85% of the stream's times (events after it remain). */
    static long asOf;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        schema = FlinkTestSupport.resource("ecommerce/schema.json", dir);
        eventsFile = FlinkTestSupport.outOfOrder(dir, 120, 21, 5L);
        List<String> lines = Files.readAllLines(eventsFile);
        events = lines.size();
        long[] times = lines.stream().mapToLong(FlinkKafkaExactlyOnceTest::time).filter(t -> t != Long.MIN_VALUE)
                .sorted().toArray();
        asOf = times[times.length * 85 / 100];
        audiences = dir.resolve("audiences.json");
        Files.writeString(audiences, FlinkAudiencesTest.AUDIENCES);
        FlinkTestSupport.produceByUser(kafka, "events", 4, lines);
    }

    /** An event line's time, or {@code Long.MIN_VALUE} for a line that is no event. */
    private static long time(String line) {
        try {
            return dev.profilekit.core.io.EventJson.parse(line).timestamp();
        } catch (dev.profilekit.core.spi.InvalidEventException notAnEvent) {
            return Long.MIN_VALUE;
        }
    }

    /** The job's kernel configuration, as its command line builds it. */
    private static KernelSpec spec() throws Exception {
        return KernelSpec.of(Files.readString(schema)).withNow(Long.parseLong(NOW)).withApplyUpTo(asOf)
                .withAudiences(FlinkAudiencesTest.AUDIENCES);
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    static Map<String, List<String>> clean;
    static String cleanSummary;
    static long accepted;

    /**
     * The uninterrupted run, through the job's command line, to the topics {@code clean} and {@code clean-audiences}
     * (once for all tests).
     */
    private static synchronized Map<String, List<String>> clean() throws Exception {
        if (clean == null) {
            kafka.createTopic("clean", 3, false);
            kafka.createTopic("clean-audiences", 3, false);
            String summary = FlinkTestSupport.runJob("--schema", schema.toString(), "--bootstrap-servers",
                    kafka.bootstrapServers(), "--topic", "events", "--output-topic", "clean", "--group", "clean",
                    "--until-end", "--parallelism", "2", "--checkpoint-interval", "PT0.2S", "--now", NOW,
                    "--as-of", Long.toString(asOf), "--audiences", audiences.toString(),
                    "--audience-topic", "clean-audiences");
            cleanSummary = summary;
            clean = byUser(kafka.readAll("clean"));
            accepted = Long.parseLong(summary.replaceAll(".*\"accepted\":(\\d+).*", "$1"));
            assertThat(accepted).isGreaterThan(events / 2L);
            assertThat(clean.values().stream().mapToLong(List::size).sum()).isEqualTo(accepted);
        }
        return clean;
    }

    static String replaySummary;
    static List<String> replayChanges;

    /** {@code replay --audience-log} on the same events with the same as-of time: its changes (once for all tests). */
    private static synchronized List<String> replay() throws Exception {
        if (replayChanges == null) {
            Path log = dir.resolve("replay-changes.jsonl");
            replaySummary = dev.profilekit.cli.ReplayRunner.run("replay", "--schema", schema.toString(),
                    "--events", eventsFile.toString(), "--out", dir.resolve("replay.jsonl").toString(), "--now", NOW,
                    "--as-of", Long.toString(asOf), "--audiences", audiences.toString(), "--audience-log",
                    log.toString()).strip();
            replayChanges = Files.readAllLines(log);
        }
        return replayChanges;
    }

    @Test
    void theCommittedAudienceTopicFoldsToReplaysHistoryAndEachUsersLastProfileCarriesItsAudiences()
            throws Exception {
        Map<String, List<String>> clean = clean();
        List<String> replayChanges = replay();
        // the stream exercises what matters: late events that revise history, time-driven changes, late rejections
        assertThat(replayChanges).anyMatch(l -> l.contains("\"change\":\"revise\""));
        assertThat(replayChanges).anyMatch(l -> l.contains("\"audience\":\"lapsed_buyers\",\"change\":\"enter\""));
        assertThat(replayChanges).anyMatch(l -> l.contains("\"audience\":\"browsing_now\",\"change\":\"exit\""));
        assertThat(replaySummary).contains("\"late\":").doesNotContain("\"late\":0,");
        assertThat(cleanSummary).as("the job's summary (counts, audience sizes as of the as-of time)")
                .isEqualTo(replaySummary);

        List<Map.Entry<String, String>> committed = kafka.readAll("clean-audiences");
        assertThat(committed).allSatisfy(r -> assertThat(r.getValue()).startsWith("{\"user\":\"" + r.getKey()
                + "\",\"audience\":"));
        Map<String, Map<String, List<String>>> history = FlinkAudiencesTest.fold(replayChanges);
        assertThat(FlinkAudiencesTest.fold(committed.stream().map(Map.Entry::getValue).toList()))
                .as("the audience topic folded per user").isEqualTo(history);

        // each user's last profile line holds all its accepted events: its audiences are the history's at its time
        for (Map.Entry<String, List<String>> user : clean.entrySet()) {
            String last = user.getValue().get(user.getValue().size() - 1);
            long at = Long.parseLong(last.replaceAll(".*\"as_of\":(-?\\d+).*", "$1"));
            List<String> expected = new ArrayList<>();
            history.getOrDefault(user.getKey(), Map.of()).forEach((audience, intervals) -> {
                if (intervals.stream().anyMatch(iv -> contains(iv, at))) {
                    expected.add(audience);
                }
            });
            assertThat(last).as("user %s's last profile line", user.getKey())
                    .endsWith(dev.profilekit.core.io.ProfileExtras.with("{}",
                            dev.profilekit.core.io.ProfileExtras.audiences(expected)).substring(1));
        }
    }

    /** Whether a folded interval {@code [start,end)} (end {@code open} while it lasts) contains {@code t}. */
    private static boolean contains(String interval, long t) {
        String[] ends = interval.substring(1, interval.length() - 1).split(",");
        return Long.parseLong(ends[0]) <= t && (ends[1].equals("open") || t < Long.parseLong(ends[1]));
    }

    @Test
    void failuresAtFiveSeededPointsCommitWhatAnUninterruptedRunCommits() throws Exception {
        Map<String, List<String>> clean = clean();
        kafka.createTopic("killed", 3, false);
        kafka.createTopic("killed-audiences", 3, false);

        // the same job from the same pieces with a kill switch after the source, killed 5 times
        Random random = new Random(SEED);
        long[] gaps = new long[KILLS];
        for (int i = 0; i < KILLS; i++) { // each kill after 1/20 to 1/8 of the input, counted since the last restart
            gaps[i] = events / 20 + random.nextInt(events / 8 - events / 20);
        }
        KillSwitch.arm(gaps);
        KernelSpec spec = spec();
        KafkaOptions io = new KafkaOptions(kafka.bootstrapServers(), "events", "killed", null, "killed",
                "profilekit-killed", true, Map.of());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(killable());
        env.setParallelism(2);
        DataStream<Routed> routed = ProfilePipeline.kafkaSource(env, io, spec, Set.of())
                .map(new KillSwitch(), RoutedSerializer.TYPE).uid("kill-switch");
        var profiles = ProfilePipeline.profiles(routed, spec, true);
        ProfilePipeline.kafkaSink(profiles, io);
        ProfilePipeline.audienceSink(profiles.getSideOutput(ProfileFunction.AUDIENCES), io, "killed-audiences");
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

        // the audience changes: when a timer fires depends on the watermarks (so each user's sequence of changes
        // can differ between runs), what they fold to does not, and no change is lost or delivered twice (folding
        // checks that an enter finds the user out and an exit finds it in)
        List<String> cleanChanges = values(kafka.readAll("clean-audiences"));
        List<String> killedChanges = values(kafka.readAll("killed-audiences"));
        assertThat(FlinkAudiencesTest.fold(killedChanges)).as("the failed run's audience topic folded per user")
                .isEqualTo(FlinkAudiencesTest.fold(cleanChanges));
        assertThat(countUncommitted("killed-audiences")).isGreaterThan(killedChanges.size());
    }

    private static List<String> values(List<Map.Entry<String, String>> records) {
        return records.stream().map(Map.Entry::getValue).toList();
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
        kafka.createTopic("resumed-audiences", 3, false);
        produce("halves", input.subList(0, half));
        String[] job = {"--schema", schema.toString(), "--bootstrap-servers", kafka.bootstrapServers(),
            "--topic", "halves", "--output-topic", "resumed", "--group", "halves", "--parallelism", "2",
            "--checkpoint-interval", "PT0.2S", "--now", NOW, "--as-of", Long.toString(asOf),
            "--audiences", audiences.toString(), "--audience-topic", "resumed-audiences"};
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
        // no end of input: the resumed job's watermarks fire the timers up to the as-of time
        Map<String, Map<String, List<String>>> history = FlinkAudiencesTest.fold(replay());
        while (!FlinkAudiencesTest.fold(values(kafka.readAll("resumed-audiences"))).equals(history)
                && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        stop(client, running(client));
        second.join(60_000);

        Map<String, List<String>> resumed = byUser(kafka.readAll("resumed"));
        assertThat(resumed.keySet()).isEqualTo(clean.keySet());
        for (String user : clean.keySet()) {
            assertThat(resumed.get(user)).as("user %s's profiles, in order", user).isEqualTo(clean.get(user));
        }
        assertThat(FlinkAudiencesTest.fold(values(kafka.readAll("resumed-audiences"))))
                .as("the resumed job's audience topic folded per user").isEqualTo(history);
    }

    @Test
    void withoutAnEndOfInputTheWatermarksFireTheTimersUpToTheAsOfTime(
            @org.apache.flink.test.junit5.InjectClusterClient org.apache.flink.client.program.ClusterClient<?> client)
            throws Exception {
        // the as-of time lies before every partition's largest event time, so the watermark (the smallest of the
        // partitions' largest times) passes it while the job runs
        long watermark = Long.MAX_VALUE;
        for (List<String> partition : kafka.valuesByPartition("events").values()) {
            watermark = Math.min(watermark, partition.stream().mapToLong(FlinkKafkaExactlyOnceTest::time).max()
                    .orElseThrow());
        }
        assertThat(asOf).as("the as-of time lies before the smallest of the partitions' largest times")
                .isLessThan(watermark);
        kafka.createTopic("unbounded", 3, false);
        kafka.createTopic("unbounded-audiences", 3, false);
        Thread job = runInBackground(new String[] {"--schema", schema.toString(), "--bootstrap-servers",
            kafka.bootstrapServers(), "--topic", "events", "--output-topic", "unbounded", "--group", "unbounded",
            "--parallelism", "2", "--checkpoint-interval", "PT0.2S", "--now", NOW, "--as-of", Long.toString(asOf),
            "--audiences", audiences.toString(), "--audience-topic", "unbounded-audiences"});
        Map<String, Map<String, List<String>>> history = FlinkAudiencesTest.fold(replay());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!FlinkAudiencesTest.fold(values(kafka.readAll("unbounded-audiences"))).equals(history)
                && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        client.cancel(running(client)).get(60, TimeUnit.SECONDS);
        job.join(60_000);
        assertThat(FlinkAudiencesTest.fold(values(kafka.readAll("unbounded-audiences"))))
                .as("the audience topic of a job that runs on, folded per user").isEqualTo(history);
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
