package dev.profilekit.core.live.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * An executor that counts the tasks it has handed on and not yet finished, so that
 * {@link #awaitIdle()} can wait for them on a condition (no polling). Tasks run on the delegate.
 */
public final class TrackingExecutor implements Executor {

    private final Executor delegate;
    private int running;

    /** Hands tasks on to {@code delegate}. */
    public TrackingExecutor(Executor delegate) {
        this.delegate = delegate;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            running++;
        }
        try {
            delegate.execute(() -> {
                try {
                    task.run();
                } finally {
                    done();
                }
            });
        } catch (RuntimeException e) {
            done(); // rejected: it will never run
            throw e instanceof RejectedExecutionException ? e : new RejectedExecutionException(e);
        }
    }

    private synchronized void done() {
        if (--running == 0) {
            notifyAll();
        }
    }

    /** Waits until every task handed on so far (and every task they handed on) has finished. */
    public synchronized void awaitIdle() throws InterruptedException {
        while (running > 0) {
            wait();
        }
    }
}
