package dev.profilekit.cli;

import dev.profilekit.core.engine.DedupRetention;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.engine.SnapshotMismatchException;
import dev.profilekit.core.io.ProfileExtras;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.snapshot.SnapshotDirectory;
import dev.profilekit.kafka.KafkaProfileRunner;
import dev.profilekit.kafka.RecordFormat;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code profilekit consume}: a Kafka topic of events in, exact profiles kept, snapshotted with the offsets. */
@Command(name = "consume", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reads every partition of a Kafka topic of events (keyed by user) into the profile engine, "
                + "snapshotting into --snapshot-dir every --snapshot-every records or --snapshot-interval, with the "
                + "offsets of exactly the records each snapshot holds. Started again (after a crash too), it "
                + "restores the newest valid snapshot and reads on from its offsets: the result is that of an "
                + "uninterrupted run. Offsets are committed to --group only after a snapshot is durable, for "
                + "monitoring.",
                "Runs until stopped (SIGTERM or Ctrl-C: a last snapshot is written), or with --until-end until the "
                + "topic's end as of the start. The last line on stdout is a JSON summary {\"accepted\":N,"
                + "\"duplicate\":N,\"late\":N,\"rejected\":N,\"records\":N,\"snapshots\":N}.",
                "Exit codes: 0 done, 1 failure while running, 2 bad flag, unreadable schema or a snapshot of another "
                + "topic, format, schema or key.",
                "Example:",
                "  java -jar profilekit.jar consume --bootstrap-servers localhost:9092 --topic events \\",
                "      --schema examples/ecommerce/schema.json --snapshot-dir state/ --output-topic profiles"})
final class ConsumeCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT",
            description = "the Kafka brokers. Example: --bootstrap-servers localhost:9092")
    String bootstrapServers;

    @Option(names = "--topic", required = true, paramLabel = "T",
            description = "the topic of events, keyed by user; every partition is read. Example: --topic events")
    String topic;

    @Option(names = "--schema", required = true, paramLabel = "S.json",
            description = "the profile schema. Example: --schema schema.json")
    Path schemaFile;

    @Option(names = "--snapshot-dir", required = true, paramLabel = "D",
            description = "where snapshots (profiles, dedup state, offsets) are written and restored from; locked "
                    + "for the run. Example: --snapshot-dir state/")
    Path snapshotDir;

    @Option(names = "--group", paramLabel = "G",
            description = "consumer group to commit offsets to after each snapshot (for lag monitoring; never read "
                    + "back). Example: --group profilekit")
    String group;

    @Option(names = "--format", paramLabel = "F", defaultValue = "jsonl",
            description = "record values: jsonl (one JSON event each, the default) or csv (one row each, under "
                    + "--csv-header). Example: --format csv")
    String format;

    @Option(names = "--csv-header", paramLabel = "H",
            description = "with --format csv: the columns, id,user,type,ts then the attributes. "
                    + "Example: --csv-header id,user,type,ts,category,amount")
    String csvHeader;

    @Option(names = "--snapshot-every", paramLabel = "N", defaultValue = "100000",
            description = "records between snapshots, at most (default 100000). Example: --snapshot-every 50000")
    long snapshotEvery;

    @Option(names = "--snapshot-interval", paramLabel = "DURATION", defaultValue = "PT30S",
            description = "time between snapshots while records arrive, at most (default PT30S). "
                    + "Example: --snapshot-interval PT10S")
    String snapshotInterval;

    @Option(names = "--apply-threads", paramLabel = "N",
            description = "threads that parse and apply the records, each partition always on the same one (default: "
                    + "one per partition, at most one fewer than the processors, at least one). Example: "
                    + "--apply-threads 2")
    Integer applyThreads;

    @Option(names = "--output-topic", paramLabel = "T",
            description = "publish each changed profile (JSON, as of the user's latest event) keyed by user, for a "
                    + "compacted topic; at least once. Example: --output-topic profiles")
    String outputTopic;

    @Option(names = "--audiences", paramLabel = "A.json",
            description = "audiences to keep exact (see replay --audiences): the summary gains their sizes and --out's "
                    + "profiles each user's audiences; a snapshot of other audiences is refused. "
                    + "Example: --audiences examples/ecommerce/audiences.json")
    Path audiencesFile;

    @Option(names = "--audience-topic", paramLabel = "T",
            description = "publish every audience change (enter, exit, revise, as replay --audience-log lines) keyed "
                    + "by user, per user in order; at least once (after a restart the changes since the snapshot "
                    + "come again, in order); needs --audiences. Example: --audience-topic audience-changes")
    String audienceTopic;

    @Option(names = "--consumer-property", paramLabel = "K=V",
            description = "a Kafka consumer setting, repeatable. Example: --consumer-property "
                    + "max.poll.records=5000")
    Map<String, String> consumerProperties;

    @Option(names = "--until-end",
            description = "stop at the topic's end as of the start (after a last snapshot), instead of running until "
                    + "stopped")
    boolean untilEnd;

    @Option(names = "--out", paramLabel = "P.jsonl",
            description = "when the run ends, write every profile as of the largest accepted event time, as replay "
                    + "does. Example: --out profiles.jsonl")
    String outFile;

    @Option(names = "--models", paramLabel = "M.json",
            description = "live models to keep (see replay --models). Example: --models examples/live/models.json")
    Path modelsFile;

    @Option(names = "--dedup-retention", paramLabel = "MODE",
            description = "how long event ids are remembered (see replay). Example: --dedup-retention ALL")
    DedupRetention retention;

    @Option(names = "--pseudonymise-key", paramLabel = "K",
            description = "file holding a secret key: user ids become HMAC-SHA-256 pseudonyms before anything is "
                    + "stored or published. " + CliSupport.KEY_FILE_RULE + " Example: --pseudonymise-key secret.key")
    Path pseudonymKeyFile;

    @Option(names = "--allow-attributes", paramLabel = "A,B", split = ",",
            description = "keep only these attributes of each event. Example: --allow-attributes product,amount")
    List<String> allowAttributes;

    @Option(names = "--encryption-key", paramLabel = "K",
            description = "file holding an AES key: snapshots are encrypted with AES-GCM. "
                    + CliSupport.KEY_FILE_RULE + " Example: --encryption-key aes.key")
    Path encryptionKeyFile;

    @Option(names = "--ttl", paramLabel = "DURATION",
            description = "expire profiles idle longer than this in event time (see replay). Example: --ttl P90D")
    String ttl;

    @Option(names = "--quiet", description = "no messages on stderr")
    boolean quiet;

    private final PrintStream out;
    private final PrintStream err;

    ConsumeCommand() {
        this(System.out, System.err);
    }

    ConsumeCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        if (outFile != null) {
            CliIo.checkWritable("--out", outFile);
        }
        CliSupport.requireReadable(schemaFile, "--schema");
        ProfileSchema schema;
        try {
            schema = ProfileSchema.fromJson(schemaFile);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new CliSupport.UsageException("unreadable schema " + schemaFile + ": " + CliSupport.oneLine(e), e);
        }
        ProfileUpdater.Builder updaters = ProfileUpdater.builder(schema);
        if (audienceTopic != null && audiencesFile == null) {
            throw new CliSupport.UsageException("--audience-topic " + audienceTopic + " needs --audiences A.json (the "
                    + "audiences whose changes it publishes)");
        }
        if (audiencesFile != null) {
            CliSupport.requireReadable(audiencesFile, "--audiences");
            try {
                updaters.audiences(dev.profilekit.core.audience.Audiences.read(audiencesFile, schema));
            } catch (IllegalArgumentException e) {
                throw new CliSupport.UsageException("--audiences " + CliSupport.oneLine(e), e);
            }
        }
        if (retention != null) {
            updaters.dedupRetention(retention);
        }
        if (modelsFile != null) {
            CliSupport.requireReadable(modelsFile, "--models");
            try {
                updaters.models(ModelsConfig.fromJson(modelsFile));
            } catch (IllegalArgumentException | UncheckedIOException e) {
                throw new CliSupport.UsageException("bad models file " + modelsFile + ": " + CliSupport.oneLine(e), e);
            }
        }
        byte[] pseudonymKey = pseudonymKeyFile == null ? null
                : ReplayCommand.readKey(pseudonymKeyFile, "--pseudonymise-key");
        try {
            if (pseudonymKey != null) {
                updaters.pseudonymise(pseudonymKey);
            }
            if (encryptionKeyFile != null) {
                updaters.encryptionKey(ReplayCommand.readKey(encryptionKeyFile, "--encryption-key"));
            }
            if (allowAttributes != null) {
                updaters.allowAttributes(allowAttributes);
            }
            if (ttl != null) {
                updaters.ttl(CliSupport.parseDuration(ttl, "--ttl"));
            }
        } catch (IllegalArgumentException e) {
            throw new CliSupport.UsageException(CliSupport.oneLine(e), e);
        }
        KafkaProfileRunner.Builder b = KafkaProfileRunner.builder(updaters).bootstrapServers(bootstrapServers)
                .topic(topic).snapshotDirectory(snapshotDir).format(recordFormat());
        if (snapshotEvery < 1) {
            throw new CliSupport.UsageException("--snapshot-every must be >= 1, was " + snapshotEvery);
        }
        if (applyThreads != null && applyThreads < 1) {
            throw new CliSupport.UsageException("--apply-threads must be >= 1, was " + applyThreads);
        }
        java.time.Duration interval = CliSupport.parseDuration(snapshotInterval, "--snapshot-interval");
        if (interval.isZero() || interval.isNegative()) {
            throw new CliSupport.UsageException("--snapshot-interval must be positive, was " + snapshotInterval);
        }
        try {
            b.snapshotEvery(snapshotEvery).snapshotInterval(interval);
            if (applyThreads != null) {
                b.applyThreads(applyThreads);
            }
            if (group != null) {
                b.groupId(group);
            }
            if (outputTopic != null) {
                b.outputTopic(outputTopic);
            }
            if (audienceTopic != null) {
                b.audienceTopic(audienceTopic);
            }
            if (consumerProperties != null) {
                consumerProperties.forEach(b::consumerProperty);
            }
            // as replay records them: a restart with another value is refused instead of mixing two states
            b.snapshotOption("--pseudonymise-key", pseudonymKey == null ? "none" : SnapshotDir.keyId(pseudonymKey));
            b.snapshotOption("--allow-attributes", allowAttributes == null ? "all"
                    : String.join(",", new java.util.TreeSet<>(allowAttributes)));
            b.snapshotOption("--ttl", ttl == null ? "none" : ttl.strip());
            b.snapshotOption("--dedup-retention", retention == null ? "the default" : retention.name());
        } catch (IllegalArgumentException e) {
            throw new CliSupport.UsageException(CliSupport.oneLine(e), e);
        }
        try (KafkaProfileRunner runner = open(b)) {
            Optional<ProfileUpdater.SnapshotInfo> from = runner.restoredFrom();
            message(from.isPresent() ? "consume: resuming from " + from.get().file() + " at offsets "
                    + from.get().metadata().get(KafkaProfileRunner.OFFSETS)
                    : "consume: no snapshot in " + snapshotDir + "; reading " + topic + " from the beginning");
            message("consume: applying records on " + runner.applyThreads()
                    + (runner.applyThreads() == 1 ? " thread" : " threads"));
            run(runner);
            if (outFile != null) {
                writeProfiles(runner.updater());
            }
            KafkaProfileRunner.Stats s = runner.stats();
            ProfileUpdater.Counts c = s.counts();
            out.println("{\"accepted\":" + c.accepted() + ",\"duplicate\":" + c.duplicate() + ",\"late\":" + c.late()
                    + ",\"rejected\":" + s.rejected() + ",\"records\":" + s.records() + ",\"snapshots\":"
                    + s.snapshots()
                    + (audiencesFile == null ? "" : ProfileExtras.audienceSizes(runner.updater().audienceSizes()))
                    + "}");
        }
        return 0;
    }

    /** Runs until the end (--until-end) or until the JVM is asked to stop, which waits for the last snapshot. */
    private void run(KafkaProfileRunner runner) {
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            runner.stop();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "profilekit-consume-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (untilEnd) {
                runner.runToEnd();
            } else {
                runner.run();
            }
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down: the hook is running
            }
        }
    }

    private KafkaProfileRunner open(KafkaProfileRunner.Builder b) {
        try {
            return b.build();
        } catch (SnapshotDirectory.InUseException e) {
            throw new CliSupport.UsageException("--snapshot-dir " + snapshotDir + ": the directory is in use by "
                    + "another run (it holds the lock on " + snapshotDir.resolve(SnapshotDirectory.LOCK) + ")", e);
        } catch (SnapshotMismatchException e) {
            throw new CliSupport.UsageException("cannot resume from " + e.file() + ": " + SnapshotDir.explain(e)
                    + "; nothing was changed", e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CliSupport.UsageException(CliSupport.oneLine(e), e);
        }
    }

    private RecordFormat recordFormat() {
        switch (format.toLowerCase(java.util.Locale.ROOT)) {
            case "jsonl", "json" -> {
                if (csvHeader != null) {
                    throw new CliSupport.UsageException("--csv-header needs --format csv");
                }
                return RecordFormat.jsonLines();
            }
            case "csv" -> {
                if (csvHeader == null) {
                    throw new CliSupport.UsageException("--format csv needs --csv-header id,user,type,ts,<attributes> "
                            + "(record values are rows without a header)");
                }
                try {
                    return RecordFormat.csv(csvHeader);
                } catch (IllegalArgumentException e) {
                    throw new CliSupport.UsageException("--csv-header: " + CliSupport.oneLine(e), e);
                }
            }
            default -> throw new CliSupport.UsageException("--format must be jsonl or csv, was '" + format + "'");
        }
    }

    private void writeProfiles(ProfileUpdater updater) throws IOException {
        try (CliIo.Output o = CliIo.create("--out", outFile)) {
            Optional<Long> latest = updater.latestAcceptedTime();
            List<String> users = latest.isPresent() ? updater.users() : List.of();
            long t = latest.orElse(0L);
            if (audiencesFile == null) {
                ProfileJson.writeLines(() -> users.stream().map(u -> updater.profileByKey(u, t)).iterator(),
                        o.writer());
            } else { // each line with the user's audiences before its closing brace, as replay writes it
                java.io.BufferedWriter w = o.writer();
                for (int i = 0; i < users.size(); i++) {
                    w.write(i == 0 ? "" : "\n");
                    w.write(ProfileExtras.with(ProfileJson.toJson(updater.profileByKey(users.get(i), t)),
                            ProfileExtras.audiences(updater.audiencesByKey(users.get(i), t))));
                }
                if (!users.isEmpty()) {
                    w.newLine();
                }
            }
            o.commit();
        }
    }

    private void message(String text) {
        if (!quiet) {
            err.println(text);
        }
    }
}
