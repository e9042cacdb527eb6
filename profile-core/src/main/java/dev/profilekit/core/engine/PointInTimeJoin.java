package dev.profilekit.core.engine;

import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.io.EventLines;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.InvalidEventException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Point-in-time correct training sets: for each label {@code (user, ts, label)}, the user's features exactly as of
 * {@code ts}, computed from the events the stream accepts whose event time is at or before {@code ts}, so that
 * nothing later leaks into a training row.
 *
 * <p>Which events count is decided as {@code replay} decides it: over the whole input, in arrival order, with the
 * specification's duplicate and lateness rules per user (and the updater's limits and clock). The features of a
 * label at {@code T} are then those of the accepted events with {@code ts <= T}, evaluated at {@code T} (an event at
 * exactly {@code T} counts); a label before the user's first accepted event, or of a user without events, gets the
 * values of an empty history evaluated at {@code T}.
 *
 * <p>It runs in one pass over time: pass 1 reads the input in arrival order through a {@link ProfileUpdater} that
 * decides acceptance, and spills each accepted event's line, keyed by {@code (ts, line)}, into sorted runs on disk
 * (at most {@link Builder#memoryBudget(long)} bytes of them in memory). Pass 2 merges the runs and feeds the events
 * in {@code (ts, arrival)} order to a fresh updater (clock far ahead, every event with a unique id, so neither the
 * future-skew check nor duplicate detection interferes), interleaved with the labels sorted by {@code (ts, file
 * order)}: before a label at {@code T} is read, every accepted event with {@code ts <= T} has been applied and none
 * later. Rows are encoded as they are computed and, unless the labels were already in time order, spilled to a
 * temporary file and copied out in label-file order. Memory: the profiles of all users (as in a replay), the labels,
 * 12 bytes per label for the row index, and the spill budget; never the events themselves.
 *
 * <p>Not supported (the results would need per-label history of them): expiry (TTL), forgetting,
 * pseudonymisation, attribute allow-lists and live models.
 */
public final class PointInTimeJoin {

    /** The clock of pass 2: far enough ahead that no event is ever too far in the future. */
    private static final Clock FAR_AHEAD = Clock.fixed(Instant.ofEpochMilli(Event.MAX_TIMESTAMP), ZoneOffset.UTC);

    private final ProfileSchema schema;
    private final EventLimits limits;
    private final Clock clock;
    private final DedupRetention retention;
    private final Path tempDir;
    private final long memoryBudget;
    private final RejectListener rejects;

    private PointInTimeJoin(Builder b) {
        this.schema = b.schema;
        this.limits = b.limits;
        this.clock = b.clock;
        this.retention = b.retention;
        this.tempDir = b.tempDir;
        this.memoryBudget = b.memoryBudget;
        this.rejects = b.rejects;
    }

    /** Starts a join for {@code schema}. */
    public static Builder builder(ProfileSchema schema) {
        if (schema == null) {
            throw new IllegalArgumentException("schema must not be null");
        }
        return new Builder(schema);
    }

    /**
     * One label row: the user, the time the features are wanted at (epoch ms) and the label as written.
     *
     * @param user  the user id (non-blank)
     * @param ts    the time of the label, epoch ms; features are evaluated as of it
     * @param label the label token as written in the labels file (non-null)
     */
    public record Label(String user, long ts, String label) {
        /** Checks the fields. */
        public Label {
            if (user == null || user.isBlank()) {
                throw new IllegalArgumentException("label user must be a non-blank string, was "
                        + (user == null ? "null" : "\"" + user + "\""));
            }
            if (label == null) {
                throw new IllegalArgumentException("label of user '" + user + "' must not be null");
            }
        }
    }

    /** Encodes one training row (a label and the features as of its time) as bytes of the output. */
    public interface RowEncoder {
        /** Bytes written once before the first row (a CSV header), or an empty array. */
        byte[] header();

        /** The bytes of one row, including its line end. */
        byte[] encode(Label label, Profile profile);
    }

    /** Hears of each rejected input line of pass 1 (an invalid event or one the updater refused). */
    public interface RejectListener {
        /**
         * @param line  1-based line number of the events input
         * @param error why it was rejected
         * @param text  the line's text (as far as it could be decoded)
         */
        void onReject(long line, InvalidEventException error, String text) throws IOException;
    }

    /**
     * What a join did.
     *
     * @param accepted  events accepted (in arrival order)
     * @param duplicate events ignored as duplicates
     * @param late      events ignored as late
     * @param rejected  input lines rejected (invalid, or refused by the updater)
     * @param labels    rows written (one per label)
     * @param runs      sorted runs spilled to disk (0: everything fit in the memory budget)
     * @param pass1Ms   wall time of pass 1 (reading, acceptance, spilling), in ms
     * @param pass2Ms   wall time of pass 2 (merging, applying, reading profiles, writing rows), in ms
     */
    public record Summary(long accepted, long duplicate, long late, long rejected, long labels, int runs,
                          long pass1Ms, long pass2Ms) {
    }

    /**
     * Reads the events (JSON Lines, as {@code replay} reads them) and writes one row per label, in the order of
     * {@code labels}, to {@code out}: first {@link RowEncoder#header()}, then each row. Neither stream is closed.
     *
     * @throws IllegalArgumentException if an argument is null or a label is null
     * @throws IOException              if the input cannot be read, or the output or a temporary file written
     * @throws IllegalStateException    if an event accepted in arrival order cannot be applied in time order (an
     *                                  overflow that only the other summation order reaches)
     */
    public Summary join(InputStream events, List<Label> labels, RowEncoder encoder, OutputStream out)
            throws IOException {
        if (events == null || labels == null || encoder == null || out == null) {
            throw new IllegalArgumentException("events, labels, encoder and out must not be null");
        }
        Label[] ls = labels.toArray(new Label[0]);
        for (int i = 0; i < ls.length; i++) {
            if (ls[i] == null) {
                throw new IllegalArgumentException("label " + i + " is null");
            }
        }
        long started = System.nanoTime();
        try (EventSpill spill = new EventSpill(tempDir, memoryBudget)) {
            // pass 1: acceptance in arrival order, exactly as a replay decides it
            ProfileUpdater.Builder b1 = ProfileUpdater.builder(schema).limits(limits).clock(clock);
            if (retention != null) {
                b1.dedupRetention(retention);
            }
            ProfileUpdater first = b1.build();
            long rejected = 0;
            int users;
            {
                EventLines in = new EventLines(events, limits.maxLineBytes()); // not closed: the caller's stream
                EventLines.Line line;
                while ((line = in.next()) != null) {
                    InvalidEventException error = line.error();
                    if (error == null && !line.text().isBlank()) {
                        try {
                            Event e = EventJson.parse(line.text());
                            if (first.onEvent(e) == Outcome.ACCEPTED) {
                                spill.add(e.timestamp(), line.number(), line.text().getBytes(StandardCharsets.UTF_8));
                            }
                        } catch (InvalidEventException e) {
                            error = e;
                        }
                    }
                    if (error != null) {
                        rejected++;
                        if (rejects != null) {
                            rejects.onReject(line.number(), error, line.text() != null ? line.text() : line.raw());
                        }
                    }
                }
            }
            ProfileUpdater.Counts counts = first.counts();
            users = first.users().size();
            first.close();
            first = null; // its profiles can go before pass 2 builds its own
            long pass2 = System.nanoTime();

            // pass 2: accepted events in (ts, arrival) order, interleaved with the labels in (ts, file) order
            ProfileUpdater second = ProfileUpdater.builder(schema).limits(limits).clock(FAR_AHEAD)
                    .expectedUsers(users).build();
            int[] order = timeOrder(ls);
            boolean inOrder = isIdentity(order);
            out.write(encoder.header());
            try (Rows rows = inOrder ? new Rows(out) : new Rows(tempDir, ls.length, out)) {
                int next = 0;
                Iterator<EventSpill.Rec> it = spill.sorted();
                while (it.hasNext()) {
                    EventSpill.Rec r = it.next();
                    while (next < order.length && ls[order[next]].ts() < r.ts()) {
                        int i = order[next++];
                        rows.put(i, encoder.encode(ls[i], second.profile(ls[i].user(), ls[i].ts())));
                    }
                    Event e = EventJson.parse(r.bytes(), 0, r.bytes().length);
                    // a unique id per accepted event: an id the first pass accepted twice (after its first copy was
                    // forgotten) must count twice here too
                    e = Event.of(Long.toString(r.seq(), 36), e.user(), e.type(), e.timestamp(), e.attrs());
                    Outcome o;
                    try {
                        o = second.onEvent(e);
                    } catch (InvalidEventException ex) {
                        throw new IllegalStateException("the event of line " + r.seq() + ", accepted in arrival order, "
                                + "cannot be applied in time order: " + ex.getMessage(), ex);
                    }
                    if (o != Outcome.ACCEPTED) {
                        throw new IllegalStateException("the event of line " + r.seq() + " was " + o
                                + " in time order (internal error)");
                    }
                }
                while (next < order.length) {
                    int i = order[next++];
                    rows.put(i, encoder.encode(ls[i], second.profile(ls[i].user(), ls[i].ts())));
                }
                rows.finish();
            }
            second.close();
            out.flush();
            return new Summary(counts.accepted(), counts.duplicate(), counts.late(), rejected, ls.length,
                    spill.runs(), (pass2 - started) / 1_000_000, (System.nanoTime() - pass2) / 1_000_000);
        }
    }

    /** Indices of {@code ls} sorted by time, ties in file order (a stable sort). */
    private static int[] timeOrder(Label[] ls) {
        Integer[] idx = new Integer[ls.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Long.compare(ls[a].ts(), ls[b].ts())); // TimSort: stable
        int[] order = new int[idx.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = idx[i];
        }
        return order;
    }

    private static boolean isIdentity(int[] order) {
        for (int i = 0; i < order.length; i++) {
            if (order[i] != i) {
                return false;
            }
        }
        return true;
    }

    /**
     * Rows computed in time order, written in label order: straight through when the two agree, else via a
     * temporary file and the offset and length of each row.
     */
    private static final class Rows implements AutoCloseable {
        private final OutputStream direct;
        private final Path file;
        private final FileChannel ch;
        private final OutputStream spill;
        private final long[] offsets;
        private final int[] lengths;
        private final OutputStream target;
        private long written;

        Rows(OutputStream out) {
            this.direct = out;
            this.file = null;
            this.ch = null;
            this.spill = null;
            this.offsets = null;
            this.lengths = null;
            this.target = out;
        }

        Rows(Path dir, int n, OutputStream out) throws IOException {
            this.direct = null;
            this.target = out;
            this.file = Files.createTempFile(dir, "profilekit-pit-rows-", ".bin");
            this.ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            this.spill = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 16);
            this.offsets = new long[n];
            this.lengths = new int[n];
        }

        void put(int index, byte[] row) throws IOException {
            if (direct != null) {
                direct.write(row);
                return;
            }
            offsets[index] = written;
            lengths[index] = row.length;
            spill.write(row);
            written += row.length;
        }

        /** Copies the spilled rows out in label order. */
        void finish() throws IOException {
            if (direct != null) {
                return;
            }
            spill.flush();
            OutputStream out = target;
            ByteBuffer buf = ByteBuffer.allocate(1 << 12);
            for (int i = 0; i < offsets.length; i++) {
                if (buf.capacity() < lengths[i]) {
                    buf = ByteBuffer.allocate(lengths[i]);
                }
                buf.clear().limit(lengths[i]);
                long pos = offsets[i];
                while (buf.hasRemaining()) {
                    int n = ch.read(buf, pos);
                    if (n < 0) {
                        throw new IOException("temporary row file " + file + " ended early");
                    }
                    pos += n;
                }
                out.write(buf.array(), 0, lengths[i]);
            }
        }

        @Override
        public void close() throws IOException {
            if (ch != null) {
                ch.close();
                Files.deleteIfExists(file);
            }
        }
    }

    /** Configures a {@link PointInTimeJoin}. */
    public static final class Builder {
        private final ProfileSchema schema;
        private EventLimits limits = EventLimits.DEFAULT;
        private Clock clock = Clock.systemUTC();
        private DedupRetention retention;
        private Path tempDir = Path.of(System.getProperty("java.io.tmpdir"));
        private long memoryBudget = 64L << 20;
        private RejectListener rejects;

        private Builder(ProfileSchema schema) {
            this.schema = schema;
        }

        /** Bounds on lines and events (default {@link EventLimits#DEFAULT}), as in {@code replay}. */
        public Builder limits(EventLimits limits) {
            if (limits == null) {
                throw new IllegalArgumentException("limits must not be null");
            }
            this.limits = limits;
            return this;
        }

        /**
         * The clock events are checked against in pass 1 (default the system clock): an event more than the
         * schema's {@code max_future_skew} ahead of it is rejected ({@code TOO_FAR_AHEAD}), as in a replay.
         */
        public Builder clock(Clock clock) {
            if (clock == null) {
                throw new IllegalArgumentException("clock must not be null");
            }
            this.clock = clock;
            return this;
        }

        /** How long event ids are remembered when deciding duplicates (see {@link DedupRetention}). */
        public Builder dedupRetention(DedupRetention retention) {
            if (retention == null) {
                throw new IllegalArgumentException("retention must not be null");
            }
            this.retention = retention;
            return this;
        }

        /** Where sorted runs and out-of-order rows are spilled (default {@code java.io.tmpdir}); must exist. */
        public Builder tempDir(Path dir) {
            if (dir == null || !Files.isDirectory(dir)) {
                throw new IllegalArgumentException("tempDir must be an existing directory, was " + dir);
            }
            this.tempDir = dir;
            return this;
        }

        /**
         * Bytes of accepted event lines held in memory before a sorted run is spilled to disk (default 64 MiB;
         * at least 1).
         */
        public Builder memoryBudget(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("memoryBudget must be >= 1 byte, was " + bytes);
            }
            this.memoryBudget = bytes;
            return this;
        }

        /** Hears of rejected input lines (default: nobody). */
        public Builder rejects(RejectListener listener) {
            if (listener == null) {
                throw new IllegalArgumentException("listener must not be null");
            }
            this.rejects = listener;
            return this;
        }

        /**
         * Builds the join.
         *
         * @throws IllegalArgumentException if the dedup retention does not fit the schema
         */
        public PointInTimeJoin build() {
            if (retention == DedupRetention.WITHIN_LATENESS && schema.allowedLateness().isEmpty()) {
                throw new IllegalArgumentException("dedupRetention WITHIN_LATENESS needs a schema with allowed_lateness");
            }
            return new PointInTimeJoin(this);
        }
    }
}
