package dev.profilekit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code profilekit.jar}. */
@Command(name = "profilekit", mixinStandardHelpOptions = true, version = "ProfileKit 0.1.0",
        description = "Exact, always-current user profiles from an event log.",
        subcommands = {ReplayCommand.class, ConformanceCommand.class, SimulateCommand.class, DatasetCommand.class})
public final class ProfileKitCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try --help)");
    }

    /** Exit codes: 0 success, 1 a failure while running, 2 bad usage or unreadable input. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        return CliSupport.newCommandLine(new ProfileKitCli()).execute(args);
    }
}
