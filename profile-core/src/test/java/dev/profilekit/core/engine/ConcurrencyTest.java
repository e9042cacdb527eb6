package dev.profilekit.core.engine;

import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Many threads on the same users: no update may be lost. */
class ConcurrencyTest {

    private static final int THREADS = 4;
    private static final int USERS = 8;
    private static final int EVENTS_PER_THREAD = 50_000;

    @Test
    void fourThreadsHammeringTheSameUsersLoseNoUpdate() throws Exception {
        ProfileSchema schema = ProfileSchema.builder()
                .feature(FeatureSpec.count("events"))
                .feature(FeatureSpec.sum("spend", "amount"))
                .feature(FeatureSpec.windowCount("recent", Duration.ofDays(3650), 10))
                .feature(FeatureSpec.stats("amounts", "amount"))
                .feature(FeatureSpec.distinctCount("ids", "k"))
                .feature(FeatureSpec.sessions("sessions", Duration.ofMillis(0)))
                .build();
        ProfileUpdater u = ProfileUpdater.builder(schema).build();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int th = 0; th < THREADS; th++) {
            int thread = th;
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < EVENTS_PER_THREAD; i++) {
                    String user = "u" + (i % USERS);
                    long ts = 1_000_000L + (long) thread * EVENTS_PER_THREAD + i; // unique per event
                    Event e = Event.builder("t" + thread + "-" + i, user, "view", ts)
                            .attr("amount", 1.0).attr("k", String.valueOf(i % 1000)).build();
                    assertThat(u.onEvent(e)).isEqualTo(Outcome.ACCEPTED);
                    // a redelivery from this thread must be a duplicate whatever the others do
                    if (i % 97 == 0) {
                        assertThat(u.onEvent(e)).isEqualTo(Outcome.DUPLICATE);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();

        long perUser = (long) THREADS * EVENTS_PER_THREAD / USERS;
        long asOf = 1_000_000L + (long) THREADS * EVENTS_PER_THREAD;
        for (int k = 0; k < USERS; k++) {
            Profile p = u.profile("u" + k, asOf);
            assertThat(p.getLong("events")).isEqualTo(perUser);
            assertThat(p.getDouble("spend")).isEqualTo((double) perUser);
            assertThat(p.getLong("recent")).isEqualTo(perUser);
            assertThat(p.getLong("amounts.count")).isEqualTo(perUser);
            int user = k;
            long distinct = java.util.stream.IntStream.range(0, EVENTS_PER_THREAD).filter(i -> i % USERS == user)
                    .map(i -> i % 1000).distinct().count();
            assertThat(p.getLong("ids")).isEqualTo(distinct);
            assertThat(p.getLong("sessions.count")).isEqualTo(perUser);
        }
        assertThat(u.counts().accepted()).isEqualTo((long) THREADS * EVENTS_PER_THREAD);
    }
}
