package dev.profilekit.flink;

import dev.profilekit.core.live.forecast.ForecastModel;
import dev.profilekit.core.live.propensity.PropensityModel;
import dev.profilekit.core.live.segments.SegmentsModel;
import dev.profilekit.core.spi.ModelOutputs;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The live models' trainer (propensity, segments, forecast, recommend): one parallel instance (all records under one key) that
 * receives the keyed operators' sampling and labelling records ({@link ProfileFunction#TRAINING}), merges several
 * instances' records in event-time order ({@link ArrivalMerge}; with one instance they pass in their order), labels
 * and learns by the embedded engine's rules ({@link ModelTraining}), and emits every newly published version as its JSON, named by
 * its model ({@link ScoringFunction#version}), on the main output, which the job broadcasts to the scorers
 * ({@link ScoringFunction}). Its state is checkpointed as one operator-state entry. At the end of a bounded input
 * (watermark {@code Long.MAX_VALUE}) it emits its whole state on {@link #FINAL} as {@link FinalState}s under
 * {@link FinalState#MODELS_KEY} (in parts of at most {@link #PART_BYTES}), from which {@link FinalProfiles} ends
 * the models as a replay does.
 */
public final class ModelTrainer extends KeyedProcessFunction<Integer, ModelRecord, String>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    /** The side output of the trainer's final state. */
    public static final OutputTag<FinalState> FINAL = new OutputTag<>("profilekit-models-final", FinalState.TYPE);

    private final KernelSpec spec;
    private transient ModelTraining training;
    private transient ArrivalMerge merge;
    private transient ListState<byte[]> saved;
    /** The versions last emitted: propensity's, the segments', the forecast's. */
    private transient long published;
    private transient long publishedSegments;
    private transient long publishedForecast;
    private transient boolean timerSet;

    /** @param spec the kernel configuration, with a models configuration */
    public ModelTrainer(KernelSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("spec must not be null");
        }
        this.spec = spec;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        saved = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("propensity-training", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        List<byte[]> state = new java.util.ArrayList<>();
        saved.get().forEach(state::add);
        if (state.isEmpty()) {
            training = new ModelTraining(spec.kernel());
            merge = new ArrivalMerge();
        } else if (state.size() == 2) {
            training = ModelTraining.decode(spec.kernel(), state.get(0));
            merge = ArrivalMerge.decode(state.get(1));
        } else {
            throw new IllegalStateException("the models trainer's state has " + state.size()
                    + " parts, expected 2 (it must run with parallelism 1)");
        }
        PropensityModel v = training.version();
        published = v == null ? 0 : v.version();
        SegmentsModel g = training.segmentsVersion();
        publishedSegments = g == null ? 0 : g.version();
        ForecastModel f = training.forecastVersion();
        publishedForecast = f == null ? 0 : f.version();
    }

    @Override
    public void open(OpenContext context) {
        if (getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks() != 1) {
            throw new IllegalStateException("the models trainer must run with parallelism 1");
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        saved.update(List.of(training.encode(), merge.encode()));
    }

    @Override
    public void processElement(ModelRecord r, Context ctx, Collector<String> out) {
        if (!timerSet) {
            ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE); // the end of a bounded input
            timerSet = true;
        }
        merge.add(r, ctx.timerService().currentWatermark(), training::accept);
        publish(out);
    }

    /** Emits each model's published version if it is new ({@link ScoringFunction#version}'s form). */
    private void publish(Collector<String> out) {
        PropensityModel v = training.version();
        if (v != null && v.version() != published) {
            published = v.version();
            out.collect(ScoringFunction.version(ModelOutputs.PROPENSITY, v.toJson()));
        }
        SegmentsModel g = training.segmentsVersion();
        if (g != null && g.version() != publishedSegments) {
            publishedSegments = g.version();
            out.collect(ScoringFunction.version(ModelOutputs.SEGMENTS, g.toJson()));
        }
        ForecastModel f = training.forecastVersion();
        if (f != null && f.version() != publishedForecast) {
            publishedForecast = f.version();
            out.collect(ScoringFunction.version(ModelOutputs.FORECAST, f.toJson()));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out) {
        merge.flush(training::accept);
        publish(out);
        byte[] state = training.encode();
        int parts = Math.max(1, (state.length + PART_BYTES - 1) / PART_BYTES);
        for (int i = 0; i < parts; i++) {
            ctx.output(FINAL, FinalState.modelsPart(java.util.Arrays.copyOfRange(state, i * PART_BYTES,
                    Math.min(state.length, (i + 1) * PART_BYTES)), i, parts));
        }
    }

    /**
     * The largest part of the final state in one record: a collect sink takes records up to 2 MiB by default,
     * and the recommender's co-occurrences alone can be larger.
     */
    static final int PART_BYTES = 1 << 20;
}
