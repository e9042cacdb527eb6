package dev.profilekit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code profilekit demo}: a simulated shop run through the engine with the example schema and live models, ending in
 * profiles, a summary and a report with charts.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Simulates an e-commerce shop, replays its events through the profile engine with the example "
                + "schema and live models, and writes the events, the profiles, a summary and a report with charts "
                + "into DIR.",
                "The shop's users have latent segments and purchase rates, and a behaviour shift half way; the live "
                + "models are a purchase propensity, segments and an activity forecast. Files written into DIR:",
                "  events.jsonl, truth.jsonl  the simulated stream and each user's latent truth",
                "  schema.json, models.json   the configuration used (examples/live in the repository)",
                "  audiences.json             audiences kept exact over the profiles (examples/live too)",
                "  audience-log.jsonl         every audience enter, exit and revise, per user in time order",
                "  profiles.jsonl             one profile per user, as replay writes them",
                "  summary.json               counts, prequential metrics and the models' diagnostics",
                "  report.html                one self-contained page of charts; open it in a browser",
                "Progress goes to stderr (a bar on a terminal), a short summary to stdout.",
                "Exit codes: 0 done, 1 failure while running, 2 bad flag or unwritable DIR.",
                "Example:",
                "  java -jar profilekit.jar demo --out profilekit-demo --users 2000"})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "profilekit-demo",
            description = "the directory to write into, created if absent (default ./profilekit-demo). "
                    + "Example: --out /tmp/demo")
    Path dir;

    @Option(names = "--users", paramLabel = "N", defaultValue = "3000",
            description = "simulated users, 50..200000 (default 3000: about 0.6M events, well under a minute). "
                    + "Example: --users 500")
    int users;

    @Option(names = "--days", paramLabel = "D", defaultValue = "30",
            description = "length of the stream in days, 1..365 (default 30); behaviour shifts at day D/2 (from "
                    + "2 days on). Under 2 days the propensity model sees too few labels for an AUC. Example: --days 7")
    int days;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "7",
            description = "random seed; the same seed gives the same files (default 7). Example: --seed 42")
    long seed;

    @Option(names = "--quiet", description = "no progress on stderr (the simulator's and the replay's); errors still "
            + "go there")
    boolean quiet;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Start of the simulated stream. */
    private static final String START = "2026-01-01T00:00:00Z";

    private final PrintStream out;
    private final PrintStream err;

    DemoCommand() {
        this(System.out, System.err);
    }

    DemoCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        if (users < 50 || users > 200_000) {
            throw new CliSupport.UsageException("--users must be in [50, 200000], was " + users);
        }
        if (days < 1 || days > 365) {
            throw new CliSupport.UsageException("--days must be in [1, 365], was " + days);
        }
        prepare(dir);
        long started = System.nanoTime();
        Path schema = copyResource("schema.json");
        Path models = copyResource("models.json");
        Path audiences = copyResource("audiences.json");
        Path audienceLog = dir.resolve("audience-log.jsonl");
        Path events = dir.resolve("events.jsonl");
        Path profiles = dir.resolve("profiles.jsonl");
        Path summary = dir.resolve("summary.json");
        Path report = dir.resolve("report.html");

        PrintStream silent = new PrintStream(OutputStream.nullOutputStream());
        // the simulator's progress is progress too; its errors still reach stderr through the step's command line
        step("simulate", new SimulateCommand(silent, quiet ? silent : err), "--users",
                Integer.toString(users), "--days", Integer.toString(days), "--seed", Long.toString(seed),
                "--start", START,
                "--drift-day", Integer.toString(days >= 2 ? days / 2 : -1), "--out", events.toString(), "--truth",
                dir.resolve("truth.jsonl").toString());
        ByteArrayOutputStream replayOut = new ByteArrayOutputStream();
        List<String> replayArgs = new ArrayList<>(List.of("--schema", schema.toString(), "--models",
                models.toString(), "--events", events.toString(), "--out", profiles.toString(), "--summary",
                summary.toString(), "--audiences", audiences.toString(), "--audience-log", audienceLog.toString()));
        if (quiet) {
            replayArgs.add("--quiet");
        }
        step("replay", new ReplayCommand(new PrintStream(replayOut, true, StandardCharsets.UTF_8), err),
                replayArgs.toArray(String[]::new));
        // the same events as of the end of the run's first quarter: the report's drift section compares the end with it
        Path firstQuarter = dir.resolve("profiles-q1.jsonl");
        String q1 = java.time.Instant.parse(START).plusMillis(days * 86_400_000L / 4).toString();
        step("replay", new ReplayCommand(silent, err), "--schema",
                schema.toString(), "--models", models.toString(), "--events", events.toString(), "--out",
                firstQuarter.toString(), "--as-of", q1, "--quiet");
        // rendered here rather than with ReportWriter.write, so that the page is renamed into place when complete
        JsonNode s = dev.profilekit.report.ReportWriter.readSummary(summary);
        CliIo.writeString("report", report.toString(), dev.profilekit.report.ReportWriter.render(
                dev.profilekit.report.ReportWriter.readProfiles(profiles), s, null,
                new dev.profilekit.report.ReportOptions(
                        dev.profilekit.report.ReportWriter.readJsonObject(schema, "schema", "features"),
                        dev.profilekit.report.ReportWriter.readJsonObject(models, "models", null),
                        dev.profilekit.report.ReportWriter.readProfiles(firstQuarter),
                        "this run as of the end of its first quarter, " + q1,
                        dev.profilekit.report.ReportWriter.readProfiles(audienceLog))));
        double seconds = (System.nanoTime() - started) / 1e9;

        String firstUser;
        try (java.io.BufferedReader r = Files.newBufferedReader(profiles, StandardCharsets.UTF_8)) {
            String line = r.readLine();
            firstUser = line == null ? "u0" : MAPPER.readTree(line).path("user").asText();
        }
        out.print(readableSummary(s, users, days, seconds, dir, report, firstUser));
        out.flush();
        return 0;
    }

    /** Creates {@code dir} and checks that it can be written to, before any work starts. */
    private static void prepare(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CliSupport.UsageException("--out directory cannot be created: " + dir + " ("
                    + CliSupport.oneLine(e) + ")", e);
        }
        if (!Files.isDirectory(dir)) {
            throw new CliSupport.UsageException("--out is not a directory: " + dir);
        }
        if (!Files.isWritable(dir)) {
            throw new CliSupport.UsageException("--out directory is not writable: " + dir);
        }
    }

    private Path copyResource(String name) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = DemoCommand.class.getResourceAsStream("demo/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks the demo's " + name);
            }
            try (CliIo.Output o = CliIo.create(name, target.toString())) {
                in.transferTo(o.stream());
                o.commit();
            }
        }
        return target;
    }

    /** Runs a subcommand in-process with this command's error handling; a failure ends the demo with its code. */
    private void step(String name, Object command, String... args) {
        CommandLine cl = CliSupport.newCommandLine(command);
        cl.setOut(new java.io.PrintWriter(OutputStream.nullOutputStream()));
        int code = cl.execute(args);
        if (code != 0) {
            throw new CliSupport.StepFailed(name, code);
        }
    }

    /** One line of the summary's file list: the name, then what it holds, in a column. */
    private static void file(StringBuilder b, String name, String what) {
        b.append(String.format(Locale.ROOT, "  %-18s %s%n", name, what));
    }

    static String readableSummary(JsonNode s, int users, int days, double seconds, Path dir, Path report,
            String firstUser) throws IOException {
        StringBuilder b = new StringBuilder();
        long accepted = s.path("accepted").asLong();
        long events = accepted + s.path("duplicate").asLong() + s.path("late").asLong() + s.path("rejected").asLong();
        b.append(String.format(Locale.ROOT, "Simulated %,d users over %d day%s: %,d events (%,d accepted, %,d "
                + "duplicate, %,d late, %,d rejected).%n", users, days, days == 1 ? "" : "s", events, accepted,
                s.path("duplicate").asLong(), s.path("late").asLong(), s.path("rejected").asLong()));
        JsonNode pq = s.path("prequential");
        if (pq.isObject() && !pq.path("auc").isNumber()) {
            b.append(String.format(Locale.ROOT, "Purchase propensity: model version %d, no prequential AUC yet (%,d "
                    + "labelled examples, too few of both kinds; a longer --days gives more).%n",
                    s.path("model_version").asLong(), pq.path("examples").asLong()));
        } else if (pq.isObject()) {
            b.append(String.format(Locale.ROOT, "Purchase propensity: model version %d, prequential AUC %.3f over "
                    + "%,d labelled examples, %d drift alarm(s).%n", s.path("model_version").asLong(),
                    pq.path("auc").asDouble(), pq.path("examples").asLong(), s.path("drift_alarms").asLong()));
        }
        JsonNode sizes = s.path("audiences");
        if (sizes.isObject() && sizes.size() > 0) {
            List<String> each = new ArrayList<>();
            sizes.fields().forEachRemaining(e -> each.add(String.format(Locale.ROOT, "%s %,d", e.getKey(),
                    e.getValue().asLong())));
            b.append("Audiences at the end: ").append(String.join(", ", each)).append(".\n");
        }
        b.append(String.format(Locale.ROOT, "Done in %.1f s. Files in %s:%n", seconds, dir));
        file(b, "events.jsonl", "the simulated events (replay's input)");
        file(b, "truth.jsonl", "each user's latent segment and purchase rate");
        file(b, "schema.json", "the profile schema used");
        file(b, "models.json", "the live models used");
        file(b, "audiences.json", "the audiences kept exact (rules over the profiles)");
        file(b, "audience-log.jsonl", "every user's audience enter, exit and revise, in event-time order");
        file(b, "profiles.jsonl", "one profile per user");
        file(b, "profiles-q1.jsonl", "the same events replayed as of the end of the first quarter (the report's "
                + "drift reference)");
        file(b, "summary.json", "counts and model diagnostics");
        file(b, "report.html", String.format(Locale.ROOT, "the charts (%,d bytes): open %s", Files.size(report),
                report.toAbsolutePath()));
        b.append("Next: java -jar profilekit.jar query --profiles ").append(dir.resolve("profiles.jsonl"))
                .append(" --user ").append(firstUser).append('\n');
        return b.toString();
    }
}
