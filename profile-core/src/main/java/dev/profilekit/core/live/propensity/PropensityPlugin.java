package dev.profilekit.core.live.propensity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.live.ModelContext;
import dev.profilekit.core.live.ModelPlugin;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.core.spi.ModelOutputs;
import java.util.List;

/** The {@code "propensity"} kind of live model: purchase propensity, learned online with delayed labels ({@link LivePropensity}). */
public final class PropensityPlugin implements ModelPlugin<PropensityConfig> {

    /** The one instance, registered in {@code ModelsConfig.BUILT_IN}. */
    public static final PropensityPlugin INSTANCE = new PropensityPlugin();

    private PropensityPlugin() {
    }

    @Override
    public String name() {
        return ModelOutputs.PROPENSITY;
    }

    @Override
    public Class<PropensityConfig> sectionType() {
        return PropensityConfig.class;
    }

    @Override
    public PropensityConfig parse(JsonNode section) {
        return PropensityConfig.parse(section);
    }

    @Override
    public List<String> watchedTypes(PropensityConfig section) {
        return List.of(section.labelType());
    }

    @Override
    public LiveModel<?> create(PropensityConfig section, ModelContext context) {
        return new LivePropensity(section, context.schema(), context.background(),
                context.versionListener(PropensityModel.class), context.exampleListener(), context.userState(),
                context.beforeChange(), context.directory());
    }
}
