package dev.profilekit.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import dev.profilekit.core.engine.DedupRetention;
import dev.profilekit.core.engine.EventLimits;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.io.CsvEventReader;
import dev.profilekit.core.io.EventLines;
import dev.profilekit.core.io.EventReader;
import dev.profilekit.core.io.ExplanationJson;
import dev.profilekit.core.io.JsonLinesReader;
import dev.profilekit.core.io.ParsedEvent;
import dev.profilekit.core.io.PipelinedEventReader;
import dev.profilekit.core.io.ProfileExtras;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.live.recommend.RecommendStats;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.spi.ModelStatus;
import dev.profilekit.core.spi.Prequential;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code profilekit replay}: an event log in, exact profiles out. */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replays a JSON Lines event log through the profile engine and writes one profile per user, "
                + "sorted by user, as the profile specification defines them.",
                "The last line on stdout is a JSON summary {\"accepted\":N,\"duplicate\":N,\"late\":N,\"rejected\":N} "
                + "(with a recommend section also \"recommend\":{\"recall_at_k\":R,\"ndcg_at_k\":N,\"users\":U}); "
                        + "progress goes to stderr: a redrawn line with rate and ETA on a terminal, otherwise a plain "
                        + "line every --progress-every lines; none with --quiet.",
                "Exit codes: 0 done, 1 failure while running, 2 bad flag, missing file or unreadable schema.",
                "Example:",
                "  java -jar profilekit.jar replay --schema examples/ecommerce/schema.json \\",
                "      --events examples/ecommerce/events.jsonl --out profiles.jsonl \\",
                "      --rejects rejects.jsonl",
                "Resumable (the same command again after a crash continues where the last snapshot left off, and "
                        + "starts from line 1 the first time):",
                "  java -jar profilekit.jar replay --schema examples/ecommerce/schema.json \\",
                "      --events examples/ecommerce/events.jsonl --out profiles.jsonl \\",
                "      --resume-or-start state/"})
final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--schema", required = true, paramLabel = "S.json",
            description = "the profile schema (features, allowed_lateness). Example: --schema schema.json")
    Path schemaFile;

    @Option(names = "--events", required = true, paramLabel = "E.jsonl",
            description = "the events, one JSON object per line (UTF-8), or CSV with a header id,user,type,ts,"
                    + "<attributes> (see --format); - reads standard input, a name ending in .gz is decompressed. "
                    + "Example: --events events.jsonl")
    String eventsFile;

    @Option(names = "--format", paramLabel = "F",
            description = "the events' format, jsonl or csv. Default: csv for names ending in .csv or .csv.gz, "
                    + "jsonl otherwise. CSV: RFC 4180 quoting (a quoted cell may span lines, but a line that is by "
                    + "itself a complete row always starts a new one, so an unclosed quote costs one row); ts is "
                    + "epoch ms or ISO-8601; an attribute cell is a "
                    + "number if it is a finite JSON number, a string otherwise; an empty cell is absent. "
                    + "Example: --format csv")
    String format;

    @Option(names = "--out", required = true, paramLabel = "P.jsonl",
            description = "where to write the profiles, one JSON object per user; - writes standard output (before "
                    + "the summary line), a name ending in .gz is compressed. Example: --out profiles.jsonl")
    String outFile;

    @Option(names = "--as-of", paramLabel = "T",
            description = "evaluate the profiles as of this time (epoch ms or an ISO-8601 instant); only accepted "
                    + "events with ts <= T count. Default: the largest ts of all accepted events. "
                    + "Example: --as-of 2026-03-01T00:00:00Z or --as-of 1767685946878")
    String asOfText;

    /** {@link #asOfText} in epoch ms, or null. */
    private Long asOf;

    @Option(names = "--quiet", description = "no progress on stderr")
    boolean quiet;

    @Option(names = "--progress-every", paramLabel = "N", defaultValue = "1000000",
            description = "when stderr is not a terminal, a progress line every N lines (default 1000000); on a "
                    + "terminal one line is redrawn with the rate and the time left. Example: --progress-every 100000")
    long progressEvery;

    @Option(names = "--parse-threads", paramLabel = "N", defaultValue = "1",
            description = "threads that read and parse events ahead of the engine: 1 (default; batches handed over "
                    + "in order) or 0 (all on one thread). The output is the same either way. Example: --parse-threads 0")
    int parseThreads;

    @Option(names = "--now", paramLabel = "T",
            description = "the clock events are checked against: an event dated more than the schema's max_future_skew "
                    + "(default P1D) after T is rejected as TOO_FAR_AHEAD. Epoch ms or an ISO-8601 instant; default: "
                    + "the system clock. Use it to replay data dated in the future. Example: --now 2030-01-01T00:00:00Z")
    String now;

    @Option(names = "--rejects", paramLabel = "R.jsonl",
            description = "where to write rejected lines, one {\"line\",\"reason\",\"message\",\"text\"} each; "
                    + "text and message keep their first 1,024 characters (a cut text adds \"text_truncated\":true "
                    + "and \"text_bytes\"), so the file stays within 6 x the input's size + 6,400 bytes per rejected "
                    + "line; - writes standard output, .gz is compressed. Example: --rejects rejects.jsonl")
    String rejectsFile;

    @Option(names = "--models", paramLabel = "M.json",
            description = "live models to keep while replaying: sections propensity, segments, forecast, recommend (see the README). "
                    + "Each profile then has \"scores\", \"segment\", \"forecast\" and \"recommendations\", and the summary the prequential "
                    + "metrics, model_version and drift_alarms. Durations are ISO-8601 strings; the segments' "
                    + "half-life is half_life_samples (a count). Example: --models examples/live/models.json")
    Path modelsFile;

    @Option(names = "--explain", paramLabel = "N",
            description = "with --models: add to each profile \"explain\": {\"propensity\": {\"intercept\": b, "
                    + "\"top\": [[\"input\", contribution], ..]}}, the N largest terms of the propensity logit by "
                    + "absolute value (an input is a feature, or feature=value for an encoded category); with N at least the number "
                    + "of inputs, intercept plus terms is the logit of scores.propensity. Example: --explain 5")
    Integer explainTop;

    @Option(names = "--dedup-retention", paramLabel = "MODE",
            description = "how long event ids are remembered: WITHIN_LATENESS (the default when the schema has an "
                    + "allowed_lateness: bounded memory; a redelivery older than the lateness counts as late) or ALL "
                    + "(every id forever: the default without a lateness). Example: --dedup-retention ALL")
    DedupRetention retention;

    @Option(names = "--max-line-bytes", paramLabel = "N", defaultValue = "1048576",
            description = "longest line read, in bytes; a longer line is rejected (LINE_TOO_LONG) without being held in "
                    + "memory. Default 1048576 (1 MiB). Example: --max-line-bytes 65536")
    int maxLineBytes;

    @Option(names = "--max-text-length", paramLabel = "N", defaultValue = "4096",
            description = "longest string of an event (id, type, attribute names and values), in UTF-16 code units; "
                    + "a longer one is rejected (TEXT_TOO_LONG). Default 4096. Example: --max-text-length 1024")
    int maxTextLength;

    @Option(names = "--max-attributes", paramLabel = "N", defaultValue = "256",
            description = "most attributes of one event; more are rejected (TOO_MANY_ATTRIBUTES). Default 256. "
                    + "Example: --max-attributes 32")
    int maxAttributes;

    @Option(names = "--snapshot-dir", paramLabel = "D",
            description = "write a snapshot of the replay (profiles, dedup state, counts, input position, the input's "
                    + "identity and the options) into D every --snapshot-every accepted events, keeping the last two, "
                    + "so that a killed run can --resume. D is locked for the run (a second run on D is refused); a D "
                    + "that holds an earlier run's snapshots is refused unless --resume or --start-over. With "
                    + "--rejects, the rejects are kept in D while the run lasts. Example: --snapshot-dir state/")
    Path snapshotDir;

    @Option(names = "--snapshot-every", paramLabel = "N", defaultValue = "100000",
            description = "accepted events between snapshots (default 100000). Example: --snapshot-every 50000")
    long snapshotEvery;

    @Option(names = "--resume", paramLabel = "D",
            description = "continue a killed replay from the newest valid snapshot in D (older ones past damaged ones, "
                    + "which are set aside as .damaged; from line 1 if every one is damaged), with the same flags, and "
                    + "keep snapshotting into D. The result is that of an uninterrupted run. A missing D, a D without "
                    + "snapshots, or a snapshot of another input, schema, key or option is refused (exit 2) and "
                    + "nothing in D is changed. Example: --resume state/")
    Path resumeDir;

    @Option(names = "--resume-or-start", paramLabel = "D",
            description = "as --resume, but when D is missing or holds no snapshot, start from line 1 and snapshot "
                    + "into D: for a script that runs the same command again after a crash. "
                    + "Example: --resume-or-start state/")
    Path resumeOrStartDir;

    @Option(names = "--start-over",
            description = "with --snapshot-dir D holding an earlier run's snapshots: start from line 1 anyway; a first "
                    + "snapshot is written at once and the old ones are then removed. Example: --snapshot-dir state/ "
                    + "--start-over")
    boolean startOver;

    @Option(names = "--forget", paramLabel = "USERS.txt",
            description = "user ids to forget, one per line, byte for byte: UTF-8 (a byte-order mark is skipped), "
                    + "lines end in \\n or \\r\\n, nothing is trimmed, empty and blank lines are skipped; a line that "
                    + "starts with \" is a JSON string literal, for an id with a line break, surrounding blanks or a "
                    + "leading quote (\"a\\nb\"). Their events are dropped before the engine and any "
                    + "restored state of theirs is removed (with an audit entry per user when --audit-log is given); "
                    + "with a snapshot directory a fresh snapshot is written at once and every older one deleted, and "
                    + "their rejected lines lose their text; the summary gains \"forgotten_events\". "
                    + "Example: --forget erasure-requests.txt")
    Path forgetFile;

    @Option(names = "--audit-log", paramLabel = "A.jsonl",
            description = "append one JSON line per forgotten user (no raw id: its SHA-256, or its pseudonym). "
                    + "Example: --audit-log audit.jsonl")
    Path auditFile;

    @Option(names = "--pseudonymise-key", paramLabel = "K",
            description = "file holding a secret key of at least 32 bytes (64 hex digits): user ids become "
                    + "HMAC-SHA-256 pseudonyms before anything is stored or written; rejected lines are then written "
                    + "without their text. " + CliSupport.KEY_FILE_RULE + " Example: --pseudonymise-key secret.key")
    Path pseudonymKeyFile;

    @Option(names = "--allow-attributes", paramLabel = "A,B", split = ",",
            description = "keep only these attributes of each event; the others are dropped at ingestion. "
                    + "Example: --allow-attributes product,category,amount")
    List<String> allowAttributes;

    @Option(names = "--encryption-key", paramLabel = "K",
            description = "file holding an AES key of 16, 24 or 32 bytes (32, 48 or 64 hex digits): snapshots are "
                    + "encrypted with AES-GCM (so it needs --snapshot-dir, --resume or --resume-or-start). "
                    + CliSupport.KEY_FILE_RULE + " Example: --encryption-key aes.key")
    Path encryptionKeyFile;

    @Option(names = "--ttl", paramLabel = "DURATION",
            description = "expire profiles idle longer than this in event time: an ISO-8601 duration of days, hours, "
                    + "minutes and seconds such as P90D or PT12H (not P1Y or P3M: years and months have no fixed "
                    + "length); an expired profile is not written and its user starts again. Example: --ttl P90D")
    String ttl;

    @Option(names = "--summary", paramLabel = "S.json",
            description = "also write the summary line as a JSON file, with \"diagnostics\" (what the live models "
                    + "recorded for the report: prequential scores, AUC over time, versions, drift alarms, the "
                    + "forecast) when --models is given. Example: --summary summary.json")
    Path summaryFile;

    @Option(names = "--audiences", paramLabel = "A.json",
            description = "audiences to keep exact: {\"audiences\":[{\"name\":\"lapsed\",\"rule\":\"since_seen > "
                    + "P30D\"}]} (rule language in docs/PROFILE-SPEC.md); each profile gains \"audiences\" and the "
                    + "summary their sizes. Example: --audiences examples/ecommerce/audiences.json")
    Path audiencesFile;

    @Option(names = "--audience-log", paramLabel = "L.jsonl",
            description = "write every audience change (enter, exit, revise) as JSON Lines, per user in event-time "
                    + "order; needs --audiences. Example: --audience-log changes.jsonl")
    String audienceLogFile;

    private final PrintStream out;
    private final PrintStream err;
    /** The --audience-log output while the replay runs, or null. */
    private CliIo.Output audienceLog;
    /** Where audience changes are written: the output, or with snapshots the log kept in the directory. */
    private BufferedWriter audienceWriter;
    /** With snapshots: the stream of the log kept in the directory, and the lines written to it. */
    private java.io.FileOutputStream audienceLogStream;
    private long audienceLogLines;
    /** The audiences read from --audiences, or null. */
    private List<dev.profilekit.core.audience.AudienceRule> audienceRules;

    ReplayCommand() {
        this(System.out, System.err);
    }

    ReplayCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        // every output is checked before any work, so that a typo costs nothing
        jsonLinesOnly("--out", outFile);
        jsonLinesOnly("--rejects", rejectsFile);
        CliIo.checkWritable("--out", outFile);
        if (summaryFile != null) {
            CliIo.checkWritable("--summary", summaryFile.toString());
        }
        if (rejectsFile != null) {
            CliIo.checkWritable("--rejects", rejectsFile);
        }
        if (auditFile != null) {
            CliIo.checkWritable("--audit-log", auditFile.toString());
        }
        if (audienceLogFile != null) {
            if (audiencesFile == null) {
                throw new CliSupport.UsageException("--audience-log needs --audiences A.json (the audiences to log)");
            }
            CliIo.checkWritable("--audience-log", audienceLogFile);
        }
        CliSupport.requireReadable(schemaFile, "--schema");
        if (!CliIo.isStd(eventsFile)) {
            CliSupport.requireReadable(Path.of(eventsFile), "--events");
        }
        boolean csv = csvInput();
        if (parseThreads < 0 || parseThreads > 1) {
            throw new CliSupport.UsageException("--parse-threads must be 0 or 1, was " + parseThreads);
        }
        if ((resumeDir != null || snapshotDir != null || resumeOrStartDir != null) && (csv || CliIo.isStd(eventsFile)
                || CliIo.isGzip(eventsFile) || CliIo.isStd(rejectsFile) || CliIo.isGzip(rejectsFile))) {
            throw new CliSupport.UsageException(stateFlag()
                    + " needs --events to be a plain JSON Lines file (not -, .gz or CSV) and --rejects a plain file, "
                    + "was --events " + eventsFile + (rejectsFile != null ? " --rejects " + rejectsFile : ""));
        }
        if (asOfText != null) {
            asOf = CliSupport.parseTime(asOfText, "--as-of");
        }
        ProfileSchema schema;
        try {
            schema = ProfileSchema.fromJson(schemaFile);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new CliSupport.UsageException("unreadable schema " + schemaFile + ": " + CliSupport.oneLine(e), e);
        }
        EventLimits limits;
        try {
            limits = EventLimits.DEFAULT.withMaxLineBytes(maxLineBytes).withMaxTextLength(maxTextLength)
                    .withMaxAttributes(maxAttributes);
        } catch (IllegalArgumentException e) {
            throw new CliSupport.UsageException(CliSupport.oneLine(e), e);
        }
        ProfileUpdater.Builder b = ProfileUpdater.builder(schema).limits(limits);
        if (retention != null) {
            b.dedupRetention(retention);
        }
        if (modelsFile != null) {
            CliSupport.requireReadable(modelsFile, "--models");
            try {
                // retrains run inline: a replay gives the same output every time
                b.models(ModelsConfig.fromJson(modelsFile)).modelExecutor(Runnable::run);
            } catch (IllegalArgumentException | UncheckedIOException e) {
                throw new CliSupport.UsageException("bad models file " + modelsFile + ": " + CliSupport.oneLine(e), e);
            }
        }
        if (explainTop != null && (explainTop < 1 || modelsFile == null)) {
            throw new CliSupport.UsageException(explainTop < 1 ? "--explain must be >= 1, was " + explainTop
                    : "--explain needs --models M.json with a propensity section (it explains the propensity score)");
        }
        if (asOf != null) {
            b.applyUpTo(asOf);
        }
        if (now != null) {
            b.clock(java.time.Clock.fixed(java.time.Instant.ofEpochMilli(CliSupport.parseTime(now, "--now")),
                    java.time.ZoneOffset.UTC));
        }
        configurePrivacy(b);
        if (audiencesFile != null) {
            configureAudiences(b, schema);
        }
        if (snapshotEvery < 1) {
            throw new CliSupport.UsageException("--snapshot-every must be >= 1, was " + snapshotEvery);
        }
        Path stateDir = stateDir();
        if (encryptionKeyFile != null && stateDir == null) {
            throw new CliSupport.UsageException("--encryption-key only encrypts snapshots: give --snapshot-dir, "
                    + "--resume or --resume-or-start too");
        }
        if (resumeDir != null && !dev.profilekit.core.snapshot.SnapshotDirectory.holdsSnapshots(resumeDir)) {
            throw new CliSupport.UsageException("--resume " + resumeDir + ": "
                    + (Files.isDirectory(resumeDir) ? "the directory holds no snapshot"
                    : Files.exists(resumeDir) ? "not a directory" : "no such directory")
                    + ", so there is nothing to resume (--resume-or-start " + resumeDir
                    + " starts from line 1 when there is none)");
        }
        ForgottenIds forgotten = new ForgottenIds(forgetFile == null ? Set.of() : readUsers(forgetFile));
        try (SnapshotDir snaps = stateDir == null ? null
                : SnapshotDir.open(stateFlag(), stateDir, Path.of(eventsFile), stateOptions(csv))) {
            return replay(b, limits, csv, forgotten, snaps);
        }
    }

    /** The snapshot directory of --snapshot-dir, --resume or --resume-or-start (at most one of them), or null. */
    private Path stateDir() {
        int given = (snapshotDir != null ? 1 : 0) + (resumeDir != null ? 1 : 0) + (resumeOrStartDir != null ? 1 : 0);
        if (given > 1) {
            throw new CliSupport.UsageException("give one of --snapshot-dir, --resume and --resume-or-start "
                    + "(--resume and --resume-or-start keep snapshotting into their directory)");
        }
        if (startOver && snapshotDir == null) {
            throw new CliSupport.UsageException("--start-over needs --snapshot-dir D (it replaces the snapshots in D)");
        }
        return snapshotDir != null ? snapshotDir : resumeDir != null ? resumeDir : resumeOrStartDir;
    }

    private String stateFlag() {
        return snapshotDir != null ? "--snapshot-dir" : resumeDir != null ? "--resume" : "--resume-or-start";
    }

    /**
     * Every option that changes the state or the output, as a snapshot records it and a resume must match: secrets
     * as key ids (the schema and models are in the snapshot's header fingerprint, encryption in its flags).
     */
    private Map<String, String> stateOptions(boolean csv) {
        Map<String, String> o = new java.util.TreeMap<>();
        o.put("--pseudonymise-key", pseudonymKeyFile == null ? "none"
                : SnapshotDir.keyId(readKey(pseudonymKeyFile, "--pseudonymise-key")));
        o.put("--allow-attributes", allowAttributes == null ? "all"
                : String.join(",", new java.util.TreeSet<>(allowAttributes)));
        o.put("--ttl", ttl == null ? "none" : ttl.strip());
        o.put("--dedup-retention", retention == null ? "the default" : retention.name());
        o.put("--max-line-bytes", Integer.toString(maxLineBytes));
        o.put("--max-text-length", Integer.toString(maxTextLength));
        o.put("--max-attributes", Integer.toString(maxAttributes));
        o.put("--as-of", asOf == null ? "none" : Long.toString(asOf));
        o.put("--now", now == null ? "the system clock" : Long.toString(CliSupport.parseTime(now, "--now")));
        o.put("--format", csv ? "csv" : "jsonl");
        o.put("--rejects", rejectsFile == null ? "none" : "a file");
        if (audienceRules != null) { // a resume with other audiences, or without the log, is refused
            o.put("--audiences", audienceRules.stream().map(r -> r.audience() + " = '" + r.rule() + "'")
                    .collect(java.util.stream.Collectors.joining(", ")));
            o.put("--audience-log", audienceLogFile == null ? "none" : "a file");
        }
        return o;
    }

    /** Reads --audiences into the builder, with a listener writing --audience-log. */
    private void configureAudiences(ProfileUpdater.Builder b, ProfileSchema schema) {
        CliSupport.requireReadable(audiencesFile, "--audiences");
        try {
            audienceRules = dev.profilekit.core.audience.Audiences.read(audiencesFile, schema);
            b.audiences(audienceRules);
        } catch (IllegalArgumentException e) {
            throw new CliSupport.UsageException("--audiences " + CliSupport.oneLine(e), e);
        }
        if (audienceLogFile != null) {
            b.audienceListener(change -> {
                try {
                    audienceWriter.write(change.toJson());
                    audienceWriter.newLine();
                    audienceLogLines++;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write --audience-log " + audienceLogFile, e);
                }
            });
        }
    }

    /** The replay proper, once every flag is checked and the snapshot directory (if any) is locked. */
    private int replay(ProfileUpdater.Builder b, EventLimits limits, boolean csv, ForgottenIds forgotten,
                       SnapshotDir snaps) throws IOException {
        if (audienceLogFile == null) {
            return replayLogged(b, limits, csv, forgotten, snaps);
        }
        try (CliIo.Output log = CliIo.create("--audience-log", audienceLogFile)) {
            audienceLog = log;
            audienceWriter = log.writer();
            int code = replayLogged(b, limits, csv, forgotten, snaps);
            if (audienceLogStream != null) { // complete: copy the log kept in the snapshot directory
                audienceWriter.close();
                audienceLogStream = null;
                Files.copy(snaps.audienceLog(), log.stream());
            }
            log.commit();
            return code;
        } finally {
            audienceLog = null;
            audienceWriter = null;
            if (audienceLogStream != null) {
                audienceLogStream.close();
                audienceLogStream = null;
            }
        }
    }

    private int replayLogged(ProfileUpdater.Builder b, EventLimits limits, boolean csv, ForgottenIds forgotten,
                             SnapshotDir snaps) throws IOException {
        boolean resuming = resumeDir != null || resumeOrStartDir != null;
        if (snaps != null && !resuming && !startOver && snaps.holdsSnapshots()) {
            throw new CliSupport.UsageException("--snapshot-dir " + snapshotDir + " holds the snapshots of an earlier "
                    + "run: --resume " + snapshotDir + " continues it, --start-over begins again from line 1 "
                    + "(replacing them)");
        }
        ProfileUpdater updater;
        long rejected = 0;
        long forgottenEvents = 0;
        long offset = 0;
        long linesBefore = 0;
        long rejectsLines = 0;
        if (snaps != null && resuming) {
            Path dir = resumeDir != null ? resumeDir : resumeOrStartDir;
            dev.profilekit.core.snapshot.SnapshotDirectory.Restored restored = snaps.restore(() -> build(b));
            updater = restored.updater();
            for (dev.profilekit.core.snapshot.SnapshotDirectory.Damaged d : restored.damaged()) {
                err.println("replay: warning: damaged snapshot set aside as " + d.file() + ": "
                        + CliSupport.oneLine(new IllegalStateException(d.reason())));
            }
            if (restored.snapshot().isPresent()) {
                Map<String, String> meta = restored.snapshot().get().metadata();
                offset = Long.parseLong(meta.get("offset"));
                linesBefore = Long.parseLong(meta.get("line"));
                rejected = Long.parseLong(meta.get("rejected"));
                rejectsLines = Long.parseLong(meta.get("rejects_lines"));
                audienceLogLines = Long.parseLong(meta.getOrDefault(AUDIENCE_LOG_LINES, "0"));
                forgottenEvents = Long.parseLong(meta.get("forgotten_events"));
                err.println("replay: resuming from " + restored.snapshot().get().file() + " at line " + (linesBefore + 1));
            } else if (!restored.damaged().isEmpty()) {
                err.println("replay: warning: every snapshot in " + dir + " is damaged (set aside, kept until a new "
                        + "snapshot is written); starting from line 1");
            } else {
                err.println("replay: no valid snapshot in " + dir + "; starting from line 1");
            }
        } else {
            updater = build(b);
        }
        boolean keepRejects = snaps != null && rejectsFile != null;
        if (keepRejects && resuming) {
            // cut back to what the snapshot counted, forgotten ids' lines without their text
            SnapshotDir.keepLines(snaps.rejects(), rejectsLines, forgotten);
        }
        if (snaps != null && audienceLogFile != null) {
            // kept in the directory while the run lasts, cut back to what the restored snapshot counted
            SnapshotDir.keepLines(snaps.audienceLog(), resuming ? audienceLogLines : 0, new ForgottenIds(Set.of()));
            audienceLogLines = resuming ? audienceLogLines : 0;
            audienceLogStream = new java.io.FileOutputStream(snaps.audienceLog().toFile(), true);
            audienceWriter = new BufferedWriter(new java.io.OutputStreamWriter(audienceLogStream,
                    StandardCharsets.UTF_8), 1 << 16);
        }
        Set<String> users = forgotten.ids();
        if (snaps != null && (startOver || forgetFile != null)) {
            // at once: no snapshot older than this one (of the earlier run, or holding forgotten users) stays
            snaps.forget(updater, users, withLogLines(snaps.metadata(linesBefore, offset, rejected, rejectsLines,
                    forgottenEvents)));
        } else {
            for (String user : users) {
                updater.forget(user);
            }
        }
        if (keepRejects && !resuming) {
            SnapshotDir.keepLines(snaps.rejects(), 0, new ForgottenIds(Set.of()));
        }

        JsonFactory json = new JsonFactory();
        java.io.FileOutputStream rejectsStream = null;
        BufferedWriter rejects = null;
        CliIo.Output rejectsOut = null;
        try {
            if (keepRejects) {
                rejectsStream = new java.io.FileOutputStream(snaps.rejects().toFile(), true);
                rejects = new BufferedWriter(new java.io.OutputStreamWriter(rejectsStream, StandardCharsets.UTF_8),
                        1 << 16);
            } else if (rejectsFile != null) {
                rejectsOut = CliIo.create("--rejects", rejectsFile);
                rejects = rejectsOut.writer();
            }
            // counts the bytes skipped to the resume position too
            java.util.concurrent.atomic.AtomicLong bytesRead = new java.util.concurrent.atomic.AtomicLong();
            java.io.InputStream input = CliIo.openInput("--events", eventsFile, bytesRead);
            input.skipNBytes(offset);
            Progress progress = new Progress("replay", err, quiet, System.console() != null, progressEvery,
                    CliIo.size(eventsFile), bytesRead::get, linesBefore, offset);
            EventReader reader = csv ? new CsvEventReader(input, limits.maxLineBytes())
                    : new JsonLinesReader(EventLines.resume(input, limits.maxLineBytes(), offset, linesBefore));
            if (parseThreads > 0) {
                reader = new PipelinedEventReader(reader, 1024, 16);
            }
            long lineNo = linesBefore;
            String firstRejected = null; // the text of line 1 when it is rejected: is the format the other one?
            try (EventReader in = reader) {
                long nextSnapshot = updater.counts().accepted() + snapshotEvery;
                ParsedEvent line;
                while ((line = in.next()) != null) {
                    lineNo = line.line();
                    InvalidEventException error = line.error();
                    String user = null; // of a line that parsed
                    if (error == null) {
                        try {
                            dev.profilekit.core.engine.Event e = line.event();
                            user = e.user();
                            if (!forgotten.isEmpty() && forgotten.contains(user)) {
                                forgottenEvents++;
                            } else {
                                updater.onEvent(e);
                            }
                        } catch (InvalidEventException e) {
                            error = e;
                        }
                    }
                    if (error != null) {
                        if (lineNo == 1) {
                            firstRejected = line.text();
                        }
                        rejected++;
                        if (rejects != null) {
                            writeReject(json, rejects, lineNo, error, line.text(),
                                    rejectWithText(user, line.text(), forgotten));
                            rejectsLines++;
                        }
                    }
                    long accepted = snaps == null ? 0 : updater.counts().accepted();
                    if (snaps != null && accepted >= nextSnapshot) {
                        nextSnapshot = accepted + snapshotEvery;
                        if (keepRejects) {
                            rejects.flush();
                            rejectsStream.getFD().sync(); // the rejects a snapshot counts are on disk before it is
                        }
                        if (audienceLogStream != null) { // the changes a snapshot counts are on disk before it is
                            audienceWriter.flush();
                            audienceLogStream.getFD().sync();
                        }
                        snaps.write(updater, withLogLines(snaps.metadata(lineNo, line.offset(), rejected,
                                rejectsLines, forgottenEvents)));
                    }
                    progress.update(lineNo);
                }
                progress.finish(lineNo);
            } catch (IllegalArgumentException e) {
                if (csv && lineNo == linesBefore) { // the CSV header cannot be read
                    throw new CliSupport.UsageException("--events " + eventsFile + ": " + CliSupport.oneLine(e)
                            + (firstLineIsJson() ? "; line 1 is a JSON object: for JSON Lines pass --format jsonl"
                            : ""), e);
                }
                throw e;
            }
            if (linesBefore == 0) {
                checkInputFound(updater, csv, lineNo, rejected, firstRejected);
            }
            if (keepRejects) {
                rejects.close();
                rejects = null;
                rejectsOut = CliIo.create("--rejects", rejectsFile);
                Files.copy(snaps.rejects(), rejectsOut.stream());
            }
            if (rejectsOut != null) {
                rejectsOut.commit(); // complete: every line is read (and on standard output before the summary)
            }
            return finish(updater, rejected, forgottenEvents);
        } finally {
            if (rejects != null && rejectsOut == null) {
                rejects.close();
            }
            if (rejectsOut != null) {
                rejectsOut.close(); // discards it unless committed
            }
        }
    }

    /** The metadata key of the audience log's line count. */
    private static final String AUDIENCE_LOG_LINES = "audience_log_lines";

    /** A snapshot's metadata with the audience log's line count, when the log is kept in the directory. */
    private Map<String, String> withLogLines(Map<String, String> meta) {
        if (audienceLogStream == null) {
            return meta;
        }
        Map<String, String> m = new java.util.LinkedHashMap<>(meta);
        m.put(AUDIENCE_LOG_LINES, Long.toString(audienceLogLines));
        return m;
    }

    /**
     * Whether a rejected line is written with its text and message: not when pseudonymising (they may hold ids),
     * nor when it is a forgotten user's (by the parsed user when the line parsed, else when the text holds a
     * forgotten id in any form).
     */
    private boolean rejectWithText(String user, String text, ForgottenIds forgotten) {
        if (pseudonymKeyFile != null) {
            return false;
        }
        return user != null ? !forgotten.contains(user) : !forgotten.inLine(text);
    }

    /** Ends the replay: the models, the profiles, the summary line and the --summary file. */
    private int finish(ProfileUpdater updater, long rejected, long forgottenEvents)
            throws IOException {
        Optional<Long> latest = updater.latestAcceptedTime();
        if (latest.isPresent() || asOf != null) {
            try {
                updater.finishReplay(asOf != null ? asOf : latest.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while finishing the models", e);
            }
        }
        if (audiencesFile != null && (latest.isPresent() || asOf != null)) {
            updater.advanceClock(asOf != null ? asOf : latest.get()); // time-driven changes up to the end
        }
        int recommendK = updater.models().flatMap(m -> m.recommendStats()).map(RecommendStats::k).orElse(0);
        if (recommendK > 0 || explainTop != null || audiencesFile != null) {
            writeWithExtras(updater, recommendK, asOf != null ? asOf : latest.orElse(null));
        } else {
            try (CliIo.Output o = CliIo.create("--out", outFile)) {
                List<String> users = asOf != null || latest.isPresent() ? updater.users() : List.of();
                long t = asOf != null ? asOf : latest.orElse(0L);
                // the profile file's format lives in core (ProfileJson.writeLines), shared with profile-flink
                ProfileUpdater u = updater;
                ProfileJson.writeLines(() -> users.stream().map(user -> u.profileByKey(user, t)).iterator(),
                        o.writer());
                o.commit();
            }
        }
        ProfileUpdater.Counts c = updater.counts();
        StringBuilder summary = new StringBuilder();
        summary.append("{\"accepted\":").append(c.accepted()).append(",\"duplicate\":").append(c.duplicate())
                .append(",\"late\":").append(c.late()).append(",\"rejected\":").append(rejected);
        if (forgetFile != null) {
            summary.append(",\"forgotten_events\":").append(forgottenEvents);
        }
        Optional<ModelStatus> status = updater.modelStatus();
        if (status.isPresent()) {
            ModelStatus st = status.get();
            Prequential p = st.prequential();
            if (p != null) {
                summary.append(",\"prequential\":{\"auc\":").append(number(p.auc())).append(",\"log_loss\":")
                        .append(number(p.logLoss())).append(",\"examples\":").append(p.examples()).append('}');
            }
            summary.append(",\"model_version\":").append(st.modelVersion()).append(",\"drift_alarms\":")
                    .append(st.driftAlarms());
        }
        Optional<RecommendStats> rec = updater.models().flatMap(m -> m.recommendStats());
        if (rec.isPresent()) {
            RecommendStats rs = rec.get();
            summary.append(",\"recommend\":{\"recall_at_k\":").append(number(rs.recallAtK()))
                    .append(",\"ndcg_at_k\":").append(number(rs.ndcgAtK())).append(",\"users\":").append(rs.users())
                    .append('}');
        }
        if (audiencesFile != null) {
            summary.append(ProfileExtras.audienceSizes(updater.audienceSizes()));
        }
        out.println(summary.append('}'));
        writeSummaryFile(updater, summary);
        return 0;
    }

    /** {@code --summary}: the printed summary object, plus {@code "diagnostics"} when models are configured. */
    private void writeSummaryFile(ProfileUpdater updater, StringBuilder summary) throws IOException {
        if (summaryFile == null) {
            return;
        }
        Optional<dev.profilekit.core.live.ModelDiagnostics> diagnostics =
                updater.models().map(dev.profilekit.core.models.LiveModels::diagnostics);
        String text = diagnostics.isEmpty() ? summary.toString()
                : summary.substring(0, summary.length() - 1) + ",\"diagnostics\":" + diagnostics.get().toJson() + "}";
        CliIo.writeString("--summary", summaryFile.toString(), text + "\n");
    }

    /**
     * The profiles as {@link ProfileJson} writes them, each with {@code "recommendations": [["p12", 0.83], ...]}
     * (the recommend section's k items as of the same time; left out when k is 0), with {@code --audiences}
     * {@code "audiences": ["lapsed", ...]} (sorted) and, with {@code --explain N},
     * {@code "explain": {"propensity": {"intercept": b, "top": [["input", c], ...]}}} before its closing brace;
     * lines as without models.
     */
    private void writeWithExtras(ProfileUpdater updater, int k, Long t) throws IOException {
        try (CliIo.Output o = CliIo.create("--out", outFile)) {
            BufferedWriter w = o.writer();
            boolean first = true;
            if (t != null) {
                for (String user : updater.users()) {
                    String profile = ProfileJson.toJson(updater.profileByKey(user, t));
                    if (!first) {
                        w.write('\n');
                    }
                    first = false;
                    w.write(profile, 0, profile.length() - 1);
                    if (k > 0) {
                        w.write(ProfileExtras.recommendations(updater.recommendByKey(user, k, t)));
                    }
                    if (audiencesFile != null) {
                        w.write(ProfileExtras.audiences(updater.audiencesByKey(user, t)));
                    }
                    if (explainTop != null) {
                        w.write(",\"explain\":");
                        w.write(ExplanationJson.propensityTop(updater.explainByKey(user, t)
                                .flatMap(e -> e.propensity()), explainTop));
                    }
                    w.write('}');
                }
            }
            if (!first) {
                w.newLine();
            }
            o.commit();
        }
    }

    /**
     * After a replay from line 1: a note on stderr when the input held no line at all (the profiles file is then
     * empty), and a usage error when every line was rejected as not JSON and the first one is a CSV header (the
     * format follows the file name, so a CSV file not named .csv needs --format csv).
     */
    private void checkInputFound(ProfileUpdater updater, boolean csv, long lines, long rejected, String first) {
        ProfileUpdater.Counts c = updater.counts();
        if (lines == 0) {
            err.println("profilekit: warning: --events " + eventsFile + " holds no events (it is empty), so "
                    + (CliIo.isStd(outFile) ? "no profile is written" : "the profiles file " + outFile + " is empty"));
        } else if (!csv && c.accepted() + c.duplicate() + c.late() == 0 && rejected > 0 && first != null
                && CsvEventReader.looksLikeHeader(first)) {
            throw new CliSupport.UsageException("--events " + eventsFile + ": all " + rejected + " lines were "
                    + "rejected as not JSON, and line 1 is a CSV header (" + CliSupport.validUnicode(
                    first.length() > 60 ? first.substring(0, 60) + "..." : first) + "); pass --format csv "
                    + "(the format follows the name only for .csv and .csv.gz)");
        }
    }

    /**
     * Refuses an output named as CSV: replay writes JSON Lines only, and dataset takes a .csv name to mean CSV, so
     * writing JSON into it would mislead.
     */
    private static void jsonLinesOnly(String flag, String file) {
        String name = file == null ? "" : file.toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".csv") || name.endsWith(".csv.gz")) {
            throw new CliSupport.UsageException(flag + " " + file + ": replay writes JSON Lines, not CSV; name it "
                    + ".jsonl (or .jsonl.gz)" + ("--out".equals(flag) ? ", or for a CSV table of features as of "
                    + "given times use dataset --out T.csv" : ""));
        }
    }

    /** Whether the events' first line (read again, when it is not standard input) starts a JSON object. */
    private boolean firstLineIsJson() {
        if (CliIo.isStd(eventsFile)) {
            return false;
        }
        try (java.io.InputStream in = CliIo.openInput("--events", eventsFile, null)) {
            int c = in.read();
            if (c == 0xEF) { // a UTF-8 byte-order mark
                in.skipNBytes(2);
                c = in.read();
            }
            while (c == ' ' || c == '\t') {
                c = in.read();
            }
            return c == '{';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether the events are CSV: --format, else by the file name. */
    private boolean csvInput() {
        if (format != null) {
            return switch (format.toLowerCase(java.util.Locale.ROOT)) {
                case "csv" -> true;
                case "jsonl", "json" -> false;
                default -> throw new CliSupport.UsageException("--format must be jsonl or csv, was '" + format + "'");
            };
        }
        String name = eventsFile.toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".csv") || name.endsWith(".csv.gz");
    }

    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    /**
     * One line of a rejects file: line number and reason, with the message and the line's text if asked, both
     * bounded as {@link RejectText} says. With {@code withText} false (pseudonymising) only the line and reason:
     * message and text may hold ids.
     */
    static void writeReject(JsonFactory json, BufferedWriter w, long lineNo, InvalidEventException e,
                                    String line, boolean withText) throws IOException {
        try (JsonGenerator g = json.createGenerator(w)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeNumberField("line", lineNo);
            g.writeStringField("reason", e.reason().name());
            if (withText) {
                RejectText.write(g, e.getMessage(), line);
            }
            g.writeEndObject();
        }
        w.newLine();
    }

    private ProfileUpdater build(ProfileUpdater.Builder b) {
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CliSupport.UsageException((modelsFile != null ? "bad models file " + modelsFile + ": " : "")
                    + CliSupport.oneLine(e), e);
        }
    }

    private void configurePrivacy(ProfileUpdater.Builder b) {
        try {
            if (pseudonymKeyFile != null) {
                b.pseudonymise(readKey(pseudonymKeyFile, "--pseudonymise-key"));
            }
            if (encryptionKeyFile != null) {
                b.encryptionKey(readKey(encryptionKeyFile, "--encryption-key"));
            }
            if (allowAttributes != null) {
                b.allowAttributes(allowAttributes);
            }
            if (ttl != null) {
                b.ttl(CliSupport.parseDuration(ttl, "--ttl"));
            }
            if (auditFile != null) {
                b.auditLog(dev.profilekit.core.privacy.AuditLog.jsonLines(auditFile));
            }
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw new CliSupport.UsageException(CliSupport.oneLine(e), e);
        }
    }

    /**
     * A key file, as {@link dev.profilekit.core.privacy.KeyFile} reads it (raw bytes, or hex text: hex digits and
     * white space only), checked for the lengths {@code flag} needs: {@code --encryption-key} an AES key, any other
     * a pseudonymisation key.
     */
    static byte[] readKey(Path file, String flag) {
        try {
            return dev.profilekit.core.privacy.KeyFile.read(file, flag, "--encryption-key".equals(flag)
                    ? dev.profilekit.core.privacy.KeyFile.Use.AES
                    : dev.profilekit.core.privacy.KeyFile.Use.PSEUDONYMISATION);
        } catch (IllegalArgumentException e) {
            throw new CliSupport.UsageException(CliSupport.oneLine(e), e);
        }
    }

    /** The {@code --forget} file's user ids, as {@link dev.profilekit.core.privacy.ForgetList} reads them. */
    private static Set<String> readUsers(Path file) {
        CliSupport.requireReadable(file, "--forget");
        try {
            return dev.profilekit.core.privacy.ForgetList.read(file);
        } catch (IllegalArgumentException e) {
            throw new CliSupport.UsageException("--forget file " + file + ": " + CliSupport.oneLine(e), e);
        } catch (IOException e) {
            throw new CliSupport.UsageException("cannot read --forget file " + file + ": " + e.getMessage(), e);
        }
    }
}
