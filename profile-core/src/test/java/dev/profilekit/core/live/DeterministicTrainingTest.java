package dev.profilekit.core.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.io.ExplanationJson;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.models.TrainingMode;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.testkit.LiveStreams;
import dev.profilekit.core.testkit.SpecAssertions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link TrainingMode}: deterministic training gives the same bytes on every run of a stream; background training
 * stays the default and runs on the models' own thread, beside ingestion.
 */
class DeterministicTrainingTest {

    private static final String MODELS_THREAD = "profilekit-models";

    private static ProfileUpdater.Builder builder() {
        return builder(ModelsConfig.fromJson(SpecAssertions.text("/live-models-all.json")));
    }

    private static ProfileUpdater.Builder builder(ModelsConfig models) {
        return ProfileUpdater.builder(ProfileSchema.fromJson(SpecAssertions.text("/live-schema.json"))).models(models);
    }

    /** {@code live-models-all.json} with a top-level {@code "training"} of the given JSON value. */
    private static ModelsConfig fileWithTraining(String value) {
        return ModelsConfig.fromJson(SpecAssertions.text("/live-models-all.json").replaceFirst("\\{",
                "{\"training\": " + value + ", "));
    }

    /** Every profile with its scores and explanation, the models' status and diagnostics, as bytes. */
    private static byte[] run(ProfileUpdater u, List<Event> events) throws InterruptedException {
        for (Event e : events) {
            u.onEvent(e);
        }
        long end = events.stream().mapToLong(Event::timestamp).max().orElseThrow();
        u.finishReplay(end);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder b = new StringBuilder();
        b.append(u.modelStatus().orElseThrow()).append('\n');
        b.append(u.models().orElseThrow().diagnostics().toJson()).append('\n');
        for (String user : u.users()) {
            b.append(ProfileJson.toJson(u.profile(user, end))).append('\n');
            b.append(ExplanationJson.toJson(u.explain(user, end).orElseThrow())).append('\n');
            b.append(u.recommend(user, 3)).append('\n');
        }
        out.writeBytes(b.toString().getBytes(StandardCharsets.UTF_8));
        u.close();
        return out.toByteArray();
    }

    private static Set<Long> modelThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(MODELS_THREAD))
                .map(Thread::getId).collect(Collectors.toSet());
    }

    @Test
    void deterministicTrainingGivesTheSameBytesOnEveryRunAndStartsNoTrainingThread() throws Exception {
        List<Event> events = LiveStreams.lateStream(120, 10);
        Set<Long> before = modelThreads();
        ProfileUpdater first = builder().training(TrainingMode.DETERMINISTIC).build();
        byte[] a = run(first, events);
        byte[] b = run(builder().training(TrainingMode.DETERMINISTIC).build(), events);
        assertThat(modelThreads()).as("no thread of the models' own was started").isSubsetOf(before);
        assertThat(first.modelStatus().orElseThrow().retrains()).as("batch retrains happened").isPositive();
        assertThat(first.modelStatus().orElseThrow().segmentRefits()).as("segment refits happened").isPositive();
        assertThat(new String(a, StandardCharsets.UTF_8)).contains("\"segment\":").contains("\"propensity\":");
        assertThat(b).isEqualTo(a);
    }

    @Test
    void backgroundTrainingIsTheDefaultAndRunsOnTheModelsOwnThread() throws Exception {
        List<Event> events = LiveStreams.lateStream(120, 10);
        Set<Long> before = modelThreads();
        ProfileUpdater u = builder().build();
        for (Event e : events) {
            u.onEvent(e);
        }
        u.awaitModels();
        assertThat(u.modelStatus().orElseThrow().retrains()).as("batch retrains happened").isPositive();
        assertThat(modelThreads()).as("the models trained on their own thread").isNotEmpty()
                .anyMatch(id -> !before.contains(id));
        u.close();
    }

    @Test
    void deterministicTrainingTakesNoModelExecutor() {
        assertThatThrownBy(() -> builder().training(TrainingMode.DETERMINISTIC)
                .modelExecutor(java.util.concurrent.Executors.newSingleThreadExecutor()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("training DETERMINISTIC trains on the event thread: it takes no modelExecutor (the "
                        + "executor given would never run)");
        assertThatThrownBy(() -> builder().training(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mode must not be null");
    }

    @Test
    void theModelsFileSetsTheModeAndTheBuilderOverridesIt() throws Exception {
        List<Event> events = LiveStreams.lateStream(120, 10);
        ModelsConfig deterministic = fileWithTraining("\"deterministic\"");
        assertThat(deterministic.training()).contains(TrainingMode.DETERMINISTIC);
        assertThat(fileWithTraining("\"background\"").training()).contains(TrainingMode.BACKGROUND);
        assertThat(ModelsConfig.fromJson(SpecAssertions.text("/live-models-all.json")).training()).isEmpty();
        assertThat(deterministic.toString()).as("the mode is no part of the state's fingerprint")
                .isEqualTo(ModelsConfig.fromJson(SpecAssertions.text("/live-models-all.json")).toString());

        Set<Long> before = modelThreads();
        byte[] fromFile = run(builder(deterministic).build(), events);
        assertThat(modelThreads()).as("the file's mode trained on the event thread").isSubsetOf(before);
        assertThat(fromFile).isEqualTo(run(builder().training(TrainingMode.DETERMINISTIC).build(), events));

        ProfileUpdater overridden = builder(deterministic).training(TrainingMode.BACKGROUND).build();
        for (Event e : events) {
            overridden.onEvent(e);
        }
        overridden.awaitModels();
        assertThat(modelThreads()).as("the builder's BACKGROUND overrides the file").anyMatch(id -> !before.contains(id));
        overridden.close();
    }

    @Test
    void aBadTrainingValueIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> fileWithTraining("\"inline\"")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("training: must be \"background\" or \"deterministic\", was \"inline\"");
        assertThatThrownBy(() -> fileWithTraining("true")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("training: must be \"background\" or \"deterministic\", was true");
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"trainng\": \"deterministic\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("trainng: unknown key (allowed: ")
                .hasMessageContaining("training");
    }
}
