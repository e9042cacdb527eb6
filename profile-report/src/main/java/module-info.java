/**
 * ProfileKit report: {@link dev.profilekit.report.ReportWriter} turns profiles (and a replay's summary with
 * model diagnostics) into one self-contained HTML file whose charts are drawn by JFreeChart as inline SVG through
 * Apache Batik's SVG generator.
 */
module dev.profilekit.report {
    requires transitive dev.profilekit.core;
    requires dev.profilekit.features;
    requires transitive com.fasterxml.jackson.databind;
    requires java.desktop;
    requires java.xml;
    requires org.jfree.jfreechart;
    // Batik 1.20 jars are automatic modules (Automatic-Module-Name), without split packages among
    // batik-svggen, batik-awt-util, batik-util, batik-constants, batik-i18n and xmlgraphics-commons
    requires org.apache.xmlgraphics.batik.svggen;

    exports dev.profilekit.report;
}
