package dev.profilekit.core.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What the live models recorded while they ran, for charts and reports: an immutable snapshot taken by
 * {@link dev.profilekit.core.models.LiveModels#diagnostics()}. Everything in it is bounded in size, whatever the length of the stream, and
 * recorded deterministically (a replay of the same input gives the same diagnostics).
 * <ul>
 *   <li>{@link #reservoir()}: a uniform, seeded reservoir sample (at most {@link #reservoirCapacity()}) of the
 *       labelled propensity examples as (prequential score, label): the score is the one the live model gave
 *       the example <em>before</em> learning from it. For ROC curves and calibration plots.</li>
 *   <li>{@link #aucSeries()}: the prequential AUC over time, at most {@value #MAX_POINTS} points (one every
 *       {@code step} labels; when full, every other point is dropped and the step doubles).</li>
 *   <li>{@link #versions()}: published propensity versions (online publish, batch retrain, swap), at most
 *       {@value #MAX_EVENTS} (when full, every other online publication is dropped; batch retrains and swaps are
 *       kept while there is room).</li>
 *   <li>{@link #driftAlarms()}: drift alarms, the first {@value #MAX_EVENTS}.</li>
 *   <li>{@link #forecast()}: the pooled daily series of the activity forecast and its forecast with an interval,
 *       or null without a fitted forecast.</li>
 * </ul>
 * Times are event times in epoch ms, never decreasing along each list: a propensity record carries the time of the
 * latest labelled example so far (the largest sampling time: labels resolve out of time order, a positive within the
 * horizon and a negative only when the horizon expires), and so does a version published by a background retrain.
 * What is recorded is part of the live models' snapshot state (the reservoir's random generator included), so a
 * replay resumed from a snapshot gives the same diagnostics as an uninterrupted one.
 *
 * @param reservoirCapacity most pairs the reservoir holds
 * @param labelled          labelled examples seen (the reservoir is a uniform sample of them)
 * @param reservoir         the sampled (score, label) pairs, in no particular order
 * @param aucSeries         prequential AUC points, oldest first
 * @param versions          published propensity versions, oldest first
 * @param versionsSeen      every version published (some may have been thinned from {@code versions})
 * @param driftAlarms       drift alarms, oldest first
 * @param driftAlarmsSeen   every drift alarm raised
 * @param forecast          the activity forecast, or null
 */
public record ModelDiagnostics(int reservoirCapacity, long labelled, List<ScoredLabel> reservoir,
                               List<AucPoint> aucSeries, List<ModelVersion> versions, long versionsSeen,
                               List<DriftAlarm> driftAlarms, long driftAlarmsSeen, Forecast forecast) {

    /** Most points in {@link #aucSeries()}. */
    public static final int MAX_POINTS = 256;
    /** Most entries in {@link #versions()} and in {@link #driftAlarms()}. */
    public static final int MAX_EVENTS = 512;
    /** The default reservoir capacity. */
    public static final int DEFAULT_RESERVOIR = 20_000;
    /** Format name written into the JSON. */
    public static final String FORMAT = "profilekit.model-diagnostics";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * Checks and copies the lists.
     *
     * @throws IllegalArgumentException if a list is null, the reservoir is larger than its capacity or a count is
     *                                  negative
     */
    public ModelDiagnostics {
        if (reservoir == null || aucSeries == null || versions == null || driftAlarms == null) {
            throw new IllegalArgumentException("diagnostics: reservoir, aucSeries, versions and driftAlarms must not "
                    + "be null");
        }
        if (reservoirCapacity < 0 || reservoir.size() > reservoirCapacity) {
            throw new IllegalArgumentException("diagnostics: reservoir of " + reservoir.size()
                    + " pairs, capacity " + reservoirCapacity);
        }
        if (labelled < 0 || versionsSeen < 0 || driftAlarmsSeen < 0) {
            throw new IllegalArgumentException("diagnostics: counts must be >= 0, were labelled=" + labelled
                    + ", versionsSeen=" + versionsSeen + ", driftAlarmsSeen=" + driftAlarmsSeen);
        }
        reservoir = List.copyOf(reservoir);
        aucSeries = List.copyOf(aucSeries);
        versions = List.copyOf(versions);
        driftAlarms = List.copyOf(driftAlarms);
    }

    /** Diagnostics with nothing recorded (no propensity model, no forecast). */
    public static ModelDiagnostics empty() {
        return new ModelDiagnostics(0, 0, List.of(), List.of(), List.of(), 0, List.of(), 0, null);
    }

    /**
     * One labelled example as the live model saw it.
     *
     * @param score the prequential score in [0, 1]
     * @param label 0 or 1
     */
    public record ScoredLabel(double score, int label) {
    }

    /**
     * The prequential AUC after some labelled examples.
     *
     * @param time      event time (ms) of the latest labelled example so far (never less than the previous point's)
     * @param examples  labelled examples so far
     * @param auc       cumulative prequential AUC (NaN until both classes were seen)
     * @param recentAuc AUC over the model's recent window (NaN until both classes are in it)
     * @param version   the live propensity version that scored the latest example (0: none yet)
     */
    public record AucPoint(long time, long examples, double auc, double recentAuc, long version) {
    }

    /**
     * A published propensity version.
     *
     * @param time     event time (ms), see the class comment
     * @param examples labelled examples so far
     * @param version  the version number
     * @param reason   {@code "online"} (a publication of the online learner), {@code "batch"} (a retrain) or
     *                 {@code "swap"} (swapped in by the host)
     */
    public record ModelVersion(long time, long examples, long version, String reason) {
    }

    /**
     * A drift alarm on the prequential log loss.
     *
     * @param time     event time (ms) of the latest labelled example when it was raised
     * @param examples labelled examples so far
     */
    public record DriftAlarm(long time, long examples) {
    }

    /**
     * The activity forecast: the pooled series it is fitted on and its forecast of the next days.
     *
     * @param model           {@code "arima"} or {@code "lstm"}
     * @param version         the forecast model's version
     * @param firstDay        the UTC day (days since the epoch) of {@code series[0]}
     * @param series          the pooled series: mean count per user of the forecast type per day, oldest first
     * @param mean            point forecasts for the days after the series (at least one)
     * @param lower           lower bounds of the interval, one per forecast day (clipped at 0)
     * @param upper           upper bounds of the interval, one per forecast day
     * @param level           the interval's nominal coverage, e.g. 0.95
     * @param intervalMethod  how the interval was made (ARIMA's forecast variance, or for the LSTM a residual-based
     *                        interval)
     */
    public record Forecast(String model, long version, long firstDay, double[] series, double[] mean, double[] lower,
                           double[] upper, double level, String intervalMethod) {
        /**
         * Checks the arrays.
         *
         * @throws IllegalArgumentException if an array is null or the forecast arrays differ in length or are empty
         */
        public Forecast {
            if (model == null || series == null || mean == null || lower == null || upper == null
                    || intervalMethod == null) {
                throw new IllegalArgumentException("forecast: model, series, mean, lower, upper and intervalMethod "
                        + "must not be null");
            }
            if (mean.length == 0 || lower.length != mean.length || upper.length != mean.length) {
                throw new IllegalArgumentException("forecast: mean, lower and upper must have the same length >= 1, "
                        + "were " + mean.length + ", " + lower.length + ", " + upper.length);
            }
            series = series.clone();
            mean = mean.clone();
            lower = lower.clone();
            upper = upper.clone();
        }

        @Override
        public double[] series() {
            return series.clone();
        }

        @Override
        public double[] mean() {
            return mean.clone();
        }

        @Override
        public double[] lower() {
            return lower.clone();
        }

        @Override
        public double[] upper() {
            return upper.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Forecast f && model.equals(f.model) && version == f.version && firstDay == f.firstDay
                    && java.util.Arrays.equals(series, f.series) && java.util.Arrays.equals(mean, f.mean)
                    && java.util.Arrays.equals(lower, f.lower) && java.util.Arrays.equals(upper, f.upper)
                    && Double.compare(level, f.level) == 0 && intervalMethod.equals(f.intervalMethod);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(model, version, firstDay, java.util.Arrays.hashCode(series),
                    java.util.Arrays.hashCode(mean), level);
        }

        @Override
        public String toString() {
            return "Forecast[" + model + " v" + version + ", " + series.length + " days, next " + mean[0] + "]";
        }
    }

    /** This object as JSON ({@code "format": "profilekit.model-diagnostics"}); NaN is written as null. */
    public String toJson() {
        return toJsonNode().toString();
    }

    /** This object as a Jackson tree; see {@link #toJson()}. */
    public ObjectNode toJsonNode() {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("format", FORMAT);
        o.put("reservoir_capacity", reservoirCapacity);
        o.put("labelled", labelled);
        ArrayNode scores = o.putArray("reservoir_scores");
        ArrayNode labels = o.putArray("reservoir_labels");
        for (ScoredLabel s : reservoir) {
            scores.add(s.score());
            labels.add(s.label());
        }
        ArrayNode series = o.putArray("auc_series");
        for (AucPoint p : aucSeries) {
            ObjectNode n = series.addObject();
            n.put("time", p.time());
            n.put("examples", p.examples());
            number(n, "auc", p.auc());
            number(n, "recent_auc", p.recentAuc());
            n.put("version", p.version());
        }
        ArrayNode vs = o.putArray("versions");
        for (ModelVersion v : versions) {
            ObjectNode n = vs.addObject();
            n.put("time", v.time());
            n.put("examples", v.examples());
            n.put("version", v.version());
            n.put("reason", v.reason());
        }
        o.put("versions_seen", versionsSeen);
        ArrayNode alarms = o.putArray("drift_alarms");
        for (DriftAlarm a : driftAlarms) {
            ObjectNode n = alarms.addObject();
            n.put("time", a.time());
            n.put("examples", a.examples());
        }
        o.put("drift_alarms_seen", driftAlarmsSeen);
        if (forecast != null) {
            ObjectNode f = o.putObject("forecast");
            f.put("model", forecast.model());
            f.put("version", forecast.version());
            f.put("first_day", forecast.firstDay());
            array(f, "series", forecast.series);
            array(f, "mean", forecast.mean);
            array(f, "lower", forecast.lower);
            array(f, "upper", forecast.upper);
            f.put("level", forecast.level());
            f.put("interval_method", forecast.intervalMethod());
        }
        return o;
    }

    private static void number(ObjectNode n, String name, double v) {
        if (Double.isFinite(v)) {
            n.put(name, v);
        } else {
            n.putNull(name);
        }
    }

    private static void array(ObjectNode n, String name, double[] values) {
        ArrayNode a = n.putArray(name);
        for (double v : values) {
            if (Double.isFinite(v)) {
                a.add(v);
            } else {
                a.addNull();
            }
        }
    }

    /**
     * Reads what {@link #toJson()} wrote.
     *
     * @throws IllegalArgumentException if {@code json} is null, not JSON, of another format, or a field is missing
     *                                  or of the wrong type (the message names the field)
     */
    public static ModelDiagnostics fromJson(String json) {
        if (json == null) {
            throw new IllegalArgumentException("diagnostics JSON must not be null");
        }
        try {
            return fromJson(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("diagnostics: not JSON (" + dev.profilekit.features.io.JsonCodec.problem(e, true) + ")", e);
        }
    }

    /**
     * Reads a tree that {@link #toJsonNode()} made; see {@link #fromJson(String)}.
     *
     * @throws IllegalArgumentException if the tree is null or not diagnostics
     */
    public static ModelDiagnostics fromJson(JsonNode o) {
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("diagnostics: expected a JSON object");
        }
        if (!FORMAT.equals(o.path("format").asText(null))) {
            throw new IllegalArgumentException("diagnostics.format: expected \"" + FORMAT + "\", was "
                    + o.path("format"));
        }
        JsonNode scores = arrayField(o, "reservoir_scores", "diagnostics");
        JsonNode labels = arrayField(o, "reservoir_labels", "diagnostics");
        if (scores.size() != labels.size()) {
            throw new IllegalArgumentException("diagnostics: reservoir_scores has " + scores.size()
                    + " values, reservoir_labels " + labels.size());
        }
        List<ScoredLabel> reservoir = new ArrayList<>(scores.size());
        for (int i = 0; i < scores.size(); i++) {
            int y = labels.get(i).asInt(-1);
            if (y != 0 && y != 1) {
                throw new IllegalArgumentException("diagnostics.reservoir_labels[" + i + "]: expected 0 or 1, was "
                        + labels.get(i));
            }
            reservoir.add(new ScoredLabel(num(scores.get(i), "diagnostics.reservoir_scores[" + i + "]"), y));
        }
        List<AucPoint> series = new ArrayList<>();
        JsonNode s = arrayField(o, "auc_series", "diagnostics");
        for (int i = 0; i < s.size(); i++) {
            JsonNode n = s.get(i);
            String at = "diagnostics.auc_series[" + i + "]";
            series.add(new AucPoint(lng(n, "time", at), lng(n, "examples", at), num(n.get("auc"), at + ".auc"),
                    num(n.get("recent_auc"), at + ".recent_auc"), lng(n, "version", at)));
        }
        List<ModelVersion> versions = new ArrayList<>();
        JsonNode v = arrayField(o, "versions", "diagnostics");
        for (int i = 0; i < v.size(); i++) {
            JsonNode n = v.get(i);
            String at = "diagnostics.versions[" + i + "]";
            versions.add(new ModelVersion(lng(n, "time", at), lng(n, "examples", at), lng(n, "version", at),
                    n.path("reason").asText("")));
        }
        List<DriftAlarm> alarms = new ArrayList<>();
        JsonNode a = arrayField(o, "drift_alarms", "diagnostics");
        for (int i = 0; i < a.size(); i++) {
            String at = "diagnostics.drift_alarms[" + i + "]";
            alarms.add(new DriftAlarm(lng(a.get(i), "time", at), lng(a.get(i), "examples", at)));
        }
        Forecast forecast = null;
        JsonNode f = o.get("forecast");
        if (f != null && !f.isNull()) {
            String at = "diagnostics.forecast";
            forecast = new Forecast(f.path("model").asText(""), lng(f, "version", at), lng(f, "first_day", at),
                    doubles(arrayField(f, "series", at), at + ".series"),
                    doubles(arrayField(f, "mean", at), at + ".mean"),
                    doubles(arrayField(f, "lower", at), at + ".lower"),
                    doubles(arrayField(f, "upper", at), at + ".upper"), num(f.get("level"), at + ".level"),
                    f.path("interval_method").asText(""));
        }
        return new ModelDiagnostics((int) lng(o, "reservoir_capacity", "diagnostics"), lng(o, "labelled", "diagnostics"),
                reservoir, series, versions, lng(o, "versions_seen", "diagnostics"), alarms,
                lng(o, "drift_alarms_seen", "diagnostics"), forecast);
    }

    private static JsonNode arrayField(JsonNode o, String name, String at) {
        JsonNode a = o.get(name);
        if (a == null || !a.isArray()) {
            throw new IllegalArgumentException(at + "." + name + ": expected an array");
        }
        return a;
    }

    private static long lng(JsonNode o, String name, String at) {
        JsonNode n = o.get(name);
        if (n == null || !n.isIntegralNumber()) {
            throw new IllegalArgumentException(at + "." + name + ": expected an integer");
        }
        return n.asLong();
    }

    private static double num(JsonNode n, String at) {
        if (n == null || n.isNull()) {
            return Double.NaN;
        }
        if (!n.isNumber()) {
            throw new IllegalArgumentException(at + ": expected a number or null, was " + n);
        }
        return n.asDouble();
    }

    private static double[] doubles(JsonNode a, String at) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = num(a.get(i), at + "[" + i + "]");
        }
        return d;
    }
}
