package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.store.ProfileStore;
import dev.profilekit.core.testkit.Concurrently;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Several threads evict through a small cache into a store whose writes take a varying time, so that batches of
 * evicted states reach the store from several threads at once: a user's newer state is never overwritten by an
 * older one that another thread's batch carried (every profile ends as a single-threaded run ends), and a forgotten
 * user is never written back into the store by a batch that was on its way when it was forgotten.
 */
class StoreWriteOrderTest {

    private static final long HOUR = 3_600_000L;
    private static final int THREADS = 4;

    private static List<List<Event>> streams(int perThread, int usersPerThread) {
        List<List<Event>> streams = new ArrayList<>();
        for (int w = 0; w < THREADS; w++) {
            SplittableRandom r = new SplittableRandom(w);
            List<Event> s = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                s.add(DictionaryLifecycleTest.event(w * perThread + i, "t" + w + "-u" + r.nextInt(usersPerThread),
                        HOUR + i * 1_000L, "c" + r.nextInt(5), "p" + r.nextInt(40)));
            }
            streams.add(s);
        }
        return streams;
    }

    @org.junit.jupiter.api.RepeatedTest(3)
    void concurrentWriteBacksNeverLetAnOlderStateWin() throws Exception {
        List<List<Event>> streams = streams(6_000, 200);
        ProfileUpdater reference = ProfileUpdater.builder(DictionaryLifecycleTest.schema()).build();
        streams.forEach(s -> s.forEach(reference::onEvent));
        ProfileUpdater u = ProfileUpdater.builder(DictionaryLifecycleTest.schema()).store(Concurrently.slowStore(200_000))
                .cacheSize(64).writeBatch(4).build();
        List<Runnable> work = new ArrayList<>();
        streams.forEach(s -> work.add(() -> s.forEach(u::onEvent)));
        Concurrently.runAll(work);
        long asOf = HOUR + 6_000 * 1_000L;
        assertThat(u.cacheMisses()).as("most events load their user from the store").isGreaterThan(6_000L);
        Map<String, Map<String, Object>> expected = DictionaryLifecycleTest.profiles(reference, asOf);
        Map<String, Map<String, Object>> actual = DictionaryLifecycleTest.profiles(u, asOf);
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        List<String> differ = expected.keySet().stream().filter(k -> !expected.get(k).equals(actual.get(k)))
                .map(k -> k + ": " + actual.get(k).get("events") + " events, expected " + expected.get(k).get("events"))
                .sorted().toList();
        assertThat(differ).as("users whose stored profile lost updates").isEmpty();
    }

    @org.junit.jupiter.api.RepeatedTest(3)
    void aForgottenUserIsNotWrittenBackByABatchOnItsWay() throws Exception {
        List<List<Event>> streams = streams(4_000, 200);
        ProfileStore store = Concurrently.slowStore(200_000);
        ProfileUpdater u = ProfileUpdater.builder(DictionaryLifecycleTest.schema()).store(store)
                .cacheSize(64).writeBatch(4).build();
        List<String> resurrected = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Runnable> work = new ArrayList<>();
        for (int w = 0; w < THREADS; w++) {
            List<Event> s = streams.get(w);
            String hot = "t" + w + "-hot";
            int thread = w;
            work.add(() -> { // its users, and every other event one hot user, forgotten again and again
                long sinceForget = 0;
                for (int i = 0; i < s.size(); i++) {
                    Event e = s.get(i);
                    if (i % 2 == 0) {
                        u.onEvent(e);
                        continue;
                    }
                    u.onEvent(DictionaryLifecycleTest.event(1_000_000 * (thread + 1) + i, hot, e.timestamp(),
                            "c" + i % 3, "p" + i % 7));
                    sinceForget++;
                    Object events = u.profile(hot, e.timestamp()).values().get("events");
                    if (!Long.valueOf(sinceForget).equals(events)) {
                        resurrected.add(hot + " at event " + i + ": " + events + " events, " + sinceForget
                                + " since it was forgotten");
                    }
                    if (i % 20 == 19) {
                        u.forget(hot);
                        sinceForget = 0;
                    }
                }
                u.forget(hot);
            });
        }
        Concurrently.runAll(work);
        assertThat(resurrected).as("forgotten states that came back from the store").isEmpty();
        u.flush();
        List<String> stored = new ArrayList<>();
        store.scan((k, v) -> stored.add(k));
        assertThat(stored).as("stored users").hasSizeGreaterThan(THREADS * 100)
                .noneMatch(k -> k.endsWith("-hot"));
        assertThat(u.users()).noneMatch(k -> k.endsWith("-hot"));
    }

    /**
     * A host thread forgets a user while another thread goes on ingesting that user's events through a small cache
     * over a store: whatever the forget raced with, no event accepted before the forget was called is in the user's
     * profile afterwards (its first-seen time is later than the last event accepted before the call).
     */
    @org.junit.jupiter.api.RepeatedTest(3)
    void anEventDuringAForgetNeverBringsTheForgottenProfileBack() throws Exception {
        ProfileSchema schema = ProfileSchema.builder().feature(FeatureSpec.count("events"))
                .feature(FeatureSpec.firstSeen("first_seen")).build();
        ProfileUpdater u = ProfileUpdater.builder(schema).store(Concurrently.slowStore(200_000)).cacheSize(64).writeBatch(4).build();
        int events = 20_000;
        java.util.concurrent.atomic.AtomicLong lastDone = new java.util.concurrent.atomic.AtomicLong(-1);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        List<String> back = java.util.Collections.synchronizedList(new ArrayList<>());
        Runnable ingest = () -> {
            SplittableRandom r = new SplittableRandom(7);
            for (int i = 0; i < events; i++) {
                long t = HOUR + i * 1_000L;
                // every other event is the hot user's; the others churn the cache so it is evicted and loaded
                String user = i % 2 == 0 ? "hot" : "u" + r.nextInt(2_000);
                u.onEvent(Event.of("e" + i, user, "view", t, Map.of()));
                if (user.equals("hot")) {
                    lastDone.set(t);
                }
            }
            done.set(true);
        };
        Runnable forget = () -> {
            while (!done.get()) {
                long before = lastDone.get();
                u.forget("hot");
                Object first = u.profile("hot", HOUR + events * 1_000L).values().get("first_seen");
                if (first != null && (Long) first <= before) {
                    back.add("first seen " + first + ", but every event up to " + before + " was forgotten");
                }
                LockSupport.parkNanos(100_000);
            }
        };
        Concurrently.runAll(List.of(ingest, forget));
        assertThat(back).as("profiles that came back after a forget").isEmpty();
    }

    /**
     * Four threads with a store, a TTL under which users expire and come back, and forgets of their own users while
     * the others ingest: afterwards, forgetting every user (those with a profile and the expired ones still stored)
     * leaves nothing behind, in the table, the store or the string dictionary.
     */
    @org.junit.jupiter.api.RepeatedTest(2)
    void storeTtlAndForgetsOnFourThreadsLeaveNothingBehindOnceEveryoneIsForgotten() throws Exception {
        ProfileStore store = Concurrently.slowStore(100_000);
        ProfileUpdater u = ProfileUpdater.builder(DictionaryLifecycleTest.schema()).store(store).cacheSize(64)
                .writeBatch(4).ttl(java.time.Duration.ofMinutes(5)).build();
        List<List<Event>> streams = streams(4_000, 150);
        List<Runnable> work = new ArrayList<>();
        for (int w = 0; w < THREADS; w++) {
            List<Event> s = streams.get(w);
            int thread = w;
            work.add(() -> {
                for (int i = 0; i < s.size(); i++) {
                    u.onEvent(s.get(i));
                    if (i % 97 == 0) {
                        u.forget("t" + thread + "-u" + (i % 150));
                    }
                }
            });
        }
        Concurrently.runAll(work);
        // the users with a profile, and the expired ones whose stored copy stays until they pass through the cache
        // (README, Known limitations): forgetting each of them deletes it
        u.flush();
        java.util.Set<String> keys = new java.util.TreeSet<>(u.users());
        int live = keys.size();
        store.scan((k, v) -> keys.add(k));
        assertThat(live).as("users with a live profile before the final forgets").isGreaterThan(THREADS * 10);
        assertThat(keys.size()).as("and expired ones still stored").isGreaterThan(live);
        List<String> users = new ArrayList<>(keys);
        List<Runnable> forgets = new ArrayList<>();
        for (int w = 0; w < THREADS; w++) {
            String prefix = "t" + w + "-";
            forgets.add(() -> users.stream().filter(x -> x.startsWith(prefix)).forEach(u::forget));
        }
        Concurrently.runAll(forgets);
        u.flush();
        List<String> stored = new ArrayList<>();
        store.scan((k, v) -> stored.add(k));
        assertThat(u.users()).isEmpty();
        assertThat(stored).as("stored users after every user was forgotten").isEmpty();
        assertThat(u.profilesInMemory()).isZero();
        assertThat(u.compiled.dictionary().size()).as("strings still coded").isZero();
    }
}
