package dev.profilekit.flink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.connector.file.src.AbstractFileSource;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.FileSourceSplitSerializer;
import org.apache.flink.connector.file.src.PendingSplitsCheckpoint;
import org.apache.flink.connector.file.src.impl.FileSourceReader;
import org.apache.flink.core.fs.Path;
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
        UserShareFormat reader = format.forSubtask(context.getIndexOfSubtask(), context.currentParallelism());
        return new FileSourceReader<>(context, reader, context.getConfiguration());
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
