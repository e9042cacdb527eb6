package dev.profilekit.core.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.live.internal.DiagnosticsRecorder;
import dev.profilekit.core.live.internal.PrequentialStats;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.testkit.LiveStreams;
import dev.profilekit.core.testkit.SpecAssertions;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import dev.profilekit.features.codec.StateFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live models' diagnostics are part of their snapshot state: a run restored from a snapshot taken mid-way and
 * continued records exactly what an uninterrupted run records, reservoir sample included.
 */
class DiagnosticsSnapshotTest {

    @TempDir
    Path tmp;

    private static ProfileUpdater updater() {
        return ProfileUpdater.builder(ProfileSchema.fromJson(SpecAssertions.text("/live-schema.json")))
                .models(ModelsConfig.fromJson(SpecAssertions.text("/live-models.json")))
                .modelExecutor(Runnable::run).build();
    }

    /**
     * {@code users} users over {@code days} days, in time order: each user has two sessions a day (views, some
     * carts, purchases more likely after a cart and for some users than for others) exactly 12 hours apart, so
     * every user is sampled twice a day (the sample interval) and the model gets labels of both classes.
     */
    static List<Event> stream(int users, int days) {
        return LiveStreams.shop(users, days);
    }

    private static void feed(ProfileUpdater u, List<Event> events) {
        for (Event e : events) {
            u.onEvent(e);
        }
    }

    private static String finalDiagnostics(ProfileUpdater u, List<Event> events) throws InterruptedException {
        u.finishReplay(events.get(events.size() - 1).timestamp());
        return u.models().orElseThrow().diagnostics().toJson();
    }

    @Test
    void anUpdaterRestoredMidStreamEndsWithTheDiagnosticsOfAnUninterruptedRun() throws Exception {
        // enough labels that the reservoir (20,000 pairs) is full before the snapshot and keeps replacing after it
        List<Event> events = stream(700, 24);
        int cut = events.size() * 2 / 3;

        ProfileUpdater whole = updater();
        feed(whole, events.subList(0, cut));
        Path file = tmp.resolve("mid.snap");
        whole.snapshot(file, Map.of()); // changes nothing in the updater: the run goes on uninterrupted
        ModelDiagnostics atCut = whole.models().orElseThrow().diagnostics();
        feed(whole, events.subList(cut, events.size()));
        String expected = finalDiagnostics(whole, events);

        ProfileUpdater second = updater();
        second.restore(file);
        ModelDiagnostics restored = second.models().orElseThrow().diagnostics();
        assertThat(restored.labelled()).as("labelled examples after the restore").isEqualTo(atCut.labelled());
        assertThat(restored.toJson()).isEqualTo(atCut.toJson());
        feed(second, events.subList(cut, events.size()));
        String resumed = finalDiagnostics(second, events);

        ModelDiagnostics end = ModelDiagnostics.fromJson(expected);
        assertThat(atCut.labelled()).isGreaterThan(ModelDiagnostics.DEFAULT_RESERVOIR);
        assertThat(end.labelled()).isGreaterThan(atCut.labelled() + 5_000);
        assertThat(end.versionsSeen()).isGreaterThan(atCut.versionsSeen());
        assertThat(end.aucSeries()).isNotEmpty();
        assertThat(resumed).isEqualTo(expected);
    }

    /** A recorder written and read mid-way goes on exactly as the one that was not, its random draws included. */
    @Test
    void aRecorderReadBackFromItsStateContinuesIdentically() {
        DiagnosticsRecorder whole = new DiagnosticsRecorder(1_000);
        DiagnosticsRecorder first = new DiagnosticsRecorder(1_000);
        PrequentialStats stats = new PrequentialStats(100);
        SplittableRandom r = new SplittableRandom(3);
        DiagnosticsRecorder second = null;
        int n = 120_000;
        for (int i = 1; i <= n; i++) {
            int y = r.nextInt(2);
            double p = r.nextDouble();
            stats.add(p, y);
            boolean alarm = i % 89 == 0;
            whole.example(i * 1000L, p, y, i / 700, alarm, stats);
            (second == null ? first : second).example(i * 1000L, p, y, i / 700, alarm, stats);
            if (i % 700 == 0) {
                String reason = i % 7_000 == 0 ? "batch" : "online";
                whole.published(i / 700, reason);
                (second == null ? first : second).published(i / 700, reason);
            }
            if (i == 61_234) {
                ByteWriter w = new ByteWriter();
                first.writeState(w);
                ByteReader in = new ByteReader(java.util.Arrays.copyOf(w.buffer(), w.size()), "recorder");
                second = DiagnosticsRecorder.readState(in, 1_000);
                in.expectEnd();
                assertThat(second.snapshot(null)).isEqualTo(first.snapshot(null));
            }
        }
        ModelDiagnostics expected = whole.snapshot(null);
        assertThat(expected.driftAlarms()).hasSize(ModelDiagnostics.MAX_EVENTS);
        assertThat(second.snapshot(null)).isEqualTo(expected);
        assertThat(second.snapshot(null).toJson()).isEqualTo(expected.toJson());
    }

    /** The reservoir's own generator draws what {@code new SplittableRandom(SEED)} drew, so samples did not change. */
    @Test
    void theReservoirGeneratorDrawsWhatSplittableRandomDrew() {
        DiagnosticsRecorder d = new DiagnosticsRecorder(0);
        SplittableRandom reference = new SplittableRandom(DiagnosticsRecorder.SEED);
        SplittableRandom bounds = new SplittableRandom(8);
        for (int i = 1; i <= 200_000; i++) {
            long bound = switch (i % 4) {
                case 0 -> i; // as the reservoir draws
                case 1 -> 1L << bounds.nextInt(63); // powers of two
                case 2 -> Long.MAX_VALUE / 2 + bounds.nextLong(Long.MAX_VALUE / 2); // many rejections
                default -> 1 + bounds.nextLong(1_000_000_000L);
            };
            assertThat(d.nextLong(bound)).as("draw %d, bound %d", i, bound).isEqualTo(reference.nextLong(bound));
        }
    }

    @Test
    void aDamagedRecorderStateNamesWhatIsWrong() {
        DiagnosticsRecorder d = new DiagnosticsRecorder(10);
        d.example(1, 0.5, 1, 0, false, new PrequentialStats(10));
        ByteWriter w = new ByteWriter();
        d.writeState(w);
        byte[] b = java.util.Arrays.copyOf(w.buffer(), w.size());
        assertThatThrownBy(() -> DiagnosticsRecorder.readState(new ByteReader(b, "state"), 20))
                .isInstanceOf(StateFormatException.class).hasMessageContaining("capacity 10, this model's is 20");
        b[10] = 2; // the sampled label: after capacity (1 byte), size (1 byte) and the score (8 bytes)
        assertThatThrownBy(() -> DiagnosticsRecorder.readState(new ByteReader(b, "state"), 10))
                .isInstanceOf(StateFormatException.class).hasMessageContaining("label of 2");
    }

    /**
     * A snapshot written before diagnostics were part of the models' state (state version 1; written by the
     * previous release with this schema and models file after a few events) is refused, not misread.
     */
    @Test
    void aSnapshotOfTheStateVersionWithoutDiagnosticsIsRefused() throws IOException {
        Path old = tmp.resolve("v1.snap");
        try (InputStream in = DiagnosticsSnapshotTest.class.getResourceAsStream("/models-state-v1.snap")) {
            Files.copy(in, old);
        }
        ProfileUpdater u = updater();
        // intact but of another models state version: a mismatch (keep the file), not damage; the file's format
        // version (1, event ids kept as strings) is older too, and is what is named first
        assertThatThrownBy(() -> u.restore(old)).isInstanceOf(dev.profilekit.core.engine.SnapshotMismatchException.class)
                .hasMessageContaining("format version 1");
        assertThat(u.users()).isEmpty();
    }
}
