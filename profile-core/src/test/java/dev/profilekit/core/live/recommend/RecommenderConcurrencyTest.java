package dev.profilekit.core.live.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Four threads ingest disjoint users into one recommender: the shared co-occurrence must equal a single-threaded
 * run of the same events (the sums are order-independent), which a lost update would break.
 */
class RecommenderConcurrencyTest {

    private static final double REL = 1e-9;
    private static final long T0 = 1_767_225_600_000L;

    private static ProfileUpdater updater() {
        RecommendConfig config = RecommendConfig.builder("product").k(10)
                .weights(Map.of("view", 1.0, "cart", 3.0, "purchase", 5.0)).halfLife(Duration.ofHours(5))
                .exclude(List.of("purchase")).maxNeighbours(1000).maxRecentItems(1000).build();
        return ProfileUpdater.builder(ProfileSchema.builder().feature(FeatureSpec.count("views", "view")).build())
                .models(ModelsConfig.builder().recommend(config).build()).modelExecutor(Runnable::run).build();
    }

    @Test
    void concurrentIngestionLosesNoUpdate() throws InterruptedException {
        String[] types = {"view", "view", "cart", "purchase"};
        List<List<Event>> perThread = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(3);
        for (int th = 0; th < 4; th++) {
            List<Event> events = new ArrayList<>();
            for (int e = 0; e < 5000; e++) {
                String user = "t" + th + "-u" + r.nextInt(50);
                events.add(Event.builder("e" + th + "-" + e, user, types[r.nextInt(4)], T0 + e * 1000L)
                        .attr("product", "p" + r.nextInt(40)).build());
            }
            perThread.add(events);
        }
        ProfileUpdater sequential = updater();
        perThread.forEach(list -> list.forEach(sequential::onEvent));
        ProfileUpdater concurrent = updater();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (List<Event> list : perThread) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                list.forEach(concurrent::onEvent);
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        LiveRecommender a = sequential.model(LiveRecommender.class).orElseThrow();
        LiveRecommender b = concurrent.model(LiveRecommender.class).orElseThrow();
        for (int i = 0; i < 40; i++) {
            for (int j = 0; j < 40; j++) {
                double want = a.similarity("p" + i, "p" + j);
                assertThat(b.similarity("p" + i, "p" + j)).as("sim(p%d, p%d)", i, j)
                        .isCloseTo(want, within(REL * (1 + want)));
            }
        }
        assertThat(b.items.count).isEqualTo(40);
        for (int i = 0; i < 40; i++) {
            int ia = a.items.id("p" + i);
            int ib = b.items.id("p" + i);
            assertThat(b.items.norm[ib]).isCloseTo(a.items.norm[ia], within(REL * a.items.norm[ia]));
            assertThat(b.items.pop[ib]).isCloseTo(a.items.pop[ia], within(REL * a.items.pop[ia]));
        }
    }
}
