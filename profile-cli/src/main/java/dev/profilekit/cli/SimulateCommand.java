package dev.profilekit.cli;

import dev.profilekit.core.engine.Event;
import dev.profilekit.sim.EcommerceSimulator;
import dev.profilekit.sim.SimulationJson;
import dev.profilekit.sim.SimulationOptions;
import dev.profilekit.sim.SimulationResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code profilekit simulate}: a synthetic e-commerce event log and its ground truth. */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes a synthetic e-commerce event log (JSON Lines, the profile specification's format, "
                + "integer epoch-ms ts, in time order) and the ground truth per user, for tests, demos and benchmarks.",
                "Users have a latent segment (each with a dominant category, its own activity and order values) and "
                        + "a purchase rate per day (activity x conversion, Poisson purchases); with --drift-day the "
                        + "conversion levels invert and the dominant categories rotate from that day on.",
                "Truth lines: {\"user\", \"segment\", \"purchase_rate_per_day\", \"p_purchase_next_day\", "
                        + "\"events_per_day\"}, "
                        + "rates as in force at the end of the stream, p_purchase_next_day = 1 - exp(-rate).",
                "The same flags always give byte-identical files. The last line on stdout is a JSON summary; "
                        + "progress goes to stderr at most once a second.",
                "Exit codes: 0 done, 1 failure while running, 2 bad flag or unwritable output.",
                "Example:",
                "  java -jar profilekit.jar simulate --users 10000 --days 60 --seed 42 \\",
                "      --drift-day 40 --out events.jsonl --truth truth.jsonl"})
final class SimulateCommand implements Callable<Integer> {

    @Option(names = "--users", required = true, paramLabel = "N",
            description = "number of users, 1..10000000 (named u0, u1, ... zero-padded). Example: --users 2000")
    int users;

    @Option(names = "--days", required = true, paramLabel = "D",
            description = "length of the stream in days of 24 h, 1..3650. Example: --days 30")
    int days;

    @Option(names = "--seed", required = true, paramLabel = "S",
            description = "random seed (any long); the same seed gives the same files. Example: --seed 42")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "E.jsonl",
            description = "where to write the events, one JSON object per line. Example: --out events.jsonl")
    Path outFile;

    @Option(names = "--drift-day", paramLabel = "K", defaultValue = "-1",
            description = "behaviour shifts at the start of day K, 1..D-1; -1 (default) for none. Example: --drift-day 20")
    int driftDay;

    @Option(names = "--segments", paramLabel = "G", defaultValue = "4",
            description = "number of latent segments, 1..8 (default 4). Example: --segments 4")
    int segments;

    @Option(names = "--truth", paramLabel = "T.jsonl",
            description = "where to write the truth, one JSON object per user. Default: beside --out, "
                    + "E.truth.jsonl (events.jsonl -> events.truth.jsonl). Example: --truth truth.jsonl")
    Path truthFile;

    @Option(names = "--start", paramLabel = "INSTANT", defaultValue = "2026-01-01T00:00:00Z",
            description = "start of the stream, an ISO-8601 instant (default 2026-01-01T00:00:00Z). "
                    + "Example: --start 2026-03-01T00:00:00Z")
    String start;

    @Option(names = "--collaborative",
            description = "choose products by latent tastes with popularity skew (users who share a taste share "
                    + "products), the structure recommenders learn; half of the purchases then come without a "
                    + "preceding session. Default off: the original stream. Example: --collaborative")
    boolean collaborative;

    @Option(names = "--jitter-ms", paramLabel = "MS", defaultValue = "0",
            description = "out-of-order jitter: each ts is moved back by up to MS ms, 0..3600000 (default 0, in order). "
                    + "Replay accepts all of it if the schema's allowed_lateness is at least MS. Example: --jitter-ms 60000")
    long jitterMs;

    private final PrintStream out;
    private final PrintStream err;

    SimulateCommand() {
        this(System.out, System.err);
    }

    SimulateCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        SimulationOptions options = options();
        Path truth = truthFile != null ? truthFile : defaultTruthPath(outFile);
        if (truth.toAbsolutePath().normalize().equals(outFile.toAbsolutePath().normalize())) {
            throw new CliSupport.UsageException("--truth must differ from --out, both were " + outFile);
        }
        requireWritable(outFile, "--out");
        requireWritable(truth, "--truth");

        SimulationResult sim = EcommerceSimulator.run(options);
        try (CliIo.Output o = CliIo.create("--truth", truth.toString())) {
            SimulationJson.writeTruthLines(sim.truth(), o.writer());
            o.commit();
        }
        long events;
        try (CliIo.Output o = CliIo.create("--out", outFile.toString())) {
            events = SimulationJson.writeEventLines(new Progress(sim.iterator(), err), o.writer());
            o.commit();
        }
        out.println("{\"events\":" + events + ",\"users\":" + users + ",\"days\":" + days + "}");
        return 0;
    }

    private SimulationOptions options() {
        long startMs;
        try {
            startMs = Instant.parse(start).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new CliSupport.UsageException("--start must be an ISO-8601 instant such as 2026-01-01T00:00:00Z, was "
                    + start);
        }
        require(users >= 1 && users <= SimulationOptions.MAX_USERS,
                "--users must be in [1, " + SimulationOptions.MAX_USERS + "], was " + users);
        require(days >= 1 && days <= SimulationOptions.MAX_DAYS,
                "--days must be in [1, " + SimulationOptions.MAX_DAYS + "], was " + days);
        require(driftDay == -1 || driftDay >= 1 && driftDay < days,
                "--drift-day must be -1 (none) or in [1, " + (days - 1) + "] for --days " + days + ", was " + driftDay);
        require(segments >= 1 && segments <= SimulationOptions.MAX_SEGMENTS,
                "--segments must be in [1, " + SimulationOptions.MAX_SEGMENTS + "], was " + segments);
        require(jitterMs >= 0 && jitterMs <= SimulationOptions.MAX_JITTER_MS,
                "--jitter-ms must be in [0, " + SimulationOptions.MAX_JITTER_MS + "], was " + jitterMs);
        try {
            return new SimulationOptions(users, days, seed, driftDay, segments, startMs, jitterMs, collaborative);
        } catch (IllegalArgumentException e) {
            throw new CliSupport.UsageException(CliSupport.oneLine(e), e);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new CliSupport.UsageException(message);
        }
    }

    /** E.jsonl -> E.truth.jsonl; any other name gets ".truth.jsonl" appended. */
    static Path defaultTruthPath(Path events) {
        String name = events.getFileName().toString();
        String base = name.endsWith(".jsonl") ? name.substring(0, name.length() - ".jsonl".length()) : name;
        return events.resolveSibling(base + ".truth.jsonl");
    }

    private static void requireWritable(Path file, String flag) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new CliSupport.UsageException(flag + " directory does not exist: " + parent);
        }
        if (Files.isDirectory(file)) {
            throw new CliSupport.UsageException(flag + " is a directory: " + file);
        }
        if (Files.exists(file) && !Files.isWritable(file)) {
            throw new CliSupport.UsageException(flag + " file is not writable: " + file);
        }
    }

    /** The least time between two progress lines; tests lower it to see progress on a small run. */
    static volatile long progressNanos = 1_000_000_000L;

    /** Passes events through, reporting the rate on stderr at most once a second. */
    private static final class Progress implements Iterator<Event> {
        private final Iterator<Event> in;
        private final PrintStream err;
        private final long started = System.nanoTime();
        private long lastReport = started;
        private long n;

        Progress(Iterator<Event> in, PrintStream err) {
            this.in = in;
            this.err = err;
        }

        @Override
        public boolean hasNext() {
            return in.hasNext();
        }

        @Override
        public Event next() {
            Event e = in.next();
            if ((++n & 0xFFFF) == 0) {
                long now = System.nanoTime();
                if (now - lastReport >= progressNanos) {
                    lastReport = now;
                    err.printf("simulate: %,d events, %,.0f events/s%n", n, n / ((now - started) / 1e9));
                }
            }
            return e;
        }
    }
}
