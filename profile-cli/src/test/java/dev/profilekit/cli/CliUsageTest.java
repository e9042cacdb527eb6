package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What a person meets at the command line: help, version, suggestions, one-line errors with exit code 2. */
class CliUsageTest {

    private static ReplayCommandTest.Run run(String... args) {
        return ReplayCommandTest.run(args);
    }

    @Test
    void versionIsTheBuildVersion() {
        ReplayCommandTest.Run r = run("--version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("profilekit ").doesNotContain("unknown");
        assertThat(r.out().lines().findFirst().orElseThrow()).matches("profilekit \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(run("replay", "--version").out()).isEqualTo(r.out());
    }

    @Test
    void helpCommandShowsTheCommandsUsage() {
        ReplayCommandTest.Run help = run("help", "replay");
        ReplayCommandTest.Run direct = run("replay", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).startsWith("Usage: profilekit replay").isEqualTo(direct.out());
    }

    @Test
    void unknownCommandSuggestsTheNearest() {
        ReplayCommandTest.Run r = run("replya");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo(
                "profilekit: unknown command 'replya' (did you mean 'replay'? see 'profilekit --help')");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void mistypedOptionIsNamedBeforeMissingOnes() {
        ReplayCommandTest.Run r = run("replay", "--shema", "s.json", "--events", "e.jsonl", "--out", "p.jsonl");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
        assertThat(r.err()).contains("'--shema'").contains("did you mean '--schema'?");
    }

    @Test
    void editDistanceCountsSwapsAsOneEdit() {
        assertThat(CliSupport.editDistance("replay", "replay")).isZero();
        assertThat(CliSupport.editDistance("replya", "replay")).isEqualTo(1);
        assertThat(CliSupport.editDistance("--shema", "--schema")).isEqualTo(1);
        assertThat(CliSupport.editDistance("kitten", "sitting")).isEqualTo(3);
        assertThat(CliSupport.editDistance("", "abc")).isEqualTo(3);
    }

    @Test
    void everyCommandHasHelpWithAnExampleWhosePathsExist() {
        CommandLine cl = CliSupport.newCommandLine(new ProfileKitCli());
        Pattern repoPath = Pattern.compile("(examples/[A-Za-z0-9_./-]+\\.[a-z]+)");
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            String usage = e.getValue().getUsageMessage(CommandLine.Help.Ansi.OFF);
            assertThat(usage).as(e.getKey()).contains("Example");
            Matcher m = repoPath.matcher(usage);
            while (m.find()) {
                assertThat(Path.of("..").resolve(m.group(1))).as(e.getKey() + " names " + m.group(1)).exists();
            }
        }
        assertThat(Files.exists(Path.of("../examples/live/models.json"))).isTrue();
    }
}
