package dev.profilekit.core.live.forecast;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.live.ModelContext;
import dev.profilekit.core.live.ModelPlugin;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.core.spi.ModelOutputs;
import java.util.List;

/** The {@code "forecast"} kind of live model: the next day's activity forecast ({@link LiveForecast}). */
public final class ForecastPlugin implements ModelPlugin<ForecastConfig> {

    /** The one instance, registered in {@code ModelsConfig.BUILT_IN}. */
    public static final ForecastPlugin INSTANCE = new ForecastPlugin();

    private ForecastPlugin() {
    }

    @Override
    public String name() {
        return ModelOutputs.FORECAST;
    }

    @Override
    public Class<ForecastConfig> sectionType() {
        return ForecastConfig.class;
    }

    @Override
    public ForecastConfig parse(JsonNode section) {
        return ForecastConfig.parse(section);
    }

    @Override
    public List<String> watchedTypes(ForecastConfig section) {
        return List.of(section.type());
    }

    @Override
    public LiveModel<?> create(ForecastConfig section, ModelContext context) {
        return new LiveForecast(section, context.schema(), context.background(), context.users(), context.userState());
    }
}
