package dev.profilekit.flink;

import dev.profilekit.core.live.forecast.LiveForecast;
import dev.profilekit.core.live.propensity.PropensityModel;
import dev.profilekit.core.live.segments.SegmentsModel;
import dev.profilekit.core.models.LiveModels;
import dev.profilekit.core.spi.ModelOutputs;
import dev.profilekit.core.spi.UserView;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Scores every accepted event with the current versions of the live models: keyed by user, it receives the profile
 * operator's {@link ModelRecord.Kind#SCORE} records (the user's vectors at the event and the profile line) and
 * the trainer's published versions through broadcast state ({@link #VERSIONS}, one entry per model), so every
 * instance holds the latest versions. It keeps each user's last outputs and their versions in keyed state (the
 * embedded engine's {@code lastScores}) and emits the profile line with the outputs added as the profile file
 * writes them: {@code "scores": {"propensity": p}} with a propensity section, {@code "segment": n} with a segments
 * section (null before a model's first version), {@code "forecast": {"next_day": x}} with a forecast section (the
 * user's daily counts, kept here in keyed state as the embedded engine keeps them per user, with the latest
 * forecast version received; the user's mean before the first).
 */
public final class ScoringFunction extends KeyedBroadcastProcessFunction<String, ModelRecord, String, String> {

    private static final long serialVersionUID = 1L;

    /** The broadcast state: each model's latest published version's JSON, under its name ({@link ModelOutputs}). */
    public static final MapStateDescriptor<String, String> VERSIONS =
            new MapStateDescriptor<>("propensity-versions", Types.STRING, Types.STRING);

    private final boolean propensityOn;
    private final int propensityDimension;
    private final boolean segmentsOn;
    /** Whether the lines end with the user's audiences (the outputs go before them, where the profile file has them). */
    private final boolean audiencesOn;
    /** propensity score (NaN: none), its version, segment (-1: none), its version. */
    private transient ValueState<double[]> last;
    private transient Parsed<PropensityModel> propensity;
    private transient Parsed<SegmentsModel> segments;

    /** The last version read of one model: its JSON is parsed once per version. */
    private static final class Parsed<T> {
        private final java.util.function.Function<String, T> parse;
        private String json;
        private T model;

        Parsed(java.util.function.Function<String, T> parse) {
            this.parse = parse;
        }

        /** The model of {@code json}, or null when there is none. */
        T of(String json) {
            if (json == null) {
                return null;
            }
            if (!json.equals(this.json)) {
                model = parse.apply(json);
                this.json = json;
            }
            return model;
        }
    }

    /** With a forecast section: the kernel configuration, else null. */
    private final KernelSpec forecastSpec;
    /**
     * With a forecast: the engine's own forecast (its pooled part unused: the trainer's versions are swapped in),
     * which keeps each user's daily counts and computes the user's expected count with a version. For the LSTM its
     * {@code observe} also fills the table of recent users' windows (at most 4,000), which is never trained here.
     */
    private transient LiveForecast forecast;
    /** The forecast's place in the engine's per-user model state (the models' order). */
    private transient int forecastSlot;
    private transient int forecastSlots;
    /** The version JSON last swapped into {@link #forecast}. */
    private transient String forecastJson;
    /** With a forecast: the user's forecast state (daily counts), encoded. */
    private transient ValueState<byte[]> forecastDays;

    /**
     * @param propensityOn        whether the models have a propensity section
     * @param propensityDimension the length of its raw vector, which comes first in each record's vector
     * @param segmentsOn          whether the models have a segments section (its raw vector follows)
     * @param audiencesOn         whether each line ends with the user's {@code "audiences"} (with audiences)
     * @param forecastSpec        with a forecast section, the kernel configuration (each record's vector then ends
     *                            with the event's forecast inputs, {@link ModelSampler#scoreVector}); else null
     */
    public ScoringFunction(boolean propensityOn, int propensityDimension, boolean segmentsOn, boolean audiencesOn,
                           KernelSpec forecastSpec) {
        this.propensityOn = propensityOn;
        this.propensityDimension = propensityDimension;
        this.segmentsOn = segmentsOn;
        this.audiencesOn = audiencesOn;
        this.forecastSpec = forecastSpec;
    }

    /** The trainer's form of a published version: the model's name, a newline, the version's JSON. */
    static String version(String model, String json) {
        return model + "\n" + json;
    }

    @Override
    public void open(OpenContext context) {
        last = getRuntimeContext().getState(
                new ValueStateDescriptor<>("last-score", PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO));
        propensity = new Parsed<>(PropensityModel::fromJson);
        segments = new Parsed<>(SegmentsModel::fromJson);
        if (forecastSpec != null) {
            var kernel = forecastSpec.kernel();
            LiveModels models = new LiveModels(kernel.models().orElseThrow(), kernel.features(), Runnable::run,
                    () -> 1, null, null);
            forecast = models.model(LiveForecast.class).orElseThrow();
            forecastSlot = models.names().indexOf(ModelOutputs.FORECAST);
            forecastSlots = models.names().size();
            forecastDays = getRuntimeContext().getState(new ValueStateDescriptor<>("forecast-days",
                    PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        }
    }

    @Override
    public void processElement(ModelRecord r, ReadOnlyContext ctx, Collector<String> out) throws Exception {
        double[] x = r.vector();
        double[] tail = null;
        if (forecast != null) { // the forecast's inputs end the vector; the raw vectors count only when applied
            tail = Arrays.copyOfRange(x, x.length - ModelSampler.FORECAST_TAIL, x.length);
            x = tail[3] != 0 ? Arrays.copyOf(x, x.length - ModelSampler.FORECAST_TAIL) : null;
        }
        double[] kept = last.value();
        kept = kept != null ? kept : new double[] {Double.NaN, 0, -1, 0};
        boolean changed = false;
        StringBuilder outputs = new StringBuilder();
        if (propensityOn) {
            PropensityModel m = propensity.of(ctx.getBroadcastState(VERSIONS).get(ModelOutputs.PROPENSITY));
            Double score = m == null || x == null ? null : m.score(Arrays.copyOfRange(x, 0, propensityDimension));
            if (score != null) {
                kept[0] = score;
                kept[1] = m.version();
                changed = true;
            }
            String value = score == null || !Double.isFinite(score) ? "null" : Double.toString(score);
            outputs.append(",\"scores\":{\"propensity\":").append(value).append('}');
        }
        if (segmentsOn) {
            SegmentsModel m = segments.of(ctx.getBroadcastState(VERSIONS).get(ModelOutputs.SEGMENTS));
            Integer segment = m == null || x == null ? null
                    : m.assign(Arrays.copyOfRange(x, propensityDimension, x.length));
            if (segment != null) {
                kept[2] = segment;
                kept[3] = m.version();
                changed = true;
            }
            outputs.append(",\"segment\":").append(segment == null ? "null" : segment.toString());
        }
        if (forecast != null) {
            Double next = forecast(r, tail, ctx.getBroadcastState(VERSIONS).get(ModelOutputs.FORECAST));
            outputs.append(",\"forecast\":{\"next_day\":").append(next == null ? "null" : next.toString())
                    .append('}');
        }
        if (changed) {
            last.update(kept);
        }
        out.collect(withOutputs(r.line(), outputs.toString(), audiencesOn));
    }

    /**
     * The user's expected count for the next day as of the record's time, with the forecast version {@code json}
     * (null: none yet): the user's daily counts (new when the profile started again at this event) take the event
     * as the embedded engine's forecast does, and the engine's own forecast computes the value.
     */
    private Double forecast(ModelRecord r, double[] tail, String json) throws java.io.IOException {
        if (json != null && !json.equals(forecastJson)) {
            forecast.swap(dev.profilekit.core.live.forecast.ForecastModel.fromJson(json));
            forecastJson = json;
        }
        Object[] state = new Object[forecastSlots];
        Days view = new Days(r.user(), state);
        byte[] kept = forecastDays.value();
        boolean fresh = tail[1] != 0;
        state[forecastSlot] = fresh || kept == null ? forecast.newUserState()
                : forecast.decodeUserState(new ByteReader(kept, "forecast state of user '" + r.user() + "'"), view);
        if (tail[3] != 0 || fresh) {
            if (tail[3] != 0) {
                forecast.observe(view, (int) tail[0], (long) tail[2]);
            }
            ByteWriter w = new ByteWriter();
            forecast.encodeUserState(state[forecastSlot], w);
            forecastDays.update(w.toByteArray());
        }
        return forecast.score(view, r.time()).forecastNextDay();
    }

    /** A user as the forecast reads it here: its id and its model state (only the forecast's part is set). */
    private record Days(String user, Object modelState) implements UserView {
        @Override
        public long latestTime() {
            return Long.MIN_VALUE;
        }
    }

    @Override
    public void processBroadcastElement(String version, Context ctx, Collector<String> out) throws Exception {
        int nl = version.indexOf('\n');
        if (nl < 0) {
            throw new IllegalArgumentException("not a named model version: " + version);
        }
        ctx.getBroadcastState(VERSIONS).put(version.substring(0, nl), version.substring(nl + 1));
    }

    /**
     * {@code line} (a profile object, as {@code ProfileJson} writes it without model outputs) with the
     * {@code outputs} members (each starting with a comma) added before its closing brace, where {@code ProfileJson}
     * places them; before its trailing {@code "audiences"} member when {@code audiences} (the profile file's order).
     */
    static String withOutputs(String line, String outputs, boolean audiences) {
        // the audiences member is the line's last (ProfileExtras.audiences, added last): its bare quotes cannot be
        // in a string
        int end = audiences ? line.lastIndexOf(",\"audiences\":[") : line.lastIndexOf('}');
        if (end < 0) {
            throw new IllegalArgumentException("not a profile line: " + line);
        }
        return line.substring(0, end) + outputs + line.substring(end);
    }
}
