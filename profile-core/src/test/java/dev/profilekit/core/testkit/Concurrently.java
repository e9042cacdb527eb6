package dev.profilekit.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.store.ProfileStore;
import dev.profilekit.core.store.ProfileStores;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** Tests that run work on several threads at once, and a store slow enough for their writes to overlap. */
public final class Concurrently {

    private Concurrently() {
    }

    /** Runs every task on a thread of its own, waits for all, and fails if any of them threw. */
    public static void runAll(List<Runnable> tasks) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failed = Collections.synchronizedList(new ArrayList<>());
        for (Runnable r : tasks) {
            threads.add(new Thread(() -> {
                try {
                    r.run();
                } catch (Throwable e) {
                    failed.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failed).isEmpty();
    }

    /**
     * Feeds {@code events} to {@code onEvent} from {@code threads} threads, each taking the users whose id hashes to
     * it, in the stream's order: each user's events stay in order on one thread.
     */
    public static void feedByUser(List<Event> events, int threads, Consumer<Event> onEvent)
            throws InterruptedException {
        List<Runnable> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int part = t;
            tasks.add(() -> {
                for (Event e : events) {
                    if (Math.floorMod(e.user().hashCode(), threads) == part) {
                        onEvent.accept(e);
                    }
                }
            });
        }
        runAll(tasks);
    }

    /** A heap store whose every batch is written after a pause of up to {@code maxPauseNanos}. */
    public static ProfileStore slowStore(long maxPauseNanos) {
        ProfileStore inner = ProfileStores.heap();
        return new ProfileStore() {
            @Override
            public byte[] get(String key) {
                return inner.get(key);
            }

            @Override
            public void write(List<Write> batch) {
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxPauseNanos));
                inner.write(batch);
            }

            @Override
            public void scan(BiConsumer<String, byte[]> action) {
                inner.scan(action);
            }

            @Override
            public long size() {
                return inner.size();
            }

            @Override
            public void flush() {
                inner.flush();
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }
}
