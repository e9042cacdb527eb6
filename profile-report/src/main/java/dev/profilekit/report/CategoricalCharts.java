package dev.profilekit.report;

import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * A horizontal bar chart per categorical feature (a {@code last_value}, a {@code top_k}'s leading value): the share
 * of profiles with each value, commonest first, at most {@link #MAX_BARS} values, the rest as one bar "other" and
 * the profiles without a value as "(no value)".
 */
final class CategoricalCharts {

    /** Values drawn as their own bar. */
    static final int MAX_BARS = 10;
    private static final int WIDTH = 420;

    private CategoricalCharts() {
    }

    static void write(ReportWriter w, ProfileColumns c, FeatureDefinitions defs) {
        w.html.append("<h2 id=\"categories\">Categorical features</h2>\n");
        if (c.categorical.isEmpty()) {
            w.note("No categorical features (last_value, top_k) in the profiles: no bar charts.");
            return;
        }
        w.html.append("<div class=\"cards\">\n");
        c.categorical.forEach((name, column) -> chart(w, name, column, defs.get(name)));
        w.html.append("</div>\n");
    }

    private static void chart(ReportWriter w, String name, String[] column, FeatureDefinitions.Definition def) {
        List<Map.Entry<String, Integer>> freq = FeatureTable.frequencies(column);
        int n = column.length;
        int present = freq.stream().mapToInt(Map.Entry::getValue).sum();
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        int other = 0;
        for (int i = 0; i < freq.size(); i++) {
            if (i < MAX_BARS) {
                data.addValue(100.0 * freq.get(i).getValue() / n, "share", freq.get(i).getKey());
            } else {
                other += freq.get(i).getValue();
            }
        }
        if (other > 0) {
            data.addValue(100.0 * other / n, "share", "other (" + (freq.size() - MAX_BARS) + " values)");
        }
        if (present < n) {
            data.addValue(100.0 * (n - present) / n, "share", "(no value)");
        }
        JFreeChart chart = ChartFactory.createBarChart(name, null, "% of profiles", data,
                PlotOrientation.HORIZONTAL, false, false, false);
        ReportWriter.style(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setSeriesPaint(0, ReportWriter.PALETTE[0]);
        r.setShadowVisible(false);
        r.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
        r.setMaximumBarWidth(0.12);
        plot.getDomainAxis().setTickLabelFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 13));
        plot.getRangeAxis().setTickLabelFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 12));
        int bars = data.getColumnCount();
        StringBuilder cap = new StringBuilder("Share of the ").append(n).append(" profiles by ").append(name);
        if (def != null) {
            cap.append(" (").append(def.text()).append(")");
        }
        cap.append(": ").append(freq.size()).append(freq.size() == 1 ? " value" : " distinct values");
        if (!freq.isEmpty()) {
            cap.append(", the commonest ").append(freq.get(0).getKey()).append(" at ")
                    .append(Numbers.percent((double) freq.get(0).getValue() / n));
        }
        cap.append('.');
        w.figure(chart, WIDTH, 90 + 26 * bars, cap.toString());
    }
}
