package dev.profilekit.flink;

import dev.profilekit.core.live.propensity.PropensityModel;
import dev.profilekit.core.spi.ModelOutputs;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Scores every accepted event with the current propensity version: keyed by user, it receives the profile
 * operator's {@link ModelRecord.Kind#SCORE} records (the user's vector at the event and the profile line) and
 * the trainer's published versions through broadcast state ({@link #VERSIONS}), so every instance holds the latest
 * version. It keeps each user's last score and its version in keyed state (the embedded engine's
 * {@code lastScores}) and emits the profile line with {@code "scores": {"propensity": p}} added, as the profile
 * file writes it (null before the first version).
 */
public final class ScoringFunction extends KeyedBroadcastProcessFunction<String, ModelRecord, String, String> {

    private static final long serialVersionUID = 1L;

    /** The broadcast state: the latest published version's JSON under {@link ModelOutputs#PROPENSITY}. */
    public static final MapStateDescriptor<String, String> VERSIONS =
            new MapStateDescriptor<>("propensity-versions", Types.STRING, Types.STRING);

    private transient ValueState<double[]> last;
    private transient String parsedJson;
    private transient PropensityModel parsed;

    @Override
    public void open(OpenContext context) {
        last = getRuntimeContext().getState(
                new ValueStateDescriptor<>("last-score", PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO));
    }

    @Override
    public void processElement(ModelRecord r, ReadOnlyContext ctx, Collector<String> out) throws Exception {
        PropensityModel m = model(ctx.getBroadcastState(VERSIONS).get(ModelOutputs.PROPENSITY));
        Double score = m == null || r.vector() == null ? null : m.score(r.vector());
        if (score != null) {
            last.update(new double[] {score, m.version()});
        }
        out.collect(withScore(r.line(), score));
    }

    @Override
    public void processBroadcastElement(String versionJson, Context ctx, Collector<String> out) throws Exception {
        ctx.getBroadcastState(VERSIONS).put(ModelOutputs.PROPENSITY, versionJson);
    }

    /** The version of {@code json} (parsed once per version), or null. */
    private PropensityModel model(String json) {
        if (json == null) {
            return null;
        }
        if (!json.equals(parsedJson)) {
            parsed = PropensityModel.fromJson(json);
            parsedJson = json;
        }
        return parsed;
    }

    /**
     * {@code line} (a profile object, as {@code ProfileJson} writes it without model outputs) with
     * {@code "scores":{"propensity":score}} added before its closing brace, as {@code ProfileJson} places it.
     */
    static String withScore(String line, Double score) {
        int end = line.lastIndexOf('}');
        if (end < 0) {
            throw new IllegalArgumentException("not a profile line: " + line);
        }
        String value = score == null || !Double.isFinite(score) ? "null" : Double.toString(score);
        return line.substring(0, end) + ",\"scores\":{\"propensity\":" + value + "}" + line.substring(end);
    }
}
