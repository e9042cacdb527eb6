package dev.profilekit.flink;

import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.io.EventLines;
import dev.profilekit.core.spi.InvalidEventException;
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
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * A JSON Lines event log read by several readers at once, each user's lines by one of them, in file order: the file
 * is cut into N <em>shares</em> by user, not into byte ranges (a byte range would give one user's events to two
 * readers, and their order downstream would depend on timing). {@link Shares} makes one split per share of each file
 * (N is the source's parallelism); the reader of share k reads the whole file's lines ({@link EventLines}, as replay
 * reads them), finds each line's top-level {@code "user"} in its bytes without decoding or parsing the rest
 * ({@link UserField}), and decodes, parses and routes only the lines whose user falls in share k (an ASCII line
 * parsed from its bytes, as replay's reader parses it; the same record as {@link Routed#ofLine} of its text): the
 * users whose key lies in the key
 * groups of the keyed operator's subtask k ({@link #share(String, ProfileKernel, int, int)}), so that share k's
 * records need no exchange on their way to the operator ({@link UserShareSource}). Lines with no readable user (not
 * JSON, too long) fall in share 0, and a line that is not UTF-8 in the share of the user its bytes show, so each line
 * is counted once. A reader's marks of rejected and
 * forgotten lines are keyed by its own {@link #markKey} (they are only counted). Every reader scans every line's
 * bytes, but the decoding, parsing and admission, which cost most, are divided among them.
 *
 * <p>A reader's checkpointed position is the byte offset after the last line it emitted: a restored reader goes on
 * from there.
 */
public final class UserShareFormat implements BulkFormat<Routed, FileSourceSplit> {

    private static final long serialVersionUID = 1L;
    private static final String PREFIX = "share-";
    /** Records per batch handed to the source (a batch is what a checkpoint waits for). */
    private static final int BATCH = 1024;

    private final KernelSpec spec;
    private final Set<String> forgotten;
    /** The keyed operator's maximum parallelism, or 0 for Flink's default at the number of shares. */
    private final int maxParallelism;
    /** The source subtask this format reads for ({@link #forSubtask}), or -1 for any. */
    private final int subtask;
    /** The source's parallelism when {@link #subtask} is set. */
    private final int parallelism;

    /**
     * A format for the keyed operator's default maximum parallelism (Flink's default for as many subtasks as
     * shares).
     *
     * @param spec      the kernel's configuration (limits, privacy, clock)
     * @param forgotten raw user ids whose events are dropped before the engine (empty for none)
     */
    public UserShareFormat(KernelSpec spec, Set<String> forgotten) {
        this(spec, forgotten, 0, -1, 0);
    }

    /**
     * @param spec           the kernel's configuration (limits, privacy, clock)
     * @param forgotten      raw user ids whose events are dropped before the engine (empty for none)
     * @param maxParallelism the keyed operator's maximum parallelism (at least 1)
     */
    public UserShareFormat(KernelSpec spec, Set<String> forgotten, int maxParallelism) {
        this(spec, forgotten, maxParallelism, -1, 0);
        if (maxParallelism < 1) {
            throw new IllegalArgumentException("maxParallelism must be at least 1, was " + maxParallelism);
        }
    }

    private UserShareFormat(KernelSpec spec, Set<String> forgotten, int maxParallelism, int subtask,
                            int parallelism) {
        if (spec == null || forgotten == null) {
            throw new IllegalArgumentException("spec and forgotten must not be null");
        }
        this.spec = spec;
        this.forgotten = Set.copyOf(forgotten);
        this.maxParallelism = maxParallelism;
        this.subtask = subtask;
        this.parallelism = parallelism;
    }

    /**
     * This format for the reader of source subtask {@code index} of {@code parallelism}: it reads only the splits of
     * share {@code index} of {@code parallelism}.
     */
    UserShareFormat forSubtask(int index, int parallelism) {
        return new UserShareFormat(spec, forgotten, maxParallelism, index, parallelism);
    }

    /**
     * The key of the marks (rejected and forgotten lines, counted only) that share {@code share} emits: the shortest
     * string of spaces, not {@link FinalState#MODELS_KEY}, whose key group lies in subtask {@code share}'s (no user
     * has a blank key); {@link Routed#NO_USER} for one share.
     */
    static String markKey(int share, int maxParallelism, int shares) {
        for (int n = 0; n <= maxParallelism * 64; n++) {
            String key = " ".repeat(n);
            if (!key.equals(FinalState.MODELS_KEY)
                    && KeyGroupRangeAssignment.assignKeyToParallelOperator(key, maxParallelism, shares) == share) {
                return key;
            }
        }
        throw new IllegalStateException("no blank key falls in subtask " + share + " of " + shares
                + " at maximum parallelism " + maxParallelism);
    }

    /**
     * The share (of {@code shares}) a line belongs to, without pseudonymisation and at the default maximum
     * parallelism of {@code shares} subtasks: see {@link #share(String, ProfileKernel, int, int)}.
     */
    static int share(String line, int shares) {
        return share(user(line), null, KeyGroupRangeAssignment.computeDefaultMaxParallelism(shares), shares);
    }

    /**
     * The share (of {@code shares}) of a line whose top-level {@code "user"} is {@code user}: the index of the keyed
     * operator's subtask whose key groups hold the user's key (Flink's {@link
     * KeyGroupRangeAssignment#assignKeyToParallelOperator}), 0 without a user.
     *
     * @param user           the line's {@link #user}, or null
     * @param kernel         the kernel that makes the key (a pseudonym when pseudonymising), or null for the raw id
     * @param maxParallelism the keyed operator's maximum parallelism (its number of key groups)
     * @param shares         the number of shares (the operator's parallelism)
     */
    static int share(String user, ProfileKernel kernel, int maxParallelism, int shares) {
        if (user == null || user.isBlank()) {
            return 0; // not an event: rejected by whichever reader takes it
        }
        String key = kernel == null ? user : kernel.key(user);
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(key, maxParallelism, shares);
    }

    /** The text of a JSON object's top-level {@code "user"} value if it is a scalar, else null ({@link UserField}). */
    static String user(String line) {
        return UserField.of(line);
    }

    @Override
    public Reader<Routed> createReader(Configuration config, FileSourceSplit split) throws IOException {
        return restoreReader(config, split);
    }

    @Override
    public Reader<Routed> restoreReader(Configuration config, FileSourceSplit split) throws IOException {
        return open(split);
    }

    /** The reader of {@code split} (a share of a file) from its checkpointed position, if any. */
    ShareReader open(FileSourceSplit split) throws IOException {
        int[] share = Shares.parse(split.splitId());
        if (subtask >= 0 && (share[0] != subtask || share[1] != parallelism)) {
            throw new IOException("split " + split.splitId() + " reached source subtask " + subtask + " of "
                    + parallelism + ": share k of N must be read by subtask k of N (the split file source cannot "
                    + "be rescaled)");
        }
        int keyGroups = maxParallelism > 0 ? maxParallelism
                : KeyGroupRangeAssignment.computeDefaultMaxParallelism(share[1]);
        CheckpointedPosition at = split.getReaderPosition().orElse(new CheckpointedPosition(0, 0));
        FSDataInputStream in = split.path().getFileSystem().open(split.path());
        if (at.getOffset() > 0) {
            in.seek(at.getOffset());
        }
        EventLines lines = EventLines.resume(in, spec.limits().maxLineBytes(), at.getOffset(), 0);
        return new ShareReader(lines, spec.kernel(), !spec.pseudonymises(), forgotten, share[0], share[1], keyGroups,
                at.getRecordsAfterOffset());
    }

    @Override
    public boolean isSplittable() {
        return false; // one split per share of a file, made by Shares
    }

    @Override
    public TypeInformation<Routed> getProducedType() {
        return RoutedSerializer.TYPE;
    }

    /** Reads one share of a file: record by record ({@link #next}) or in batches ({@link #readBatch}). */
    static final class ShareReader implements Reader<Routed> {
        private final EventLines lines;
        private final ProfileKernel kernel;
        /** Whether a user's key is its id (no pseudonymisation): its share is then found from its bytes. */
        private final boolean rawKeys;
        private final Set<String> forgotten;
        private final int share;
        private final int shares;
        private final int maxParallelism;
        private final String markKey;
        private long skip;

        ShareReader(EventLines lines, ProfileKernel kernel, boolean rawKeys, Set<String> forgotten, int share,
                    int shares, int maxParallelism, long skip) {
            this.lines = lines;
            this.kernel = kernel;
            this.rawKeys = rawKeys;
            this.forgotten = forgotten;
            this.share = share;
            this.shares = shares;
            this.maxParallelism = maxParallelism;
            this.markKey = markKey(share, maxParallelism, shares);
            this.skip = skip;
        }

        /**
         * The share's next record, or null at the end of the file; {@link #offset()} is then the position after it
         * (a reader restored there goes on with the record after it).
         */
        Routed next() throws IOException {
            while (true) {
                EventLines.Line tooLong = lines.nextRaw();
                if (tooLong == null && lines.rawLength() < 0) {
                    return null; // the end of the file
                }
                Routed r = tooLong != null ? rejected() : route(lines.rawBytes(), lines.rawLength());
                if (r != null && skip > 0) {
                    skip--; // emitted before the checkpoint that this reader was restored from
                } else if (r != null) {
                    return r;
                }
            }
        }

        /** The byte offset in the file after the last line read. */
        long offset() {
            return lines.offset();
        }

        @Override
        public RecordIterator<Routed> readBatch() throws IOException {
            List<RecordAndPosition<Routed>> batch = new ArrayList<>(BATCH);
            Routed r;
            while (batch.size() < BATCH && (r = next()) != null) {
                batch.add(new RecordAndPosition<>(r, lines.offset(), 0));
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

        /**
         * This share's record of the line {@code b[0, n)} (its bytes as read, not yet decoded), or null for a line
         * of another share or a blank line. The user is found in the bytes (without a String when its key is its
         * ASCII id); only this share's lines are parsed (from the bytes, as replay's reader parses them; a line that
         * is not UTF-8 is rejected by the share of the user its bytes show, or share 0 without one).
         */
        private Routed route(byte[] b, int n) {
            if (shares > 1 && owner(b, n) != share) {
                return null; // another share's line
            }
            try {
                return own(Routed.ofEvent(kernel, EventJson.parse(b, 0, n), forgotten));
            } catch (InvalidEventException e) {
                return blank(n) ? null : own(Routed.rejected()); // a blank line is no record, as replay skips it
            }
        }

        /** The share of the line {@code b[0, n)}: its user's, found in the bytes (share 0 without a user). */
        private int owner(byte[] b, int n) {
            long span = UserField.span(b, n);
            int start = (int) (span >>> 32);
            long hash = span >= 0 && rawKeys ? UserField.asciiHash(b, start, (int) span) : UserField.NOT_ASCII;
            if (hash != UserField.NOT_ASCII) { // the key is the user's ASCII id: its hash, without a String
                return KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(maxParallelism, shares,
                        KeyGroupRangeAssignment.computeKeyGroupForKeyHash((int) hash, maxParallelism));
            }
            return share(UserField.of(b, n, span), kernel, maxParallelism, shares);
        }

        /** Whether the line just read (of {@code n} bytes) is blank once decoded (white space only). */
        private boolean blank(int n) {
            EventLines.Line line = lines.decode(n);
            return line.error() == null && line.text().isBlank();
        }

        /** The mark of a line too long to read: share 0 counts it, the others skip it. */
        private Routed rejected() {
            return share == 0 ? Routed.mark(Routed.Kind.REJECTED, markKey) : null;
        }

        /** A record of this share as the operator's subtask {@code share} may receive it (keyed in its key groups). */
        private Routed own(Routed r) {
            if (r == null || r.kind() == Routed.Kind.EVENT
                    && KeyGroupRangeAssignment.assignKeyToParallelOperator(r.key(), maxParallelism, shares) == share) {
                return r;
            }
            if (r.kind() == Routed.Kind.EVENT) { // the user found by UserField is not the parsed event's: a bug
                throw new IllegalStateException("event '" + r.event().id() + "' of share " + share + " has a key "
                        + "of another share");
            }
            return Routed.mark(r.kind(), markKey);
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
