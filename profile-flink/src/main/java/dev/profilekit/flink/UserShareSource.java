package dev.profilekit.flink;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.connector.file.src.AbstractFileSource;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.FileSourceSplitSerializer;
import org.apache.flink.connector.file.src.PendingSplitsCheckpoint;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * A bounded file source read by {@link UserShareFormat} whose reader k gets exactly share k's splits (Flink's
 * {@link FileSource} hands splits to whichever reader asks first). Reader k then emits only records keyed in the
 * key groups of the keyed operator's subtask k, so its stream may be taken as already keyed
 * ({@code DataStreamUtils.reinterpretAsKeyedStream}): the operator runs chained to the reader, with no exchange and
 * no serialization of records between them. The source's parallelism must equal the operator's, and it cannot be
 * restored at another parallelism (a reader given another subtask's split fails).
 */
final class UserShareSource extends AbstractFileSource<Routed, FileSourceSplit> {

    private static final long serialVersionUID = 1L;

    private final Path[] paths;
    private final UserShareFormat format;

    /**
     * @param path   the events file
     * @param format the format, for the keyed operator's maximum parallelism
     */
    UserShareSource(Path path, UserShareFormat format) {
        super(new Path[] {path}, UserShareFormat.Shares::new, FileSource.DEFAULT_SPLIT_ASSIGNER, format, null);
        this.paths = new Path[] {path};
        this.format = format;
    }

    @Override
    public SourceReader<Routed, FileSourceSplit> createReader(SourceReaderContext context) {
        return new ShareSourceReader(context,
                format.forSubtask(context.getIndexOfSubtask(), context.currentParallelism()));
    }

    @Override
    public SplitEnumerator<FileSourceSplit, PendingSplitsCheckpoint<FileSourceSplit>> createEnumerator(
            SplitEnumeratorContext<FileSourceSplit> context) {
        try {
            return new ShareEnumerator(context,
                    new UserShareFormat.Shares().enumerateSplits(paths, context.currentParallelism()));
        } catch (IOException e) {
            throw new FlinkRuntimeException("cannot list the events file " + paths[0] + ": " + e.getMessage(), e);
        }
    }

    @Override
    public SplitEnumerator<FileSourceSplit, PendingSplitsCheckpoint<FileSourceSplit>> restoreEnumerator(
            SplitEnumeratorContext<FileSourceSplit> context, PendingSplitsCheckpoint<FileSourceSplit> checkpoint) {
        return new ShareEnumerator(context, checkpoint.getSplits());
    }

    @Override
    public SimpleVersionedSerializer<FileSourceSplit> getSplitSerializer() {
        return FileSourceSplitSerializer.INSTANCE;
    }

    /**
     * Reads its splits in the task's own thread, record by record, each record handed straight to the chained
     * operator: no fetcher thread, no queue of batches between them (Flink's {@code FileSourceReader} reads in a
     * thread of its own, which on a machine with as many cores as readers makes twice as many busy threads as cores,
     * and hands every record from one core's cache to another's). Its checkpointed state is each unfinished split
     * with the byte offset after the last line it read, as the {@link UserShareFormat} reader restores it.
     */
    static final class ShareSourceReader implements SourceReader<Routed, FileSourceSplit> {
        private final SourceReaderContext context;
        private final UserShareFormat format;
        private final ArrayDeque<FileSourceSplit> splits = new ArrayDeque<>();
        private FileSourceSplit split;
        private UserShareFormat.ShareReader reader;
        private boolean noMoreSplits;
        private CompletableFuture<Void> available = new CompletableFuture<>();

        ShareSourceReader(SourceReaderContext context, UserShareFormat format) {
            this.context = context;
            this.format = format;
        }

        @Override
        public void start() {
            context.sendSplitRequest();
        }

        @Override
        public InputStatus pollNext(ReaderOutput<Routed> output) throws Exception {
            while (true) {
                if (reader == null) {
                    split = splits.poll();
                    if (split == null) {
                        if (noMoreSplits) {
                            return InputStatus.END_OF_INPUT;
                        }
                        if (available.isDone()) {
                            available = new CompletableFuture<>();
                        }
                        return InputStatus.NOTHING_AVAILABLE;
                    }
                    reader = format.open(split);
                }
                Routed r = reader.next();
                if (r != null) {
                    output.collect(r);
                    return InputStatus.MORE_AVAILABLE;
                }
                reader.close(); // the split is read: ask for the next one
                reader = null;
                split = null;
                context.sendSplitRequest();
            }
        }

        @Override
        public List<FileSourceSplit> snapshotState(long checkpointId) {
            List<FileSourceSplit> state = new ArrayList<>(splits.size() + 1);
            if (reader != null) {
                state.add(split.updateWithCheckpointedPosition(new CheckpointedPosition(reader.offset(), 0)));
            }
            state.addAll(splits);
            return state;
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return available;
        }

        @Override
        public void addSplits(List<FileSourceSplit> added) {
            splits.addAll(added);
            available.complete(null);
        }

        @Override
        public void notifyNoMoreSplits() {
            noMoreSplits = true;
            available.complete(null);
        }

        @Override
        public void close() throws IOException {
            if (reader != null) {
                reader.close();
            }
        }
    }

    /** Hands share k's splits (in file order) to reader k, one per request, then signals that no more come. */
    static final class ShareEnumerator
            implements SplitEnumerator<FileSourceSplit, PendingSplitsCheckpoint<FileSourceSplit>> {
        private final SplitEnumeratorContext<FileSourceSplit> context;
        private final List<FileSourceSplit> pending;

        ShareEnumerator(SplitEnumeratorContext<FileSourceSplit> context, Collection<FileSourceSplit> splits) {
            this.context = context;
            this.pending = new ArrayList<>(splits);
        }

        @Override
        public void start() {
        }

        @Override
        public void handleSplitRequest(int subtask, String hostname) {
            if (!context.registeredReaders().containsKey(subtask)) {
                return; // the reader failed since it asked
            }
            for (Iterator<FileSourceSplit> it = pending.iterator(); it.hasNext(); ) {
                FileSourceSplit split = it.next();
                if (UserShareFormat.Shares.parse(split.splitId())[0] == subtask) {
                    it.remove();
                    context.assignSplit(split, subtask);
                    return;
                }
            }
            context.signalNoMoreSplits(subtask);
        }

        @Override
        public void addSplitsBack(List<FileSourceSplit> splits, int subtask) {
            pending.addAll(0, splits); // a failed reader's splits, for the same share's reader once it is back
        }

        @Override
        public void addReader(int subtask) {
        }

        @Override
        public PendingSplitsCheckpoint<FileSourceSplit> snapshotState(long checkpointId) {
            return PendingSplitsCheckpoint.fromCollectionSnapshot(new ArrayList<>(pending));
        }

        @Override
        public void close() {
        }
    }
}
