package dev.profilekit.cli;

import dev.profilekit.report.ReportWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code profilekit report}: profiles (and a replay summary) in, one self-contained HTML report with charts out. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes one self-contained HTML file (no scripts, fonts, images or links outside it) with "
                + "charts drawn by JFreeChart as inline SVG: a per-feature table (missing values, zeros, mean, "
                + "quantiles), feature distributions, categorical bar charts, a correlation matrix, users on the first "
                + "two principal "
                + "components coloured by segment, segment sizes and means, and, from a summary written by "
                + "replay --summary with --models, the propensity model (ROC with AUC, calibration, prequential AUC "
                + "over time with retrains and drift alarms, the score by label), the activity forecast with its "
                + "interval, and drift (population stability index) between the first and last quarter of the run "
                + "or against --reference.",
                "Sections without data (no segments, no summary, no models) are left out with a one-line note. "
                + "With --schema each chart and table gives its feature's definition and unit (a decayed count's half-life, a "
                + "recency in hours or days); with --models the segments section names what the segments are "
                + "fitted on.",
                "The last line on stdout is a JSON summary {\"out\":\"...\",\"profiles\":N,\"bytes\":N}.",
                "Exit codes: 0 done, 1 failure while running, 2 bad flag, missing or malformed input.",
                "Example:",
                "  java -jar profilekit.jar simulate --users 2000 --days 30 --seed 7 --drift-day 20 --out events.jsonl",
                "  java -jar profilekit.jar replay --schema examples/live/schema.json --events events.jsonl \\",
                "      --models examples/live/models.json --out profiles.jsonl --summary summary.json",
                "  java -jar profilekit.jar report --profiles profiles.jsonl --summary summary.json \\",
                "      --schema examples/live/schema.json --models examples/live/models.json --out report.html",
                "  (add --reference early.jsonl, profiles of the same events replayed with --as-of an earlier time, "
                + "for drift against them)"})
final class ReportCommand implements Callable<Integer> {

    @Option(names = "--profiles", required = true, paramLabel = "P.jsonl",
            description = "the profiles, one JSON object per line, as replay writes them (.gz read compressed, - reads "
                    + "standard input). Example: --profiles profiles.jsonl")
    String profilesFile;

    @Option(names = "--summary", paramLabel = "S.json",
            description = "the summary written by replay --summary (counts and, with models, diagnostics); without it "
                    + "the model sections are left out. Example: --summary summary.json")
    Path summaryFile;

    @Option(names = "--out", required = true, paramLabel = "R.html",
            description = "where to write the report (- writes standard output). Example: --out report.html")
    String outFile;

    @Option(names = "--schema", paramLabel = "SCHEMA.json",
            description = "the schema the profiles were made with: each chart, the per-feature table and the drift "
                    + "section then say what a feature is and its unit. Example: --schema examples/live/schema.json")
    Path schemaFile;

    @Option(names = "--models", paramLabel = "MODELS.json",
            description = "the models file replay ran with: the report then says what the segments are fitted on "
                    + "and plots users on those inputs. Example: --models examples/live/models.json")
    Path modelsFile;

    @Option(names = "--features", paramLabel = "A,B", split = ",",
            description = "the numeric values to chart, in this order: features, fields of object features, scores "
                    + "and the forecast; default: every one. "
                    + "Example: --features views,order_value.mean,scores.propensity")
    List<String> features;

    @Option(names = "--reference", paramLabel = "R.jsonl",
            description = "profiles of a reference run (or of the same events replayed with --as-of an earlier "
                    + "time): the drift section gives each feature's population stability index against them. "
                    + "Example: --reference last-month.jsonl")
    Path referenceFile;

    @Option(names = "--audience-log", paramLabel = "L.jsonl",
            description = "the audience log of the replay (replay --audiences A.json --audience-log L.jsonl): the "
                    + "audiences section charts each audience's size over event time. Example: --audience-log "
                    + "changes.jsonl")
    Path audienceLogFile;

    private final PrintStream out;

    ReportCommand() {
        this(System.out);
    }

    ReportCommand(PrintStream out) {
        this.out = out;
    }

    /** The --schema, --models and --reference inputs, each read once and checked. */
    private dev.profilekit.report.ReportOptions options() throws IOException {
        com.fasterxml.jackson.databind.JsonNode schema = null;
        if (schemaFile != null) {
            CliSupport.requireReadable(schemaFile, "--schema");
            try {
                schema = ReportWriter.readJsonObject(schemaFile, "schema", "features");
                dev.profilekit.core.schema.ProfileSchema.fromJson(schema); // what replay would reject, report does too
            } catch (IllegalArgumentException e) {
                throw new CliSupport.UsageException("--schema " + schemaFile + " is not a profile schema: "
                        + CliSupport.oneLine(e), e);
            }
        }
        if (modelsFile != null) {
            CliSupport.requireReadable(modelsFile, "--models");
        }
        if (referenceFile != null) {
            CliSupport.requireReadable(referenceFile, "--reference");
        }
        List<com.fasterxml.jackson.databind.JsonNode> log = null;
        if (audienceLogFile != null) {
            CliSupport.requireReadable(audienceLogFile, "--audience-log");
            log = ReportWriter.readProfiles(audienceLogFile);
        }
        try {
            return new dev.profilekit.report.ReportOptions(schema,
                    modelsFile == null ? null : ReportWriter.readJsonObject(modelsFile, "models", null),
                    referenceFile == null ? null : ReportWriter.readProfiles(referenceFile),
                    referenceFile == null ? null : referenceFile.getFileName().toString(), log);
        } catch (IllegalArgumentException e) {
            if (log != null && CliSupport.oneLine(e).startsWith("audience log line")) {
                throw new CliSupport.UsageException("--audience-log " + audienceLogFile + ": "
                        + CliSupport.oneLine(e), e);
            }
            throw e;
        }
    }

    @Override
    public Integer call() throws IOException {
        if (summaryFile != null) {
            CliSupport.requireReadable(summaryFile, "summary");
        }
        CliIo.checkWritable("--out", outFile);
        int profiles;
        byte[] page;
        try {
            List<com.fasterxml.jackson.databind.JsonNode> read;
            try (java.io.Reader in = new java.io.InputStreamReader(CliIo.openInput("--profiles", profilesFile, null),
                    java.nio.charset.StandardCharsets.UTF_8)) {
                read = ReportWriter.readProfiles(in, profilesFile);
            }
            profiles = read.size();
            page = ReportWriter.render(read, summaryFile == null ? null : ReportWriter.readSummary(summaryFile),
                    features, options()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new CliSupport.UsageException(CliSupport.oneLine(e), e);
        }
        try (CliIo.Output o = CliIo.create("--out", outFile)) {
            o.stream().write(page);
            o.commit();
        }
        if (!CliIo.isStd(outFile)) { // with --out - standard output carries the page alone
            out.println("{\"out\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(outFile)
                    + ",\"profiles\":" + profiles + ",\"bytes\":" + page.length + "}");
        }
        return 0;
    }
}
