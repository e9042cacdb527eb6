package dev.profilekit.report;

import static dev.profilekit.report.ReportWriter.esc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-feature table: for each numeric column the values present, missing, zeros, mean, standard deviation,
 * min, 5th/25th/50th/75th/95th percentiles and max ({@link Describe}); for each categorical column the values
 * present, missing, distinct values and the most frequent ones with their shares. Each feature is named with its
 * unit, and the definitions from the schema follow the tables. A table scrolls sideways inside its own box on a
 * narrow screen, with the feature names kept in view.
 */
final class FeatureTable {

    /** Most frequent values listed per categorical feature. */
    static final int TOP_VALUES = 3;

    private FeatureTable() {
    }

    static void write(ReportWriter w, ProfileColumns c, FeatureDefinitions defs, boolean schemaGiven) {
        StringBuilder h = w.html;
        h.append("<h2 id=\"features\">Per-feature summary</h2>\n");
        if (c.size == 0 || c.numeric.isEmpty() && c.categorical.isEmpty()) {
            w.note("No profiles with features: no per-feature summary.");
            return;
        }
        Map<String, FeatureDefinitions.Definition> shown = new LinkedHashMap<>(); // null: no definition
        if (!c.numeric.isEmpty()) {
            h.append("<p>Numeric features over ").append(c.size).append(" profiles. <i>values</i>: profiles with a "
                    + "value; <i>missing</i>: profiles without one (the feature is null or absent, e.g. a recency before "
                    + "the first matching event); <i>zeros</i>: values equal to 0; <i>std</i>: sample standard "
                    + "deviation; p5…p95: percentiles, interpolated linearly between sorted values. Values are in the unit under "
                    + "the feature's name (a time in minutes, hours or days).</p>\n");
            h.append("<div class=\"scroll sec\"><table class=\"stack many\" id=\"feature-table\"><thead><tr><th class=\"sticky\">feature"
                    + "</th><th>values</th><th>missing</th><th>zeros</th><th>mean</th><th>std</th><th>min</th>");
            for (double p : Describe.PERCENTILES) {
                h.append("<th>p").append(Math.round(100 * p)).append("</th>");
            }
            h.append("<th>max</th></tr></thead><tbody>\n");
            c.numeric.forEach((name, column) -> {
                Describe d = Describe.of(column);
                // a time in the unit that suits its median (minutes, hours or days), as its histogram has it
                FeatureDefinitions.Definition def = defs.get(name, d.percentiles()[2]);
                java.util.function.DoubleUnaryOperator unit = def == null ? x -> x : def::shown;
                shown.put(name, def);
                h.append("<tr>");
                nameCell(h, name, def);
                h.append(Sections.td("values")).append(d.count()).append("</td>").append(Sections.td("missing"))
                        .append(d.missing()).append("</td>").append(Sections.td("zeros")).append(d.zeros())
                        .append("</td>");
                cell(h, "mean", unit.applyAsDouble(d.mean()));
                cell(h, "std", unit.applyAsDouble(d.std()));
                cell(h, "min", unit.applyAsDouble(d.min()));
                for (int i = 0; i < d.percentiles().length; i++) {
                    cell(h, "p" + Math.round(100 * Describe.PERCENTILES[i]), unit.applyAsDouble(d.percentiles()[i]));
                }
                cell(h, "max", unit.applyAsDouble(d.max()));
                h.append("</tr>\n");
            });
            h.append("</tbody></table></div>\n");
        }
        if (!c.categorical.isEmpty()) {
            h.append("<p>Categorical features (a <code>top_k</code> by its leading value, the heaviest). "
                    + "<i>distinct</i>: different values; <i>most frequent</i>: the ").append(TOP_VALUES)
                    .append(" commonest, with their share of the profiles that have a value.</p>\n");
            h.append("<div class=\"scroll sec\"><table class=\"stack\" id=\"category-table\"><thead><tr><th class=\"sticky\">feature"
                    + "</th><th>values</th><th>missing</th><th>distinct</th><th>most frequent</th></tr></thead>"
                    + "<tbody>\n");
            c.categorical.forEach((name, column) -> {
                List<Map.Entry<String, Integer>> freq = frequencies(column);
                int present = freq.stream().mapToInt(Map.Entry::getValue).sum();
                FeatureDefinitions.Definition def = defs.get(name);
                shown.put(name, def);
                h.append("<tr>");
                nameCell(h, name, def);
                h.append(Sections.td("values")).append(present).append("</td>").append(Sections.td("missing"))
                        .append(column.length - present).append("</td>").append(Sections.td("distinct"))
                        .append(freq.size()).append("</td><td data-l=\"most frequent\" class=\"wide\" "
                        + "style=\"text-align:left;white-space:nowrap\">");
                for (int i = 0; i < Math.min(TOP_VALUES, freq.size()); i++) {
                    h.append(i == 0 ? "" : ", ").append(esc(freq.get(i).getKey())).append(" ")
                            .append(Numbers.percent((double) freq.get(i).getValue() / present));
                }
                h.append("</td></tr>\n");
            });
            h.append("</tbody></table></div>\n");
        }
        definitions(w, shown, schemaGiven);
    }

    /** The values of a categorical column with their counts, commonest first (ties: by value). */
    static List<Map.Entry<String, Integer>> frequencies(String[] column) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String v : column) {
            if (v != null) {
                counts.merge(v, 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> out = new ArrayList<>(counts.entrySet());
        out.sort(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue).reversed()
                .thenComparing(Map.Entry::getKey));
        return out;
    }

    private static void nameCell(StringBuilder h, String name, FeatureDefinitions.Definition d) {
        h.append("<th class=\"sticky\"");
        if (d != null) {
            h.append(" title=\"").append(esc(d.text())).append('"');
        }
        h.append(">").append(Sections.name(name));
        if (d != null && !d.unit().isEmpty()) {
            h.append("<br><span class=\"unit\">").append(esc(d.unit())).append("</span>");
        }
        h.append("</th>");
    }

    private static void cell(StringBuilder h, String label, double x) {
        h.append(Sections.td(label)).append(esc(Numbers.format(x))).append("</td>");
    }

    /** The definition of each column shown (in the unit the table shows it in), as a list under the tables. */
    private static void definitions(ReportWriter w, Map<String, FeatureDefinitions.Definition> shown,
                                    boolean schemaGiven) {
        StringBuilder h = w.html;
        StringBuilder dl = new StringBuilder();
        for (Map.Entry<String, FeatureDefinitions.Definition> e : shown.entrySet()) {
            String name = e.getKey();
            FeatureDefinitions.Definition d = e.getValue();
            if (d != null) {
                dl.append("<dt>").append(esc(name)).append(d.unit().isEmpty() ? "" : " (" + esc(d.unit()) + ")")
                        .append("</dt><dd>").append(esc(d.text())).append("</dd>\n");
            }
        }
        if (!schemaGiven) {
            w.note("No schema given (report --schema): features are shown without their units and definitions.");
        }
        if (dl.length() > 0) {
            h.append("<details open><summary>Definitions</summary><dl class=\"defs\">\n").append(dl)
                    .append("</dl></details>\n");
        }
    }
}
