package dev.profilekit.flink;

import dev.profilekit.core.live.propensity.PropensityModel;
import dev.profilekit.core.live.segments.SegmentsModel;
import dev.profilekit.core.spi.ModelOutputs;
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
 * section (null before a model's first version).
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

    /**
     * @param propensityOn        whether the models have a propensity section
     * @param propensityDimension the length of its raw vector, which comes first in each record's vector
     * @param segmentsOn          whether the models have a segments section (its raw vector follows)
     * @param audiencesOn         whether each line ends with the user's {@code "audiences"} (with audiences)
     */
    public ScoringFunction(boolean propensityOn, int propensityDimension, boolean segmentsOn, boolean audiencesOn) {
        this.propensityOn = propensityOn;
        this.propensityDimension = propensityDimension;
        this.segmentsOn = segmentsOn;
        this.audiencesOn = audiencesOn;
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
    }

    @Override
    public void processElement(ModelRecord r, ReadOnlyContext ctx, Collector<String> out) throws Exception {
        double[] x = r.vector();
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
        if (changed) {
            last.update(kept);
        }
        out.collect(withOutputs(r.line(), outputs.toString(), audiencesOn));
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
        // the audiences member is the line's last (FinalProfiles.withAudiences): its bare quotes cannot be in a string
        int end = audiences ? line.lastIndexOf(",\"audiences\":[") : line.lastIndexOf('}');
        if (end < 0) {
            throw new IllegalArgumentException("not a profile line: " + line);
        }
        return line.substring(0, end) + outputs + line.substring(end);
    }
}
