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
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery: a job stopped with a savepoint midway and restarted from it ends with the same profiles and counts as
 * an uninterrupted run, with the heap and the RocksDB state backends. The file source is gated: its reader emits
 * at most {@link #ALLOWED} records, so the savepoint is taken at a known point of the input.
 */
class FlinkRecoveryTest {

    @RegisterExtension
    static final MiniClusterExtension MINI = FlinkTestSupport.miniCluster();

    /** Records the gated readers may emit in total (shared: the MiniCluster runs in this JVM). */
    static final AtomicLong ALLOWED = new AtomicLong(Long.MAX_VALUE);
    /** Records the gated readers have emitted. */
    static final AtomicLong EMITTED = new AtomicLong();

    @TempDir
    Path dir;

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

    private static StreamExecutionEnvironment env(String backend, String savepoint) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        return env;
    }

    private static SingleOutputStreamOperator<String> pipeline(StreamExecutionEnvironment env, Path events,
                                                               KernelSpec spec) {
        FileSource<Routed> source = FileSource.forRecordStreamFormat(
                new GatedFormat(new EventLineFormat(spec, Set.of())),
                new org.apache.flink.core.fs.Path(events.toUri())).build();
        DataStream<Routed> routed = env.fromSource(source, ProfilePipeline.watermarks(), "gated events")
                .uid(ProfilePipeline.SOURCE_UID).setParallelism(1);
        return ProfilePipeline.profiles(routed, spec, false);
    }

    private static String finish(SingleOutputStreamOperator<String> profiles, KernelSpec spec) throws Exception {
        FinalProfiles finals = new FinalProfiles(spec, null, false);
        try (CloseableIterator<FinalState> it = profiles.getSideOutput(ProfileFunction.FINAL).executeAndCollect()) {
            finals.addAll(it);
        }
        StringWriter w = new StringWriter();
        finals.writeProfiles(w);
        return finals.summary() + "\n" + w;
    }

    private static boolean savepointWritten(Path savepoints) throws IOException {
        if (!Files.isDirectory(savepoints)) {
            return false;
        }
        try (var files = Files.walk(savepoints)) {
            return files.anyMatch(f -> f.getFileName().toString().equals("_metadata"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void stopWithSavepointAndRestartEndsAsAnUninterruptedRun(String backend) throws Exception {
        Path schema = FlinkTestSupport.resource("ecommerce/schema.json", dir);
        Path events = FlinkTestSupport.simulated(dir, 100, 14, 11L);
        KernelSpec spec = KernelSpec.of(Files.readString(schema));
        long lines = Files.lines(events).count();

        ALLOWED.set(Long.MAX_VALUE);
        EMITTED.set(0);
        String uninterrupted = finish(pipeline(env(backend, null), events, spec), spec);

        // run 1: stops at the gate halfway, then stop-with-savepoint (no drain: no end-of-input watermark)
        EMITTED.set(0);
        ALLOWED.set(lines / 2);
        StreamExecutionEnvironment env1 = env(backend, null);
        pipeline(env1, events, spec).getSideOutput(ProfileFunction.FINAL).sinkTo(new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>());
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
                var stopped = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL);
                // once the savepoint is written it cannot change: open the gate so that the blocked reader thread
                // can see the shutdown (else the source waits for it until a timeout)
                while (!stopped.isDone() && !savepointWritten(savepoints)) {
                    Thread.sleep(10);
                }
                ALLOWED.set(Long.MAX_VALUE);
                savepoint = stopped.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (attempt >= 20) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        job.getJobExecutionResult().get(60, TimeUnit.SECONDS);

        // run 2: from the savepoint, the gate open
        ALLOWED.set(Long.MAX_VALUE);
        String resumed = finish(pipeline(env(backend, savepoint), events, spec), spec);
        assertThat(resumed).isEqualTo(uninterrupted);
        assertThat(uninterrupted.lines().count()).isGreaterThan(50);
    }
}
