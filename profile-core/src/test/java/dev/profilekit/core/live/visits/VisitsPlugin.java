package dev.profilekit.core.live.visits;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.live.ModelContext;
import dev.profilekit.core.live.ModelPlugin;
import dev.profilekit.core.spi.LiveModel;
import java.util.List;

/** The test-only {@code "visits"} kind of live model ({@link LiveVisits}). */
public final class VisitsPlugin implements ModelPlugin<VisitsConfig> {

    /** The one instance. */
    public static final VisitsPlugin INSTANCE = new VisitsPlugin();

    private VisitsPlugin() {
    }

    @Override
    public String name() {
        return "visits";
    }

    @Override
    public Class<VisitsConfig> sectionType() {
        return VisitsConfig.class;
    }

    @Override
    public VisitsConfig parse(JsonNode section) {
        return VisitsConfig.parse(section);
    }

    @Override
    public List<String> watchedTypes(VisitsConfig section) {
        return List.of(section.type());
    }

    @Override
    public LiveModel<?> create(VisitsConfig section, ModelContext context) {
        return new LiveVisits(section, context);
    }
}
