package dev.profilekit.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.io.EventJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file source shares a file out by user among its readers ({@link UserShareFormat}): at parallelism 2 both
 * readers work, every line is read once, each user's events come from one reader in file order, and a reader
 * restored at its checkpointed position goes on exactly where it was.
 */
class FileSharesTest {

    @RegisterExtension
    static final MiniClusterExtension MINI = FlinkTestSupport.miniCluster();

    @TempDir
    Path dir;

    /** (subtask, event id, user) of every event the source emitted (the MiniCluster runs in this JVM). */
    static final Collection<String[]> SEEN = new ConcurrentLinkedQueue<>();

    /** Notes each record with the index of the source reader that emitted it (chained to the source). */
    static final class Note extends RichMapFunction<Routed, Routed> {
        private static final long serialVersionUID = 1L;
        private transient int subtask;

        @Override
        public void open(OpenContext context) {
            subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        }

        @Override
        public Routed map(Routed r) {
            if (r.event() != null) {
                SEEN.add(new String[] {Integer.toString(subtask), r.event().id(), r.key()});
            }
            return r;
        }
    }

    @Test
    void bothReadersWorkAndEachUsersEventsComeFromOneReaderInFileOrder() throws Exception {
        Path events = FlinkTestSupport.simulated(dir, 100, 14, 3L);
        List<String> lines = Files.readAllLines(events);
        KernelSpec spec = KernelSpec.of(Files.readString(FlinkTestSupport.resource("ecommerce/schema.json", dir)))
                .withNow(4102444800000L);
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        SEEN.clear();
        ProfilePipeline.fileSource(env, events, spec, Set.of()).map(new Note(), RoutedSerializer.TYPE)
                .sinkTo(new DiscardingSink<>());
        env.execute("shares");

        Map<String, List<String>> fileOrder = new HashMap<>(); // user -> event ids in file order
        for (String line : lines) {
            var e = EventJson.parse(line);
            fileOrder.computeIfAbsent(e.user(), u -> new ArrayList<>()).add(e.id());
        }
        Map<String, List<String>> seen = new HashMap<>();
        Map<String, String> readerOf = new HashMap<>();
        Map<String, Integer> perReader = new HashMap<>();
        for (String[] s : SEEN) {
            seen.computeIfAbsent(s[2], u -> new ArrayList<>()).add(s[1]);
            assertThat(readerOf.computeIfAbsent(s[2], u -> s[0])).as("reader of user %s", s[2]).isEqualTo(s[0]);
            perReader.merge(s[0], 1, Integer::sum);
        }
        assertThat(perReader).containsOnlyKeys("0", "1");
        assertThat(perReader.values()).allSatisfy(n -> assertThat(n).isGreaterThan(lines.size() / 5));
        assertThat(seen).isEqualTo(fileOrder);
    }

    @Test
    void aRestoredReaderGoesOnFromItsPosition() throws Exception {
        Path events = FlinkTestSupport.simulated(dir, 100, 14, 3L);
        KernelSpec spec = KernelSpec.of(Files.readString(FlinkTestSupport.resource("ecommerce/schema.json", dir)))
                .withNow(4102444800000L);
        UserShareFormat format = new UserShareFormat(spec, Set.of());
        FileSourceSplit split = new ArrayList<>(new UserShareFormat.Shares().enumerateSplits(
                new org.apache.flink.core.fs.Path[] {new org.apache.flink.core.fs.Path(events.toUri())}, 2)).get(1);
        List<String> all = ids(format.createReader(new Configuration(), split), Integer.MAX_VALUE, null);
        assertThat(all).hasSizeGreaterThan(2_000); // more than one batch

        long[] position = new long[2];
        List<String> first = ids(format.createReader(new Configuration(), split), 1_500, position);
        FileSourceSplit restored = split.updateWithCheckpointedPosition(
                new CheckpointedPosition(position[0], position[1]));
        List<String> rest = ids(format.restoreReader(new Configuration(), restored), Integer.MAX_VALUE, null);
        List<String> joined = new ArrayList<>(first);
        joined.addAll(rest);
        assertThat(first).hasSize(1_500);
        assertThat(joined).isEqualTo(all);
    }

    @Test
    void theSourceReaderReadsItsSplitsInItsOwnThreadAndGoesOnFromItsSnapshot() throws Exception {
        Path events = FlinkTestSupport.simulated(dir, 100, 14, 4L);
        KernelSpec spec = KernelSpec.of(Files.readString(FlinkTestSupport.resource("ecommerce/schema.json", dir)))
                .withNow(4102444800000L);
        UserShareFormat format = new UserShareFormat(spec, Set.of(), 128);
        List<FileSourceSplit> splits = new ArrayList<>(new UserShareFormat.Shares().enumerateSplits(
                new org.apache.flink.core.fs.Path[] {new org.apache.flink.core.fs.Path(events.toUri())}, 2));
        List<String> all = ids(format.forSubtask(1, 2).createReader(new Configuration(), splits.get(1)),
                Integer.MAX_VALUE, null);
        assertThat(all).hasSizeGreaterThan(2_000);

        int[] requests = new int[1];
        List<String> seen = new ArrayList<>();
        UserShareSource.ShareSourceReader reader = sourceReader(format, requests);
        reader.start();
        assertThat(requests[0]).isEqualTo(1);
        assertThat(reader.pollNext(output(seen))).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        assertThat(reader.isAvailable()).isNotDone();
        reader.addSplits(List.of(splits.get(1)));
        assertThat(reader.isAvailable()).isDone();
        while (seen.size() < 1_500) {
            assertThat(reader.pollNext(output(seen))).isEqualTo(InputStatus.MORE_AVAILABLE);
        }
        List<FileSourceSplit> state = reader.snapshotState(1);
        reader.close();
        assertThat(state).hasSize(1);

        UserShareSource.ShareSourceReader restored = sourceReader(format, requests);
        restored.addSplits(state);
        restored.notifyNoMoreSplits();
        InputStatus status;
        while ((status = restored.pollNext(output(seen))) == InputStatus.MORE_AVAILABLE) {
            assertThat(restored.snapshotState(2)).hasSize(1);
        }
        assertThat(status).isEqualTo(InputStatus.END_OF_INPUT);
        assertThat(restored.snapshotState(3)).isEmpty();
        restored.close();
        assertThat(seen).isEqualTo(all);
        assertThat(requests[0]).as("a request at start, then one per finished split").isEqualTo(2);
    }

    /** The source reader of share 1 of 2; {@code requests[0]} counts its split requests. */
    private static UserShareSource.ShareSourceReader sourceReader(UserShareFormat format, int[] requests) {
        org.apache.flink.api.connector.source.SourceReaderContext context =
                new org.apache.flink.api.connector.source.SourceReaderContext() {
                    @Override
                    public org.apache.flink.metrics.groups.SourceReaderMetricGroup metricGroup() {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public Configuration getConfiguration() {
                        return new Configuration();
                    }

                    @Override
                    public String getLocalHostName() {
                        return "localhost";
                    }

                    @Override
                    public int getIndexOfSubtask() {
                        return 1;
                    }

                    @Override
                    public int currentParallelism() {
                        return 2;
                    }

                    @Override
                    public void sendSplitRequest() {
                        requests[0]++;
                    }

                    @Override
                    public void sendSourceEventToCoordinator(org.apache.flink.api.connector.source.SourceEvent e) {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public org.apache.flink.util.UserCodeClassLoader getUserCodeClassLoader() {
                        throw new UnsupportedOperationException();
                    }
                };
        return new UserShareSource.ShareSourceReader(context, format.forSubtask(1, 2));
    }

    /** An output that adds each record's event id (or kind) to {@code seen}. */
    private static org.apache.flink.api.connector.source.ReaderOutput<Routed> output(List<String> seen) {
        return new org.apache.flink.api.connector.source.ReaderOutput<>() {
            @Override
            public void collect(Routed r) {
                seen.add(r.event() == null ? r.kind().name() : r.event().id());
            }

            @Override
            public void collect(Routed r, long timestamp) {
                collect(r);
            }

            @Override
            public void emitWatermark(org.apache.flink.api.common.eventtime.Watermark watermark) {
            }

            @Override
            public void markIdle() {
            }

            @Override
            public void markActive() {
            }

            @Override
            public org.apache.flink.api.connector.source.SourceOutput<Routed> createOutputForSplit(String id) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void releaseOutputForSplit(String id) {
            }
        };
    }

    /** The ids of up to {@code max} events a reader emits; the position after the last one into {@code at}. */
    private static List<String> ids(BulkFormat.Reader<Routed> reader, int max, long[] at) throws Exception {
        List<String> out = new ArrayList<>();
        try (reader) {
            BulkFormat.RecordIterator<Routed> batch;
            while (out.size() < max && (batch = reader.readBatch()) != null) {
                RecordAndPosition<Routed> r;
                while (out.size() < max && (r = batch.next()) != null) {
                    out.add(r.getRecord().event() == null ? r.getRecord().kind().name() : r.getRecord().event().id());
                    if (at != null) {
                        at[0] = r.getOffset();
                        at[1] = r.getRecordSkipCount();
                    }
                }
            }
        }
        return out;
    }

    @Test
    void theUserIsFoundAtTheTopLevelOnly() {
        assertThat(UserShareFormat.user("{\"id\":\"e\",\"attrs\":{\"user\":\"x\"},\"user\":\"u\\u00e9\"}"))
                .isEqualTo("u\u00e9");
        assertThat(UserShareFormat.user("{\"id\":\"e\",\"list\":[{\"user\":\"x\"}]}")).isNull();
        assertThat(UserShareFormat.user("not json")).isNull();
        assertThat(UserShareFormat.user("[\"user\",\"u\"]")).isNull();
        assertThat(UserShareFormat.share("not json", 4)).isZero();
    }
}
