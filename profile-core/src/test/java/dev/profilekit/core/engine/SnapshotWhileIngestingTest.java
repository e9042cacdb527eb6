package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.snapshot.internal.SnapshotFile;
import dev.profilekit.core.testkit.SpecAssertions;
import dev.profilekit.features.codec.ByteWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots taken copy-on-write: ingestion, forgets and expiry go on while the file is written, and the file holds
 * exactly the state of an updater that saw the events accepted before the cut (every user's encoded state, the
 * counts and watermark, the live models' state).
 */
class SnapshotWhileIngestingTest {

    private static final long H = 3_600_000L;
    /** 2026-01-01T00:00Z. */
    private static final long T0 = 1_767_225_600_000L;
    private static final String[] CATEGORIES = {"books", "electronics", "fashion", "home"};
    /** Generous for a loaded machine: on a snapshot that pauses ingestion, a call waits for the whole write. */
    private static final long BOUND_MS = 1000;

    @TempDir
    Path tmp;

    /** The live schema and models (propensity, segments, forecast), models trained inline, a TTL of 3 days. */
    private static ProfileUpdater updater() {
        return ProfileUpdater.builder(ProfileSchema.fromJson(SpecAssertions.text("/live-schema.json")))
                .models(ModelsConfig.fromJson(SpecAssertions.text("/live-models.json")))
                .modelExecutor(Runnable::run).ttl(Duration.ofDays(3)).build();
    }

    /**
     * {@code users} users over {@code days} days in time order, ids unique (no duplicate, late or rejected event):
     * two sessions a day with views, some carts and purchases, so the propensity model samples every user twice a
     * day and labels examples of both classes as days pass.
     */
    private static List<Event> stream(int users, int days, String prefix, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Event> out = new ArrayList<>();
        int id = 0;
        for (int d = 0; d < days; d++) {
            for (int s = 0; s < 2; s++) {
                List<Event> session = new ArrayList<>();
                for (int u = 0; u < users; u++) {
                    long t = T0 + d * 24 * H + s * 12 * H + u * 30_000L;
                    String user = prefix + u;
                    String category = CATEGORIES[(u + r.nextInt(2)) % CATEGORIES.length];
                    session.add(Event.builder(prefix + "e" + id++, user, "view", t).attr("category", category).build());
                    if (r.nextDouble() < 0.3) {
                        session.add(Event.builder(prefix + "e" + id++, user, "cart", t + 60_000L)
                                .attr("category", category).build());
                    }
                    if (r.nextDouble() < (u % 10) / 20.0) {
                        session.add(Event.builder(prefix + "e" + id++, user, "purchase", t + 120_000L)
                                .attr("category", category).attr("amount", 5 + r.nextInt(200)).build());
                    }
                }
                session.sort(Comparator.comparingLong(Event::timestamp));
                out.addAll(session);
            }
        }
        return out;
    }

    /** The records of a snapshot file by type, each type's records sorted (users come in the table's order). */
    private static Map<Integer, List<String>> records(Path file, ProfileUpdater u) throws Exception {
        Map<Integer, List<String>> out = new TreeMap<>();
        SnapshotFile.read(file, u.fingerprint(), null, (type, r) -> out.computeIfAbsent(type, k -> new ArrayList<>())
                .add(Base64.getEncoder().encodeToString(r.bytes(r.remaining()))));
        out.values().forEach(list -> list.sort(null));
        return out;
    }

    /** Every profile of {@code u} as JSON at {@code asOf} (scores included), the counts and the models' state. */
    private static List<String> observable(ProfileUpdater u, long asOf) {
        List<String> out = new ArrayList<>();
        out.add(u.counts().toString());
        for (String user : u.users()) {
            out.add(ProfileJson.toJson(u.profileByKey(user, asOf)));
        }
        ByteWriter w = new ByteWriter(1024);
        u.models().orElseThrow().encodeState(w);
        out.add(Base64.getEncoder().encodeToString(w.toByteArray()));
        return out;
    }

    /**
     * The snapshot of {@code file} equals one of an updater that saw exactly {@code before}: the same records
     * (metadata, counts and watermark, models, every user's encoded state), and restored, the same profiles.
     */
    private void assertSnapshotOf(Path file, List<Event> before, long asOf) throws Exception {
        ProfileUpdater reference = updater();
        before.forEach(reference::onEvent);
        Path expected = tmp.resolve("reference-" + file.getFileName());
        reference.snapshot(expected, Map.of("at", "cut"));
        assertThat(records(file, reference)).isEqualTo(records(expected, reference));

        ProfileUpdater restored = updater();
        ProfileUpdater.SnapshotInfo back = restored.restore(file);
        assertThat(back.counts()).isEqualTo(reference.counts());
        assertThat(observable(restored, asOf)).isEqualTo(observable(reference, asOf));
    }

    @Test
    void ingestionForgetAndExpiryGoOnWhileTheWriterIsHeldAndTheFileHoldsTheCut() throws Exception {
        List<Event> stream = stream(300, 8, "u", 11);
        int cut = stream.size() / 2;
        List<Event> before = new ArrayList<>(stream.subList(0, cut));
        // a user idle for longer than the TTL at the cut, whose next event (after the cut) expires it in place
        before.add(0, Event.builder("idle-e0", "idle", "view", T0).attr("category", "books").build());
        long lastBefore = before.get(before.size() - 1).timestamp();
        List<Event> during = new ArrayList<>(stream.subList(cut, cut + 3000)); // existing users, labels resolved
        during.add(Event.builder("idle-e1", "idle", "view", lastBefore + H).attr("category", "home").build());
        for (int i = 0; i < 50; i++) { // users made after the cut
            during.add(Event.builder("new-e" + i, "new" + i, "view", lastBefore + H + i).attr("category", "toys")
                    .build());
        }

        ProfileUpdater u = updater();
        before.forEach(u::onEvent);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        u.midWriteHook(holder(held, release));
        Path file = tmp.resolve("held.pks");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<ProfileUpdater.SnapshotInfo> snapshot = pool.submit(() -> u.snapshot(file, Map.of("at", "cut")));
            assertThat(held.await(30, TimeUnit.SECONDS)).as("the writer reached the middle of the file").isTrue();
            // users with pending propensity examples and seen ids, and events after the forget; ten of them, so that
            // some lie in the half of the table the writer has not reached yet
            List<String> forgotten = List.of("u7", "u17", "u27", "u37", "u47", "u57", "u67", "u77", "u87", "u97");
            Future<long[]> ingest = pool.submit(() -> {
                long forgetting = 0;
                boolean removed = true;
                for (String user : forgotten) {
                    long t0 = System.nanoTime();
                    removed &= u.forget(user);
                    forgetting = Math.max(forgetting, System.nanoTime() - t0);
                }
                long longest = 0;
                for (Event e : during) {
                    long t0 = System.nanoTime();
                    u.onEvent(e);
                    longest = Math.max(longest, System.nanoTime() - t0);
                }
                return new long[] {longest, forgetting, removed ? 1 : 0};
            });
            long[] times;
            try {
                times = ingest.get(30, TimeUnit.SECONDS); // with a pausing snapshot, the first call waits for the write
            } finally {
                release.countDown();
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(times[0])).as("longest onEvent while the writer is held")
                    .isLessThan(BOUND_MS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(times[1])).as("forget while the writer is held")
                    .isLessThan(BOUND_MS);
            assertThat(times[2]).isEqualTo(1);
            ProfileUpdater.SnapshotInfo info = snapshot.get(30, TimeUnit.SECONDS);
            assertThat(info.counts().accepted()).isEqualTo(before.size());
            assertThat(u.counts().accepted()).isEqualTo(before.size() + during.size());
            assertThat(info.pause()).isLessThanOrEqualTo(info.written());

            long asOf = during.get(during.size() - 1).timestamp();
            assertSnapshotOf(file, before, asOf); // holds the forgotten users and the idle one as of the cut

            // the updater itself went on exactly: a later snapshot equals one of an updater that saw everything
            ProfileUpdater all = updater();
            before.forEach(all::onEvent);
            forgotten.forEach(all::forget);
            during.forEach(all::onEvent);
            Path later = tmp.resolve("later.pks");
            Path expected = tmp.resolve("later-expected.pks");
            u.midWriteHook(null);
            u.snapshot(later, Map.of());
            all.snapshot(expected, Map.of());
            assertThat(records(later, u)).isEqualTo(records(expected, all));
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aSnapshotAtARandomMomentOfAConcurrentStreamHoldsExactlyTheEventsAcceptedBeforeItsCut() throws Exception {
        List<Event> stream = stream(300, 12, "u", 5);
        SplittableRandom r = new SplittableRandom(42);
        for (int round = 0; round < 4; round++) {
            ProfileUpdater u = updater();
            u.midWriteHook(() -> { // widen the write so that events land in it
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> stream.forEach(u::onEvent));
            Thread.sleep(r.nextInt(5, 120));
            Path file = tmp.resolve("random" + round + ".pks");
            ExecutorService writer = Executors.newSingleThreadExecutor();
            ProfileUpdater.SnapshotInfo info;
            try {
                info = u.snapshotAsync(file, Map.of("at", "cut"), writer).get(60, TimeUnit.SECONDS);
            } finally {
                writer.shutdown();
            }
            feeding.get(60, TimeUnit.SECONDS);
            int accepted = (int) info.counts().accepted();
            assertThat(info.counts().duplicate() + info.counts().late()).isZero();
            assertSnapshotOf(file, stream.subList(0, accepted), stream.get(stream.size() - 1).timestamp());
        }
    }

    /** A hook that holds the writer until {@code release}, after counting down {@code held}. */
    private static Runnable holder(CountDownLatch held, CountDownLatch release) {
        return () -> {
            held.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    @Test
    void aSecondSnapshotWaitsForTheRunningOneAndTakesItsCutAfterIt() throws Exception {
        List<Event> stream = stream(200, 6, "u", 3);
        int cut = stream.size() / 2;
        ProfileUpdater u = updater();
        stream.subList(0, cut).forEach(u::onEvent);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        u.midWriteHook(holder(held, release));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Path first = tmp.resolve("first.pks");
            Path second = tmp.resolve("second.pks");
            Future<ProfileUpdater.SnapshotInfo> a = pool.submit(() -> u.snapshot(first, Map.of("at", "cut")));
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
            u.midWriteHook(null);
            stream.subList(cut, cut + 500).forEach(u::onEvent);
            Future<ProfileUpdater.SnapshotInfo> b = pool.submit(() -> u.snapshot(second, Map.of("at", "cut")));
            Thread.sleep(300);
            assertThat(b.isDone()).as("the second snapshot waits while the first is written").isFalse();
            release.countDown();
            assertThat(a.get(30, TimeUnit.SECONDS).counts().accepted()).isEqualTo(cut);
            assertThat(b.get(30, TimeUnit.SECONDS).counts().accepted()).isEqualTo(cut + 500);
            long asOf = stream.get(stream.size() - 1).timestamp();
            assertSnapshotOf(first, stream.subList(0, cut), asOf);
            assertSnapshotOf(second, stream.subList(0, cut + 500), asOf);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aWriteThatFailsMidWayLeavesNoPreImageForTheNextSnapshot() throws Exception {
        List<Event> stream = stream(200, 6, "u", 9);
        int cut = stream.size() / 2;
        ProfileUpdater u = updater();
        stream.subList(0, cut).forEach(u::onEvent);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Runnable hold = holder(held, release);
        u.midWriteHook(() -> {
            hold.run();
            throw new IllegalStateException("the disk went away");
        });
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ProfileUpdater.SnapshotInfo> failing = pool.submit(() -> u.snapshot(tmp.resolve("failed.pks"),
                    Map.of()));
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
            stream.subList(cut, cut + 1000).forEach(u::onEvent); // keeps pre-images for the failing snapshot
            release.countDown();
            assertThatThrownBy(() -> failing.get(30, TimeUnit.SECONDS)).hasRootCauseMessage("the disk went away");
            u.midWriteHook(null);
            Path file = tmp.resolve("after.pks");
            u.snapshot(file, Map.of("at", "cut"));
            assertSnapshotOf(file, stream.subList(0, cut + 1000), stream.get(stream.size() - 1).timestamp());
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }
}
