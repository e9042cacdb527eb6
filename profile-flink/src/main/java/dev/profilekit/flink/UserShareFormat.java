package dev.profilekit.flink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.io.EventLines;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.enumerate.FileEnumerator;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * A JSON Lines event log read by several readers at once, each user's lines by one of them, in file order: the file
 * is cut into N <em>shares</em> by user, not into byte ranges (a byte range would give one user's events to two
 * readers, and their order downstream would depend on timing). {@link Shares} makes one split per share of each file
 * (N is the source's parallelism); the reader of share k reads the whole file's lines ({@link EventLines}, as replay
 * reads them), finds each line's top-level {@code "user"} without parsing the rest, and parses and routes
 * ({@link Routed#ofLine}) only the lines whose user falls in share k. Lines with no readable user (not JSON, not
 * UTF-8, too long) fall in share 0, so each line is counted once. Every reader scans every byte, but the parsing
 * and admission, which cost most, are divided among them.
 *
 * <p>A reader's checkpointed position is the byte offset after the last line it emitted: a restored reader goes on
 * from there.
 */
public final class UserShareFormat implements BulkFormat<Routed, FileSourceSplit> {

    private static final long serialVersionUID = 1L;
    private static final JsonFactory JSON = new JsonFactory();
    private static final String PREFIX = "share-";
    /** Records per batch handed to the source (a batch is what a checkpoint waits for). */
    private static final int BATCH = 1024;

    private final KernelSpec spec;
    private final Set<String> forgotten;

    /**
     * @param spec      the kernel's configuration (limits, privacy, clock)
     * @param forgotten raw user ids whose events are dropped before the engine (empty for none)
     */
    public UserShareFormat(KernelSpec spec, Set<String> forgotten) {
        if (spec == null || forgotten == null) {
            throw new IllegalArgumentException("spec and forgotten must not be null");
        }
        this.spec = spec;
        this.forgotten = Set.copyOf(forgotten);
    }

    /** The share (of {@code shares}) a line belongs to: by its top-level {@code "user"} value, 0 without one. */
    static int share(String line, int shares) {
        String user = user(line);
        return user == null ? 0 : Math.floorMod(user.hashCode(), shares);
    }

    /** The text of a JSON object's top-level {@code "user"} value if it is a scalar, else null; the rest unread. */
    static String user(String line) {
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean isUser = "user".equals(p.currentName());
                JsonToken value = p.nextToken();
                if (isUser) {
                    return value != null && value.isScalarValue() ? p.getText() : null;
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null; // not JSON: the parse in share 0 rejects it
        }
    }

    @Override
    public Reader<Routed> createReader(Configuration config, FileSourceSplit split) throws IOException {
        return restoreReader(config, split);
    }

    @Override
    public Reader<Routed> restoreReader(Configuration config, FileSourceSplit split) throws IOException {
        int[] share = Shares.parse(split.splitId());
        CheckpointedPosition at = split.getReaderPosition().orElse(new CheckpointedPosition(0, 0));
        FSDataInputStream in = split.path().getFileSystem().open(split.path());
        if (at.getOffset() > 0) {
            in.seek(at.getOffset());
        }
        EventLines lines = EventLines.resume(in, spec.limits().maxLineBytes(), at.getOffset(), 0);
        return new ShareReader(lines, spec.kernel(), forgotten, share[0], share[1], at.getRecordsAfterOffset());
    }

    @Override
    public boolean isSplittable() {
        return false; // one split per share of a file, made by Shares
    }

    @Override
    public TypeInformation<Routed> getProducedType() {
        return RoutedSerializer.TYPE;
    }

    /** Reads one share of a file. */
    private static final class ShareReader implements Reader<Routed> {
        private final EventLines lines;
        private final ProfileKernel kernel;
        private final Set<String> forgotten;
        private final int share;
        private final int shares;
        private long skip;

        ShareReader(EventLines lines, ProfileKernel kernel, Set<String> forgotten, int share, int shares, long skip) {
            this.lines = lines;
            this.kernel = kernel;
            this.forgotten = forgotten;
            this.share = share;
            this.shares = shares;
            this.skip = skip;
        }

        @Override
        public RecordIterator<Routed> readBatch() throws IOException {
            List<RecordAndPosition<Routed>> batch = new ArrayList<>(BATCH);
            EventLines.Line line;
            while (batch.size() < BATCH && (line = lines.next()) != null) {
                Routed r;
                if (line.error() != null) {
                    r = share == 0 ? Routed.rejected() : null;
                } else if (shares == 1 || share(line.text(), shares) == share) {
                    r = Routed.ofLine(kernel, line.text(), forgotten); // null for a blank line
                } else {
                    r = null;
                }
                if (r != null && skip > 0) {
                    skip--; // emitted before the checkpoint that this reader was restored from
                } else if (r != null) {
                    batch.add(new RecordAndPosition<>(r, lines.offset(), 0));
                }
            }
            if (batch.isEmpty()) {
                return null; // the end of the file
            }
            return new RecordIterator<>() {
                private int i;

                @Override
                public RecordAndPosition<Routed> next() {
                    return i < batch.size() ? batch.get(i++) : null;
                }

                @Override
                public void releaseBatch() {
                }
            };
        }

        @Override
        public void close() throws IOException {
            lines.close();
        }
    }

    /**
     * Makes N splits of each file, one per share, each over the whole file (N: the source's parallelism, the
     * {@code minDesiredSplits} Flink asks for). The split id names the share: {@code share-K-of-N-I}.
     */
    public static final class Shares implements FileEnumerator {

        @Override
        public Collection<FileSourceSplit> enumerateSplits(Path[] paths, int minDesiredSplits) throws IOException {
            int n = Math.max(1, minDesiredSplits);
            List<FileSourceSplit> splits = new ArrayList<>();
            for (Path path : paths) {
                FileSystem fs = path.getFileSystem();
                FileStatus status = fs.getFileStatus(path);
                if (status.isDir()) {
                    throw new IOException(path + " is a directory, not an events file");
                }
                for (int k = 0; k < n; k++) {
                    splits.add(new FileSourceSplit(PREFIX + k + "-of-" + n + "-" + splits.size(), path, 0,
                            status.getLen(), status.getModificationTime(), status.getLen()));
                }
            }
            return splits;
        }

        /** {share, shares} from a split id made by {@link #enumerateSplits}. */
        static int[] parse(String splitId) {
            String[] parts = splitId.split("-");
            if (parts.length != 5 || !splitId.startsWith(PREFIX) || !parts[2].equals("of")) {
                throw new IllegalArgumentException("not a share split: '" + splitId + "'");
            }
            return new int[] {Integer.parseInt(parts[1]), Integer.parseInt(parts[3])};
        }
    }
}
