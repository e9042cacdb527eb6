package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.snapshot.internal.SnapshotFile;
import dev.profilekit.core.store.ProfileStores;
import dev.profilekit.features.codec.ByteWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slab of stripes: every user's fixed-size state is one stripe in a shared page, and a user only ever reads and
 * writes its own. Users' values are checked against sums computed here by hand, so a stripe shared by two users, a
 * reused slot that keeps its last user's values or a stripe read at the wrong offset fails.
 */
class StripesTest {

    private static final long H = 3_600_000L;
    /** 2026-01-01T00:00Z. */
    private static final long T0 = 1_767_225_600_000L;

    @TempDir
    Path tmp;

    /** Counts, sums, first seen, stats (5 slots) and a window ring: a stripe of several kinds and widths. */
    private static ProfileSchema schema() {
        return ProfileSchema.builder()
                .allowedLateness(Duration.ofDays(365))
                .feature(FeatureSpec.count("n"))
                .feature(FeatureSpec.sum("spend", "amount"))
                .feature(FeatureSpec.firstSeen("first"))
                .feature(FeatureSpec.stats("amounts", "amount"))
                .feature(FeatureSpec.windowCount("week", Duration.ofDays(7), 7))
                .build();
    }

    /** Event {@code k} of user {@code user}: amount and time depend on both, so no two users have equal values. */
    private static Event event(String user, int u, int k) {
        return Event.builder(user + "-" + k, user, "view", T0 + u * 1000L + k * H).attr("amount", u * 10 + k + 1)
                .build();
    }

    /** Events per user {@code u}: 1 to 5. */
    private static int events(int u) {
        return 1 + u % 5;
    }

    /** Asserts that {@code user} (number {@code u}) has exactly its first {@code k} events, computed by hand. */
    private static void assertUser(ProfileUpdater up, String user, int u, int k) {
        Profile p = up.profile(user).orElseThrow(() -> new AssertionError("no profile of " + user));
        double spend = 0;
        for (int i = 0; i < k; i++) {
            spend += u * 10 + i + 1;
        }
        assertThat(p.getLong("n")).as(user).isEqualTo(k);
        assertThat(p.getDouble("spend")).as(user).isEqualTo(spend);
        assertThat(p.get("first")).as(user).isEqualTo(T0 + u * 1000L);
        StatsValue st = (StatsValue) p.get("amounts");
        assertThat(st.min()).as(user).isEqualTo(u * 10 + 1.0);
        assertThat(st.max()).as(user).isEqualTo(u * 10 + k + 0.0);
        assertThat(p.getLong("week")).as(user).isEqualTo(Math.min(k, 7));
    }

    private static void ingest(ProfileUpdater up, String prefix, int from, int to) {
        for (int u = from; u < to; u++) {
            for (int k = 0; k < events(u); k++) {
                up.onEvent(event(prefix + u, u, k));
            }
        }
    }

    /** Appends the snapshot file's trailer (CRC32C of every byte so far) to {@code file} and writes it as {@code name}. */
    private Path sealed(ByteWriter file, String name) throws java.io.IOException {
        CRC32C crc = new CRC32C();
        crc.update(file.buffer(), 0, file.size());
        file.fixedInt((int) crc.getValue());
        Path p = tmp.resolve(name);
        Files.write(p, file.toByteArray());
        return p;
    }

    private static ProfileState detached(double a, double b, double c) {
        ProfileState s = new ProfileState("x" + a, new double[] {a, b, c}, 0);
        return s;
    }

    @Test
    void stripesGrowAcrossPagesWithoutMovingAndFreedSlotsAreReused() {
        // stride 3, pages of at most 256 doubles: 64 stripes a full page, the first two pages 16 and 32 stripes
        Stripes st = new Stripes(3, 256);
        assertThat(st.stripesPerPage()).isEqualTo(64);
        List<ProfileState> states = new ArrayList<>();
        Map<double[], Set<Integer>> bases = new IdentityHashMap<>();
        for (int i = 0; i < 1000; i++) {
            ProfileState s = detached(i, i + 0.5, -i);
            st.attach(s);
            states.add(s);
            assertThat(s.base % 3).isZero();
            assertThat(s.base + 3).isLessThanOrEqualTo(s.page.length);
            assertThat(bases.computeIfAbsent(s.page, p -> new HashSet<>()).add(s.base)).as("stripe %d", i).isTrue();
        }
        // 16 + 32 slots, then (1000 - 48) / 64 = 14.9: 15 full pages
        assertThat(st.pages()).isEqualTo(17);
        assertThat(bases).hasSize(17);
        assertThat(bases.keySet().stream().mapToInt(p -> p.length).sorted().toArray()).startsWith(48, 96, 192);
        double[] firstPage = states.get(0).page;
        for (int i = 0; i < 1000; i++) {
            ProfileState s = states.get(i);
            assertThat(new double[] {s.page[s.base], s.page[s.base + 1], s.page[s.base + 2]})
                    .containsExactly(i, i + 0.5, -i);
        }
        assertThat(states.get(0).page).isSameAs(firstPage); // growth moved no stripe

        Set<Integer> freed = new HashSet<>();
        for (int i = 0; i < 1000; i += 2) {
            ProfileState s = states.get(i);
            freed.add(s.slot);
            st.release(s);
            assertThat(s.slot).isEqualTo(-1);
            assertThat(s.page).containsExactly(i, i + 0.5, -i); // the released state keeps its own values
        }
        assertThat(st.used()).isEqualTo(500);
        for (int i = 0; i < 500; i++) {
            ProfileState s = detached(-1, -2, -3 - i);
            st.attach(s);
            assertThat(freed.remove(s.slot)).as("a freed slot is reused").isTrue();
            assertThat(s.page[s.base + 2]).isEqualTo(-3 - i);
        }
        assertThat(st.pages()).isEqualTo(17);
        assertThat(st.used()).isEqualTo(1000);
        for (int i = 1; i < 1000; i += 2) {
            ProfileState s = states.get(i);
            assertThat(s.page[s.base + 2]).isEqualTo(-i);
        }
        assertThatThrownBy(() -> st.attach(states.get(1))).isInstanceOf(IllegalStateException.class)
                .hasMessage("the state of user 'x1.0' already has a slot");
    }

    @Test
    void manyUsersSpanSeveralPagesAndEachKeepsItsOwnStripe() {
        ProfileUpdater up = ProfileUpdater.builder(schema()).build();
        ingest(up, "u", 0, 20_000);
        assertThat(up.stripes().pages()).isGreaterThan(3);
        assertThat(up.stripes().used()).isEqualTo(20_000);
        for (int u = 0; u < 20_000; u++) {
            assertUser(up, "u" + u, u, events(u));
        }
    }

    @Test
    void aForgottenUsersSlotGoesToTheNextNewUserWithAnEmptyHistory() {
        ProfileUpdater up = ProfileUpdater.builder(schema()).build();
        ingest(up, "u", 0, 50);
        int slot = up.state("u7").slot;
        assertThat(up.forget("u7")).isTrue();
        assertThat(up.stripes().used()).isEqualTo(49);
        up.onEvent(event("w1", 1, 0));
        assertThat(up.state("w1").slot).isEqualTo(slot);
        assertUser(up, "w1", 1, 1);
        for (int u = 0; u < 50; u++) {
            if (u != 7) {
                assertUser(up, "u" + u, u, events(u));
            }
        }
        assertThat(up.profile("u7")).isEmpty();
    }

    @Test
    void evictedUsersFreeTheirSlotsAndComeBackWhole() {
        ProfileUpdater up = ProfileUpdater.builder(schema()).store(ProfileStores.heap()).cacheSize(64).build();
        for (int k = 0; k < 5; k++) { // every user's k-th event, so every user is evicted and loaded again
            for (int u = 0; u < 2000; u++) {
                if (k < events(u)) {
                    up.onEvent(event("u" + u, u, k));
                }
            }
            assertThat(up.stripes().used()).isEqualTo(up.table().size()).isLessThan(2000);
        }
        for (int u = 0; u < 2000; u++) {
            assertUser(up, "u" + u, u, events(u));
        }
    }

    @Test
    void expiredUsersFreeTheirSlotsAndAReturningUserStartsAgain() {
        ProfileUpdater up = ProfileUpdater.builder(schema()).ttl(Duration.ofDays(2)).build();
        ingest(up, "old", 0, 3000);
        // three days later: the tables' sweeps expire the old users as new ones fill them
        for (int u = 0; u < 3000; u++) {
            up.onEvent(Event.builder("new-" + u, "new" + u, "view", T0 + 72 * H + u * 1000L)
                    .attr("amount", u * 10 + 1).build());
        }
        assertThat(up.stripes().used()).isEqualTo(up.table().size()).isLessThan(6000);
        for (int u = 0; u < 3000; u++) {
            Profile p = up.profile("new" + u).orElseThrow();
            assertThat(p.getLong("n")).isEqualTo(1);
            assertThat(p.getDouble("spend")).isEqualTo(u * 10 + 1.0);
            assertThat(p.get("first")).isEqualTo(T0 + 72 * H + u * 1000L);
        }
        // an old user that returns after the TTL starts again (its stripe reset in place, or a new one)
        up.onEvent(Event.builder("again", "old3", "view", T0 + 80 * H).attr("amount", 31).build());
        Profile p = up.profile("old3").orElseThrow();
        assertThat(p.getLong("n")).isEqualTo(1);
        assertThat(p.get("first")).isEqualTo(T0 + 80 * H);
        assertThat(((StatsValue) p.get("amounts")).min()).isEqualTo(31.0);
    }

    @Test
    void usersOnDifferentThreadsKeepTheirOwnStripesWhileOthersForgetAndReturn() throws Exception {
        ProfileUpdater up = ProfileUpdater.builder(schema()).build();
        int threads = 4;
        int per = 1500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int from = t * per;
                done.add(pool.submit(() -> {
                    for (int u = from; u < from + per; u++) {
                        ingest(up, "u", u, u + 1);
                        if (u % 3 == 0) { // forget, then the user comes back with its events again
                            up.forget("u" + u);
                            ingest(up, "u", u, u + 1);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(up.stripes().used()).isEqualTo(threads * per);
        for (int u = 0; u < threads * per; u++) {
            assertUser(up, "u" + u, u, events(u));
        }
    }

    @Test
    void aSnapshotWhileNewUsersTakeFreedSlotsHoldsTheCut() throws Exception {
        ProfileUpdater up = ProfileUpdater.builder(schema()).build();
        ingest(up, "u", 0, 400);
        Set<Integer> freed = new HashSet<>();
        Set<Integer> taken = new HashSet<>();
        up.midWriteHook(() -> {
            for (int u = 0; u < 400; u += 2) { // forget half: their slots are freed while the file is written
                freed.add(up.state("u" + u).slot);
                up.forget("u" + u);
            }
            ingest(up, "n", 0, 200); // new users take the freed slots
            for (int u = 0; u < 200; u++) {
                taken.add(up.state("n" + u).slot);
            }
            for (int u = 1; u < 400; u += 2) { // and the other half change
                up.onEvent(Event.builder("late-" + u, "u" + u, "view", T0 + 100 * H).attr("amount", 1).build());
            }
        });
        Path file = tmp.resolve("cut.snap");
        up.snapshot(file, Map.of());
        assertThat(taken).isEqualTo(freed);

        ProfileUpdater back = ProfileUpdater.builder(schema()).build();
        back.restore(file);
        assertThat(back.users()).hasSize(400);
        for (int u = 0; u < 400; u++) {
            assertUser(back, "u" + u, u, events(u));
        }
        assertThat(back.stripes().used()).isEqualTo(400);
    }

    @Test
    void aRestoreDecodesIntoSlotsAndAFailedOneLeavesNoSlotTaken() throws Exception {
        ProfileUpdater up = ProfileUpdater.builder(schema()).build();
        ingest(up, "u", 0, 3000);
        Path file = tmp.resolve("all.snap");
        up.snapshot(file, Map.of());
        // the same file with a record of an unknown type after every user, under a checksum that holds: the
        // restore decodes all 3000 users into slots before it meets the bad record
        byte[] bytes = Files.readAllBytes(file);
        int len = java.nio.ByteBuffer.wrap(bytes, SnapshotFile.HEADER + 1, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getInt();
        assertThat(bytes[SnapshotFile.HEADER]).as("one last chunk").isEqualTo((byte) 2);
        assertThat(SnapshotFile.HEADER + 5 + len + 4).isEqualTo(bytes.length);
        ByteWriter bad = new ByteWriter(bytes.length + 8);
        bad.bytes(bytes, 0, SnapshotFile.HEADER).u8(2).fixedInt(len + 2).bytes(bytes, SnapshotFile.HEADER + 5, len);
        bad.u8(9).varInt(0);
        Path cut = sealed(bad, "bad.snap");

        ProfileUpdater back = ProfileUpdater.builder(schema()).build();
        assertThatThrownBy(() -> back.restore(cut)).hasMessageContaining("unknown record type 9");
        assertThat(back.stripes().used()).as("slots of the users decoded before the bad record").isZero();
        assertThat(back.users()).isEmpty();

        back.restore(file); // the same updater takes the whole file: it is empty again
        assertThat(back.stripes().used()).isEqualTo(3000);
        int pages = back.stripes().pages();
        Set<double[]> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (int u = 0; u < 3000; u++) {
            ProfileState s = back.state("u" + u);
            assertThat(s.slot).as("u%d has a slot", u).isNotNegative();
            seen.add(s.page);
            assertUser(back, "u" + u, u, events(u));
        }
        assertThat(seen).as("every restored stripe is in a page of the slab").hasSize(pages);
        ingest(back, "n", 3000, 3100); // and goes on: new users take new slots
        assertThat(back.stripes().used()).isEqualTo(3100);
        for (int u = 3000; u < 3100; u++) {
            assertUser(back, "n" + u, u, events(u));
        }
    }

    @Test
    void aSnapshotOfFormat2IsRefusedInOneLineAndKept() throws Exception {
        ByteWriter file = new ByteWriter(64);
        file.bytes(SnapshotFile.MAGIC, 0, SnapshotFile.MAGIC.length).u8(2).u8(0).fixedLong(42);
        file.u8(2).fixedInt(0);
        Path old = sealed(file, "v2.snap");
        assertThatThrownBy(() -> ProfileUpdater.builder(schema()).build().restore(old))
                .isInstanceOf(SnapshotMismatchException.class)
                .hasMessage("snapshot " + old + ": it has format version 2; this library reads only version 3 (the file "
                        + "was written by an older ProfileKit: replay its events into a new snapshot)");
        assertThat(Files.readAllBytes(old)).isEqualTo(file.toByteArray());
    }
}
