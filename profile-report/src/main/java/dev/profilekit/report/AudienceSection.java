package dev.profilekit.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Audience sizes over time, from a replay's audience log ({@code replay --audience-log}): the log is folded per user
 * and audience exactly as the specification says (an ENTER opens a membership, an EXIT closes it, a REVISE replaces
 * the history from its {@code from} on), and each audience's size is drawn as a step line over event time, with a
 * table of the final sizes (checked against the summary's, when it has them) and the number of changes.
 */
final class AudienceSection {

    /** Times at which the sizes are sampled for the chart (the table gives exact figures). */
    static final int SAMPLES = 400;
    private static final long OPEN = Long.MAX_VALUE;

    private AudienceSection() {
    }

    /** One audience's folded memberships: per user, the intervals [start, end) in time order. */
    static final class Folded {
        final Map<String, List<long[]>> byUser = new HashMap<>();
        long enters;
        long exits;
        long revises;

        void enter(String user, long t) {
            byUser.computeIfAbsent(user, k -> new ArrayList<>()).add(new long[] {t, OPEN});
            enters++;
        }

        void exit(String user, long t) {
            List<long[]> in = byUser.get(user);
            if (in != null && !in.isEmpty() && in.get(in.size() - 1)[1] == OPEN) {
                in.get(in.size() - 1)[1] = t;
            }
            exits++;
        }

        void revise(String user, long from, List<long[]> intervals) {
            List<long[]> kept = new ArrayList<>();
            for (long[] i : byUser.getOrDefault(user, List.of())) {
                if (i[0] < from) {
                    kept.add(new long[] {i[0], Math.min(i[1], from)});
                }
            }
            kept.addAll(intervals);
            byUser.put(user, kept);
            revises++;
        }

        /** The times at which the size changes, sorted, and the size from each on. */
        long[][] steps() {
            List<long[]> deltas = new ArrayList<>();
            for (List<long[]> in : byUser.values()) {
                for (long[] i : in) {
                    if (i[1] > i[0]) {
                        deltas.add(new long[] {i[0], 1});
                        if (i[1] != OPEN) {
                            deltas.add(new long[] {i[1], -1});
                        }
                    }
                }
            }
            deltas.sort((a, b) -> Long.compare(a[0], b[0]));
            long[] times = new long[deltas.size()];
            long[] sizes = new long[deltas.size()];
            int n = 0;
            long size = 0;
            for (long[] d : deltas) {
                size += d[1];
                if (n > 0 && times[n - 1] == d[0]) {
                    sizes[n - 1] = size;
                } else {
                    times[n] = d[0];
                    sizes[n++] = size;
                }
            }
            return new long[][] {Arrays.copyOf(times, n), Arrays.copyOf(sizes, n)};
        }
    }

    /**
     * Folds the log's lines, in the order written, per audience (in order of first appearance).
     *
     * @throws IllegalArgumentException naming the line when one is not an audience change
     */
    static Map<String, Folded> fold(List<JsonNode> log) {
        Map<String, Folded> out = new LinkedHashMap<>();
        for (int i = 0; i < log.size(); i++) {
            JsonNode c = log.get(i);
            String change = c.path("change").asText("");
            if (!c.path("user").isTextual() || !c.path("audience").isTextual()) {
                throw new IllegalArgumentException("audience log line " + (i + 1) + " is not an audience change "
                        + "(an object with \"user\", \"audience\" and \"change\", as replay --audience-log writes)");
            }
            Folded f = out.computeIfAbsent(c.get("audience").asText(), k -> new Folded());
            String user = c.get("user").asText();
            switch (change) {
                case "enter" -> f.enter(user, c.path("ts").asLong());
                case "exit" -> f.exit(user, c.path("ts").asLong());
                case "revise" -> {
                    List<long[]> intervals = new ArrayList<>();
                    for (JsonNode iv : c.path("intervals")) {
                        intervals.add(new long[] {iv.get(0).asLong(), iv.get(1).isNull() ? OPEN : iv.get(1).asLong()});
                    }
                    f.revise(user, c.path("from").asLong(), intervals);
                }
                default -> throw new IllegalArgumentException("audience log line " + (i + 1) + " has change \""
                        + change + "\", not enter, exit or revise");
            }
        }
        return out;
    }

    /** The size as of {@code t}, from {@link Folded#steps}. */
    static long sizeAt(long[][] steps, long t) {
        int i = Arrays.binarySearch(steps[0], t);
        int at = i >= 0 ? i : -i - 2;
        return at < 0 ? 0 : steps[1][at];
    }

    /**
     * Writes the section: the chart and table from the log when there is one, else the summary's sizes, else a note
     * saying how to get them.
     */
    static void write(ReportWriter w, List<JsonNode> log, JsonNode summary) {
        JsonNode sizes = summary == null ? null : summary.get("audiences");
        boolean summarySizes = sizes != null && sizes.isObject();
        w.html.append("<h2 id=\"audiences\">Audiences</h2>\n<p>An audience is a rule over the profiles (replay "
                + "--audiences); a user is a member while the rule holds on its profile, so members enter and leave "
                + "with events and with time alone.</p>\n");
        if (log == null && !summarySizes) {
            w.note("No audiences: replay with --audiences A.json --audience-log L.jsonl, then pass "
                    + "--audience-log L.jsonl here to chart their sizes over time.");
            return;
        }
        if (log == null) {
            sizesTable(w, sizes);
            w.note("Sizes from the summary. Pass the replay's --audience-log to chart them over time.");
            return;
        }
        Map<String, Folded> folded = new LinkedHashMap<>();
        if (summarySizes) { // the audiences in the order they are defined, as the summary lists them
            sizes.fieldNames().forEachRemaining(a -> folded.put(a, new Folded()));
        }
        folded.putAll(fold(log));
        if (folded.isEmpty()) {
            w.note("The audience log is empty: no user entered any audience.");
            return;
        }
        Map<String, long[][]> steps = new LinkedHashMap<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (Map.Entry<String, Folded> e : folded.entrySet()) {
            long[][] s = e.getValue().steps();
            steps.put(e.getKey(), s);
            if (s[0].length > 0) {
                first = Math.min(first, s[0][0]);
                last = Math.max(last, s[0][s[0].length - 1]);
            }
        }
        XYSeriesCollection c = new XYSeriesCollection();
        for (Map.Entry<String, long[][]> e : steps.entrySet()) {
            XYSeries s = new XYSeries(e.getKey(), false, true);
            for (int i = 0; i <= SAMPLES && last > first; i++) {
                long t = first + (long) ((double) (last - first) * i / SAMPLES);
                s.add(t, sizeAt(e.getValue(), t));
            }
            c.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createTimeSeriesChart("Audience sizes over time", "event time", "members", c,
                true, false, false);
        ReportWriter.style(chart);
        XYPlot plot = chart.getXYPlot();
        XYStepRenderer r = new XYStepRenderer();
        for (int i = 0; i < c.getSeriesCount(); i++) {
            r.setSeriesPaint(i, ReportWriter.PALETTE[i % ReportWriter.PALETTE.length]);
        }
        plot.setRenderer(r);
        long changes = folded.values().stream().mapToLong(f -> f.enters + f.exits + f.revises).sum();
        w.figure(chart, 900, 360, String.format(java.util.Locale.ROOT, "Members of each audience over event time, "
                + "folded exactly from the %,d changes of the audience log (sampled at %d times for the line; the "
                + "table gives the sizes at the end). Time-driven changes (a lapse, a window's bucket edge) are at "
                + "their exact millisecond.", changes, SAMPLES));
        Map<String, Long> atEnd = new LinkedHashMap<>();
        steps.forEach((a, s) -> atEnd.put(a, s[1].length == 0 ? 0 : s[1][s[1].length - 1]));
        sizesTable(w, atEnd, folded);
    }

    private static void sizesTable(ReportWriter w, JsonNode summarySizes) {
        Map<String, Long> atEnd = new LinkedHashMap<>();
        summarySizes.fields().forEachRemaining(e -> atEnd.put(e.getKey(), e.getValue().asLong()));
        sizesTable(w, atEnd, null);
    }

    /** A count with its thousands grouped, as the report's other tables print counts ({@code 4,374}). */
    private static String grouped(long count) {
        return String.format(java.util.Locale.ROOT, "%,d", count);
    }

    /** The sizes at the end, with each audience's changes when the log was folded ({@code folded} not null). */
    private static void sizesTable(ReportWriter w, Map<String, Long> atEnd, Map<String, Folded> folded) {
        w.html.append("<table class=\"stack\" id=\"audience-sizes\"><thead><tr><th>audience</th>"
                + "<th>members at the end</th>");
        if (folded != null) {
            w.html.append("<th>enter</th><th>exit</th><th>revise</th>");
        }
        w.html.append("</tr></thead><tbody>\n");
        for (Map.Entry<String, Long> e : atEnd.entrySet()) {
            w.html.append("<tr><th>").append(ReportWriter.esc(e.getKey())).append("</th>")
                    .append(Sections.td("members at the end")).append(grouped(e.getValue())).append("</td>");
            if (folded != null) {
                Folded f = folded.get(e.getKey());
                long[] counts = {f.enters, f.exits, f.revises};
                String[] labels = {"enter", "exit", "revise"};
                for (int i = 0; i < 3; i++) {
                    w.html.append(Sections.td(labels[i])).append(grouped(counts[i])).append("</td>");
                }
            }
            w.html.append("</tr>\n");
        }
        w.html.append("</tbody></table>\n");
    }
}
