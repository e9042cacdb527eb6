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
 *   <li>feature distributions: a histogram per chosen numeric scalar feature (by default the first
 *       {@value #DEFAULT_MAX_FEATURES} in schema order);</li>
 *   <li>users on the first two principal components of the chosen features (standardised; missing values take
 *       the feature's mean), coloured by segment (at most {@value #MAX_SCATTER_POINTS} users drawn, every k-th);</li>
 *   <li>segments: sizes (bar chart) and per-segment feature means (table), from the profiles' {@code "segment"};</li>
 *   <li>the propensity model, from the summary's {@code "diagnostics"} ({@link ModelDiagnostics}): ROC curve with
 *       its AUC over the reservoir of prequential scores, a calibration plot, and the prequential AUC over time with
 *       batch retrains, swaps and drift alarms marked;</li>
 *   <li>explanations (only when profiles carry {@code "explain"}, from {@code replay --explain N}): each input's
 *       mean absolute contribution to the propensity logit, one horizontal bar chart;</li>
 *   <li>the activity forecast: the pooled daily series and the forecast with its interval.</li>
 * </ol>
 *
 * <p>The output is deterministic: the same profiles and summary give the same bytes. Rendering sets
 * {@code java.awt.headless=true} unless the property is already set.
 */
public final class ReportWriter {

    /** Features charted by default (the first numeric scalar ones in schema order). */
    public static final int DEFAULT_MAX_FEATURES = 8;
    /** Most users drawn on the principal-component scatter plot. */
    public static final int MAX_SCATTER_POINTS = 2_000;
    /** Most points drawn on the ROC curve. */
    static final int MAX_ROC_POINTS = 400;
    static final int HISTOGRAM_BINS = 30;
    static final int CALIBRATION_BINS = 10;
    private static final int W = 640;
    private static final int H = 360;
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
    private int charts;

    private ReportWriter() {
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
        String page = render(profiles, summary, features);
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
     * @throws IllegalArgumentException if the path is null, the file is missing or not a JSON object
     * @throws IOException              if reading fails
     */
    public static JsonNode readSummary(Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("summary file must not be null");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("summary file not found: " + file);
        }
        try {
            JsonNode s = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (s == null || !s.isObject()) {
                throw new IllegalArgumentException("summary " + file + ": expected a JSON object");
            }
            return s;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("summary " + file + ": not JSON (" + e.getOriginalMessage() + ")", e);
        }
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
        return render(profiles, summaryOrNull, null);
    }

    /**
     * The report as an HTML page, charting the given features.
     *
     * @param features the numeric scalar features to chart, or null for the first {@value #DEFAULT_MAX_FEATURES}
     * @throws IllegalArgumentException as {@link #render(List, JsonNode)}, or if a chosen feature is not a numeric
     *                                  scalar feature of the profiles (the message lists those that are)
     */
    public static String render(List<JsonNode> profiles, JsonNode summaryOrNull, List<String> features) {
        return render(profiles, summaryOrNull, features, ReportOptions.NONE);
    }

    /**
     * As {@link #render(List, JsonNode, List)}, with a schema (units and definitions) and a reference run (drift).
     *
     * @param options the schema and the reference, or null for neither
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
            chosen = numeric.subList(0, Math.min(DEFAULT_MAX_FEATURES, numeric.size()));
        } else {
            for (String f : features) {
                if (f == null || !numeric.contains(f)) {
                    throw new IllegalArgumentException("feature '" + f + "' is not a numeric scalar feature of the "
                            + "profiles; those are " + numeric);
                }
            }
            chosen = List.copyOf(new LinkedHashSet<>(features));
        }
        ReportWriter w = new ReportWriter();
        w.page(profiles, summary, diagnostics, chosen, options);
        return w.html.toString();
    }

    private static final int NULLS_ONLY = 0;
    private static final int NUMERIC = 1;
    private static final int OTHER = 2;

    /** Features with a number in some profile and never an object, array or string, in first-seen order. */
    static List<String> numericFeatures(List<JsonNode> profiles) {
        return featuresOfKind(profiles, NUMERIC);
    }

    /** Features that are null in every profile that has them, in first-seen order. */
    private static List<String> featuresWithoutValues(List<JsonNode> profiles) {
        return featuresOfKind(profiles, NULLS_ONLY);
    }

    private static List<String> featuresOfKind(List<JsonNode> profiles, int wanted) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (JsonNode p : profiles) {
            JsonNode f = p.get("features");
            if (f == null || !f.isObject()) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = f.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                int kind = v.isNull() ? NULLS_ONLY : v.isNumber() ? NUMERIC : OTHER;
                seen.merge(e.getKey(), kind, Math::max);
            }
        }
        List<String> out = new ArrayList<>();
        seen.forEach((name, kind) -> {
            if (kind == wanted) {
                out.add(name);
            }
        });
        return out;
    }

    private static double value(JsonNode profile, String feature) {
        JsonNode v = profile.path("features").get(feature);
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
                .append("figure{margin:1rem 0;padding:.5rem;border:1px solid #eee;border-radius:6px}")
                .append("figure svg{width:100%;height:auto;display:block}")
                .append("figcaption{font-size:.9rem;color:#444;margin-top:.3rem}\n")
                .append(".note{color:#777;font-style:italic}.grid{display:grid;")
                .append("grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:.6rem}\n")
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
        sections.categoricalCharts();
        sections.correlations();
        principalComponents(profiles, features);
        segments(profiles, features);
        propensity(summary, d);
        sections.scoresByLabel(d);
        explanations(profiles);
        forecast(summary, d);
        sections.drift();
        html.append("<p class=\"note\">Charts drawn by JFreeChart as inline SVG; this file references nothing "
                + "outside itself.</p>\n</body>\n</html>\n");
    }

    private void counts(List<JsonNode> profiles, JsonNode summary) {
        html.append("<h2 id=\"counts\">Counts</h2>\n<table><tbody>\n");
        row("profiles", Integer.toString(profiles.size()));
        if (summary == null) {
            html.append("</tbody></table>\n<p class=\"note\">No summary given: replay counts, the propensity model "
                    + "and the forecast are omitted.</p>\n");
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
                        histogram(f, new Column(v));
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

    private static double[] finiteValues(List<JsonNode> profiles, String feature) {
        return profiles.stream().mapToDouble(p -> value(p, feature)).filter(Double::isFinite).toArray();
    }

    /**
     * A histogram of the column: {@value #HISTOGRAM_BINS} equal-width bins over its range, or one bar when every
     * value is the same. The axis is in units of a power of ten when the values are so large that their range
     * would overflow ({@link Column#axisUnit}).
     */
    private void histogram(String f, Column c) {
        int n = c.values.length;
        double unit = c.axisUnit();
        double[] shown = new double[n];
        for (int i = 0; i < n; i++) {
            shown[i] = c.values[i] / unit;
        }
        double lo = c.min / unit;
        double hi = c.max / unit;
        HistogramDataset data = new HistogramDataset();
        if (c.constant()) {
            double half = Math.max(0.5, Math.abs(lo) / 1000); // a bar of visible width also around 1e20
            data.addSeries(f, shown, 1, lo - half, hi + half);
        } else {
            data.addSeries(f, shown, HISTOGRAM_BINS, lo, hi);
        }
        String axis = unit == 1 ? f : f + " (\u00d7 1e" + Math.round(Math.log10(unit)) + ")";
        JFreeChart chart = ChartFactory.createHistogram(f, axis, "users", data, PlotOrientation.VERTICAL, false,
                false, false);
        style(chart);
        String users = n == 1 ? "1 user" : n + " users";
        String values = c.constant()
                ? (n == 1 ? "the only value is " : "all " + n + " values are ") + Column.text(c.min)
                : String.format(Locale.ROOT, "mean %.4g, min %.4g, max %.4g", c.mean(), c.min, c.max);
        figure(chart, 480, 300, "Distribution of " + f + " over " + users + " with a value (" + values + ").");
    }

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
        try {
            scatter(profiles, data);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot draw the principal components of features "
                    + String.join(", ", data.columns()) + ": " + e.getMessage(), e);
        }
    }

    private void scatter(List<JsonNode> profiles, Dataset data) {
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
            r.setSeriesShape(s, new java.awt.geom.Rectangle2D.Double(-1.5, -1.5, 3, 3));
            r.setSeriesPaint(s, PALETTE[s % PALETTE.length]);
        }
        figure(chart, W, 420, "Each dot is a user (" + drawn + " of " + profiles.size() + " drawn"
                + (stride > 1 ? ", every " + stride + "th" : "") + ") on the first two principal components of the "
                + "standardised features " + String.join(", ", List.of(data.columns()))
                + ", coloured by the live segment.");
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
            sizes.addValue(g.getValue().size(), "users", "segment " + g.getKey());
        }
        JFreeChart chart = ChartFactory.createBarChart("Segment sizes", "segment", "users", sizes,
                PlotOrientation.VERTICAL, false, false, false);
        style(chart);
        figure(chart, W, 320, "Number of users in each live segment (" + groups.size() + " segments, "
                + groups.values().stream().mapToInt(List::size).sum() + " of " + total + " users have one).");
        html.append("<div style=\"overflow-x:auto\"><table id=\"segment-table\"><thead><tr><th>segment</th><th>users</th><th>share</th>");
        for (String f : features) {
            html.append("<th>mean ").append(esc(f)).append("</th>");
        }
        html.append("</tr></thead><tbody>\n");
        for (Map.Entry<Integer, List<JsonNode>> g : groups.entrySet()) {
            List<JsonNode> members = g.getValue();
            html.append("<tr><td>").append(g.getKey()).append("</td><td>").append(members.size()).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f%%", 100.0 * members.size() / total)).append("</td>");
            for (String f : features) {
                double[] v = finiteValues(members, f);
                html.append("<td>").append(v.length == 0 ? ""
                        : String.format(Locale.ROOT, "%.4g", new Column(v).mean())).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody></table></div>\n<p>Per-segment means of the charted features (users without a value are left "
                + "out of a mean).</p>\n");
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
        if (summary == null) {
            note("No summary given: the propensity model section is omitted.");
            return;
        }
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
            rocChart(s, y, pos, auc);
            calibrationChart(s, y);
        }
        aucOverTime(d);
    }

    private void rocChart(double[] s, int[] y, int pos, double auc) {
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
                + pos + " positive): AUC = ").append(aucText).append(".</figcaption>\n</figure>\n");
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
                + "points on the dashed line are perfectly calibrated.");
    }

    private void aucOverTime(ModelDiagnostics d) {
        if (d.aucSeries().isEmpty()) {
            note("Too few labelled examples for the prequential AUC over time.");
            return;
        }
        XYSeries cumulative = new XYSeries("cumulative AUC", false, true);
        XYSeries recent = new XYSeries("recent-window AUC", false, true);
        for (ModelDiagnostics.AucPoint p : d.aucSeries()) {
            cumulative.add(p.time(), Double.isFinite(p.auc()) ? p.auc() : null);
            recent.add(p.time(), Double.isFinite(p.recentAuc()) ? p.recentAuc() : null);
        }
        XYSeriesCollection c = new XYSeriesCollection(cumulative);
        c.addSeries(recent);
        JFreeChart chart = ChartFactory.createTimeSeriesChart("Prequential AUC over time", "event time", "AUC", c,
                true, false, false);
        style(chart);
        XYPlot plot = chart.getXYPlot();
        plot.getRenderer().setSeriesPaint(0, PALETTE[0]);
        plot.getRenderer().setSeriesPaint(1, PALETTE[2]);
        long retrains = 0;
        long swaps = 0;
        long online = 0;
        for (ModelDiagnostics.ModelVersion v : d.versions()) {
            if (v.reason().equals("online")) {
                online++;
                continue;
            }
            ValueMarker m = new ValueMarker(v.time(), v.reason().equals("batch") ? PALETTE[4] : PALETTE[5],
                    new BasicStroke(1f));
            plot.addDomainMarker(m);
            if (v.reason().equals("batch")) {
                retrains++;
            } else {
                swaps++;
            }
        }
        for (ModelDiagnostics.DriftAlarm a : d.driftAlarms()) {
            plot.addDomainMarker(new ValueMarker(a.time(), PALETTE[3], dashed()));
        }
        figure(chart, W, 360, "Prequential AUC (scored before learning) over " + d.labelled() + " labelled examples: "
                + "cumulative and over the model's recent window. Vertical lines: purple, the " + retrains
                + " batch retrains that replaced the model; brown, the " + swaps + " versions swapped in; dashed red, "
                + "the " + d.driftAlarmsSeen() + " drift alarms. " + d.versionsSeen() + " versions were published in "
                + "all (" + online + " online publications recorded, not marked). Latest version: "
                + d.aucSeries().get(d.aucSeries().size() - 1).version() + ".");
    }

    private void forecast(JsonNode summary, ModelDiagnostics d) {
        html.append("<h2 id=\"forecast\">Activity forecast</h2>\n");
        if (summary == null) {
            note("No summary given: the activity forecast section is omitted.");
            return;
        }
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
        StringBuilder cap = new StringBuilder("Mean daily count per user over the last ").append(series.length)
                .append(" complete days (the series the ").append(f.model()).append(" forecast, version ")
                .append(f.version()).append(", is fitted on) and its forecast for the next ").append(mean.length)
                .append(mean.length == 1 ? " day" : " days").append(String.format(Locale.ROOT,
                        " (next day %.3f, interval %.3f to %.3f). Interval: ", mean[0], lo[0], hi[0]))
                .append(f.intervalMethod()).append('.');
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
        org.w3c.dom.Document doc;
        try {
            doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
        } catch (javax.xml.parsers.ParserConfigurationException e) {
            throw new IllegalStateException("no XML DOM implementation for the report's charts", e);
        }
        SVGGeneratorContext ctx = SVGGeneratorContext.createDefault(doc);
        String prefix = "c" + id + "_";
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
        root.setAttribute("id", "chart-" + id);
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
            throw new IllegalStateException("could not write the SVG of chart " + id, e);
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
                "propensity", "scores-by-label", "forecast", "drift");
    }
}
