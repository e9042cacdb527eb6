package dev.profilekit.core.live.recommend;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.live.ModelContext;
import dev.profilekit.core.live.ModelPlugin;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.core.spi.ModelOutputs;
import java.util.List;

/** The {@code "recommend"} kind of live model: item-item recommendations with an ALS fallback ({@link LiveRecommender}). */
public final class RecommendPlugin implements ModelPlugin<RecommendConfig> {

    /** The one instance, registered in {@code ModelsConfig.BUILT_IN}. */
    public static final RecommendPlugin INSTANCE = new RecommendPlugin();

    private RecommendPlugin() {
    }

    @Override
    public String name() {
        return ModelOutputs.RECOMMEND;
    }

    @Override
    public Class<RecommendConfig> sectionType() {
        return RecommendConfig.class;
    }

    @Override
    public RecommendConfig parse(JsonNode section) {
        return RecommendConfig.parse(section);
    }

    @Override
    public List<String> watchedTypes(RecommendConfig section) {
        List<String> watched = new java.util.ArrayList<>(section.weights().keySet());
        watched.addAll(section.exclude());
        return watched;
    }

    @Override
    public LiveModel<?> create(RecommendConfig section, ModelContext context) {
        return new LiveRecommender(section, context.schema(), context.background(), context.userState());
    }
}
