package dev.profilekit.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.engine.SnapshotMismatchException;
import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.InvalidEventException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The locked snapshot directory: one writer, write order, damage set aside, mismatch touching nothing, forget. */
class SnapshotDirectoryTest {

    private static final long T0 = 1_767_225_600_000L;
    private static final byte[] KEY = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path tmp;

    private static ProfileSchema schema() {
        return ProfileSchema.builder().feature(FeatureSpec.count("events")).build();
    }

    private static ProfileUpdater updater() {
        return ProfileUpdater.builder(schema()).build();
    }

    private static void feed(ProfileUpdater u, String user, int from, int to) {
        for (int i = from; i < to; i++) {
            try {
                u.onEvent(EventJson.parse("{\"id\":\"e" + i + "\",\"user\":\"" + user + "\",\"type\":\"view\",\"ts\":"
                        + (T0 + i) + ",\"attrs\":{\"mark\":\"zebra-" + user + "\"}}"));
            } catch (InvalidEventException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static Map<String, byte[]> contents(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                out.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        return out;
    }

    private static List<String> names(Path dir) throws IOException {
        return List.copyOf(contents(dir).keySet());
    }

    @Test
    void writeAsyncTakesItsCutBeforeReturningWritesOnTheExecutorAndKeepsTheNewestTwo() throws Exception {
        Path dir = tmp.resolve("st");
        java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
        try (SnapshotDirectory d = SnapshotDirectory.open(dir); ProfileUpdater u = updater()) {
            feed(u, "a", 0, 3);
            d.write(u, Map.of("at", "3"));
            feed(u, "a", 3, 5);
            d.write(u, Map.of("at", "5"));
            feed(u, "a", 5, 10);
            writer.submit(() -> { // the file cannot be written before the events below are applied
                busy.await();
                return null;
            });
            var written = d.writeAsync(u, Map.of("at", "10"), writer);
            feed(u, "a", 10, 20); // after the cut: not in the snapshot
            assertThat(written).isNotDone();
            busy.countDown();
            assertThat(written.get().metadata()).containsEntry("at", "10");
            List<Path> kept = d.snapshots();
            assertThat(kept).hasSize(2);
            try (ProfileUpdater r = updater()) {
                assertThat(r.restore(kept.get(0)).metadata()).containsEntry("at", "10");
                assertThat(r.counts().accepted()).isEqualTo(10);
            }
            try (ProfileUpdater r = updater()) {
                assertThat(r.restore(kept.get(1)).metadata()).containsEntry("at", "5");
            }
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void aSecondOpenerIsRefusedUntilTheFirstCloses() {
        Path dir = tmp.resolve("st");
        try (SnapshotDirectory first = SnapshotDirectory.open(dir)) {
            assertThatThrownBy(() -> SnapshotDirectory.open(dir)).isInstanceOf(SnapshotDirectory.InUseException.class)
                    .hasMessageContaining("in use by another run").hasMessageContaining(dir.toString());
        }
        SnapshotDirectory.open(dir).close();
    }

    @Test
    void aMissingUpdaterIsRefusedInOneLineAndNoFileIsWritten() throws IOException {
        Path dir = tmp.resolve("none");
        try (SnapshotDirectory d = SnapshotDirectory.open(dir)) {
            assertThatThrownBy(() -> d.write(null, Map.of())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("updater must not be null");
            assertThatThrownBy(() -> d.writeAsync(null, Map.of(), Runnable::run))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("updater must not be null");
            assertThat(d.snapshots()).isEmpty();
        }
    }

    @Test
    void aFileOrAReadOnlyDirectoryIsRefusedWithAClearMessage() throws IOException {
        Path file = Files.writeString(tmp.resolve("afile"), "x");
        assertThatThrownBy(() -> SnapshotDirectory.open(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("snapshot directory " + file + " is not a directory");
    }

    @Test
    void snapshotsAreOrderedByWriteAndLeftoverTemporaryFilesAreRemoved() throws IOException {
        Path dir = tmp.resolve("st");
        Files.createDirectories(dir);
        // a directory of the old naming: the number was the line; a leftover of a crashed write
        ProfileUpdater old = updater();
        feed(old, "a", 0, 5);
        old.snapshot(dir.resolve("snapshot-000000009000.pks"), Map.of("line", "9000"));
        Files.writeString(dir.resolve("snapshot-000000009001.pks.123.tmp"), "half");
        try (SnapshotDirectory d = SnapshotDirectory.open(dir)) {
            assertThat(names(dir)).containsExactly(".lock", "snapshot-000000009000.pks");
            ProfileUpdater u = updater();
            feed(u, "b", 0, 3);
            d.write(u, Map.of("line", "3")); // a lower line written later is newer
            feed(u, "b", 3, 4);
            d.write(u, Map.of("line", "4"));
            assertThat(names(dir)).containsExactly(".lock", "snapshot-000000009001.pks", "snapshot-000000009002.pks");
            ProfileUpdater.SnapshotInfo back = d.restoreNewest(SnapshotDirectoryTest::updater, i -> { }).snapshot()
                    .orElseThrow();
            assertThat(back.metadata()).containsEntry("line", "4");
        }
    }

    @Test
    void damagedSnapshotsAreSetAsideAndKeptUntilANewerValidOneExists() throws IOException {
        Path dir = tmp.resolve("st");
        try (SnapshotDirectory d = SnapshotDirectory.open(dir)) {
            ProfileUpdater u = updater();
            feed(u, "a", 0, 3);
            d.write(u, Map.of("line", "3"));
            feed(u, "a", 3, 6);
            d.write(u, Map.of("line", "6"));
            Path newest = d.snapshots().get(0);
            byte[] b = Files.readAllBytes(newest);
            b[b.length / 2] ^= 0x55;
            Files.write(newest, b);

            SnapshotDirectory.Restored r = d.restoreNewest(SnapshotDirectoryTest::updater, i -> { });
            assertThat(r.snapshot().orElseThrow().metadata()).containsEntry("line", "3");
            assertThat(r.damaged()).extracting(SnapshotDirectory.Damaged::file)
                    .containsExactly(dir.resolve("snapshot-000000000002.pks.damaged"));
            assertThat(names(dir)).containsExactly(".lock", "snapshot-000000000001.pks",
                    "snapshot-000000000002.pks.damaged");
            d.write(r.updater(), Map.of("line", "3"));
            assertThat(names(dir)).containsExactly(".lock", "snapshot-000000000001.pks", "snapshot-000000000003.pks");
        }
    }

    @Test
    void aMismatchStopsBeforeAnyFileIsTouched() throws IOException {
        Path dir = tmp.resolve("st");
        try (SnapshotDirectory d = SnapshotDirectory.open(dir)) {
            ProfileUpdater u = ProfileUpdater.builder(schema()).encryptionKey(KEY).build();
            feed(u, "a", 0, 3);
            d.write(u, Map.of("line", "3"));
            feed(u, "a", 3, 6);
            d.write(u, Map.of("line", "6"));
            Files.writeString(d.directory().resolve("snapshot-000000000003.pks"), "not a snapshot at all");
            Map<String, byte[]> before = contents(dir);
            byte[] wrong = KEY.clone();
            wrong[0] ^= 1;
            // the newest is damaged, the next one is intact but needs another key: nothing is renamed
            assertThatThrownBy(() -> d.restoreNewest(() -> ProfileUpdater.builder(schema()).encryptionKey(wrong).build(),
                    i -> { })).isInstanceOf(SnapshotMismatchException.class).hasMessageContaining("wrong key");
            assertThatThrownBy(() -> d.restoreNewest(SnapshotDirectoryTest::updater, i -> { }))
                    .isInstanceOf(SnapshotMismatchException.class).hasMessageContaining("encrypted");
            assertThatThrownBy(() -> d.restoreNewest(() -> ProfileUpdater.builder(schema()).encryptionKey(KEY).build(),
                    i -> {
                        throw new SnapshotMismatchException(i.file(), SnapshotMismatchException.Kind.OPTIONS,
                                "was written with other options");
                    })).isInstanceOf(SnapshotMismatchException.class);
            ProfileSchema other = ProfileSchema.builder().feature(FeatureSpec.count("other")).build();
            assertThatThrownBy(() -> d.restoreNewest(() -> ProfileUpdater.builder(other).encryptionKey(KEY).build(),
                    i -> { })).isInstanceOf(SnapshotMismatchException.class)
                    .extracting(e -> ((SnapshotMismatchException) e).kind())
                    .isEqualTo(SnapshotMismatchException.Kind.SCHEMA);
            Map<String, byte[]> after = contents(dir);
            assertThat(after.keySet()).isEqualTo(before.keySet());
            for (String name : before.keySet()) {
                assertThat(after.get(name)).as(name).isEqualTo(before.get(name));
            }
        }
    }

    @Test
    void forgetWritesAFreshSnapshotAndDeletesEveryOlderOne() throws IOException {
        Path dir = tmp.resolve("st");
        try (SnapshotDirectory d = SnapshotDirectory.open(dir)) {
            ProfileUpdater u = updater();
            feed(u, "alice", 0, 3);
            feed(u, "bob", 3, 5);
            d.write(u, Map.of("line", "5"));
            d.write(u, Map.of("line", "5"));
            Path damaged = dir.resolve("snapshot-000000000001.pks.damaged");
            Files.copy(d.snapshots().get(0), damaged);
            ProfileUpdater.SnapshotInfo info = d.forget(u, List.of("alice"), Map.of("line", "5"));
            assertThat(names(dir)).containsExactly(".lock", info.file().getFileName().toString());
            for (byte[] b : contents(dir).values()) {
                assertThat(new String(b, StandardCharsets.ISO_8859_1)).doesNotContain("alice")
                        .doesNotContain("zebra-alice");
            }
            ProfileUpdater back = d.restoreNewest(SnapshotDirectoryTest::updater, i -> { }).updater();
            assertThat(back.users()).containsExactly("bob");
        }
    }
}
