package dev.profilekit.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.engine.Outcome;
import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.engine.KernelState;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Savepoints of the earlier keyed state layout (each user's engine state in a state {@code "profile"} and its counts
 * in a state {@code "counts"}, as {@link ProfileFunction} wrote them before both went into one {@link UserState})
 * are still read: a job restored from one ends with the profiles and counts of an uninterrupted run, the users seen
 * only before the savepoint included (their state is read from the old layout when their end-of-input timer fires).
 */
class StateLayoutTest {

    @RegisterExtension
    static final MiniClusterExtension MINI = new MiniClusterExtension(
            new org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(FlinkRecoveryTest.smallBatches()).setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;

    /** The operator as it kept its keyed state before: two states per key (what a savepoint of then holds). */
    static final class TwoStateFunction extends KeyedProcessFunction<String, Routed, String> {
        private static final long serialVersionUID = 1L;
        private final KernelSpec spec;
        private transient ProfileKernel kernel;
        private transient ValueState<KernelState> profile;
        private transient ValueState<long[]> counts;

        TwoStateFunction(KernelSpec spec) {
            this.spec = spec;
        }

        @Override
        public void open(OpenContext context) {
            kernel = spec.kernel();
            profile = getRuntimeContext().getState(new ValueStateDescriptor<>("profile",
                    new ProfileStateSerializer(spec.schemaJson(), spec.audiencesJson())));
            counts = getRuntimeContext().getState(
                    new ValueStateDescriptor<>("counts", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        }

        @Override
        public void processElement(Routed r, Context ctx, Collector<String> out) throws Exception {
            long[] c = counts.value();
            if (c == null) {
                c = new long[5];
                ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
            }
            switch (r.kind()) {
                case REJECTED -> c[UserState.REJECTED]++;
                case FORGOTTEN -> c[UserState.FORGOTTEN]++;
                case FORGET -> profile.clear();
                case EVENT -> {
                    KernelState s = profile.value();
                    s = s != null ? s : kernel.newState(ctx.getCurrentKey());
                    Outcome o = kernel.apply(s, r.event());
                    if (o == Outcome.ACCEPTED) {
                        c[UserState.ACCEPTED]++;
                        profile.update(s);
                    } else {
                        c[o == Outcome.DUPLICATE ? UserState.DUPLICATE : UserState.LATE]++;
                    }
                }
                default -> throw new IllegalStateException("unknown record kind " + r.kind());
            }
            counts.update(c);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aSavepointOfTheTwoStateLayoutIsRestoredAndEndsAsAnUninterruptedRun(String backend,
            @InjectClusterClient ClusterClient<?> client) throws Exception {
        KernelSpec spec = KernelSpec.of(Files.readString(FlinkTestSupport.resource("ecommerce/schema.json", dir)));
        Path events = FlinkTestSupport.simulated(dir, 100, 14, 12L);
        long lines = Files.lines(events).count();
        FlinkRecoveryTest.ALLOWED.set(Long.MAX_VALUE);
        FlinkRecoveryTest.EMITTED.set(0);
        String uninterrupted = FlinkRecoveryTest.finish(pipeline(FlinkRecoveryTest.env(backend, 2), events, spec,
                false), spec);

        // run 1, with the two-state operator: stopped at the gate halfway, savepoint, cancelled
        FlinkRecoveryTest.EMITTED.set(0);
        FlinkRecoveryTest.ALLOWED.set(lines / 2);
        StreamExecutionEnvironment env1 = FlinkRecoveryTest.env(backend, 2);
        pipeline(env1, events, spec, true).sinkTo(new DiscardingSink<>());
        JobClient job = env1.executeAsync("two-state layout");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (FlinkRecoveryTest.EMITTED.get() < lines / 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(FlinkRecoveryTest.EMITTED.get()).isEqualTo(lines / 2);
        String savepoint = null;
        for (int attempt = 0; savepoint == null; attempt++) {
            try { // the first trigger can come before every task is running
                savepoint = job.triggerSavepoint(dir.resolve("savepoints").toUri().toString(),
                        SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (attempt >= 20) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        job.cancel().get(60, TimeUnit.SECONDS);
        FlinkRecoveryTest.ALLOWED.set(Long.MAX_VALUE);
        try {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException cancelled) {
            // expected: the job was cancelled
        }

        // run 2, today's operator from that savepoint, on a file whose first quarter is spoiled: only a run that
        // restored the savepoint (and read the users' states from the old layout) skips it and ends as the first
        FlinkRecoveryTest.spoilFirstQuarter(events, lines);
        FlinkRecoveryTest.EMITTED.set(0);
        FlinkRecoveryTest.COLLECTED.clear();
        StreamExecutionEnvironment env2 = FlinkRecoveryTest.env(backend, 2);
        pipeline(env2, events, spec, false).sinkTo(new FlinkRecoveryTest.CollectingSink());
        JobGraph graph = env2.getStreamGraph().getJobGraph();
        graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        org.apache.flink.api.common.JobID id = client.submitJob(graph).get(60, TimeUnit.SECONDS);
        org.apache.flink.runtime.jobmaster.JobResult result = client.requestJobResult(id).get(120, TimeUnit.SECONDS);
        assertThat(result.getSerializedThrowable().map(t -> t.getFullStringifiedStackTrace()).orElse("")).isEmpty();
        FinalProfiles finals = new FinalProfiles(spec, null, false);
        finals.addAll(FlinkRecoveryTest.COLLECTED.iterator());
        StringWriter w = new StringWriter();
        finals.writeProfiles(w);
        assertThat(finals.summary() + "\n" + w).isEqualTo(uninterrupted);
        assertThat(uninterrupted.lines().count()).isGreaterThan(50);
        // the spoiled file read afresh ends otherwise: the check above can fail
        assertThat(FlinkRecoveryTest.finish(pipeline(FlinkRecoveryTest.env(backend, 2), events, spec, false), spec))
                .isNotEqualTo(uninterrupted);
    }

    /** The gated file source keyed into today's operator, or into the two-state one; the same uids either way. */
    private static DataStream<FinalState> pipeline(StreamExecutionEnvironment env, Path events, KernelSpec spec,
                                                   boolean twoStates) {
        FileSource<Routed> source = FileSource.forRecordStreamFormat(
                new FlinkRecoveryTest.GatedFormat(new EventLineFormat(spec, Set.of())),
                new org.apache.flink.core.fs.Path(events.toUri())).build();
        DataStream<Routed> routed = env.fromSource(source, ProfilePipeline.watermarks(), "gated events")
                .uid(ProfilePipeline.SOURCE_UID).setParallelism(1);
        if (!twoStates) {
            return ProfilePipeline.profiles(routed, spec, false).getSideOutput(ProfileFunction.FINAL);
        }
        return routed.keyBy(Routed::key, Types.STRING).process(new TwoStateFunction(spec), Types.STRING)
                .uid(ProfilePipeline.OPERATOR_UID).getSideOutput(ProfileFunction.FINAL);
    }
}
