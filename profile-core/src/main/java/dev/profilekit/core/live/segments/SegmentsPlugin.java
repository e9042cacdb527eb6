package dev.profilekit.core.live.segments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.live.ModelContext;
import dev.profilekit.core.live.ModelPlugin;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.core.spi.ModelOutputs;

/** The {@code "segments"} kind of live model: online k-means segments with batch refits ({@link LiveSegments}). */
public final class SegmentsPlugin implements ModelPlugin<SegmentsConfig> {

    /** The one instance, registered in {@code ModelsConfig.BUILT_IN}. */
    public static final SegmentsPlugin INSTANCE = new SegmentsPlugin();

    private SegmentsPlugin() {
    }

    @Override
    public String name() {
        return ModelOutputs.SEGMENTS;
    }

    @Override
    public Class<SegmentsConfig> sectionType() {
        return SegmentsConfig.class;
    }

    @Override
    public SegmentsConfig parse(JsonNode section) {
        return SegmentsConfig.parse(section);
    }

    @Override
    public LiveModel<?> create(SegmentsConfig section, ModelContext context) {
        return new LiveSegments(section, context.schema(), context.background(), context.userState());
    }
}
