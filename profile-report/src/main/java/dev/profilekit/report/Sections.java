package dev.profilekit.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.live.ModelDiagnostics;
import java.util.List;

/**
 * The report's sections on the profiles as a data set, as peers' profiling reports have them: the per-feature
 * table ({@link FeatureTable}), categorical bar charts ({@link CategoricalCharts}), the correlation matrix
 * ({@link CorrelationMatrix}), the score distribution by label ({@link ScoreByLabel}), audience sizes over time
 * ({@link AudienceSection}) and drift
 * ({@link DriftSection}). {@link ReportWriter} calls each at its place in the page.
 */
final class Sections {

    /** Below this page width (CSS pixels) a table with many columns ({@code table.stack.many}) is stacked too. */
    static final int MANY_BREAK = 1100;

    /** The sections' style rules, for the page's style sheet. */
    static final String CSS = ".sec{-webkit-overflow-scrolling:touch}"
            + ".sec table{margin:.4rem 0;font-size:.8rem}.sec td{white-space:nowrap;padding:.15rem .25rem}"
            + ".sec th{padding:.15rem .25rem}.sec th.sticky .nm{display:inline-block;width:8em;"
            + "overflow-wrap:anywhere}.sticky{position:sticky;left:0;background:#fff;z-index:1}"
            + "thead .sticky{background:#f4f6f8}.unit{color:#666;font-size:.8rem;font-weight:normal}"
            + "table.heat td{min-width:2.4em;padding:.15rem;font-size:.75rem}table.heat thead th{padding:.15rem}"
            // a large matrix shares the page's width out evenly instead of growing past it
            + "table.heat.many{table-layout:fixed;width:100%}table.heat.many th.sticky{width:8.5em}"
            + "table.heat.many td{min-width:0;padding:.1rem 0;text-align:center;font-size:.7rem;overflow:hidden}"
            + "dl.defs{font-size:.88rem}dl.defs dt{font-weight:600;margin-top:.3rem}dl.defs dd{margin-left:1rem}"
            + ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,360px),1fr));gap:.6rem}"
            + ".shift-moderate{background:#fff3cd}.shift-major{background:#f8d7da}\n"
            // on a phone a row of a section's table is a block: the feature's name across it, then each value under
            // its column's name (data-l), several to a line, so that no table is wider than the screen; a table with
            // many columns is laid out so below a laptop's width too
            + "@media (max-width:" + ReportWriter.PHONE_BREAK + "px){" + stacked("table.stack") + "}\n"
            + "@media (max-width:" + MANY_BREAK + "px){" + stacked("table.stack.many") + "}\n";

    /** The rules that stack the rows of the tables a selector picks. */
    private static String stacked(String t) {
        return t + "," + t + " tbody{display:block}" + t + " thead{display:none}" + t + " tr{display:grid;"
                + "grid-template-columns:repeat(auto-fill,minmax(4.6rem,1fr));border-top:1px solid #ddd;"
                + "padding:.2rem 0}" + t + ".heat tr{grid-template-columns:repeat(auto-fill,minmax(3rem,1fr))}"
                + t + " th," + t + " td{display:block;border:none;text-align:left;white-space:normal}"
                + t + " th{grid-column:1/-1;position:static;background:none;font-size:.85rem}"
                + t + " td.wide{grid-column:1/-1;white-space:normal!important}" + t + " .nm{width:auto!important}"
                + t + " td::before{content:attr(data-l);display:block;color:#666;font-size:.7rem}";
    }

    /** A table cell labelled with its column's name, which a phone shows above the value (see {@link #CSS}). */
    static String td(String column) {
        return "<td data-l=\"" + ReportWriter.esc(column) + "\">";
    }

    /** Section ids in page order. */
    static final List<String> IDS = List.of("features", "categories", "correlations", "scores-by-label", "audiences",
            "drift");

    /**
     * A feature's name for the first, sticky column of a table: on a phone it wraps within a fixed width, so that the
     * column keeps to about a third of the screen and the values beside it stay in view.
     */
    static String name(String text) {
        // a line may break after a dot or an underscore (order_value.<wbr>mean) before it breaks anywhere
        return "<span class=\"nm\">" + ReportWriter.esc(text).replaceAll("([._])", "$1<wbr>") + "</span>";
    }

    private final ReportWriter w;
    private final List<JsonNode> profiles;
    private final ReportOptions options;
    private final ProfileColumns columns;
    private final FeatureDefinitions defs;

    Sections(ReportWriter w, List<JsonNode> profiles, ReportOptions options) {
        this.w = w;
        this.profiles = profiles;
        this.options = options == null ? ReportOptions.NONE : options;
        this.defs = new FeatureDefinitions(w.glossary);
        this.columns = ProfileColumns.of(profiles, defs.order());
    }

    void featureTable() {
        FeatureTable.write(w, columns, defs, options.schema() != null);
    }

    void categoricalCharts() {
        CategoricalCharts.write(w, columns, defs);
    }

    void correlations() {
        CorrelationMatrix.write(w, columns, defs);
    }

    void scoresByLabel(ModelDiagnostics d) {
        ScoreByLabel.write(w, d);
    }

    void audiences(JsonNode summary) {
        AudienceSection.write(w, options.audienceLog(), summary);
    }

    void drift() {
        DriftSection.write(w, profiles, columns, defs, options);
    }
}
