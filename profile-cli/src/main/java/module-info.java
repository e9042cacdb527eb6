/** The {@code profilekit} command line (an application: it exports nothing). */
module dev.profilekit.cli {
    requires dev.profilekit.core;
    requires dev.profilekit.sim;
    requires dev.profilekit.report;
    requires dev.profilekit.kafka;
    requires info.picocli;

    // picocli reads the commands' annotated fields by reflection
    opens dev.profilekit.cli to info.picocli;
}
