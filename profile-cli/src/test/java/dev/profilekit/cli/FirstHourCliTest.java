package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What a newcomer meets in the first hour at the command line (issue 25, items 1-11): help that fits 80 columns
 * with examples that can be copied, short demos, one-line errors that name the flag, file, line and column and
 * say what to do, and no file written that holds nothing useful.
 */
class FirstHourCliTest {

    @TempDir
    Path tmp;

    private static ReplayCommandTest.Run run(String... args) {
        return ReplayCommandTest.run(args);
    }

    /** Every command's help as a person gets it ({@code CMD --help}), and the top-level help. */
    private static Map<String, String> helps() {
        Map<String, String> out = new java.util.TreeMap<>();
        out.put("profilekit", run("--help").out());
        for (String name : CliSupport.newCommandLine(new ProfileKitCli()).getSubcommands().keySet()) {
            if (!name.equals("help")) {
                out.put(name, run(name, "--help").out());
            }
        }
        return out;
    }

    /** A one-line error on stderr with exit code 2, nothing on stdout. */
    private static String usageError(ReplayCommandTest.Run r) {
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).as("one line").doesNotContain("\n").startsWith("profilekit: ");
        return r.err().strip();
    }

    // item 1
    @Test
    void theCommandListGivesEachCommandAWholeSentence() {
        String help = run("--help").out();
        String commands = help.substring(help.indexOf("Commands:\n") + "Commands:\n".length());
        // an entry starts at two spaces and a name; its text goes on over the lines indented further
        List<String> entries = new ArrayList<>();
        for (String line : commands.split("\n")) {
            if (line.matches(" {2}\\S.*")) {
                entries.add(line.strip());
            } else if (!entries.isEmpty()) {
                entries.set(entries.size() - 1, entries.get(entries.size() - 1) + " " + line.strip());
            }
        }
        assertThat(entries).hasSizeGreaterThanOrEqualTo(8);
        for (String entry : entries) {
            assertThat(entry).as("a sentence, not cut before a list").endsWith(".");
        }
        assertThat(entries).anySatisfy(e -> assertThat(e).startsWith("demo ").contains("report"));
    }

    // item 2
    @Test
    void helpFitsEightyColumnsAndCutsNoWord() {
        Map<String, String> helps = helps();
        for (Map.Entry<String, String> h : helps.entrySet()) {
            for (String line : h.getValue().split("\n")) {
                assertThat(line.length()).as(h.getKey() + ": " + line).isLessThanOrEqualTo(80);
            }
        }
        // the words are those of the same help rendered without any wrapping: no path or value is cut in two
        CommandLine wide = new CommandLine(new ProfileKitCli());
        wide.setUsageHelpWidth(10_000);
        for (Map.Entry<String, String> h : helps.entrySet()) {
            CommandLine c = h.getKey().equals("profilekit") ? wide : wide.getSubcommands().get(h.getKey());
            List<String> expected = words(c.getUsageMessage(CommandLine.Help.Ansi.OFF));
            assertThat(words(h.getValue())).as(h.getKey()).isEqualTo(expected);
        }
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.split("\\s+")).filter(w -> !w.isEmpty() && !w.equals("\\")).toList();
    }

    // item 2: an example command, with its lines ending in " \", is a command the CLI accepts as written
    @Test
    void everyExampleCommandInTheHelpParsesAsWritten() {
        int examples = 0;
        for (Map.Entry<String, String> h : helps().entrySet()) {
            String[] lines = h.getValue().split("\n");
            for (int i = 0; i < lines.length; i++) {
                int at = lines[i].indexOf("java -jar profilekit.jar ");
                if (at < 0) {
                    continue;
                }
                StringBuilder command = new StringBuilder(lines[i].substring(at));
                while (command.toString().endsWith(" \\")) {
                    command.setLength(command.length() - 2);
                    command.append(' ').append(lines[++i].strip());
                }
                String[] args = command.substring("java -jar profilekit.jar ".length()).strip().split(" +");
                CommandLine cl = CliSupport.newCommandLine(new ProfileKitCli());
                try {
                    cl.parseArgs(args);
                } catch (CommandLine.ParameterException e) {
                    throw new AssertionError(h.getKey() + " help: the example '" + command + "' does not parse: "
                            + e.getMessage(), e);
                }
                examples++;
            }
        }
        assertThat(examples).as("example commands").isGreaterThanOrEqualTo(12);
    }

    // item 3
    @Test
    void aDemoOfAFewDaysRuns() throws IOException {
        for (String days : List.of("1", "3")) {
            Path dir = tmp.resolve("demo-" + days);
            ReplayCommandTest.Run r = run("demo", "--out", dir.toString(), "--users", "60", "--days", days, "--quiet");
            assertThat(r.exit()).as(days + " days: " + r.err()).isZero();
            assertThat(Files.size(dir.resolve("report.html"))).isPositive();
            assertThat(Files.readAllLines(dir.resolve("profiles.jsonl"))).isNotEmpty();
            assertThat(r.out()).contains("over " + days + " day");
        }
        assertThat(usageError(run("demo", "--out", tmp.resolve("d0").toString(), "--days", "0")))
                .contains("--days").contains("[1, 365]").contains("was 0");
    }

    // item 11 (a demo of 80,000 events with its models: about half a minute)
    @Test
    @Tag("slow")
    void theDemoNamesEveryFileItWritesAndQuietMeansQuiet() throws IOException {
        long before = SimulateCommand.progressNanos;
        SimulateCommand.progressNanos = 0; // the simulator reports as often as it can: a small run has progress
        try {
            Path dir = tmp.resolve("demo");
            // over 65,536 events, the simulator's reporting step
            String[] size = {"--users", "1200", "--days", "10", "--seed", "7"};
            ReplayCommandTest.Run loud = run(Stream.concat(Stream.of("simulate", "--drift-day", "5", "--out",
                    tmp.resolve("sim.jsonl").toString()), Arrays.stream(size)).toArray(String[]::new));
            assertThat(loud.exit()).isZero();
            assertThat(loud.err()).as("at this size the simulator shows progress").contains("simulate: ");
            ReplayCommandTest.Run quiet = run(Stream.concat(Stream.of("demo", "--out", dir.toString(), "--quiet"),
                    Arrays.stream(size)).toArray(String[]::new));
            assertThat(quiet.exit()).as(quiet.err()).isZero();
            assertThat(quiet.err()).as("--quiet: nothing on stderr").isEmpty();
            List<String> written;
            try (Stream<Path> files = Files.list(dir)) {
                written = files.map(p -> p.getFileName().toString()).sorted().toList();
            }
            assertThat(written).hasSizeGreaterThanOrEqualTo(7);
            for (String f : written) {
                assertThat(quiet.out()).as("the summary names " + f).containsPattern("(?m)^  " + f.replace(".", "\\.")
                        + " ");
            }

        } finally {
            SimulateCommand.progressNanos = before;
        }
    }

    // item 4
    @Test
    void aDurationFlagNamesItselfTheFormAndTheIsoSpellingOfAShorthand() throws IOException {
        Path schema = ReplayCommandTest.copyFixture(tmp, "schema.json");
        Path events = ReplayCommandTest.copyFixture(tmp, "events.jsonl");
        for (String[] c : new String[][] {{"90d", "P90D"}, {"12h", "PT12H"}, {"2w", "P14D"}, {"30m", "PT30M"}}) {
            String err = usageError(run("replay", "--schema", schema.toString(), "--events", events.toString(),
                    "--out", tmp.resolve("p.jsonl").toString(), "--ttl", c[0]));
            assertThat(err).contains("--ttl '" + c[0] + "'").contains("ISO-8601").contains("write " + c[1]);
        }
        assertThat(usageError(run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", tmp.resolve("p.jsonl").toString(), "--ttl", "soon"))).contains("--ttl 'soon'")
                .contains("P90D").doesNotContain("write ");
    }

    // item 5
    @Test
    void jsonThatCannotBeReadIsNamedByFileLineAndColumnWithoutJacksonInternals() throws IOException {
        Path badProfiles = Files.writeString(tmp.resolve("bad.jsonl"), "{\"user\":\"u1\",\"features\":{\"a\":1}\n");
        Path labels = Files.writeString(tmp.resolve("labels.csv"), "user,ts,label\nu1,1,0\n");
        Path badSchema = Files.writeString(tmp.resolve("schema.json"), "{\"features\": [1,\n");
        Path schema = ReplayCommandTest.copyFixture(Files.createDirectories(tmp.resolve("ok")), "schema.json");
        Path events = ReplayCommandTest.copyFixture(tmp.resolve("ok"), "events.jsonl");
        String query = usageError(run("query", "--profiles", badProfiles.toString(), "--user", "u1"));
        assertThat(query).contains(badProfiles.toString()).contains("line 1").contains("column 32");
        String fixture = usageError(run("conformance", labels.toString()));
        assertThat(fixture).contains(labels.toString()).contains("line 1, column 6").contains("'user'");
        String schemaErr = usageError(run("replay", "--schema", badSchema.toString(), "--events", events.toString(),
                "--out", tmp.resolve("p.jsonl").toString()));
        assertThat(schemaErr).contains(badSchema.toString()).contains("line 2, column 1");
        String models = usageError(run("replay", "--schema", schema.toString(), "--models", badSchema.toString(),
                "--events", events.toString(), "--out", tmp.resolve("p.jsonl").toString()));
        assertThat(models).contains(badSchema.toString()).contains("line 2, column 1");
        Path infinity = Files.writeString(tmp.resolve("inf.jsonl"),
                "{\"user\":\"u1\",\"features\":{\"a\":Infinity}}\n");
        String nonJson = usageError(run("query", "--profiles", infinity.toString(), "--user", "u1"));
        assertThat(nonJson).contains("line 1").contains("column").contains("'Infinity'");
        // a broken event line is rejected with the same kind of message, in the rejects file
        Path broken = Files.writeString(tmp.resolve("broken.jsonl"), "{\"id\":\"e1\",\"user\":\"u1\"\n");
        Path rejects = tmp.resolve("rejects.jsonl");
        assertThat(run("replay", "--schema", schema.toString(), "--events", broken.toString(), "--out",
                tmp.resolve("p.jsonl").toString(), "--rejects", rejects.toString(), "--quiet").exit()).isZero();
        String reject = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(rejects))
                .get("message").asText();
        assertThat(reject).startsWith("not valid JSON: column ").contains("start marker at column 1");
        for (String err : List.of(query, fixture, schemaErr, models, nonJson, reject)) {
            assertThat(err).doesNotContain("Source").doesNotContain("REDACTED").doesNotContain("StreamReadFeature")
                    .doesNotContain("JsonReadFeature").doesNotContain("enable `");
        }
    }

    // item 6
    @Test
    void replayRefusesToWriteJsonIntoACsvName() throws IOException {
        Path schema = ReplayCommandTest.copyFixture(tmp, "schema.json");
        Path events = ReplayCommandTest.copyFixture(tmp, "events.jsonl");
        for (String name : List.of("o.csv", "o.CSV.gz")) {
            Path out = tmp.resolve(name);
            String err = usageError(run("replay", "--schema", schema.toString(), "--events", events.toString(),
                    "--out", out.toString()));
            assertThat(err).contains("--out " + out).contains("JSON Lines").contains(".jsonl").contains("dataset");
            assertThat(out).doesNotExist();
        }
        Path rejects = tmp.resolve("r.csv");
        assertThat(usageError(run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", tmp.resolve("p.jsonl").toString(), "--rejects", rejects.toString())))
                .contains("--rejects " + rejects);
        assertThat(rejects).doesNotExist();
    }

    // item 7
    @Test
    void aCsvFileNotNamedCsvIsRecognisedAndTheFormatFlagNamed() throws IOException {
        Path schema = ReplayCommandTest.copyFixture(tmp, "schema.json");
        Path csv = Files.writeString(tmp.resolve("events.txt"),
                "id,user,type,ts\ne1,u1,view,1767225600000\ne2,u1,view,1767225660000\n");
        Path out = tmp.resolve("p.jsonl");
        String err = usageError(run("replay", "--schema", schema.toString(), "--events", csv.toString(),
                "--out", out.toString()));
        assertThat(err).contains("--events " + csv).contains("CSV").contains("--format csv");
        assertThat(out).doesNotExist();
        ReplayCommandTest.Run asCsv = run("replay", "--schema", schema.toString(), "--events", csv.toString(),
                "--out", out.toString(), "--format", "csv", "--now", "2026-02-01T00:00:00Z");
        assertThat(asCsv.exit()).as(asCsv.err()).isZero();
        assertThat(asCsv.lastLine()).contains("\"accepted\":2");

        // and the other way round: JSON Lines named .csv
        Path jsonl = Files.copy(ReplayCommandTest.copyFixture(tmp, "events.jsonl"), tmp.resolve("events.csv"));
        assertThat(usageError(run("replay", "--schema", schema.toString(), "--events", jsonl.toString(),
                "--out", out.toString()))).contains("--events " + jsonl).contains("--format jsonl");
    }

    // item 8
    @Test
    void anEmptyEventsFileIsReportedAndGivesAnEmptyProfilesFile() throws IOException {
        Path schema = ReplayCommandTest.copyFixture(tmp, "schema.json");
        for (String name : List.of("empty.jsonl", "empty.csv")) {
            Path empty = Files.writeString(tmp.resolve(name), "");
            Path out = tmp.resolve(name + ".profiles.jsonl");
            ReplayCommandTest.Run r = run("replay", "--schema", schema.toString(), "--events", empty.toString(),
                    "--out", out.toString(), "--quiet");
            assertThat(r.exit()).as(name + ": " + r.err()).isZero();
            assertThat(r.err().strip()).as(name).doesNotContain("\n").contains("--events " + empty)
                    .contains("empty").contains(out.toString());
            assertThat(r.lastLine()).isEqualTo("{\"accepted\":0,\"duplicate\":0,\"late\":0,\"rejected\":0}");
            assertThat(Files.size(out)).as(name + ": no lone line end").isZero();
        }
    }

    // item 9
    @Test
    void aDirectoryGivenForAFileIsNamedWithItsFlag() throws IOException {
        Path schema = ReplayCommandTest.copyFixture(tmp, "schema.json");
        Path events = ReplayCommandTest.copyFixture(tmp, "events.jsonl");
        Path dir = Files.createDirectories(tmp.resolve("adir"));
        String out = tmp.resolve("p.jsonl").toString();
        assertThat(usageError(run("replay", "--schema", schema.toString(), "--events", dir.toString(), "--out", out)))
                .isEqualTo("profilekit: --events " + dir + " is a directory, not a file");
        assertThat(usageError(run("replay", "--schema", dir.toString(), "--events", events.toString(), "--out", out)))
                .isEqualTo("profilekit: --schema " + dir + " is a directory, not a file");
        assertThat(usageError(run("replay", "--schema", schema.toString(), "--models", dir.toString(), "--events",
                events.toString(), "--out", out)))
                .isEqualTo("profilekit: --models " + dir + " is a directory, not a file");
        assertThat(usageError(run("query", "--profiles", dir.toString(), "--user", "u1")))
                .isEqualTo("profilekit: --profiles " + dir + " is a directory, not a file");
    }

    // item 10
    @Test
    void queryNoticesThatTheFileHoldsEventsNotProfiles() throws IOException {
        Path events = ReplayCommandTest.copyFixture(tmp, "events.jsonl");
        String err = usageError(run("query", "--profiles", events.toString(), "--user", "u000"));
        assertThat(err).contains("--profiles " + events).contains("not a profiles file").contains("an event")
                .contains("replay");
        Path other = Files.writeString(tmp.resolve("other.jsonl"), "[1,2,3]\n");
        assertThat(usageError(run("query", "--profiles", other.toString(), "--user", "u1")))
                .contains("not a profiles file").contains("line 1");
        // a real profiles file without the user: exit 1, as before
        Path schema = ReplayCommandTest.copyFixture(tmp, "schema.json");
        Path profiles = tmp.resolve("profiles.jsonl");
        assertThat(run("replay", "--schema", schema.toString(), "--events", events.toString(), "--out",
                profiles.toString(), "--quiet").exit()).isZero();
        ReplayCommandTest.Run none = run("query", "--profiles", profiles.toString(), "--user", "nobody");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("no profile for user 'nobody'");
        assertThat(Files.readString(profiles, StandardCharsets.UTF_8)).endsWith("}\n");
    }
}
