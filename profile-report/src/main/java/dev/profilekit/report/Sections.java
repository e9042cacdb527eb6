package dev.profilekit.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.live.ModelDiagnostics;
import java.util.List;

/**
 * The report's sections on the profiles as a data set, as peers' profiling reports have them: the per-feature
 * table ({@link FeatureTable}), categorical bar charts ({@link CategoricalCharts}), the correlation matrix
 * ({@link CorrelationMatrix}), the score distribution by label ({@link ScoreByLabel}) and drift
 * ({@link DriftSection}). {@link ReportWriter} calls each at its place in the page.
 */
final class Sections {

    /** The sections' style rules, for the page's style sheet. */
    static final String CSS = ".scroll{overflow-x:auto;max-width:100%;-webkit-overflow-scrolling:touch}"
            + ".scroll table{margin:.4rem 0;font-size:.85rem}.scroll td{white-space:nowrap;padding:.2rem .3rem}"
            + ".scroll th{padding:.2rem .3rem}.scroll th.sticky .nm{display:inline-block;width:10em;"
            + "overflow-wrap:anywhere}.sticky{position:sticky;left:0;background:#fff;z-index:1}"
            + "thead .sticky{background:#f4f6f8}.unit{color:#666;font-size:.8rem;font-weight:normal}"
            + "table.heat td{min-width:2.6em;padding:.2rem .3rem;font-size:.8rem}"
            + "dl.defs{font-size:.88rem}dl.defs dt{font-weight:600;margin-top:.3rem}dl.defs dd{margin-left:1rem}"
            + ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,360px),1fr));gap:.6rem}"
            + ".shift-moderate{background:#fff3cd}.shift-major{background:#f8d7da}"
            + "@media (max-width:600px){.scroll th.sticky{font-size:.8rem}"
            + ".scroll th.sticky .nm{width:8.5em}}\n";

    /** Section ids in page order. */
    static final List<String> IDS = List.of("features", "categories", "correlations", "scores-by-label", "drift");

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
        this.defs = FeatureDefinitions.of(this.options.schema());
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

    void drift() {
        DriftSection.write(w, profiles, columns, defs, options);
    }
}
