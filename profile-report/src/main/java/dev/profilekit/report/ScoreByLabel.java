package dev.profilekit.report;

import dev.profilekit.core.live.ModelDiagnostics;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.statistics.HistogramType;

/**
 * The propensity score's distribution by label, from the summary's reservoir of prequential (score, label) pairs
 * (each score given before its label was known): for label 0 and label 1, the share of that label's examples in each
 * of {@link #BINS} equal-width score bins over [0, 1] (over the scores' range when one is outside it), overlaid.
 * A model that separates the labels puts the two humps apart. A table gives each label's count, mean and median.
 */
final class ScoreByLabel {

    /** Score bins. */
    static final int BINS = 20;

    private ScoreByLabel() {
    }

    static void write(ReportWriter w, ModelDiagnostics d) {
        w.html.append("<h2 id=\"scores-by-label\">Propensity score by label</h2>\n");
        if (d == null || d.reservoir().isEmpty()) {
            w.note("No labelled propensity scores in the summary (replay --summary with a models file that has a "
                    + "propensity section): no score distribution by label.");
            return;
        }
        double[][] byLabel = split(d);
        double lo = 0;
        double hi = 1;
        for (double[] scores : byLabel) {
            for (double s : scores) {
                lo = Math.min(lo, s);
                hi = Math.max(hi, s);
            }
        }
        HistogramDataset data = new HistogramDataset();
        data.setType(HistogramType.RELATIVE_FREQUENCY);
        for (int y = 0; y < 2; y++) {
            if (byLabel[y].length > 0) {
                data.addSeries("label " + y + " (" + byLabel[y].length + ")", byLabel[y], BINS, lo, hi);
            }
        }
        JFreeChart chart = ChartFactory.createHistogram("Propensity score by label", "score",
                "share of the label's examples", data, PlotOrientation.VERTICAL, true, false, false);
        ReportWriter.style(chart);
        XYPlot plot = chart.getXYPlot();
        XYBarRenderer r = (XYBarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        for (int s = 0; s < data.getSeriesCount(); s++) {
            java.awt.Color c = ReportWriter.PALETTE[data.getSeriesKey(s).toString().startsWith("label 0") ? 0 : 1];
            r.setSeriesPaint(s, new java.awt.Color(c.getRed(), c.getGreen(), c.getBlue(), 0x99));
        }
        w.figure(chart, 480, 300, "Prequential propensity scores of " + d.reservoir().size()
                + " labelled examples (a uniform sample of the " + d.labelled() + " seen), split by their label: "
                + "each bar is the share of that label's examples with a score in the bin (" + BINS
                + " bins of width " + Column.text((hi - lo) / BINS) + "). Each score was given before its label "
                + "was known.");
        w.html.append("<table id=\"score-label-table\"><thead><tr><th>label</th><th>examples</th><th>mean score</th>"
                + "<th>median score</th></tr></thead><tbody>\n");
        for (int y = 0; y < 2; y++) {
            double[] s = byLabel[y].clone();
            java.util.Arrays.sort(s);
            w.html.append("<tr><td>").append(y).append("</td><td>").append(s.length).append("</td><td>")
                    .append(s.length == 0 ? "" : Numbers.format(new Column(s).mean())).append("</td><td>")
                    .append(s.length == 0 ? "" : Numbers.format(Describe.percentile(s, 0.5))).append("</td></tr>\n");
        }
        w.html.append("</tbody></table>\n");
    }

    /** The reservoir's scores of label 0 and of label 1. */
    static double[][] split(ModelDiagnostics d) {
        return new double[][] {
            d.reservoir().stream().filter(s -> s.label() == 0).mapToDouble(ModelDiagnostics.ScoredLabel::score)
                    .toArray(),
            d.reservoir().stream().filter(s -> s.label() == 1).mapToDouble(ModelDiagnostics.ScoredLabel::score)
                    .toArray()};
    }
}
