/**
 * ProfileKit report: {@link dev.profilekit.report.ReportWriter} turns profiles (and a replay's summary with
 * model diagnostics) into one self-contained HTML file whose charts are drawn by JFreeChart as inline SVG.
 */
module dev.profilekit.report {
    requires transitive dev.profilekit.core;
    requires dev.profilekit.features;
    requires transitive com.fasterxml.jackson.databind;
    requires java.desktop;
    requires org.jfree.jfreechart;
    requires org.jfree.svg;

    exports dev.profilekit.report;
}
