package dev.profilekit.core.engine;

import java.util.concurrent.atomic.LongAdder;

/**
 * Lets many threads change profiles at once and one thread stop them all for a moment (a snapshot, a close):
 * {@link #enter()}/{@link #exit()} around every change, {@link #pause()}/{@link #resume()} around the stop.
 * Entering costs a striped counter increment and a volatile read, so ingesting threads do not contend.
 *
 * <p>Correctness: an entering thread increments, then reads {@code paused}; the pausing thread sets
 * {@code paused}, then sums the counters. Both are sequentially consistent (a CAS and a volatile write, then
 * volatile reads), so either the entering thread sees the pause and backs out, or the pausing thread sees it
 * inside and waits for it to leave.
 */
final class Gate {

    private final LongAdder inside = new LongAdder();
    private volatile boolean paused;
    private final Object lock = new Object();
    private Thread owner;

    void enter() {
        while (true) {
            inside.increment();
            if (!paused || owner == Thread.currentThread()) {
                return;
            }
            inside.decrement();
            synchronized (lock) {
                awaitResumed();
            }
        }
    }

    /** Caller holds {@code lock}: waits until no pause is on. */
    private void awaitResumed() {
        while (paused) {
            try {
                lock.wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while ingestion was paused", e);
            }
        }
    }

    void exit() {
        inside.decrement();
    }

    /** Waits until no other thread is inside, and keeps them out until {@link #resume()}. Not reentrant. */
    void pause() {
        synchronized (lock) {
            awaitResumed();
            owner = Thread.currentThread(); // before the volatile write that publishes it
            paused = true;
        }
        while (inside.sum() != 0) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    void resume() {
        synchronized (lock) {
            paused = false;
            owner = null;
            lock.notifyAll();
        }
    }
}
