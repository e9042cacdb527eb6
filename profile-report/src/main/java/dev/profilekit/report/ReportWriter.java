package dev.profilekit.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.profilekit.core.live.ModelDiagnostics;
import dev.profilekit.features.transform.Dataset;
import dev.profilekit.features.transform.Pca;
import dev.profilekit.features.transform.PcaOptions;
import dev.profilekit.models.metrics.ClassificationMetrics;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.apache.batik.svggen.SVGGeneratorContext;
import org.apache.batik.svggen.SVGGraphics2D;
import org.apache.batik.svggen.SVGIDGenerator;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A report for analysts and marketers: one self-contained HTML file (inline CSS, charts as inline SVG drawn by
 * JFreeChart through Apache Batik's SVG generator, no scripts, fonts, images, stylesheets or links to anything outside the file).
 *
 * <p>Sections, each omitted with a one-line note when its data is absent:
 * <ol>
 *   <li>counts: profiles, and the replay summary's counts and prequential metrics;</li>
 *   <li>feature distributions: a histogram per chosen numeric value (by default every one: each numeric feature,
 *       each numeric field of an object feature such as {@code order_value.mean}, the scores such as
 *       {@code scores.propensity} and the forecast), with its definition and unit from the schema when one is given
 *       ({@link FeatureGlossary}); a skewed one drawn up to its 99th percentile;</li>
 *   <li>users on the first two principal components of the chosen features (standardised; missing values take
 *       the feature's mean), coloured by segment (at most {@value #MAX_SCATTER_POINTS} users drawn, every k-th),
 *       and, when the models file names the segments' inputs, on those inputs;</li>
 *   <li>segments: sizes (bar chart) and a table with each segment's most common top value of each top-k
 *       feature and its feature means, from the profiles' {@code "segment"};</li>
 *   <li>the propensity model, from the summary's {@code "diagnostics"} ({@link ModelDiagnostics}): ROC curve with
 *       its AUC over the reservoir of prequential scores, a calibration plot, and the prequential AUC over time with
 *       batch retrains, swaps and drift alarms marked;</li>
 *   <li>explanations (only when profiles carry {@code "explain"}, from {@code replay --explain N}): each input's
 *       mean absolute contribution to the propensity logit, one horizontal bar chart;</li>
 *   <li>the activity forecast: the pooled daily series and the forecast with its interval.</li>
 * </ol>
 *
 * <p>Every chart is drawn twice, for a wide screen and for a phone (narrower, so that its text stays at least 10 px
 * there), and the page's CSS shows one of them; the page never scrolls sideways.
 *
 * <p>The output is deterministic: the same profiles and summary give the same bytes. Rendering sets
 * {@code java.awt.headless=true} unless the property is already set.
 */
public final class ReportWriter {

    /** Most users drawn on the principal-component scatter plot. */
    public static final int MAX_SCATTER_POINTS = 2_000;
    /** Most points drawn on the ROC curve. */
    static final int MAX_ROC_POINTS = 400;
    static final int HISTOGRAM_BINS = 30;
    static final int CALIBRATION_BINS = 10;
    private static final int W = 640;
    private static final int H = 360;
    /** Width of a chart's phone rendition: shown at about its natural size on a 390 px screen. */
    static final int PHONE_W = 340;
    /** Below this page width the phone renditions are shown (CSS pixels). */
    static final int PHONE_BREAK = 600;
    /** Labelled examples at the start of the AUC series left out of its chart (at least; see aucOverTime). */
    static final long AUC_WARM_UP = 1_000;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    final StringBuilder html = new StringBuilder(1 << 16);
    /** What each value means and its unit, from the schema: the one source the charts and the sections share. */
    final FeatureGlossary glossary;
    private final JsonNode models;
    private int charts;

    private ReportWriter(JsonNode schemaOrNull, JsonNode modelsOrNull) {
        this.glossary = new FeatureGlossary(schemaOrNull);
        this.models = modelsOrNull;
    }

    /**
     * Reads profiles (JSON Lines, as {@code replay} writes them) and an optional summary (JSON, as
     * {@code replay --summary} writes it) and writes the report with the default features.
     *
     * @param profilesJsonl     the profiles, one JSON object per line
     * @param summaryJsonOrNull the replay summary with its {@code "diagnostics"}, or null
     * @param outHtml           where to write the report (replaced)
     * @throws IllegalArgumentException if a path is null, an input is missing or not what it should be (the message
     *                                  names the file and line)
     * @throws IOException              if reading or writing fails
     */
    public static void write(Path profilesJsonl, Path summaryJsonOrNull, Path outHtml) throws IOException {
        write(profilesJsonl, summaryJsonOrNull, outHtml, null);
    }

    /**
     * As {@link #write(Path, Path, Path)}, charting the given features.
     *
     * @param features the numeric features to chart, in this order, or null for the default
     * @throws IllegalArgumentException as {@link #write(Path, Path, Path)}, or if a chosen feature is not a numeric
     *                                  scalar feature of the profiles
     * @throws IOException              if reading or writing fails
     */
    public static void write(Path profilesJsonl, Path summaryJsonOrNull, Path outHtml, List<String> features)
            throws IOException {
        if (profilesJsonl == null) {
            throw new IllegalArgumentException("profilesJsonl must not be null");
        }
        if (outHtml == null) {
            throw new IllegalArgumentException("outHtml must not be null");
        }
        List<JsonNode> profiles = readProfiles(profilesJsonl);
        JsonNode summary = summaryJsonOrNull == null ? null : readSummary(summaryJsonOrNull);
        String page = render(profiles, summary, features, null, null);
        Files.writeString(outHtml, page, StandardCharsets.UTF_8);
    }

    /**
     * Reads a profiles file: one JSON object per non-blank line.
     *
     * @throws IllegalArgumentException if the path is null, the file is missing, or a line is not a JSON object
     *                                  (the message names the line)
     * @throws IOException              if reading fails
     */
    public static List<JsonNode> readProfiles(Path profilesJsonl) throws IOException {
        if (profilesJsonl == null) {
            throw new IllegalArgumentException("profilesJsonl must not be null");
        }
        if (!Files.isRegularFile(profilesJsonl)) {
            throw new IllegalArgumentException("profiles file not found: " + profilesJsonl);
        }
        try (BufferedReader r = Files.newBufferedReader(profilesJsonl, StandardCharsets.UTF_8)) {
            return readProfiles(r, profilesJsonl.toString());
        }
    }

    /**
     * Reads profiles, one JSON object per line, from {@code in} (not closed), naming {@code source} in errors.
     *
     * @throws IllegalArgumentException if an argument is null or a line is not a JSON object (the message names the
     *                                  line)
     * @throws IOException              if reading fails
     */
    public static List<JsonNode> readProfiles(java.io.Reader in, String source) throws IOException {
        if (in == null || source == null) {
            throw new IllegalArgumentException("in and source must not be null");
        }
        List<JsonNode> profiles = new ArrayList<>();
        {
            BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in, 1 << 16);
            String line;
            long n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode p;
                try {
                    p = MAPPER.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(source + " line " + n + ": not JSON ("
                            + e.getOriginalMessage() + ")", e);
                }
                if (!p.isObject()) {
                    throw new IllegalArgumentException(source + " line " + n + ": expected a JSON object");
                }
                profiles.add(p);
            }
        }
        return profiles;
    }

    /**
     * Reads a summary file (one JSON object, as {@code replay --summary} writes it).
     *
     * @throws IllegalArgumentException if the path is null, the file is missing, not a JSON object, or not a replay
     *                                  summary (no {@code "accepted"} count: e.g. a schema given by mistake)
     * @throws IOException              if reading fails
     */
    public static JsonNode readSummary(Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("summary file must not be null");
        }
        JsonNode s = readJsonObject(file, "summary", null);
        if (!s.path("accepted").isIntegralNumber()) {
            List<String> keys = new ArrayList<>();
            s.fieldNames().forEachRemaining(keys::add);
            throw new IllegalArgumentException("summary " + file + " is not a replay summary (no \"accepted\" "
                    + "count; its keys are " + keys.subList(0, Math.min(5, keys.size()))
                    + (keys.size() > 5 ? "..." : "") + "): pass the file written by replay --summary");
        }
        return s;
    }

    /**
     * Reads a JSON object file given to the report for what it says about the features: a schema or a models file.
     *
     * @param what "schema" or "models", named in errors
     * @param key  a key the object must have ({@code "features"} for a schema), or null
     * @throws IllegalArgumentException if the file is missing, not a JSON object or has no {@code key}
     * @throws IOException              if reading fails
     */
    public static JsonNode readJsonObject(Path file, String what, String key) throws IOException {
        if (file == null || !Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + " file not found: " + file);
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " " + file + ": not JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (n == null || !n.isObject() || key != null && !n.has(key)) {
            throw new IllegalArgumentException(what + " " + file + ": expected a JSON object"
                    + (key == null ? "" : " with \"" + key + "\""));
        }
        return n;
    }

    /**
     * The report as an HTML page, with the default features.
     *
     * @param profiles      the profiles (objects with {@code "user"} and {@code "features"}, optionally
     *                      {@code "segment"}, {@code "scores"}, {@code "forecast"})
     * @param summaryOrNull the replay summary (counts, and {@code "diagnostics"} holding {@link ModelDiagnostics}
     *                      JSON), or null
     * @throws IllegalArgumentException if profiles is null or holds a null or non-object, or the diagnostics are
     *                                  malformed
     */
    public static String render(List<JsonNode> profiles, JsonNode summaryOrNull) {
        return render(profiles, summaryOrNull, null, null, null);
    }

    /**
     * The report as an HTML page, charting the given features.
     *
     * @param features the numeric values to chart ({@code views}, {@code order_value.mean},
     *                 {@code scores.propensity}, {@code forecast.next_day}), or null for every one
     * @throws IllegalArgumentException as {@link #render(List, JsonNode)}, or if a chosen feature is not a numeric
     *                                  value of the profiles (the message lists those that are)
     */
    public static String render(List<JsonNode> profiles, JsonNode summaryOrNull, List<String> features) {
        return render(profiles, summaryOrNull, features, null, null);
    }

    /**
     * As {@link #render(List, JsonNode, List)}, with the schema and models the profiles were made with: the schema
     * gives each feature's definition and unit, the models file what the segments were fitted on.
     *
     * @param schemaOrNull a schema (as {@code replay --schema} reads it), or null
     * @param modelsOrNull a models file (as {@code replay --models} reads it), or null
     */
    public static String render(List<JsonNode> profiles, JsonNode summaryOrNull, List<String> features,
                                JsonNode schemaOrNull, JsonNode modelsOrNull) {
        return render(profiles, summaryOrNull, features,
                new ReportOptions(schemaOrNull, modelsOrNull, null, null));
    }

    /**
     * As {@link #render(List, JsonNode, List)}, with what else the report may use: the schema (units and
     * definitions), the models file (what the segments are fitted on) and a reference run (drift).
     *
     * @param options the schema, models and reference, or null for none of them
     */
    public static String render(List<JsonNode> profiles, JsonNode summaryOrNull, List<String> features,
                                ReportOptions options) {
        if (profiles == null) {
            throw new IllegalArgumentException("profiles must not be null");
        }
        for (int i = 0; i < profiles.size(); i++) {
            if (profiles.get(i) == null || !profiles.get(i).isObject()) {
                throw new IllegalArgumentException("profiles[" + i + "] must be a JSON object");
            }
        }
        if (summaryOrNull != null && !summaryOrNull.isObject() && !summaryOrNull.isNull()) {
            throw new IllegalArgumentException("summary must be a JSON object");
        }
        JsonNode summary = summaryOrNull == null || summaryOrNull.isNull() ? null : summaryOrNull;
        ModelDiagnostics diagnostics = null;
        if (summary != null && summary.hasNonNull("diagnostics")) {
            try {
                diagnostics = ModelDiagnostics.fromJson(summary.get("diagnostics"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("summary." + e.getMessage(), e);
            }
        }
        List<String> numeric = numericFeatures(profiles);
        List<String> chosen;
        if (features == null) {
            chosen = numeric;
        } else {
            for (String f : features) {
                if (f == null || !numeric.contains(f)) {
                    throw new IllegalArgumentException("feature '" + f + "' is not a numeric value of the profiles; "
                            + "those are " + numeric);
                }
            }
            chosen = List.copyOf(new LinkedHashSet<>(features));
        }
        ReportOptions o = options == null ? ReportOptions.NONE : options;
        ReportWriter w = new ReportWriter(o.schema(), o.models());
        w.page(profiles, summary, diagnostics, chosen, o);
        return w.html.toString();
    }

    private static final int NULLS_ONLY = 0;
    private static final int NUMERIC = 1;
    private static final int OTHER = 2;

    /**
     * The numeric values of the profiles, in first-seen order: each feature with a number in some profile and never
     * an object, array or string; each numeric field of an object feature as {@code feature.field}
     * ({@code order_value.mean}, {@code sessions.count}); then each score as {@code scores.name} and each forecast
     * value as {@code forecast.name}.
     */
    static List<String> numericFeatures(List<JsonNode> profiles) {
        return featuresOfKind(profiles, NUMERIC);
    }

    /** Whether a value named by {@link #numericFeatures} is a model output (a score or the forecast). */
    static boolean isModelOutput(String value) {
        return value.startsWith("scores.") || value.startsWith("forecast.");
    }

    /** Features that are null in every profile that has them, in first-seen order. */
    private static List<String> featuresWithoutValues(List<JsonNode> profiles) {
        return featuresOfKind(profiles, NULLS_ONLY);
    }

    private static List<String> featuresOfKind(List<JsonNode> profiles, int wanted) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (JsonNode p : profiles) {
            kinds(p.get("features"), "", seen, true);
        }
        for (String output : List.of("scores", "forecast")) {
            for (JsonNode p : profiles) {
                kinds(p.get(output), output + ".", seen, false);
            }
        }
        List<String> out = new ArrayList<>();
        seen.forEach((name, kind) -> {
            boolean objectFeature = seen.keySet().stream().anyMatch(k -> k.startsWith(name + "."));
            if (kind == wanted && !(kind == NULLS_ONLY && objectFeature)) { // null in some profiles, an object in others
                out.add(name);
            }
        });
        return out;
    }

    /** Records the kind of each value of {@code o} (and of each field of an object value, when {@code fields}). */
    private static void kinds(JsonNode o, String prefix, Map<String, Integer> seen, boolean fields) {
        if (o == null || !o.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (fields && v.isObject()) {
                kinds(v, prefix + e.getKey() + ".", seen, false);
                continue;
            }
            int kind = v.isNull() ? NULLS_ONLY : v.isNumber() ? NUMERIC : OTHER;
            seen.merge(prefix + e.getKey(), kind, Math::max);
        }
    }

    /** A value named by {@link #numericFeatures} of one profile, or NaN when it has none. */
    static double value(JsonNode profile, String name) {
        JsonNode v = profile.path("features").get(name);
        int dot = name.indexOf('.');
        if (v == null && dot > 0) {
            String head = name.substring(0, dot);
            String tail = name.substring(dot + 1);
            JsonNode object = profile.path("features").get(head);
            if (object == null && (head.equals("scores") || head.equals("forecast"))) {
                object = profile.get(head);
            }
            v = object == null ? null : object.get(tail);
        }
        return v != null && v.isNumber() ? v.asDouble() : Double.NaN;
    }

    // ---- the page ----

    private void page(List<JsonNode> profiles, JsonNode summary, ModelDiagnostics d, List<String> features,
                      ReportOptions options) {
        Sections sections = new Sections(this, profiles, options);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>ProfileKit report</title>\n<style>\n")
                .append("body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;margin:0 auto;")
                .append("max-width:960px;padding:1.5rem;color:#222;line-height:1.45}\n")
                .append("h1{margin-bottom:.2rem}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2.2rem}\n")
                .append("table{border-collapse:collapse;margin:.8rem 0;font-size:.92rem}")
                .append("th,td{border:1px solid #ddd;padding:.25rem .6rem;text-align:right}")
                .append("th:first-child,td:first-child{text-align:left}thead th{background:#f4f6f8}\n")
                .append("figure{margin:1rem 0;padding:.5rem;border:1px solid #eee;border-radius:6px;min-width:0}")
                .append("figure svg{width:100%;height:auto;display:block}figure svg.phone{display:none}")
                .append("figcaption{font-size:.9rem;color:#444;margin-top:.3rem;overflow-wrap:anywhere}\n")
                .append(".note{color:#777;font-style:italic}.grid{display:grid;")
                // min(100%, 420px): one column on a phone, never a card wider than the screen
                .append("grid-template-columns:repeat(auto-fill,minmax(min(100%,420px),1fr));gap:.6rem}\n")
                .append(".scroll{overflow-x:auto;max-width:100%}.card{min-width:0}tbody th{overflow-wrap:anywhere;min-width:6rem}\n")
                .append("@media (max-width:").append(PHONE_BREAK).append("px){body{padding:.75rem}")
                .append("figure{padding:.25rem;margin:.6rem 0}figure svg.wide{display:none}")
                .append("figure svg.phone{display:block}table{font-size:.8rem}th,td{padding:.2rem .3rem}}\n")
                .append(Sections.CSS)
                .append("</style>\n</head>\n<body>\n<h1>ProfileKit report</h1>\n");
        long asOf = Long.MIN_VALUE;
        for (JsonNode p : profiles) {
            asOf = Math.max(asOf, p.path("as_of").asLong(Long.MIN_VALUE));
        }
        html.append("<p>").append(profiles.size()).append(" user profiles");
        if (asOf != Long.MIN_VALUE) {
            html.append(", as of ").append(esc(java.time.Instant.ofEpochMilli(asOf).toString()));
        }
        html.append(".</p>\n");
        counts(profiles, summary);
        sections.featureTable();
        distributions(profiles, features);
        List<String> profileFeatures = features.stream().filter(f -> !isModelOutput(f)).toList();
        sections.categoricalCharts();
        sections.correlations();
        principalComponents(profiles, profileFeatures);
        segments(profiles, profileFeatures);
        if (summary != null) { // without one, the counts section says so once
            propensity(summary, d);
        }
        sections.scoresByLabel(d);
        explanations(profiles);
        if (summary != null) {
            forecast(summary, d);
        }
        sections.audiences(summary);
        sections.drift();
        html.append("<p class=\"note\">Charts drawn by JFreeChart as inline SVG; this file references nothing "
                + "outside itself.</p>\n</body>\n</html>\n");
    }

    private void counts(List<JsonNode> profiles, JsonNode summary) {
        html.append("<h2 id=\"counts\">Counts</h2>\n<table><tbody>\n");
        row("profiles", Integer.toString(profiles.size()));
        if (summary == null) {
            html.append("</tbody></table>\n<p class=\"note\">No summary given (replay --summary writes one): replay "
                    + "counts, the propensity model and the activity forecast are left out.</p>\n");
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = summary.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isValueNode()) {
                row(e.getKey(), v.isNumber() ? fmt(v) : v.asText());
            } else if (v.isObject() && !e.getKey().equals("diagnostics")) {
                for (Iterator<Map.Entry<String, JsonNode>> in = v.fields(); in.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = in.next();
                    if (f.getValue().isValueNode()) {
                        row(e.getKey() + " " + f.getKey(), f.getValue().isNumber() ? fmt(f.getValue())
                                : f.getValue().asText());
                    }
                }
            }
        }
        html.append("</tbody></table>\n");
    }

    private static String fmt(JsonNode v) {
        return v.isIntegralNumber() ? v.asText() : String.format(Locale.ROOT, "%.4f", v.asDouble());
    }

    private void row(String name, String value) {
        html.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private void distributions(List<JsonNode> profiles, List<String> features) {
        html.append("<h2 id=\"distributions\">Feature distributions</h2>\n");
        if (profiles.isEmpty()) {
            note("No profiles in the input: nothing to chart.");
            return;
        }
        List<String> empty = featuresWithoutValues(profiles);
        if (features.isEmpty()) {
            note("No numeric features in the profiles: no distributions to show.");
        } else {
            html.append("<div class=\"grid\">\n");
            for (String f : features) {
                double[] v = finiteValues(profiles, f);
                if (v.length == 0) {
                    empty.add(f);
                } else {
                    try {
                        histogram(f, v);
                    } catch (RuntimeException e) {
                        throw new IllegalStateException("cannot draw the distribution of feature '" + f + "': "
                                + e.getMessage(), e);
                    }
                }
            }
            html.append("</div>\n");
        }
        if (!empty.isEmpty()) {
            note("No profile has a value of " + String.join(", ", empty) + ": not charted.");
        }
    }

    static double[] finiteValues(List<JsonNode> profiles, String feature) {
        return profiles.stream().mapToDouble(p -> value(p, feature)).filter(Double::isFinite).toArray();
    }

    /** Share of the values above which a skewed histogram is cut (its last bar holds them). */
    static final double CLIP_QUANTILE = 0.99;

    /**
     * A histogram of a value: {@value #HISTOGRAM_BINS} equal-width bins over its range, or one bar when every value
     * is the same, in the unit the glossary gives it (hours or days for a recency). A skewed value, whose top 1% would
     * take more than half the axis, is drawn up to its {@value #CLIP_QUANTILE} quantile, the last bar holding the
     * values above it (the caption says so). The axis is in units of a power of ten when the values are so large that
     * their range would overflow ({@link Column#axisUnit}).
     */
    private void histogram(String f, double[] raw) {
        FeatureGlossary.Entry entry = glossary.entry(f, new Column(raw).quantile(0.5));
        double[] values = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            values[i] = entry.shown(raw[i]);
        }
        Column c = new Column(values);
        int n = c.values.length;
        double unit = c.axisUnit();
        double lo = c.min / unit;
        double hi = c.max / unit;
        double cut = c.quantile(CLIP_QUANTILE) / unit;
        double median = c.quantile(0.5) / unit;
        if (unit == 1 && c.min >= 0 && median > 0 && cut / median > LOG_SKEW) {
            logHistogram(f, entry, c);
            return;
        }
        boolean clipped = !c.constant() && cut > lo && hi - cut > cut - lo;
        double top = clipped ? cut : hi;
        double[] shown = new double[n];
        int above = 0;
        int zeros = 0;
        for (int i = 0; i < n; i++) {
            shown[i] = Math.min(c.values[i] / unit, top);
            above += c.values[i] / unit > top ? 1 : 0;
            zeros += c.values[i] == 0 ? 1 : 0;
        }
        HistogramDataset data = new HistogramDataset();
        if (c.constant()) {
            double half = Math.max(0.5, Math.abs(lo) / 1000); // a bar of visible width also around 1e20
            data.addSeries(f, shown, 1, lo - half, hi + half);
        } else {
            data.addSeries(f, shown, HISTOGRAM_BINS, lo, top);
        }
        String axis = entry.axis(unit == 1 ? f : f + " (\u00d7 1e" + Math.round(Math.log10(unit)) + ")");
        JFreeChart chart = ChartFactory.createHistogram(f, axis, "users", data, PlotOrientation.VERTICAL, false,
                false, false);
        style(chart);
        String users = n == 1 ? "1 user" : n + " users";
        String values2 = c.constant()
                ? (n == 1 ? "the only value is " : "all " + n + " values are ") + Column.text(c.min)
                : "mean " + c.format(c.mean()) + ", median " + c.format(c.quantile(0.5)) + ", min "
                + c.format(c.min) + ", max " + c.format(c.max);
        StringBuilder cap = new StringBuilder(defined(entry));
        cap.append("Distribution of ").append(f).append(" over ").append(users).append(" with a value (")
                .append(values2).append(")");
        if (zeros > 0 && !c.constant()) {
            cap.append("; ").append(zeros).append(zeros == 1 ? " is 0" : " are 0")
                    .append(String.format(Locale.ROOT, " (%.0f%%)", 100.0 * zeros / n));
        }
        cap.append('.');
        if (clipped) {
            cap.append(" The axis stops at the 99th percentile, ").append(c.format(top * unit)).append(": the last bar "
                    + "also holds the ").append(above).append(above == 1 ? " user" : " users").append(" above it.");
        }
        card(f, chart, cap.toString());
    }

    /**
     * A histogram on a logarithmic axis, for a non-negative value whose 99th percentile is more than
     * {@value #LOG_SKEW} times its median (decayed counts, spend): {@value #HISTOGRAM_BINS} bins of equal width in
     * log scale from the 1st percentile of the positive values to the largest (smaller positive values are counted
     * in the first bar); zeros cannot be drawn on a log axis and are counted in the caption.
     */
    private void logHistogram(String f, FeatureGlossary.Entry entry, Column c) {
        double[] positive = java.util.Arrays.stream(c.values).filter(v -> v > 0).toArray();
        Column p = new Column(positive);
        double to = p.max;
        double from = p.quantile(0.01) < to ? p.quantile(0.01) : to / 10;
        double step = (Math.log10(to) - Math.log10(from)) / HISTOGRAM_BINS;
        org.jfree.data.statistics.SimpleHistogramDataset data = new org.jfree.data.statistics.SimpleHistogramDataset(f);
        data.setAdjustForBinSize(false);
        double[] edges = new double[HISTOGRAM_BINS + 1];
        for (int b = 0; b <= HISTOGRAM_BINS; b++) {
            edges[b] = b == 0 ? from : b == HISTOGRAM_BINS ? to : Math.pow(10, Math.log10(from) + b * step);
        }
        for (int b = 0; b < HISTOGRAM_BINS; b++) {
            data.addBin(new org.jfree.data.statistics.SimpleHistogramBin(edges[b], edges[b + 1], true,
                    b == HISTOGRAM_BINS - 1));
        }
        data.addObservations(java.util.Arrays.stream(positive).map(v -> Math.min(edges[HISTOGRAM_BINS],
                Math.max(edges[0], v))).toArray());
        JFreeChart chart = ChartFactory.createHistogram(f, entry.axis(f) + ", log scale", "users", data,
                PlotOrientation.VERTICAL, false, false, false);
        style(chart);
        org.jfree.chart.axis.LogAxis axis = new org.jfree.chart.axis.LogAxis(entry.axis(f) + ", log scale");
        axis.setSmallestValue(from);
        axis.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.###",
                java.text.DecimalFormatSymbols.getInstance(Locale.ROOT)));
        axis.setRange(from, to);
        axis.setLabelFont(chart.getXYPlot().getDomainAxis().getLabelFont());
        axis.setTickLabelFont(chart.getXYPlot().getDomainAxis().getTickLabelFont());
        chart.getXYPlot().setDomainAxis(axis);
        int n = c.values.length;
        int zeros = n - positive.length;
        StringBuilder cap = new StringBuilder(defined(entry));
        cap.append("Distribution of ").append(f).append(" over ").append(n).append(" users with a value (mean ")
                .append(c.format(c.mean())).append(", median ").append(c.format(c.quantile(0.5))).append(", min ")
                .append(c.format(c.min)).append(", max ").append(c.format(c.max)).append("), on a log axis because "
                + "it is skewed (its 99th percentile is ").append(c.format(c.quantile(CLIP_QUANTILE)))
                .append("). The axis starts at the 1st percentile of the positive values, ")
                .append(new Column(new double[] {from}).format(from))
                .append(": the first bar also holds the smaller ones");
        if (zeros > 0) {
            cap.append("; the ").append(zeros).append(zeros == 1 ? " user" : " users").append(String.format(
                    Locale.ROOT, " (%.0f%%)", 100.0 * zeros / n)).append(" at 0 are not drawn");
        }
        cap.append('.');
        card(f, chart, cap.toString());
    }

    /** The entry's definition as the caption's first sentence ("Decayed count of ..., in days. "), or "". */
    private static String defined(FeatureGlossary.Entry entry) {
        String d = entry.definition();
        return d.isEmpty() ? "" : Character.toUpperCase(d.charAt(0)) + d.substring(1)
                + (entry.unit().isEmpty() ? "" : ", in " + entry.unit()) + ". ";
    }

    /** A histogram's figure in its grid cell, whose id {@code dist-<value>} links to it. */
    private void card(String value, JFreeChart chart, String caption) {
        html.append("<div class=\"card\" id=\"dist-").append(esc(value)).append("\">\n");
        figure(chart, 480, 300, caption);
        html.append("</div>\n");
    }

    /** Ratio of the 99th percentile to the median from which a non-negative value's histogram has a log axis. */
    static final double LOG_SKEW = 15;

    /** Standardised values of the features (missing: the mean), columns without spread dropped; null if none is left. */
    private static Dataset standardised(List<JsonNode> profiles, List<String> features) {
        List<String> cols = new ArrayList<>();
        List<double[]> columns = new ArrayList<>();
        for (String f : features) {
            double[] finite = finiteValues(profiles, f);
            if (finite.length == 0) {
                continue;
            }
            // scaled by a power of two (which standardising undoes exactly), so that sums of squares cannot overflow
            Column column = new Column(finite);
            double[] c = new double[profiles.size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = column.scaled(value(profiles.get(i), f));
            }
            double mean = column.scaled(column.mean());
            double ss = 0;
            for (int i = 0; i < c.length; i++) {
                if (!Double.isFinite(c[i])) {
                    c[i] = mean;
                }
                ss += (c[i] - mean) * (c[i] - mean);
            }
            double sd = Math.sqrt(ss / c.length);
            if (!(sd > 0)) {
                continue;
            }
            for (int i = 0; i < c.length; i++) {
                c[i] = (c[i] - mean) / sd;
            }
            cols.add(f);
            columns.add(c);
        }
        if (cols.isEmpty()) {
            return null;
        }
        double[][] rows = new double[profiles.size()][cols.size()];
        for (int j = 0; j < cols.size(); j++) {
            for (int i = 0; i < rows.length; i++) {
                rows[i][j] = columns.get(j)[i];
            }
        }
        return Dataset.of(cols.toArray(new String[0]), rows);
    }

    private static String segmentName(JsonNode p) {
        JsonNode s = p.get("segment");
        return s != null && s.isIntegralNumber() ? "segment " + s.asInt() : "no segment";
    }

    private void principalComponents(List<JsonNode> profiles, List<String> features) {
        html.append("<h2 id=\"pca\">Users on the first two principal components</h2>\n");
        if (profiles.size() < 3 || features.size() < 2) {
            note("Too few users or features for principal components (need 3 users and 2 numeric features).");
            return;
        }
        Dataset data = standardised(profiles, features);
        if (data == null || data.columnCount() < 2) {
            note("Fewer than two features vary across users: no principal components to show.");
            return;
        }
        List<String> segmentInputs = segmentInputs();
        String defined = segmentInputs.isEmpty()
                ? "The segments are the live segments model's clusters, fitted on the inputs its models file names "
                + "(not given here: report --models shows them); where those are not these features, segments need "
                + "not separate in this plot."
                : "The segments are the live segments model's clusters of " + String.join(", ", segmentInputs)
                + (List.of(data.columns()).stream().anyMatch(segmentInputs::contains) ? "." : ", which are not among these "
                + "features: segments need not separate in this plot (the next one is of their inputs).");
        try {
            scatter(profiles, data, "the standardised features " + String.join(", ", data.columns()), defined);
            Dataset inputs = topKWeights(profiles, segmentInputs);
            if (inputs != null && inputs.columnCount() >= 2) {
                scatter(profiles, inputs, "the segments' own inputs, the top-k weights of " + String.join(", ",
                        segmentInputs) + " (one column per value, 0 where a user has none; " + inputs.columnCount()
                        + " columns)", "These are the inputs the segments were fitted on; two components show only "
                        + "part of them, so some segments may still overlap.");
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot draw the principal components of features "
                    + String.join(", ", data.columns()) + ": " + e.getMessage(), e);
        }
    }

    /** The features the models file's segments section is fitted on, or none without a models file. */
    private List<String> segmentInputs() {
        List<String> out = new ArrayList<>();
        if (models != null) {
            for (JsonNode f : models.path("segments").path("features")) {
                String name = f.isTextual() ? f.asText() : f.path("name").asText("");
                if (!name.isEmpty()) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    /**
     * For top-k features ({@code [[value, weight], ..]}), one column per value seen holding the user's weight of it
     * (0 when absent), standardised; null when none of the features is a top-k list in the profiles.
     */
    private static Dataset topKWeights(List<JsonNode> profiles, List<String> features) {
        Map<String, Integer> columns = new TreeMap<>();
        for (String f : features) {
            for (JsonNode p : profiles) {
                for (JsonNode pair : p.path("features").path(f)) {
                    if (pair.path(0).isTextual()) {
                        columns.putIfAbsent(f + "=" + pair.get(0).asText(), 0);
                    }
                }
            }
        }
        if (columns.isEmpty()) {
            return null;
        }
        List<String> names = new ArrayList<>(columns.keySet());
        for (int j = 0; j < names.size(); j++) {
            columns.put(names.get(j), j);
        }
        double[][] rows = new double[profiles.size()][names.size()];
        for (int i = 0; i < rows.length; i++) {
            for (String f : features) {
                for (JsonNode pair : profiles.get(i).path("features").path(f)) {
                    Integer j = columns.get(f + "=" + pair.path(0).asText());
                    if (j != null && pair.path(1).isNumber()) {
                        rows[i][j] = pair.get(1).asDouble();
                    }
                }
            }
        }
        List<JsonNode> asProfiles = new ArrayList<>(rows.length);
        for (double[] row : rows) {
            com.fasterxml.jackson.databind.node.ObjectNode p = MAPPER.createObjectNode();
            com.fasterxml.jackson.databind.node.ObjectNode fs = p.putObject("features");
            for (int j = 0; j < row.length; j++) {
                fs.put(names.get(j), row[j]);
            }
            asProfiles.add(p);
        }
        return standardised(asProfiles, names);
    }

    /** "1st", "2nd", "3rd", "4th", "11th", "22nd". */
    static String ordinal(int n) {
        int mod100 = n % 100;
        int mod10 = n % 10;
        String suffix = mod100 >= 11 && mod100 <= 13 ? "th" : mod10 == 1 ? "st" : mod10 == 2 ? "nd" : mod10 == 3 ? "rd"
                : "th";
        return n + suffix;
    }

    private void scatter(List<JsonNode> profiles, Dataset data, String of, String segmentsNote) {
        Pca pca = Pca.fit(data, PcaOptions.components(2));
        Map<String, XYSeries> bySegment = new TreeMap<>();
        int stride = Math.max(1, (profiles.size() + MAX_SCATTER_POINTS - 1) / MAX_SCATTER_POINTS);
        int drawn = 0;
        for (int i = 0; i < profiles.size(); i += stride) {
            double[] z = pca.transform(data.row(i));
            bySegment.computeIfAbsent(segmentName(profiles.get(i)), k -> new XYSeries(k, false, true))
                    .add(z[0], z[1]);
            drawn++;
        }
        XYSeriesCollection c = new XYSeriesCollection();
        bySegment.values().forEach(c::addSeries);
        double[] ratio = pca.explainedVarianceRatio();
        JFreeChart chart = ChartFactory.createScatterPlot("Principal components of " + data.columnCount()
                + " features", String.format(Locale.ROOT, "PC1 (%.1f%% of variance)", 100 * ratio[0]),
                String.format(Locale.ROOT, "PC2 (%.1f%% of variance)", 100 * ratio[1]), c, PlotOrientation.VERTICAL,
                true, false, false);
        style(chart);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) plot.getRenderer();
        r.setDrawOutlines(false);
        for (int s = 0; s < c.getSeriesCount(); s++) {
            r.setSeriesShape(s, new java.awt.geom.Rectangle2D.Double(-2, -2, 4, 4)); // a rect: smaller SVG than a circle
            Color base = PALETTE[s % PALETTE.length];
            r.setSeriesPaint(s, new Color(base.getRed(), base.getGreen(), base.getBlue(), 0xa0));
        }
        figure(chart, W, 420, "Each dot is a user (" + drawn + " of " + profiles.size() + " drawn"
                + (stride > 1 ? ", every " + ordinal(stride) : "") + ") on the first two principal components of "
                + of + ", coloured by the live segment. " + segmentsNote);
    }

    private void segments(List<JsonNode> profiles, List<String> features) {
        html.append("<h2 id=\"segments\">Segments</h2>\n");
        Map<Integer, List<JsonNode>> groups = new TreeMap<>();
        for (JsonNode p : profiles) {
            JsonNode s = p.get("segment");
            if (s != null && s.isIntegralNumber()) {
                groups.computeIfAbsent(s.asInt(), k -> new ArrayList<>()).add(p);
            }
        }
        if (groups.isEmpty()) {
            note("No profile has a segment (replay with a models file that has a segments section): sizes and "
                    + "means omitted.");
            return;
        }
        int total = profiles.size();
        DefaultCategoryDataset sizes = new DefaultCategoryDataset();
        for (Map.Entry<Integer, List<JsonNode>> g : groups.entrySet()) {
            // the axis says "segment": labels of the number alone fit a phone
            sizes.addValue(g.getValue().size(), "users", Integer.toString(g.getKey()));
        }
        JFreeChart chart = ChartFactory.createBarChart("Segment sizes", "segment", "users", sizes,
                PlotOrientation.VERTICAL, false, false, false);
        style(chart);
        figure(chart, W, 320, "Number of users in each live segment (" + groups.size() + " segments, "
                + groups.values().stream().mapToInt(List::size).sum() + " of " + total + " users have one).");
        segmentTable(groups, total, features);
    }

    /**
     * One column per segment, one row per measure (so that it fits a page however many features there are): size,
     * share, each top-k feature's most common top value in the segment with its share there (what tells segments of
     * categories apart), and the mean of each charted feature.
     */
    private void segmentTable(Map<Integer, List<JsonNode>> groups, int total, List<String> features) {
        List<String> topK = topKFeatures(groups.values().stream().flatMap(List::stream).toList());
        html.append("<div class=\"scroll\"><table id=\"segment-table\"><thead><tr><th>segment</th>");
        groups.keySet().forEach(k -> html.append("<th>").append(k).append("</th>"));
        html.append("</tr></thead><tbody>\n<tr><th>users</th>");
        groups.values().forEach(m -> html.append("<td>").append(m.size()).append("</td>"));
        html.append("</tr>\n<tr><th>share</th>");
        groups.values().forEach(m -> html.append("<td>")
                .append(String.format(Locale.ROOT, "%.1f%%", 100.0 * m.size() / total)).append("</td>"));
        html.append("</tr>\n");
        for (String f : topK) {
            html.append("<tr class=\"defining\"><th>most common top ").append(esc(f)).append("</th>");
            for (List<JsonNode> members : groups.values()) {
                Map<String, Integer> firsts = new TreeMap<>();
                for (JsonNode p : members) {
                    JsonNode first = p.path("features").path(f).path(0).path(0);
                    if (first.isTextual()) {
                        firsts.merge(first.asText(), 1, Integer::sum);
                    }
                }
                Map.Entry<String, Integer> best = firsts.entrySet().stream()
                        .max(Map.Entry.comparingByValue()).orElse(null); // ties: the first by name
                html.append("<td>").append(best == null ? "" : esc(best.getKey()) + String.format(Locale.ROOT,
                        " (%.0f%%)", 100.0 * best.getValue() / members.size())).append("</td>");
            }
            html.append("</tr>\n");
        }
        for (String f : features) {
            double[] all = finiteValues(groups.values().stream().flatMap(List::stream).toList(), f);
            if (all.length == 0) {
                continue;
            }
            FeatureGlossary.Entry entry = glossary.entry(f, new Column(all).quantile(0.5));
            Column scale = new Column(java.util.Arrays.stream(all).map(entry::shown).toArray());
            html.append("<tr><th>mean ").append(esc(entry.axis(f))).append("</th>");
            for (List<JsonNode> members : groups.values()) {
                double[] v = finiteValues(members, f);
                html.append("<td>").append(v.length == 0 ? "" : scale.format(entry.shown(new Column(v).mean())))
                        .append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody></table></div>\n<p>Segments in columns: each one's size, "
                + (topK.isEmpty() ? "" : "the most common top value of " + String.join(", ", topK)
                + " among its users (with its share of them), ")
                + "and the mean of each charted feature (users without a value are left out of a mean).</p>\n");
    }

    /** Features holding top-k lists ({@code [[value, weight], ..]}) in some profile, in first-seen order. */
    private static List<String> topKFeatures(List<JsonNode> profiles) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode p : profiles) {
            for (Iterator<Map.Entry<String, JsonNode>> it = p.path("features").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isArray() && e.getValue().path(0).path(0).isTextual()) {
                    out.add(e.getKey());
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** Inputs shown in the explanations chart, largest first. */
    static final int MAX_EXPLAINED_INPUTS = 20;

    /**
     * Mean absolute contribution of each input to the propensity logit, over the profiles that carry
     * {@code "explain":{"propensity":{"top":[["input",c],..]}}} (replay --explain N; an input a profile does not list
     * counts 0 there), as one horizontal bar chart. Nothing when no profile carries one.
     */
    private void explanations(List<JsonNode> profiles) {
        Map<String, Double> sums = new TreeMap<>();
        int explained = 0;
        int shortest = Integer.MAX_VALUE;
        for (JsonNode p : profiles) {
            JsonNode top = p.path("explain").path("propensity").path("top");
            if (!top.isArray()) {
                continue;
            }
            explained++;
            shortest = Math.min(shortest, top.size());
            for (JsonNode t : top) {
                double c = t.path(1).asDouble(Double.NaN);
                if (t.path(0).isTextual() && Double.isFinite(c)) {
                    sums.merge(t.get(0).asText(), Math.abs(c), Double::sum);
                }
            }
        }
        if (explained == 0 || sums.isEmpty()) {
            return;
        }
        html.append("<h2 id=\"explanations\">Explanations</h2>\n");
        List<Map.Entry<String, Double>> ranked = new ArrayList<>(sums.entrySet());
        ranked.sort(Map.Entry.<String, Double>comparingByValue().reversed()); // stable: ties stay by name
        DefaultCategoryDataset means = new DefaultCategoryDataset();
        for (Map.Entry<String, Double> e : ranked.subList(0, Math.min(MAX_EXPLAINED_INPUTS, ranked.size()))) {
            means.addValue(e.getValue() / explained, "mean |contribution|", e.getKey());
        }
        JFreeChart chart = ChartFactory.createBarChart("Mean absolute contribution to the propensity logit", "input",
                "mean |weight × z-score|", means, PlotOrientation.HORIZONTAL, false, false, false);
        style(chart);
        figure(chart, W, 80 + 24 * means.getColumnCount(), "Mean over " + explained + " profiles of each input's "
                + "absolute contribution to the propensity logit (its weight times its z-score)"
                + (shortest < sums.size() ? "; a profile lists its " + shortest + " largest, the others count 0" : "")
                + (ranked.size() > MAX_EXPLAINED_INPUTS ? "; the " + MAX_EXPLAINED_INPUTS + " largest of "
                + ranked.size() + " inputs" : "") + ".");
    }

    private void propensity(JsonNode summary, ModelDiagnostics d) {
        html.append("<h2 id=\"propensity\">Propensity model</h2>\n");
        if (d == null || d.labelled() == 0) {
            note("The summary has no propensity diagnostics (no propensity model, or no labelled example): section "
                    + "omitted.");
            return;
        }
        List<ModelDiagnostics.ScoredLabel> res = d.reservoir();
        double[] s = new double[res.size()];
        int[] y = new int[res.size()];
        int pos = 0;
        for (int i = 0; i < s.length; i++) {
            s[i] = res.get(i).score();
            y[i] = res.get(i).label();
            pos += y[i];
        }
        if (pos == 0 || pos == s.length) {
            note("The " + s.length + " sampled labelled examples are all of one class: no ROC curve or calibration.");
        } else {
            double auc = ClassificationMetrics.rocAuc(y, s);
            rocChart(s, y, pos, auc, d.labelled(), summary.path("prequential").path("auc"));
            calibrationChart(s, y);
        }
        aucOverTime(d, summary.path("model_version"));
    }

    private void rocChart(double[] s, int[] y, int pos, double auc, long labelled, JsonNode allAuc) {
        Integer[] order = new Integer[s.length];
        for (int i = 0; i < s.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(s[b], s[a]));
        int neg = s.length - pos;
        List<double[]> pts = new ArrayList<>();
        pts.add(new double[] {0, 0});
        int tp = 0;
        int fp = 0;
        for (int i = 0; i < order.length; ) {
            int j = i;
            while (j < order.length && s[order[j]] == s[order[i]]) { // one point per distinct threshold
                if (y[order[j]] == 1) {
                    tp++;
                } else {
                    fp++;
                }
                j++;
            }
            pts.add(new double[] {fp / (double) neg, tp / (double) pos});
            i = j;
        }
        XYSeries roc = new XYSeries("ROC", false, true);
        int stride = Math.max(1, (pts.size() + MAX_ROC_POINTS - 1) / MAX_ROC_POINTS);
        for (int i = 0; i < pts.size(); i += stride) {
            roc.add(pts.get(i)[0], pts.get(i)[1]);
        }
        double[] last = pts.get(pts.size() - 1);
        roc.add(last[0], last[1]);
        XYSeries chance = new XYSeries("chance", false, true);
        chance.add(0, 0);
        chance.add(1, 1);
        XYSeriesCollection c = new XYSeriesCollection(roc);
        c.addSeries(chance);
        String aucText = String.format(Locale.ROOT, "%.4f", auc);
        JFreeChart chart = ChartFactory.createXYLineChart("ROC curve (AUC = " + aucText + ")", "false positive rate",
                "true positive rate", c, PlotOrientation.VERTICAL, true, false, false);
        style(chart);
        XYPlot plot = chart.getXYPlot();
        plot.getRenderer().setSeriesPaint(0, PALETTE[0]);
        plot.getRenderer().setSeriesPaint(1, Color.GRAY);
        plot.getRenderer().setSeriesStroke(1, dashed());
        range01(plot);
        html.append("<figure class=\"chart\" id=\"roc\" data-auc=\"").append(auc).append("\">\n");
        svgInto(chart, 520, 420);
        html.append("<figcaption>ROC curve of the prequential scores (each labelled example scored by the live model "
                + "before it learned from it) over a uniform sample of ").append(s.length).append(" labelled examples ("
                + pos + " positive): AUC = ").append(aucText).append('.');
        if (allAuc.isNumber() && s.length < labelled) {
            html.append(esc(String.format(Locale.ROOT, " The Counts table's prequential AUC, %.4f, is over all %d "
                    + "labelled examples, not this sample of %d: the two differ by sampling.", allAuc.asDouble(),
                    labelled, s.length)));
        }
        html.append("</figcaption>\n</figure>\n");
    }

    private void calibrationChart(double[] s, int[] y) {
        double[] sumP = new double[CALIBRATION_BINS];
        double[] sumY = new double[CALIBRATION_BINS];
        int[] n = new int[CALIBRATION_BINS];
        for (int i = 0; i < s.length; i++) {
            int b = Math.min(CALIBRATION_BINS - 1, Math.max(0, (int) (s[i] * CALIBRATION_BINS)));
            sumP[b] += s[i];
            sumY[b] += y[i];
            n[b]++;
        }
        XYSeries cal = new XYSeries("observed rate", false, true);
        for (int b = 0; b < CALIBRATION_BINS; b++) {
            if (n[b] > 0) {
                cal.add(sumP[b] / n[b], sumY[b] / n[b]);
            }
        }
        XYSeries ideal = new XYSeries("perfect calibration", false, true);
        ideal.add(0, 0);
        ideal.add(1, 1);
        XYSeriesCollection c = new XYSeriesCollection(cal);
        c.addSeries(ideal);
        JFreeChart chart = ChartFactory.createXYLineChart("Calibration", "mean predicted probability",
                "observed positive rate", c, PlotOrientation.VERTICAL, true, false, false);
        style(chart);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) plot.getRenderer();
        r.setSeriesShapesVisible(0, true);
        r.setSeriesPaint(0, PALETTE[1]);
        r.setSeriesPaint(1, Color.GRAY);
        r.setSeriesStroke(1, dashed());
        range01(plot);
        figure(chart, 520, 420, "Calibration of the prequential scores: the sampled examples in " + CALIBRATION_BINS
                + " equal-width score bins, mean predicted probability against the observed share of positives; "
                + "points on the dashed line are perfectly calibrated. The table gives each bin's examples: a point "
                + "from few examples is noisy.");
        html.append("<div class=\"scroll\"><table id=\"calibration-bins\"><thead><tr><th>score bin</th>"
                + "<th>examples</th><th>mean predicted</th><th>observed rate</th></tr></thead><tbody>\n");
        for (int b = 0; b < CALIBRATION_BINS; b++) {
            html.append("<tr><td>").append(String.format(Locale.ROOT, "%.1f\u2013%.1f", b / (double) CALIBRATION_BINS,
                    (b + 1) / (double) CALIBRATION_BINS)).append("</td><td>").append(n[b]).append("</td><td>")
                    .append(n[b] == 0 ? "" : String.format(Locale.ROOT, "%.3f", sumP[b] / n[b])).append("</td><td>")
                    .append(n[b] == 0 ? "" : String.format(Locale.ROOT, "%.3f", sumY[b] / n[b]))
                    .append("</td></tr>\n");
        }
        html.append("</tbody></table></div>\n");
    }

    /**
     * The prequential AUC over time, cumulative and over the recent window, from the first point after the warm-up
     * (at least {@value #AUC_WARM_UP} labelled examples and a twentieth of them, whose AUC swings widely and would
     * stretch the axis; the caption says where it starts). Drift alarms are dashed vertical lines; batch retrains and
     * swaps small marks along the bottom, not lines; online publications are only counted.
     */
    private void aucOverTime(ModelDiagnostics d, JsonNode modelVersion) {
        if (d.aucSeries().isEmpty()) {
            note("Too few labelled examples for the prequential AUC over time.");
            return;
        }
        long warmUp = Math.max(AUC_WARM_UP, d.labelled() / 20);
        List<ModelDiagnostics.AucPoint> shown = d.aucSeries().stream().filter(p -> p.examples() >= warmUp).toList();
        if (shown.size() < 2) {
            shown = d.aucSeries();
        }
        long from = shown.get(0).examples();
        XYSeries cumulative = new XYSeries("cumulative AUC", false, true);
        XYSeries recent = new XYSeries("recent-window AUC", false, true);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (ModelDiagnostics.AucPoint p : shown) {
            cumulative.add(p.time(), Double.isFinite(p.auc()) ? p.auc() : null);
            recent.add(p.time(), Double.isFinite(p.recentAuc()) ? p.recentAuc() : null);
            for (double v : new double[] {p.auc(), p.recentAuc()}) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!(lo <= hi)) {
            lo = 0;
            hi = 1;
        }
        double pad = Math.max(0.01, (hi - lo) * 0.08);
        double bottom = Math.max(0, lo - 2 * pad);
        XYSeries retrains = new XYSeries("batch retrain", false, true);
        XYSeries swaps = new XYSeries("swapped in", false, true);
        long online = 0;
        long start = shown.get(0).time();
        for (ModelDiagnostics.ModelVersion v : d.versions()) {
            if (v.reason().equals("online")) {
                online++;
            } else if (v.time() >= start) {
                (v.reason().equals("batch") ? retrains : swaps).add(v.time(), bottom + pad / 2);
            }
        }
        XYSeriesCollection c = new XYSeriesCollection(cumulative);
        c.addSeries(recent);
        if (!retrains.isEmpty()) {
            c.addSeries(retrains);
        }
        if (!swaps.isEmpty()) {
            c.addSeries(swaps);
        }
        JFreeChart chart = ChartFactory.createTimeSeriesChart("Prequential AUC over time", "event time", "AUC", c,
                true, false, false);
        style(chart);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) plot.getRenderer();
        r.setSeriesPaint(0, PALETTE[0]);
        r.setSeriesPaint(1, PALETTE[2]);
        for (int i = 2; i < c.getSeriesCount(); i++) { // marks, no line
            r.setSeriesLinesVisible(i, false);
            r.setSeriesShapesVisible(i, true);
            r.setSeriesShape(i, new java.awt.geom.Rectangle2D.Double(-0.75, -5, 1.5, 10));
            r.setSeriesPaint(i, c.getSeriesKey(i).equals("batch retrain") ? PALETTE[4] : PALETTE[5]);
        }
        ((NumberAxis) plot.getRangeAxis()).setRange(bottom, Math.min(1, hi + pad));
        int alarmsDrawn = 0;
        for (ModelDiagnostics.DriftAlarm a : d.driftAlarms()) {
            if (a.time() >= start) {
                plot.addDomainMarker(new ValueMarker(a.time(), PALETTE[3], dashed()));
                alarmsDrawn++;
            }
        }
        long batch = d.versions().stream().filter(v -> v.reason().equals("batch")).count();
        long swapped = d.versions().stream().filter(v -> v.reason().equals("swap")).count();
        long latest = modelVersion.isIntegralNumber() ? modelVersion.asLong()
                : d.versions().isEmpty() ? shown.get(shown.size() - 1).version()
                : d.versions().get(d.versions().size() - 1).version();
        StringBuilder cap = new StringBuilder("Prequential AUC (each example scored before the model learned from it)"
                + " over ").append(d.labelled()).append(" labelled examples: cumulative and over the model's recent "
                + "window, from the ").append(ordinal((int) Math.min(Integer.MAX_VALUE, from)))
                .append(" labelled example on (the AUC of the first ones, a warm-up, swings widely and is not drawn).");
        if (d.driftAlarmsSeen() > 0) {
            cap.append(" Dashed red lines: ").append(alarmsDrawn == d.driftAlarmsSeen() ? "the " + alarmsDrawn
                    : alarmsDrawn + " of the " + d.driftAlarmsSeen()).append(" drift alarm")
                    .append(d.driftAlarmsSeen() == 1 ? "" : "s").append(alarmsDrawn < d.driftAlarmsSeen()
                    ? " (the others fell in the warm-up or were not recorded)." : ".");
        }
        if (batch > 0) {
            cap.append(" Purple marks along the bottom: the ").append(batch).append(" batch retrain")
                    .append(batch == 1 ? "" : "s").append(" that replaced the model.");
        }
        if (swapped > 0) {
            cap.append(" Brown marks: the ").append(swapped).append(swapped == 1 ? " version" : " versions")
                    .append(" swapped in.");
        }
        cap.append(' ').append(d.versionsSeen()).append(" versions were published in all, most of them online "
                + "updates (").append(online).append(" recorded, not marked); the latest is version ").append(latest)
                .append('.');
        figure(chart, W, 360, cap.toString());
    }

    private void forecast(JsonNode summary, ModelDiagnostics d) {
        html.append("<h2 id=\"forecast\">Activity forecast</h2>\n");
        if (d == null || d.forecast() == null) {
            note("The summary has no fitted activity forecast (no forecast section, or too few complete days): "
                    + "section omitted.");
            return;
        }
        ModelDiagnostics.Forecast f = d.forecast();
        double[] series = f.series();
        long day = 86_400_000L;
        XYSeries history = new XYSeries("pooled mean count per user", false, true);
        for (int i = 0; i < series.length; i++) {
            history.add((f.firstDay() + i) * day, series[i]);
        }
        YIntervalSeries fc = new YIntervalSeries("forecast, " + Math.round(100 * f.level()) + "% interval");
        double[] mean = f.mean();
        double[] lo = f.lower();
        double[] hi = f.upper();
        long next = f.firstDay() + series.length;
        if (series.length > 0) {
            fc.add((next - 1) * day, series[series.length - 1], series[series.length - 1], series[series.length - 1]);
        }
        for (int i = 0; i < mean.length; i++) {
            fc.add((next + i) * day, mean[i], lo[i], hi[i]);
        }
        JFreeChart chart = ChartFactory.createTimeSeriesChart("Activity forecast (" + f.model() + ")", "day",
                "mean count per user", new XYSeriesCollection(history), true, false, false);
        style(chart);
        XYPlot plot = chart.getXYPlot();
        plot.getRenderer().setSeriesPaint(0, PALETTE[0]);
        YIntervalSeriesCollection band = new YIntervalSeriesCollection();
        band.addSeries(fc);
        DeviationRenderer dev = new DeviationRenderer(true, false);
        dev.setSeriesPaint(0, PALETTE[1]);
        dev.setSeriesFillPaint(0, new Color(0xff, 0x7f, 0x0e, 0x55));
        dev.setAlpha(0.3f);
        plot.setDataset(1, band);
        plot.setRenderer(1, dev);
        ((DateAxis) plot.getDomainAxis()).setDateFormatOverride(utcDates());
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true); // day-to-day noise at its true size
        StringBuilder cap = new StringBuilder("Mean daily count per user over the last ").append(series.length)
                .append(" complete days (the series the ").append(f.model()).append(" forecast, version ")
                .append(f.version()).append(", is fitted on) and its forecast for the next ").append(mean.length)
                .append(mean.length == 1 ? " day" : " days").append(String.format(Locale.ROOT,
                        " (next day %.3f, interval %.3f to %.3f). Interval: ", mean[0], lo[0], hi[0]))
                .append(f.intervalMethod()).append(". The y-axis starts at 0.");
        figure(chart, W, 360, cap.toString());
    }

    private static java.text.DateFormat utcDates() {
        java.text.SimpleDateFormat fmt = new java.text.SimpleDateFormat("yyyy-MM-dd", Locale.ROOT);
        fmt.setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
        return fmt;
    }

    // ---- chart helpers ----

    private static BasicStroke dashed() {
        return new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f);
    }

    private static void range01(XYPlot plot) {
        ((NumberAxis) plot.getDomainAxis()).setRange(0, 1);
        ((NumberAxis) plot.getRangeAxis()).setRange(0, 1);
    }

    static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.getPlot().setBackgroundPaint(new Color(0xfa, 0xfb, 0xfc));
        if (chart.getPlot() instanceof XYPlot p) {
            p.setDomainGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
            p.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
            if (p.getRenderer() instanceof XYLineAndShapeRenderer r) {
                r.setDrawSeriesLineAsPath(true); // one <path> per series, not one element per segment
            }
            if (p.getDomainAxis() instanceof DateAxis a) {
                a.setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
                a.setLocale(Locale.ROOT);
            }
        }
    }

    void note(String text) {
        html.append("<p class=\"note\">").append(esc(text)).append("</p>\n");
    }

    void figure(JFreeChart chart, int w, int h, String caption) {
        html.append("<figure class=\"chart\">\n");
        svgInto(chart, w, h);
        html.append("<figcaption>").append(esc(caption)).append("</figcaption>\n</figure>\n");
    }

    /**
     * Renders the chart with Batik's {@link SVGGraphics2D} over a plain JDK DOM document and appends the inline
     * {@code <svg>} element: it scales with the page (viewBox, width 100% from the page's CSS) up to its natural
     * width, its ids are unique over the page, and its fonts are generic families.
     */
    private void svgInto(JFreeChart chart, int w, int h) {
        int id = ++charts;
        svgInto(chart, w, h, "chart-" + id, "c" + id + "_", "wide");
        phoneFonts(chart);
        int ph = (int) Math.round(h * Math.max(0.85, Math.min(1.0, 1.25 * PHONE_W / w)));
        svgInto(chart, PHONE_W, ph, "chart-" + id + "-phone", "c" + id + "p_", "phone");
    }

    /**
     * Larger text for a chart's phone rendition: drawn {@value #PHONE_W} px wide and shown at about that width on a
     * 390 px screen, its smallest text (tick labels) is then at least 11 px.
     */
    private static void phoneFonts(JFreeChart chart) {
        if (chart.getTitle() != null) {
            chart.getTitle().setFont(chart.getTitle().getFont().deriveFont(15f));
        }
        if (chart.getLegend() != null) {
            chart.getLegend().setItemFont(chart.getLegend().getItemFont().deriveFont(11f));
        }
        java.util.List<org.jfree.chart.axis.Axis> axes = new ArrayList<>();
        if (chart.getPlot() instanceof XYPlot p) {
            axes.add(p.getDomainAxis());
            axes.add(p.getRangeAxis());
        } else if (chart.getPlot() instanceof org.jfree.chart.plot.CategoryPlot p) {
            axes.add(p.getDomainAxis());
            axes.add(p.getRangeAxis());
        }
        for (org.jfree.chart.axis.Axis a : axes) {
            if (a != null) {
                a.setTickLabelFont(a.getTickLabelFont().deriveFont(11f));
                a.setLabelFont(a.getLabelFont().deriveFont(12f));
            }
        }
    }

    private void svgInto(JFreeChart chart, int w, int h, String elementId, String prefix, String cssClass) {
        org.w3c.dom.Document doc;
        try {
            doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
        } catch (javax.xml.parsers.ParserConfigurationException e) {
            throw new IllegalStateException("no XML DOM implementation for the report's charts", e);
        }
        SVGGeneratorContext ctx = SVGGeneratorContext.createDefault(doc);
        ctx.setIDGenerator(new SVGIDGenerator() { // clip-path ids unique across the page's charts
            @Override
            public String generateID(String p) {
                return super.generateID(prefix + p);
            }
        });
        ctx.setPrecision(SVG_PRECISION);
        ctx.setComment(null); // no "Generated by the Batik Graphics2D SVG Generator" comment
        ctx.setEmbeddedFontsOn(false);
        SVGGraphics2D g = new SVGGraphics2D(ctx, false);
        g.setSVGCanvasSize(new java.awt.Dimension(w, h));
        chart.draw(g, new java.awt.geom.Rectangle2D.Double(0, 0, w, h));
        Element root = g.getRoot();
        root.setAttribute("id", elementId);
        root.setAttribute("class", cssClass);
        root.setAttribute("viewBox", "0 0 " + w + " " + h);
        root.setAttribute("preserveAspectRatio", "xMidYMid meet");
        root.setAttribute("width", "100%");
        root.removeAttribute("height"); // the height follows from the width and the viewBox
        NodeList all = root.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            String eid = e.getAttribute("id");
            if (!eid.isEmpty() && !eid.startsWith(prefix)) {
                e.setAttribute("id", prefix + eid); // e.g. Batik's fixed "genericDefs"; nothing refers to it
            }
        }
        StringWriter out = new StringWriter();
        try {
            g.stream(root, out, true, false);
        } catch (org.apache.batik.svggen.SVGGraphics2DIOException e) {
            throw new IllegalStateException("could not write the SVG of chart " + elementId, e);
        } finally {
            g.dispose();
        }
        String svg = out.toString();
        int start = svg.indexOf("<svg");
        svg = svg.substring(start < 0 ? 0 : start).strip(); // no XML prolog, DOCTYPE or comment before the element
        svg = selfContained(genericFonts(compactTags(svg)));
        // at most its natural width, centred: a small chart is not blown up on a wide page
        String size = "max-width:" + w + "px;margin:0 auto;";
        int tagEnd = svg.indexOf('>');
        int style = svg.indexOf(" style=\"");
        svg = style > 0 && style < tagEnd
                ? svg.substring(0, style + 8) + size + " " + svg.substring(style + 8)
                : svg.replaceFirst("<svg ", "<svg style=\"" + size + "\" ");
        html.append(svg).append('\n');
    }

    /**
     * The SVG without the line breaks and indentation Batik's writer puts inside tags ({@code <g\n  >}): text is
     * untouched (a {@code >} in text or attribute values is escaped, so a line break followed by {@code >} or
     * {@code />} is always inside a tag).
     */
    static String compactTags(String svg) {
        return svg.replaceAll("[ \t]*\r?\n\\s*(?=/?>)", "");
    }

    /** Decimal digits Batik writes in coordinates: plenty for a chart of a few hundred pixels, and shorter. */
    private static final int SVG_PRECISION = 3;

    /**
     * Every {@code font-family} of the SVG as the generic {@code sans-serif}: nothing to fetch, the same look on
     * every machine (Batik writes the family of the AWT font, e.g. {@code 'Dialog'}).
     */
    static String genericFonts(String svg) {
        return svg.replaceAll("font-family(\\s*[:=]\\s*)(\"[^\"]*\"|'[^']*'|[^;\"'>]*)",
                "font-family$1sans-serif")
                .replace("font-family=sans-serif", "font-family=\"sans-serif\"");
    }

    /**
     * The SVG without namespace declarations (inline SVG in HTML needs none, and they are the only absolute URLs
     * the SVG generator writes) and without any reference to outside the file: an {@code href} that is not a fragment
     * ({@code #id}) or a {@code data:} URI is dropped.
     */
    static String selfContained(String svg) {
        String s = svg.replaceAll("\\s+xmlns(:[A-Za-z]+)?=(\"[^\"]*\"|'[^']*')", "");
        s = s.replaceAll("\\s+(xlink:)?href=(\"(?!#|data:)[^\"]*\"|'(?!#|data:)[^']*')", "");
        return mergeGroups(s);
    }

    /**
     * Joins a group that directly follows a group with the same attributes into it ({@code <g a>x</g><g a>y</g>}
     * becomes {@code <g a>xy</g>}): an SVG generator may wrap every filled shape, such as each dot of a scatter plot, in a
     * group of its own. The drawing is unchanged (same style, same clip, same order) and the file much smaller.
     */
    static String mergeGroups(String svg) {
        StringBuilder out = new StringBuilder(svg.length());
        String open = null; // the attributes of the group being written, if the last thing written ended it
        int i = 0;
        while (i < svg.length()) {
            int g = nextGroup(svg, i);
            if (g < 0) {
                out.append(svg, i, svg.length());
                break;
            }
            int end = svg.indexOf('>', g);
            String tag = svg.substring(g, end + 1);
            boolean directlyAfterClose = g >= 4 && svg.startsWith("</g>", g - 4) && g - 4 >= i;
            if (directlyAfterClose && tag.equals(open) && !tag.endsWith("/>")) {
                out.append(svg, i, g - 4); // drop "</g>" and the repeated opening tag
            } else {
                out.append(svg, i, end + 1);
            }
            open = tag;
            i = end + 1;
        }
        return out.toString();
    }

    /** Index of the next {@code <g} tag (with attributes or not) at or after {@code from}, or -1. */
    private static int nextGroup(String svg, int from) {
        int g = svg.indexOf("<g", from);
        while (g >= 0 && g + 2 < svg.length() && svg.charAt(g + 2) != ' ' && svg.charAt(g + 2) != '>') {
            g = svg.indexOf("<g", g + 2);
        }
        return g;
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Set of the sections' ids, in page order (for hosts that link to them). */
    public static List<String> sectionIds() {
        return List.of("counts", "features", "distributions", "categories", "correlations", "pca", "segments",
                "propensity", "scores-by-label", "forecast", "audiences", "drift");
    }
}
