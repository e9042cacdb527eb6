package dev.profilekit.core.live.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What event threads hand a model's trainer (samples, labelled examples): {@link #add} appends without a lock
 * and, unless a drain is already scheduled, hands one drain to the model's executor, which gives every waiting
 * item to the sink, oldest first, holding {@code monitor}. So event threads never wait for each other or for the
 * model's lock here; with an inline executor ({@code Runnable::run}) the drain runs inside {@link #add}, so a
 * single-threaded replay sees each item handled exactly where it was taken. Bounded: when {@code bound} items
 * wait (the trainer falls behind), the adding thread drains itself.
 *
 * <p>The sink runs on whichever thread drains (the executor's, or an adding thread), holding the monitor.
 *
 * <p>Internal to the live models (public only so that each model's package can use it).
 *
 * @param <T> the item type
 */
public final class TrainerInbox<T> {

    private static final Logger LOG = LoggerFactory.getLogger(TrainerInbox.class);

    private final ConcurrentLinkedQueue<T> items = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Executor executor;
    private final Object monitor;
    private final int bound;
    private final Consumer<T> sink;
    private final Runnable scheduledDrain = this::scheduledDrain;

    /**
     * @param executor where drains run (the model's trainer)
     * @param monitor  held while the sink handles items, which orders them
     * @param bound    waiting items at which the adding thread drains itself, {@code >= 1}
     * @param sink     handles one item; called holding {@code monitor}
     */
    public TrainerInbox(Executor executor, Object monitor, int bound, Consumer<T> sink) {
        this.executor = executor;
        this.monitor = monitor;
        this.bound = bound;
        this.sink = sink;
    }

    /** Hands {@code item} to the trainer. Lock-free unless the inbox is full or the executor refuses the drain. */
    public void add(T item) {
        items.add(item);
        if (waiting.incrementAndGet() > bound) {
            drain();
            return;
        }
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(scheduledDrain);
            } catch (RuntimeException e) {
                scheduled.set(false);
                LOG.warn("the model's trainer refused a drain; draining on the event thread", e);
                drain();
            }
        }
    }

    private void scheduledDrain() {
        scheduled.set(false); // items added from now on schedule another drain
        drain();
    }

    /** Gives every waiting item to the sink, oldest first, holding the monitor (reentrant for its holder). */
    public void drain() {
        synchronized (monitor) {
            T item;
            while ((item = items.poll()) != null) {
                waiting.decrementAndGet();
                sink.accept(item);
            }
        }
    }

    /** Drops every waiting item (the state they belong to is being replaced). */
    public void clear() {
        while (items.poll() != null) {
            waiting.decrementAndGet();
        }
    }
}
