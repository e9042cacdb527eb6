package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Listeners may call every read method of the updater, for any user, without deadlock (issue 11, rule 7). */
class ListenerReentrancyTest {

    private static final long T0 = 1_767_225_600_000L;
    private static final int EVENTS = 20_000;

    @Test
    void listenersReadingEachOthersUsersDoNotDeadlock() {
        AtomicReference<ProfileUpdater> ref = new AtomicReference<>();
        AtomicLong reads = new AtomicLong();
        ProfileUpdater updater = ProfileUpdater.builder(ProfileSchema.builder().feature(FeatureSpec.count("n")).build())
                .listener(u -> {
                    ProfileUpdater me = ref.get();
                    String other = u.user().equals("a") ? "b" : "a";
                    me.profile(other).ifPresent(p -> reads.incrementAndGet());
                    me.profile(u.user(), Event.MAX_TIMESTAMP);
                    me.users();
                    me.counts();
                    me.latestAcceptedTime();
                    assertThat(u.profile().getLong("n")).isPositive();
                })
                .build();
        ref.set(updater);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Thread a = new Thread(() -> send(updater, "a"));
            Thread b = new Thread(() -> send(updater, "b"));
            a.start();
            b.start();
            a.join();
            b.join();
        }, "a listener reading another user's profile deadlocked");
        assertThat(updater.profile("a").orElseThrow().getLong("n")).isEqualTo(EVENTS);
        assertThat(updater.profile("b").orElseThrow().getLong("n")).isEqualTo(EVENTS);
        assertThat(reads.get()).isGreaterThan(EVENTS); // most reads found the other user
    }

    private static void send(ProfileUpdater updater, String user) {
        for (int i = 0; i < EVENTS; i++) {
            updater.onEvent(Event.of(user + i, user, "view", T0 + i, Map.of()));
        }
    }

    @Test
    void aListenerThatCallsOnEventGetsAClearException() {
        AtomicReference<ProfileUpdater> ref = new AtomicReference<>();
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        ProfileUpdater updater = ProfileUpdater.builder(ProfileSchema.builder().feature(FeatureSpec.count("n")).build())
                .listener(u -> {
                    try {
                        ref.get().onEvent(Event.of("again", "x", "view", T0, Map.of()));
                    } catch (IllegalStateException e) {
                        thrown.add(e);
                    }
                })
                .build();
        ref.set(updater);
        assertThat(updater.onEvent(Event.of("1", "u", "view", T0, Map.of()))).isEqualTo(Outcome.ACCEPTED);
        assertThat(thrown).singleElement().satisfies(e -> assertThat(e.getMessage()).contains("must not call onEvent"));
        assertThat(updater.profile("x")).isEmpty();
        // outside a listener the same thread may call onEvent again
        assertThat(updater.onEvent(Event.of("2", "u", "view", T0 + 1, Map.of()))).isEqualTo(Outcome.ACCEPTED);
    }
}
