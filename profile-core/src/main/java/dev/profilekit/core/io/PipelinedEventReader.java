package dev.profilekit.core.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads and parses another {@link EventReader} on a thread of its own, so that parsing overlaps with whatever the
 * caller does with the events (on two cores: parse on one, apply on the other). Records are handed over in
 * batches through a bounded queue (memory stays bounded by {@code batchSize * queueBatches} records), in exactly the
 * order the source returns them, errors included with their line numbers. An {@link IOException} or
 * {@link RuntimeException} of the source is thrown by {@link #next()} once the records before it are consumed.
 * {@link #close()} stops the thread and closes the source. One consumer thread only.
 */
public final class PipelinedEventReader implements EventReader {

    private static final ParsedEvent[] END = new ParsedEvent[0];

    private final EventReader source;
    private final BlockingQueue<ParsedEvent[]> queue;
    private final Thread worker;
    private volatile boolean closed;
    private volatile Throwable failure;
    private ParsedEvent[] batch = new ParsedEvent[0];
    private int index;
    private boolean done;

    /**
     * Starts reading {@code source} on a daemon thread.
     *
     * @param source       the reader to run ahead (closed by {@link #close()})
     * @param batchSize    records per batch, 1..1,000,000 (for example 1024)
     * @param queueBatches batches that may wait for the consumer, 1..1,024 (for example 8)
     * @throws IllegalArgumentException if {@code source} is null or a size is out of range
     */
    public PipelinedEventReader(EventReader source, int batchSize, int queueBatches) {
        if (source == null) {
            throw new IllegalArgumentException("source must not be null");
        }
        if (batchSize < 1 || batchSize > 1_000_000) {
            throw new IllegalArgumentException("batchSize must be in 1..1000000, was " + batchSize);
        }
        if (queueBatches < 1 || queueBatches > 1024) {
            throw new IllegalArgumentException("queueBatches must be in 1..1024, was " + queueBatches);
        }
        this.source = source;
        this.queue = new ArrayBlockingQueue<>(queueBatches);
        this.worker = new Thread(() -> produce(batchSize), "profilekit-event-reader");
        worker.setDaemon(true);
        worker.start();
    }

    private void produce(int batchSize) {
        ParsedEvent[] b = new ParsedEvent[batchSize];
        int n = 0;
        try {
            ParsedEvent e;
            while (!closed && (e = source.next()) != null) {
                b[n++] = e;
                if (n == batchSize) {
                    put(b);
                    b = new ParsedEvent[batchSize];
                    n = 0;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // closed
        } catch (Throwable t) {
            failure = t; // thrown to the consumer after the records read before it
        }
        try {
            if (n > 0) {
                put(java.util.Arrays.copyOf(b, n));
            }
            put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void put(ParsedEvent[] b) throws InterruptedException {
        while (!queue.offer(b, 100, TimeUnit.MILLISECONDS)) {
            if (closed) {
                throw new InterruptedException("closed");
            }
        }
    }

    @Override
    public ParsedEvent next() throws IOException {
        while (index >= batch.length) {
            if (done) {
                return null;
            }
            try {
                batch = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for events");
            }
            index = 0;
            if (batch == END) {
                done = true;
                Throwable t = failure;
                if (t instanceof IOException io) {
                    throw io;
                } else if (t instanceof RuntimeException r) {
                    throw r;
                } else if (t instanceof Error err) {
                    throw err;
                } else if (t != null) {
                    throw new UncheckedIOException(new IOException(t));
                }
                return null;
            }
        }
        ParsedEvent e = batch[index];
        batch[index++] = null;
        return e;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        worker.interrupt();
        queue.clear();
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        source.close();
    }
}
