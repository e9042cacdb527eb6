package dev.profilekit.core.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.Outcome;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.testkit.SpecAssertions;
import java.lang.reflect.Field;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Sampling for the segments' refits must not serialise the event threads (issue 22, "Cost"): while another thread
 * holds the segments' lock (as a merge, a refit's publication or a snapshot does), events that take a segments
 * sample still complete, and the samples reach the model once the trainer merges them.
 */
class SegmentsSamplingLockTest {

    private static final long T0 = 1_767_225_600_000L;
    private static final String MODELS = """
            {"segments": {"k": 4, "features": ["views_1d", "carts_3d",
                           {"name": "fav_category", "values": ["books", "electronics", "fashion", "home"]}],
                          "sample_interval": "PT1H"}}
            """;
    private static final String[] CATEGORIES = {"books", "electronics", "fashion", "home"};

    @Test
    void eventsThatSampleDoNotWaitForTheSegmentsLock() throws Exception {
        Queue<Runnable> trainer = new ArrayDeque<>(); // the background trainer, run by hand below
        ProfileUpdater updater = ProfileUpdater.builder(ProfileSchema.fromJson(SpecAssertions.text("/live-schema.json")))
                .models(ModelsConfig.fromJson(MODELS)).modelExecutor(task -> {
                    synchronized (trainer) {
                        trainer.add(task);
                    }
                }).build();
        Object lock = segmentsLock(updater);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            synchronized (lock) {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        holder.start();
        held.await();
        int users = 200; // each user's first event is due for a sample; 200 samples are enough for a first fit
        ExecutorService events = Executors.newSingleThreadExecutor();
        try {
            Future<?> done = events.submit(() -> {
                for (int u = 0; u < users; u++) {
                    Event e = Event.builder("e" + u, "u" + u, "view", T0 + u * 1000L)
                            .attr("category", CATEGORIES[u % CATEGORIES.length]).build();
                    assertThat(updater.onEvent(e)).isEqualTo(Outcome.ACCEPTED);
                }
            });
            try {
                done.get(20, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the event thread waited for the segments' lock held by another thread", e);
            }
        } finally {
            release.countDown();
            holder.join();
            events.shutdownNow();
        }
        assertThat(updater.model(dev.profilekit.core.live.segments.SegmentsModel.class)).as("no sample merged yet").isEmpty();
        runAll(trainer); // merges the 200 samples, which asks for the first fit, which runs next
        assertThat(updater.model(dev.profilekit.core.live.segments.SegmentsModel.class)).as("the segments fitted on the merged samples").isPresent();
        assertThat(updater.modelStatus().orElseThrow().segmentRefits()).isEqualTo(1);
    }

    private static void runAll(Queue<Runnable> tasks) {
        while (true) {
            Runnable task;
            synchronized (tasks) {
                task = tasks.poll();
            }
            if (task == null) {
                return;
            }
            task.run();
        }
    }

    /**
     * The monitor the live segments guard their refit window and online k-means with: the field {@code lock} of
     * the {@code LiveSegments} object the updater reaches (found by walking the fields of the project's own
     * objects, lists and arrays, so the test does not depend on where the models are kept).
     */
    private static Object segmentsLock(ProfileUpdater updater) throws ReflectiveOperationException {
        Object segments = find(updater, "LiveSegments", 5, new java.util.IdentityHashMap<>());
        assertThat(segments).as("the updater's LiveSegments").isNotNull();
        Field lock = segments.getClass().getDeclaredField("lock");
        lock.setAccessible(true);
        return lock.get(segments);
    }

    private static Object find(Object o, String simpleName, int depth, java.util.Map<Object, Boolean> seen)
            throws IllegalAccessException {
        if (o == null || depth < 0 || seen.put(o, Boolean.TRUE) != null) {
            return null;
        }
        if (o.getClass().getSimpleName().equals(simpleName)) {
            return o;
        }
        if (o instanceof Iterable<?> items) {
            for (Object item : items) {
                Object hit = find(item, simpleName, depth - 1, seen);
                if (hit != null) {
                    return hit;
                }
            }
            return null;
        }
        if (o.getClass().isArray() && !o.getClass().getComponentType().isPrimitive()) {
            for (Object item : (Object[]) o) {
                Object hit = find(item, simpleName, depth - 1, seen);
                if (hit != null) {
                    return hit;
                }
            }
            return null;
        }
        if (o.getClass().getName().startsWith("java.util.Optional")) {
            return find(((java.util.Optional<?>) o).orElse(null), simpleName, depth - 1, seen);
        }
        if (!o.getClass().getName().startsWith("dev.profilekit.") || o instanceof Enum<?>) {
            return null;
        }
        for (Class<?> c = o.getClass(); c != null && c.getName().startsWith("dev.profilekit."); c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                    continue;
                }
                f.setAccessible(true);
                Object hit = find(f.get(o), simpleName, depth - 1, seen);
                if (hit != null) {
                    return hit;
                }
            }
        }
        return null;
    }
}
