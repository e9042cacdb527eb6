package dev.profilekit.cli;

import com.fasterxml.jackson.core.JsonFactory;
import dev.profilekit.core.engine.DedupRetention;
import dev.profilekit.core.engine.EventLimits;
import dev.profilekit.core.engine.PointInTimeJoin;
import dev.profilekit.core.io.DatasetRows;
import dev.profilekit.core.io.LabelsCsv;
import dev.profilekit.core.schema.ProfileSchema;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code profilekit dataset}: point-in-time correct training rows, one per label. */
@Command(name = "dataset", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes a point-in-time correct training set: for each row user,ts,label of the labels file, "
                + "the user's features exactly as of ts, from the events the stream accepts (duplicate and lateness "
                + "rules over the whole input, in arrival order, as replay decides them) whose time is at or before "
                + "ts, evaluated at ts. Nothing later leaks in. A label before the user's first event, or of a user "
                + "without events, gets the features of an empty history.",
                "Labels file: CSV with the header user,ts,label; ts in epoch ms or an ISO-8601 instant with an offset "
                        + "(2026-03-01T10:15:00Z); label any token, kept as written (a JSON number when it is one). "
                        + "A bad label row stops the run with a one-line error naming its line (exit 2): skipping it "
                        + "would silently misalign the training set.",
                "Output, one row per label in labels-file order: .jsonl gives {\"user\":u,\"ts\":t,\"label\":l,"
                        + "\"features\":{...}} (features as in replay's profiles); .csv gives the header user,ts,label,"
                        + "<features>, stats as name.count/.mean/.std/.min/.max, sessions as name.count/"
                        + ".mean_duration_s, top_k as name.1.value, name.1.weight ... name.k.weight; null is an "
                        + "empty cell.",
                "The last line on stdout is a JSON summary {\"accepted\":N,\"duplicate\":N,\"late\":N,\"rejected\":N,"
                        + "\"labels\":N}. Exit codes: 0 done, 1 failure while running, 2 bad flag, missing file, "
                        + "unreadable schema or bad labels file.",
                "Example:",
                "  printf 'user,ts,label\\nu0006,2026-01-03T00:00:00Z,1\\n' > labels.csv",
                "  java -jar profilekit.jar dataset --schema examples/ecommerce/schema.json \\",
                "      --events examples/ecommerce/events.jsonl --labels labels.csv \\",
                "      --out train.jsonl"})
final class DatasetCommand implements Callable<Integer> {

    @Option(names = "--schema", required = true, paramLabel = "S.json",
            description = "the profile schema (features, allowed_lateness). Example: --schema schema.json")
    Path schemaFile;

    @Option(names = "--events", required = true, paramLabel = "E.jsonl",
            description = "the events, one JSON object per line (UTF-8), in arrival order. Example: --events events.jsonl")
    String eventsFile;

    @Option(names = "--labels", required = true, paramLabel = "L.csv",
            description = "the labels: CSV with header user,ts,label. Example: --labels labels.csv")
    String labelsFile;

    @Option(names = "--out", required = true, paramLabel = "T.jsonl|T.csv",
            description = "where to write the training rows; the format follows the extension (.jsonl or .csv). "
                    + "Example: --out train.jsonl")
    String outFile;

    @Option(names = "--rejects", paramLabel = "R.jsonl",
            description = "where to write rejected event lines, with line number and reason (as replay). "
                    + "Example: --rejects rejects.jsonl")
    String rejectsFile;

    @Option(names = "--now", paramLabel = "T",
            description = "the clock events are checked against (max_future_skew), as in replay: epoch ms or an "
                    + "ISO-8601 instant; default the system clock. Example: --now 2030-01-01T00:00:00Z")
    String now;

    @Option(names = "--dedup-retention", paramLabel = "MODE",
            description = "how long event ids are remembered when deciding duplicates: WITHIN_LATENESS (default with "
                    + "an allowed_lateness) or ALL (default without). Example: --dedup-retention ALL")
    DedupRetention retention;

    @Option(names = "--max-line-bytes", paramLabel = "N", defaultValue = "1048576",
            description = "longest event line read, in bytes (LINE_TOO_LONG beyond). Default 1048576. "
                    + "Example: --max-line-bytes 65536")
    int maxLineBytes;

    @Option(names = "--max-text-length", paramLabel = "N", defaultValue = "4096",
            description = "longest string of an event, in UTF-16 code units (TEXT_TOO_LONG beyond). Default 4096. "
                    + "Example: --max-text-length 1024")
    int maxTextLength;

    @Option(names = "--max-attributes", paramLabel = "N", defaultValue = "256",
            description = "most attributes of one event (TOO_MANY_ATTRIBUTES beyond). Default 256. "
                    + "Example: --max-attributes 32")
    int maxAttributes;

    @Option(names = "--tmp-dir", paramLabel = "D",
            description = "where sorted runs of accepted events and out-of-order rows are spilled (deleted at the "
                    + "end); default java.io.tmpdir. Needs about the size of the accepted event lines. "
                    + "Example: --tmp-dir /var/tmp")
    Path tmpDir;

    @Option(names = "--sort-memory-mb", paramLabel = "MB", defaultValue = "64",
            description = "MiB of accepted event lines held in memory per sorted run before it is spilled. "
                    + "Default 64. Example: --sort-memory-mb 256")
    int sortMemoryMb;

    private final PrintStream out;
    private final PrintStream err;

    DatasetCommand() {
        this(System.out, System.err);
    }

    DatasetCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        CliSupport.requireReadable(schemaFile, "--schema");
        if (CliIo.isStd(eventsFile) && CliIo.isStd(labelsFile)) {
            throw new CliSupport.UsageException("--events and --labels cannot both be - (standard input)");
        }
        String name = outFile.toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        boolean csv = name.endsWith(".csv");
        if (!csv && !name.endsWith(".jsonl") && !CliIo.isStd(outFile)) {
            throw new CliSupport.UsageException("--out must end in .jsonl or .csv (the format; .gz compresses), "
                    + "or be - (JSON Lines on standard output), was " + outFile);
        }
        CliIo.checkWritable("--out", outFile);
        if (rejectsFile != null) {
            CliIo.checkWritable("--rejects", rejectsFile);
        }
        if (sortMemoryMb < 1) {
            throw new CliSupport.UsageException("--sort-memory-mb must be >= 1, was " + sortMemoryMb);
        }
        ProfileSchema schema;
        try {
            schema = ProfileSchema.fromJson(schemaFile);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new CliSupport.UsageException("unreadable schema " + schemaFile + ": " + CliSupport.oneLine(e), e);
        }
        PointInTimeJoin.Builder b;
        try {
            EventLimits limits = EventLimits.DEFAULT.withMaxLineBytes(maxLineBytes).withMaxTextLength(maxTextLength)
                    .withMaxAttributes(maxAttributes);
            b = PointInTimeJoin.builder(schema).limits(limits).memoryBudget((long) sortMemoryMb << 20);
            if (retention != null) {
                b.dedupRetention(retention);
            }
            if (now != null) {
                b.clock(java.time.Clock.fixed(java.time.Instant.ofEpochMilli(CliSupport.parseTime(now, "--now")),
                        java.time.ZoneOffset.UTC));
            }
            if (tmpDir != null) {
                b.tempDir(tmpDir);
            }
        } catch (IllegalArgumentException e) {
            throw new CliSupport.UsageException(CliSupport.oneLine(e), e);
        }
        List<PointInTimeJoin.Label> labels;
        try {
            labels = LabelsCsv.read(new java.io.InputStreamReader(CliIo.openInput("--labels", labelsFile, null),
                    StandardCharsets.UTF_8), labelsFile);
        } catch (UncheckedIOException e) {
            throw new CliSupport.UsageException(CliSupport.oneLine(e), e);
        }

        JsonFactory json = new JsonFactory();
        PointInTimeJoin.Summary s;
        // both outputs appear (renamed into place) only when the join is complete
        try (CliIo.Output rejectsOut = rejectsFile == null ? null : CliIo.create("--rejects", rejectsFile);
             CliIo.Output rows = CliIo.create("--out", outFile)) {
            if (rejectsOut != null) {
                BufferedWriter rejects = rejectsOut.writer();
                // the same reject lines as replay writes
                b.rejects((line, error, text) -> ReplayCommand.writeReject(json, rejects, line, error, text, true));
            }
            PointInTimeJoin join;
            try {
                join = b.build();
            } catch (IllegalArgumentException e) {
                throw new CliSupport.UsageException(CliSupport.oneLine(e), e);
            }
            long started = System.nanoTime();
            try (InputStream in = CliIo.openInput("--events", eventsFile, null)) {
                s = join.join(in, labels, csv ? DatasetRows.csv(schema) : DatasetRows.jsonLines(), rows.stream());
            }
            rows.commit();
            if (rejectsOut != null) {
                rejectsOut.commit();
            }
            err.printf("dataset: %,d labels over %,d accepted events in %.1f s (%d sorted runs spilled)%n",
                    s.labels(), s.accepted(), (System.nanoTime() - started) / 1e9, s.runs());
        }
        out.println("{\"accepted\":" + s.accepted() + ",\"duplicate\":" + s.duplicate() + ",\"late\":" + s.late()
                + ",\"rejected\":" + s.rejected() + ",\"labels\":" + s.labels() + "}");
        return 0;
    }
}
