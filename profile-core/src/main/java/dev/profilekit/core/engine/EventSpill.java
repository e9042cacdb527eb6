package dev.profilekit.core.engine;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * An external sort of records {@code (ts, seq, bytes)} by {@code (ts, seq)}: records are held in memory up to a
 * byte budget, then sorted and written as a run to a temporary file; {@link #sorted()} merges the runs (or returns
 * the in-memory records when nothing was spilled). Memory is bounded by the budget plus one buffer per run.
 * Not thread-safe.
 */
final class EventSpill implements Closeable {

    /** One spilled record: event time, arrival sequence, payload (the event's JSON line in UTF-8). */
    record Rec(long ts, long seq, byte[] bytes) {
    }

    private static final Comparator<Rec> ORDER = Comparator.comparingLong(Rec::ts).thenComparingLong(Rec::seq);
    /** Per-record overhead counted against the budget (object headers, references, the two longs). */
    private static final int OVERHEAD = 64;

    private final Path dir;
    private final long budgetBytes;
    private final List<Rec> buffer = new ArrayList<>();
    private final List<Path> runs = new ArrayList<>();
    private final List<Closeable> open = new ArrayList<>();
    private long buffered;
    private long count;

    EventSpill(Path dir, long budgetBytes) {
        this.dir = dir;
        this.budgetBytes = budgetBytes;
    }

    void add(long ts, long seq, byte[] bytes) {
        buffer.add(new Rec(ts, seq, bytes));
        buffered += bytes.length + OVERHEAD;
        count++;
        if (buffered >= budgetBytes) {
            spill();
        }
    }

    long count() {
        return count;
    }

    int runs() {
        return runs.size();
    }

    private void spill() {
        buffer.sort(ORDER);
        try {
            Path run = Files.createTempFile(dir, "profilekit-pit-run-", ".bin");
            runs.add(run);
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run),
                    1 << 16))) {
                for (Rec r : buffer) {
                    out.writeLong(r.ts);
                    out.writeLong(r.seq);
                    out.writeInt(r.bytes.length);
                    out.write(r.bytes);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a sorted run of events to " + dir + ": " + e.getMessage(), e);
        }
        buffer.clear();
        buffered = 0;
    }

    /** A cursor over the records in {@code (ts, seq)} order. Call once, after the last {@link #add}. */
    java.util.Iterator<Rec> sorted() throws IOException {
        if (runs.isEmpty()) {
            buffer.sort(ORDER);
            return buffer.iterator();
        }
        if (!buffer.isEmpty()) {
            spill();
        }
        PriorityQueue<RunReader> heap = new PriorityQueue<>((a, b) -> ORDER.compare(a.head, b.head));
        int bufferSize = (int) Math.max(1 << 12, Math.min(1 << 16, budgetBytes / Math.max(1, runs.size()) / 2));
        for (Path run : runs) {
            RunReader r = new RunReader(new DataInputStream(new BufferedInputStream(Files.newInputStream(run),
                    bufferSize)));
            open.add(r.in);
            if (r.advance()) {
                heap.add(r);
            }
        }
        return new java.util.Iterator<>() {
            @Override
            public boolean hasNext() {
                return !heap.isEmpty();
            }

            @Override
            public Rec next() {
                RunReader r = heap.poll();
                if (r == null) {
                    throw new java.util.NoSuchElementException();
                }
                Rec head = r.head;
                try {
                    if (r.advance()) {
                        heap.add(r);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read a sorted run of events: " + e.getMessage(), e);
                }
                return head;
            }
        };
    }

    /** Deletes the runs. */
    @Override
    public void close() throws IOException {
        for (Closeable c : open) {
            c.close();
        }
        for (Path run : runs) {
            Files.deleteIfExists(run);
        }
        buffer.clear();
    }

    private static final class RunReader {
        final DataInputStream in;
        Rec head;

        RunReader(DataInputStream in) {
            this.in = in;
        }

        boolean advance() throws IOException {
            long ts;
            try {
                ts = in.readLong();
            } catch (EOFException end) {
                head = null;
                return false;
            }
            long seq = in.readLong();
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            head = new Rec(ts, seq, b);
            return true;
        }
    }
}
