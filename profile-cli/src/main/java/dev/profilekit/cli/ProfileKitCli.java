package dev.profilekit.cli;

import dev.profilekit.core.launch.Relaunch;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code profilekit.jar}. */
@Command(name = "profilekit", mixinStandardHelpOptions = true, versionProvider = ProfileKitCli.Version.class,
        description = {"Exact, always-current user profiles from an event log.",
                "Start with a simulated shop, its profiles and a report with charts:",
                "  java -jar profilekit.jar demo",
                "Then: java -jar profilekit.jar help replay"},
        subcommands = {ReplayCommand.class, QueryCommand.class, ConformanceCommand.class, SimulateCommand.class,
                ReportCommand.class, DatasetCommand.class, DemoCommand.class, ConsumeCommand.class, AudienceCommand.class,
                CommandLine.HelpCommand.class})
public final class ProfileKitCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command: try 'profilekit demo'");
    }

    /** The commands {@code java -jar} runs in a second JVM with settings for bulk work ({@link Relaunch}). */
    private static final Set<String> BULK = Set.of("replay", "demo", "dataset");

    /** Exit codes: 0 success, 1 a failure while running, 2 bad usage or unreadable input. */
    public static void main(String[] args) {
        int relaunched = Relaunch.runIfWanted(bulk(args), ProfileKitCli.class, args);
        System.exit(relaunched >= 0 ? relaunched : execute(args));
    }

    /** Whether {@code args} run a bulk command. */
    static boolean bulk(String[] args) {
        return args.length > 0 && BULK.contains(args[0]);
    }

    static int execute(String... args) {
        return CliSupport.newCommandLine(new ProfileKitCli()).execute(args);
    }

    /** The version this jar was built as (Maven's project version, written into the jar at build time). */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = ProfileKitCli.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    /** {@code --version}: the build's version and the Java runtime it runs on. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"profilekit " + version(),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
