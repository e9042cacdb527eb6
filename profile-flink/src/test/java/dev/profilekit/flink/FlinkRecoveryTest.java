package dev.profilekit.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery: a savepoint taken midway (the job then cancelled) and a job restarted from it end with the same profiles
 * and counts as an uninterrupted run, with the heap and the RocksDB state backends. The file source is gated: its
 * reader emits at most {@link #ALLOWED} records, so the savepoint is taken at a known point of the input. That the
 * savepoint was used, rather than the input read again, is checked by spoiling the part of the file read before it:
 * the restarted job must skip it, and a fresh job on the spoiled file must end differently.
 */
class FlinkRecoveryTest {

    /**
     * Small read batches (a file source reads up to {@code source.file.stream.io-fetch-size} bytes per batch, 1 MiB by
     * default, more than this test's file): each batch is handed downstream as soon as it is read, so the closed gate
     * holds back at most one batch, and the savepoint holds the records read before it but that batch.
     */
    @RegisterExtension
    static final MiniClusterExtension MINI = new MiniClusterExtension(
            new org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(smallBatches()).setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static Configuration smallBatches() {
        Configuration c = new Configuration();
        c.set(org.apache.flink.connector.file.src.reader.StreamFormat.FETCH_IO_SIZE,
                org.apache.flink.configuration.MemorySize.parse("4kb"));
        return c;
    }

    /** Records the gated readers may emit in total (shared: the MiniCluster runs in this JVM). */
    static final AtomicLong ALLOWED = new AtomicLong(Long.MAX_VALUE);
    /** Records the gated readers have emitted. */
    static final AtomicLong EMITTED = new AtomicLong();

    @TempDir
    Path dir;

    /** The final states the resumed run emits (the MiniCluster runs in this JVM). */
    static final java.util.Queue<FinalState> COLLECTED = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** A sink that puts every record into {@link #COLLECTED}. */
    static final class CollectingSink implements org.apache.flink.api.connector.sink2.Sink<FinalState> {
        private static final long serialVersionUID = 1L;

        @Override
        public org.apache.flink.api.connector.sink2.SinkWriter<FinalState> createWriter(
                org.apache.flink.api.connector.sink2.WriterInitContext context) {
            return new org.apache.flink.api.connector.sink2.SinkWriter<>() {
                @Override
                public void write(FinalState element, Context ctx) {
                    COLLECTED.add(element);
                }

                @Override
                public void flush(boolean endOfInput) {
                }

                @Override
                public void close() {
                }
            };
        }
    }

    /** {@link EventLineFormat} behind the gate. */
    static final class GatedFormat extends SimpleStreamFormat<Routed> {
        private static final long serialVersionUID = 1L;
        private final EventLineFormat inner;

        GatedFormat(EventLineFormat inner) {
            this.inner = inner;
        }

        @Override
        public StreamFormat.Reader<Routed> createReader(Configuration config, FSDataInputStream stream)
                throws IOException {
            StreamFormat.Reader<Routed> r = inner.createReader(config, stream);
            return new StreamFormat.Reader<>() {
                @Override
                public Routed read() throws IOException {
                    while (EMITTED.get() >= ALLOWED.get()) {
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new java.io.InterruptedIOException("gate closed");
                        }
                    }
                    Routed next = r.read();
                    if (next != null) {
                        EMITTED.incrementAndGet();
                    }
                    return next;
                }

                @Override
                public void close() throws IOException {
                    r.close();
                }
            };
        }

        @Override
        public TypeInformation<Routed> getProducedType() {
            return inner.getProducedType();
        }
    }

    static StreamExecutionEnvironment env(String backend, int parallelism) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        return env;
    }

    /** The final states of the gated pipeline, with the models' trainer when the spec has models. */
    private static DataStream<FinalState> pipeline(StreamExecutionEnvironment env, Path events, KernelSpec spec) {
        FileSource<Routed> source = FileSource.forRecordStreamFormat(
                new GatedFormat(new EventLineFormat(spec, Set.of())),
                new org.apache.flink.core.fs.Path(events.toUri())).build();
        DataStream<Routed> routed = env.fromSource(source, ProfilePipeline.watermarks(), "gated events")
                .uid(ProfilePipeline.SOURCE_UID).setParallelism(1);
        return ModelPipeline.attach(ProfilePipeline.profiles(routed, spec, false), spec).finals();
    }

    static String finish(DataStream<FinalState> states, KernelSpec spec) throws Exception {
        FinalProfiles finals = new FinalProfiles(spec, null, false);
        try (CloseableIterator<FinalState> it = states.executeAndCollect()) {
            finals.addAll(it);
        }
        StringWriter w = new StringWriter();
        finals.writeProfiles(w);
        return finals.summary() + "\n" + w;
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void savepointMidwayAndRestartEndAsAnUninterruptedRun(String backend,
            @org.apache.flink.test.junit5.InjectClusterClient org.apache.flink.client.program.ClusterClient<?> client)
            throws Exception {
        Path schema = FlinkTestSupport.resource("ecommerce/schema.json", dir);
        assertSavepointRestartEndsAsUninterrupted(KernelSpec.of(Files.readString(schema)), backend, 2, client);
    }

    /**
     * With live models at parallelism 1: the trainer's state (learner, pending examples, statistics, the segments'
     * centroids and refit window) and the operator's sampling state come back from the savepoint too, so the
     * resumed job ends with the uninterrupted run's scores, segments and summary (prequential metrics, versions).
     */
    @Test
    void withModelsTheTrainerResumesAsAnUninterruptedRun(
            @org.apache.flink.test.junit5.InjectClusterClient org.apache.flink.client.program.ClusterClient<?> client)
            throws Exception {
        Path schema = FlinkTestSupport.resource("live/schema.json", dir);
        KernelSpec spec = KernelSpec.of(Files.readString(schema))
                .withModels(Files.readString(FlinkTestSupport.resource("live/models.json", dir)));
        String end = assertSavepointRestartEndsAsUninterrupted(spec, "hashmap", 1, client);
        assertThat(end.lines().findFirst().orElseThrow()).contains("\"model_version\"").contains("\"prequential\"");
        assertThat(end).containsPattern("\"segment\":[0-9]"); // the segments' refit window and centroids too
    }

    /**
     * With every section (propensity, segments, forecast, recommend) and a TTL at parallelism 1: the trainer's
     * per-user model states (the forecast's daily counts, the recommender's recent items), the forecast's pooled
     * totals and versions, the recommender's co-occurrences and evaluation, and the users it counts come back from
     * the savepoint too, so the resumed job ends with the uninterrupted run's forecasts and recommendations.
     */
    @Test
    void withEverySectionAndATtlTheTrainerResumesAsAnUninterruptedRun(
            @org.apache.flink.test.junit5.InjectClusterClient org.apache.flink.client.program.ClusterClient<?> client)
            throws Exception {
        Path schema = FlinkTestSupport.resource("live/schema.json", dir);
        KernelSpec spec = KernelSpec.of(Files.readString(schema)).withTtl(java.time.Duration.ofDays(2))
                .withModels(Files.readString(FlinkTestSupport.resource("live/all.json", dir)));
        String end = assertSavepointRestartEndsAsUninterrupted(spec, "hashmap", 1, client);
        assertThat(end.lines().findFirst().orElseThrow()).contains("\"recommend\":{\"recall_at_k\":0.");
        assertThat(end).containsPattern("\"forecast\":\\{\"next_day\":[0-9]")
                .containsPattern("\"recommendations\":\\[\\[\"[^\"]+\",0\\.[0-9]*[1-9]");
    }

    /**
     * Replaces the first quarter of the file's {@code lines} lines (surely read before a savepoint taken halfway) by
     * empty objects padded to each line's length (a restored split checks the file's length): a run restored from
     * the savepoint skips them, a run from the start rejects them and ends otherwise.
     */
    static void spoilFirstQuarter(Path events, long lines) throws IOException {
        java.util.List<String> all = Files.readAllLines(events);
        for (int i = 0; i < lines / 4; i++) {
            all.set(i, "{}" + " ".repeat(all.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8).length - 2));
        }
        Files.write(events, all);
        assertThat(Files.lines(events).count()).isEqualTo(lines);
    }

    /** Runs the scenario of the class comment; returns the uninterrupted run's summary and profiles. */
    private String assertSavepointRestartEndsAsUninterrupted(KernelSpec spec, String backend, int parallelism,
            org.apache.flink.client.program.ClusterClient<?> client) throws Exception {
        Path events = FlinkTestSupport.simulated(dir, 100, 14, 11L);
        long lines = Files.lines(events).count();

        ALLOWED.set(Long.MAX_VALUE);
        EMITTED.set(0);
        String uninterrupted = finish(pipeline(env(backend, parallelism), events, spec), spec);

        // run 1: stops at the gate halfway, then stop-with-savepoint (no drain: no end-of-input watermark)
        EMITTED.set(0);
        ALLOWED.set(lines / 2);
        StreamExecutionEnvironment env1 = env(backend, parallelism);
        pipeline(env1, events, spec).sinkTo(new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>());
        JobClient job = env1.executeAsync("run 1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (EMITTED.get() < ALLOWED.get() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(EMITTED.get()).isEqualTo(lines / 2);
        String savepoint = null;
        Path savepoints = dir.resolve("savepoints");
        for (int attempt = 0; savepoint == null; attempt++) {
            try { // the first trigger can come before every task is running
                savepoint = job.triggerSavepoint(savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (attempt >= 20) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        // the gate was closed all along: the savepoint holds exactly the first half of the input
        assertThat(EMITTED.get()).isEqualTo(lines / 2);
        job.cancel().get(60, TimeUnit.SECONDS);
        ALLOWED.set(Long.MAX_VALUE); // the blocked reader thread can now see the cancellation
        try {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException cancelled) {
            // expected: the job was cancelled
        }

        // the first quarter of the file (read before the savepoint) is spoiled before run 2: a run that restored the
        // savepoint skips those lines (its reader goes on from its position) and ends as the uninterrupted run; a
        // run that started afresh would reject them and end with other profiles and counts
        spoilFirstQuarter(events, lines);

        // run 2: from the savepoint, the gate open; the restore settings go on the job graph submitted to the cluster
        ALLOWED.set(Long.MAX_VALUE);
        EMITTED.set(0);
        COLLECTED.clear();
        StreamExecutionEnvironment env2 = env(backend, parallelism);
        pipeline(env2, events, spec).sinkTo(new CollectingSink());
        org.apache.flink.runtime.jobgraph.JobGraph graph = env2.getStreamGraph().getJobGraph();
        graph.setSavepointRestoreSettings(
                org.apache.flink.runtime.jobgraph.SavepointRestoreSettings.forPath(savepoint, false));
        org.apache.flink.api.common.JobID id = client.submitJob(graph).get(60, TimeUnit.SECONDS);
        org.apache.flink.runtime.jobmaster.JobResult result = client.requestJobResult(id).get(120, TimeUnit.SECONDS);
        assertThat(result.getSerializedThrowable().map(t -> t.getFullStringifiedStackTrace()).orElse("")).isEmpty();
        FinalProfiles finals = new FinalProfiles(spec, null, false);
        finals.addAll(COLLECTED.iterator());
        StringWriter w = new StringWriter();
        finals.writeProfiles(w);
        String resumed = finals.summary() + "\n" + w;
        assertThat(resumed).isEqualTo(uninterrupted);
        // and the spoiled file read afresh gives something else: the check above can fail
        String fresh = finish(pipeline(env(backend, parallelism), events, spec), spec);
        assertThat(fresh).isNotEqualTo(uninterrupted);
        assertThat(uninterrupted.lines().count()).isGreaterThan(50);
        return uninterrupted;
    }
}
