package dev.profilekit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.live.LabelledExample;
import dev.profilekit.core.live.propensity.PropensityModel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Issue 11, rule 7 for the live models: no lost online update across a swap, no deadlock in listeners. */
class LiveModelsConcurrencyTest {

    @Test
    void examplesLearnedWhileARetrainRunsAreKeptAcrossTheSwap() {
        List<Event> events = EcommerceSimulator.run(SimulationOptions.of(300, 10, 21)).events().toList();
        ArrayDeque<Runnable> queued = new ArrayDeque<>();
        List<LabelledExample> examples = new ArrayList<>();
        ProfileUpdater u = ProfileUpdater.builder(LiveModelsTest.schema()).models(LiveModelSwapTest.propensityOnly())
                .modelExecutor(queued::add).exampleListener(examples::add).build();
        int next = 0;
        while (queued.isEmpty() && next < events.size()) { // up to the moment the first fit is requested
            u.onEvent(events.get(next++));
        }
        assertThat(queued).as("a fit was requested").hasSize(1);
        int atRequest = examples.size();
        while (examples.size() < atRequest + 50 && next < events.size()) { // labels keep coming meanwhile
            u.onEvent(events.get(next++));
        }
        int during = examples.size() - atRequest;
        assertThat(during).isGreaterThanOrEqualTo(50);
        assertThat(u.model(PropensityModel.class)).as("nothing is live until the fit runs").isEmpty();

        queued.poll().run();
        PropensityModel m = u.model(PropensityModel.class).orElseThrow();
        assertThat(m.origin()).isEqualTo("batch");
        // the fit saw the examples up to the request; the swapped-in learner learned the later ones again
        assertThat(m.trainedOn()).isEqualTo(atRequest + during);
    }

    @Test
    void modelListenersThatReadProfilesDoNotDeadlock() {
        List<Event> events = EcommerceSimulator.run(SimulationOptions.of(200, 8, 5)).events().toList();
        AtomicReference<ProfileUpdater> ref = new AtomicReference<>();
        AtomicLong reads = new AtomicLong();
        List<Long> versions = new CopyOnWriteArrayList<>();
        ProfileUpdater u = ProfileUpdater.builder(LiveModelsTest.schema())
                .models(LiveModelSwapTest.propensityOnly())
                .modelListener(m -> {
                    versions.add(m.version());
                    ProfileUpdater me = ref.get();
                    for (String user : me.users()) { // every user's lock, one after the other
                        me.profile(user).ifPresent(p -> reads.incrementAndGet());
                    }
                })
                .listener(up -> ref.get().modelStatus())
                .build();
        ref.set(u);
        int threads = 4;
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            List<Thread> workers = new ArrayList<>();
            for (int k = 0; k < threads; k++) {
                int part = k;
                Thread t = new Thread(() -> events.stream()
                        .filter(e -> Math.floorMod(e.user().hashCode(), threads) == part).forEach(u::onEvent));
                workers.add(t);
                t.start();
            }
            for (Thread t : workers) {
                t.join();
            }
            u.awaitModels();
        }, "a model listener reading profiles deadlocked");
        assertThat(versions).isNotEmpty();
        assertThat(reads.get()).isPositive();
        // versions are told in order, each once
        assertThat(versions).isSorted().doesNotHaveDuplicates();
        u.close();
    }
}
