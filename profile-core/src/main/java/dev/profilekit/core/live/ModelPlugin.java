package dev.profilekit.core.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.spi.LiveModel;
import java.util.List;

/**
 * One kind of live model, as the engine's list of models knows it: its section of a models file, the
 * {@link LiveModel} it builds from that section, and the event types it needs the schema to resolve. Each kind lives
 * in a package of its own ({@code live.propensity}, {@code live.segments}, ...) with its section class, its live model
 * and its fitted-model value class, and is registered by one line in
 * {@code dev.profilekit.core.models.ModelsConfig#BUILT_IN} (or passed to {@code ModelsConfig.fromJson(String, List)}).
 *
 * @param <C> the section's type: immutable, with an {@code equals} and a {@code toString} that stay the same across
 *            releases (the configuration's text is part of the state fingerprint of snapshots)
 */
public interface ModelPlugin<C> {

    /**
     * The section's key in a models file, which is also the key of the model's outputs in
     * {@link dev.profilekit.core.spi.ModelOutputs} and the first part of every error message about the section.
     */
    String name();

    /** The section's class. */
    Class<C> sectionType();

    /**
     * Reads the section from the models file's value under {@link #name()}.
     *
     * @throws IllegalArgumentException naming the key path (starting with {@link #name()}) and the bad value
     */
    C parse(JsonNode section);

    /** The event types the model watches (such as a label type), which the schema must resolve. */
    default List<String> watchedTypes(C section) {
        return List.of();
    }

    /**
     * Builds the live model of {@code section}.
     *
     * @throws IllegalArgumentException if the section's inputs do not fit the schema (naming the section and input)
     */
    LiveModel<?> create(C section, ModelContext context);
}
