package dev.profilekit.core.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.io.ExplanationJson;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.testkit.SpecAssertions;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots of all four live models across releases. {@code models-state-v2.snap} ({@code live-schema.json},
 * {@code live-models-all.json}, the first two thirds of {@code DiagnosticsSnapshotTest.stream(60, 14)}) was written
 * by the release before the models were split into one package each; it read back unchanged after the split (the
 * models' state format and the configuration's fingerprint did not change), but state format 2 (duplicate ids kept
 * as fingerprints) refuses it in one line, leaving the file as it was. A snapshot of the same cut written by this
 * release resumes to exactly where an uninterrupted run ends: same profiles and scores, same explanations,
 * recommendations, status and diagnostics.
 */
class ModelsSnapshotCompatibilityTest {

    @TempDir
    Path tmp;

    private static ProfileUpdater updater() {
        return ProfileUpdater.builder(ProfileSchema.fromJson(SpecAssertions.text("/live-schema.json")))
                .models(ModelsConfig.fromJson(SpecAssertions.text("/live-models-all.json")))
                .modelExecutor(Runnable::run).build();
    }

    /** Everything observable of the updater's models and profiles, as text. */
    private static List<String> outcome(ProfileUpdater u, long end) throws InterruptedException {
        u.finishReplay(end);
        List<String> out = new ArrayList<>();
        out.add(String.valueOf(u.modelStatus().orElseThrow()));
        out.add(u.models().orElseThrow().diagnostics().toJson());
        out.add(String.valueOf(u.models().orElseThrow().recommendStats().orElseThrow()));
        for (String user : u.users().stream().sorted().toList()) {
            out.add(ProfileJson.toJson(u.profile(user, end)));
            out.add(ExplanationJson.toJson(u.explain(user, end).orElseThrow()));
            out.add(String.valueOf(u.recommend(user, 3)));
        }
        return out;
    }

    @Test
    void aSnapshotOfStateFormat1IsRefusedInOneLineAndKept() throws Exception {
        Path old = tmp.resolve("v2.snap");
        try (InputStream in = ModelsSnapshotCompatibilityTest.class.getResourceAsStream("/models-state-v2.snap")) {
            Files.copy(in, old);
        }
        byte[] before = Files.readAllBytes(old);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> updater().restore(old))
                .isInstanceOf(dev.profilekit.core.engine.SnapshotMismatchException.class)
                .hasMessage("snapshot " + old + ": it has format version 1; this library reads only version 3 (the file"
                        + " was written by an older ProfileKit: replay its events into a new snapshot)");
        assertThat(Files.readAllBytes(old)).isEqualTo(before);
    }

    @Test
    void aSnapshotOfAllFourModelsResumesToTheEndOfAnUninterruptedRun() throws Exception {
        List<Event> events = DiagnosticsSnapshotTest.stream(60, 14);
        int cut = events.size() * 2 / 3;
        long end = events.get(events.size() - 1).timestamp();

        ProfileUpdater whole = updater();
        for (Event e : events) {
            whole.onEvent(e);
        }
        List<String> expected = outcome(whole, end);

        ProfileUpdater first = updater();
        for (Event e : events.subList(0, cut)) {
            first.onEvent(e);
        }
        Path old = tmp.resolve("cut.snap");
        first.snapshot(old, java.util.Map.of());
        ProfileUpdater resumed = updater();
        resumed.restore(old);
        assertThat(resumed.users()).hasSize(60);
        assertThat(resumed.modelStatus().orElseThrow().modelVersion()).as("a fitted propensity model").isPositive();
        assertThat(resumed.models().orElseThrow().snapshot().recommend()).as("a fitted ALS fallback").isNotNull();
        for (Event e : events.subList(cut, events.size())) {
            resumed.onEvent(e);
        }
        assertThat(outcome(resumed, end)).containsExactlyElementsOf(expected);
        assertThat(expected).anySatisfy(line -> assertThat(line).contains("\"segment\":"));
        assertThat(expected).anySatisfy(line -> assertThat(line).contains("\"next_day\":"));
    }
}
