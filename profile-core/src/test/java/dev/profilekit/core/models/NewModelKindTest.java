package dev.profilekit.core.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.engine.SnapshotMismatchException;
import dev.profilekit.core.live.ModelPlugin;
import dev.profilekit.core.live.visits.LiveVisits;
import dev.profilekit.core.live.visits.VisitsConfig;
import dev.profilekit.core.live.visits.VisitsModel;
import dev.profilekit.core.live.visits.VisitsPlugin;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.ModelOutputs;
import dev.profilekit.core.testkit.SpecAssertions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new kind of live model is one package ({@code live.visits}, in the test sources: its section, its live model,
 * its published value and its {@link ModelPlugin}) and one registration line ({@link #KINDS}): with nothing else
 * changed, its section is read from the models file, the engine keeps it beside the built-in models, its outputs
 * appear under its name, {@link ProfileUpdater#model(Class)} finds it, and its state goes into snapshots.
 */
class NewModelKindTest {

    /** The registration line of the new kind. */
    private static final List<ModelPlugin<?>> KINDS =
            Stream.concat(ModelsConfig.BUILT_IN.stream(), Stream.of(VisitsPlugin.INSTANCE)).toList();

    private static final String MODELS = """
            {"segments": {"k": 2, "features": ["views", "carts"], "sample_interval": "PT1S"},
             "visits": {"type": "view", "publish_every": 5}}""";

    private static final long T0 = 1_767_225_600_000L;

    @TempDir
    Path tmp;

    private static ProfileUpdater updater(ModelsConfig config) {
        return ProfileUpdater.builder(ProfileSchema.fromJson(SpecAssertions.text("/live-schema.json")))
                .models(config).modelExecutor(Runnable::run).build();
    }

    /** a: 3 views and a cart; b: 4 views; 7 views in all. */
    private static void feed(ProfileUpdater u) {
        int id = 0;
        for (String[] e : new String[][] {{"a", "view"}, {"b", "view"}, {"a", "cart"}, {"a", "view"}, {"b", "view"},
            {"b", "view"}, {"a", "view"}, {"b", "view"}}) {
            u.onEvent(Event.builder("e" + id, e[0], e[1], T0 + 60_000L * id++).build());
        }
    }

    @Test
    void aNewKindIsReadRunsBesideTheBuiltInModelsAndOutputsUnderItsName() {
        ModelsConfig config = ModelsConfig.fromJson(MODELS, KINDS);
        assertThat(config.section(VisitsConfig.class)).contains(new VisitsConfig("view", 5));
        assertThat(config.sections()).extracting(s -> s.plugin().name()).containsExactly("segments", "visits");
        ProfileUpdater u = updater(config);
        assertThat(u.model(LiveVisits.class)).isPresent();
        assertThat(u.model(VisitsModel.class)).as("nothing published before 5 views").isEmpty();
        feed(u);
        long end = T0 + 60_000L * 8;
        ModelOutputs a = u.profile("a", end).models();
        ModelOutputs b = u.profile("b", end).models();
        assertThat(a.models()).containsExactly("segments", "visits");
        assertThat(a.value("visits")).isEqualTo(3.0);
        assertThat(b.value("visits")).isEqualTo(4.0);
        assertThat(b.version("visits")).isEqualTo(1);
        assertThat(a.segmentsOn()).isTrue();
        assertThat(a.propensityOn()).isFalse();
        assertThat(u.model(VisitsModel.class)).contains(new VisitsModel(1, 5));
        assertThat(u.models().orElseThrow().snapshot().get("visits")).isEqualTo(new VisitsModel(1, 5));
    }

    @Test
    void theNewKindsStateGoesIntoSnapshotsAndItsSectionIntoTheFingerprint() throws Exception {
        ModelsConfig config = ModelsConfig.fromJson(MODELS, KINDS);
        ProfileUpdater u = updater(config);
        feed(u);
        Path file = tmp.resolve("visits.snap");
        u.snapshot(file, Map.of());

        ProfileUpdater restored = updater(config);
        restored.restore(file);
        long end = T0 + 60_000L * 8;
        assertThat(restored.profile("a", end).models()).isEqualTo(u.profile("a", end).models());
        assertThat(restored.profile("b", end).models().value("visits")).isEqualTo(4.0);
        assertThat(restored.model(VisitsModel.class)).contains(new VisitsModel(1, 5));

        ProfileUpdater without = updater(ModelsConfig.fromJson(MODELS.replace(
                ",\n \"visits\": {\"type\": \"view\", \"publish_every\": 5}", "")));
        assertThat(without.models().orElseThrow().names()).containsExactly("segments");
        assertThatThrownBy(() -> without.restore(file)).isInstanceOf(SnapshotMismatchException.class)
                .hasMessageContaining("models configuration");
    }

    @Test
    void errorsAboutTheNewKindsSectionNameItsKeys() {
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"visitz\": {}}", KINDS))
                .hasMessage("visitz: unknown key (allowed: [forecast, propensity, recommend, segments, training, visits])");
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"visits\": {\"type\": \"view\"}}"))
                .as("without the registration the section is unknown")
                .hasMessage("visits: unknown key (allowed: [forecast, propensity, recommend, segments, training])");
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"visits\": {\"typ\": \"view\"}}", KINDS))
                .hasMessage("visits.typ: unknown key (allowed: [publish_every, type])");
        assertThatThrownBy(() -> ModelsConfig.fromJson("{\"visits\": {\"type\": \"view\", \"publish_every\": 0}}",
                KINDS)).hasMessage("visits.publish_every: must be between 1 and 1000000, was 0");
        assertThatThrownBy(() -> ModelsConfig.fromJson("{}", List.of(VisitsPlugin.INSTANCE, VisitsPlugin.INSTANCE)))
                .hasMessage("plugins: two kinds named 'visits'");
    }
}
