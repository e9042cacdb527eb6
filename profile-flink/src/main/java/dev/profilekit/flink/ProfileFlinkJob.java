package dev.profilekit.flink;

import dev.profilekit.core.engine.DedupRetention;
import dev.profilekit.core.engine.EventLimits;
import dev.profilekit.core.launch.Relaunch;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.util.CloseableIterator;

/**
 * {@code java -jar profilekit-flink.jar --schema S.json --events E.jsonl --out P.jsonl [--parallelism N] [--as-of MS]}:
 * the replay as a Flink job (on an embedded MiniCluster when run with {@code java -jar}), writing the same profile
 * file and the same summary line as {@code profilekit replay}.
 *
 * <p>From Kafka to Kafka: {@code --bootstrap-servers H:P --topic T --output-topic O} instead of {@code --events} and
 * {@code --out} reads the topic's partitions in parallel ({@link ProfilePipeline#kafkaSource}) and writes one profile
 * line per accepted event to {@code O}, keyed by user, exactly once ({@link ProfilePipeline#kafkaSink}); it
 * checkpoints every {@code --checkpoint-interval} (default PT10S), to {@code --checkpoint-dir URI} if given (kept on
 * cancellation), and restores from {@code --from-savepoint PATH}. Also {@code --group G}, {@code --format
 * jsonl|csv} with {@code --csv-header H}, {@code --transactional-id-prefix P}, {@code --kafka-property K=V}
 * (repeatable) and {@code --until-end} (read up to the end offsets at start, then print the summary line and exit).
 * With {@code --audiences A.json} each profile line ends with the user's {@code "audiences"} as of its time, and
 * {@code --audience-topic T} writes every audience change (ENTER, EXIT, REVISE, as {@code --audience-log} lines),
 * keyed by user, exactly once ({@link ProfilePipeline#audienceSink}); the timers fire as the watermark (the smallest
 * of the partitions' largest event times) passes them, and at the end of an {@code --until-end} run up to
 * {@code --as-of} when given. With {@code --models M.json} each profile line carries the scores of the versions the
 * scorer holds ({@link ModelPipeline}); {@code --summary S.json} needs {@code --until-end}.
 *
 * <p>Options: {@code --now T} (epoch ms; the clock events are checked against), {@code --dedup-retention MODE},
 * {@code --max-line-bytes N}, {@code --max-text-length N}, {@code --max-attributes N}, {@code --forget USERS.txt},
 * {@code --pseudonymise-key K}, {@code --allow-attributes A,B}, {@code --ttl DURATION}, {@code --state-backend
 * hashmap|rocksdb}, {@code --models M.json} (live models: propensity, segments, forecast, recommend; see
 * {@link ModelPipeline}), {@code --summary S.json} (the summary as replay's {@code --summary} writes it, with the
 * models' diagnostics), {@code --audiences A.json} (audiences per user with event-time timers, see
 * {@link ProfileFunction}; profiles and summary gain {@code "audiences"} as replay's do) with {@code --audience-log
 * L.jsonl} (every change as replay writes it; the file mode only: the Kafka mode has {@code --audience-topic}). Exit codes: 0 done, 1 failure while running, 2 bad usage or unreadable input.
 */
public final class ProfileFlinkJob {

    /** A bad flag or an unreadable input: one line on stderr, exit code 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The parsed command line. */
    record Options(Path schema, Path events, Path out, int parallelism, Long asOf, KernelSpec spec,
                   Set<String> forgotten, boolean forgetGiven, String stateBackend, Kafka kafka, Path summary,
                   Path audienceLog) {
    }

    /** The Kafka mode's options (null in the file mode); {@code audienceTopic} null when not given. */
    record Kafka(KafkaOptions io, java.time.Duration checkpointInterval, String checkpointDir, String fromSavepoint,
                 String audienceTopic, java.time.Duration partitionIdleTimeout) {
    }

    private ProfileFlinkJob() {
    }

    /** Runs the job and exits with its exit code. */
    public static void main(String[] args) {
        int relaunched = Relaunch.runIfWanted(fileJob(args), ProfileFlinkJob.class, args);
        System.exit(relaunched >= 0 ? relaunched : run(args, System.out, System.err));
    }

    /**
     * Whether {@code args} run the file job, which {@code java -jar} with no JVM options runs in a second JVM with
     * the parallel collector, as {@code profilekit replay} does ({@link Relaunch}): under G1 the job spends far more
     * CPU per event (BENCHMARKS.md, "Flink job"). The Kafka mode, a long-running service, keeps the JVM's default.
     */
    static boolean fileJob(String[] args) {
        List<String> a = List.of(args);
        return a.contains("--events") && !a.contains("--help") && !a.contains("-h");
    }

    /**
     * Runs the job: 0 done, 1 failure while running, 2 bad usage (a one-line message on {@code err}).
     *
     * @throws IllegalArgumentException if an argument is null
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args == null || out == null || err == null) {
            throw new IllegalArgumentException("args, out and err must not be null");
        }
        Options o;
        try {
            o = parse(args);
        } catch (UsageException e) {
            err.println("profilekit-flink: " + e.getMessage());
            return 2;
        }
        try {
            String summary = execute(o);
            out.println(summary);
            return 0;
        } catch (Exception e) {
            err.println("profilekit-flink: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    static String execute(Options o) throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // every type has our serializer: never Kryo
        conf.set(StateBackendOptions.STATE_BACKEND, o.stateBackend());
        if (o.kafka() != null) {
            return executeKafka(o, conf);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(o.parallelism());
        // records (Routed, FinalState, ModelRecord, String) are immutable and no function keeps one it was handed:
        // chained operators may pass them on without a copy
        env.getConfig().enableObjectReuse();
        var profiles = ProfilePipeline.profiles(
                ProfilePipeline.fileSource(env, o.events(), o.spec(), o.forgotten()), o.spec(), false);
        FinalProfiles finals = new FinalProfiles(o.spec(), o.asOf(), o.forgetGiven());
        DataStream<FinalState> finalStates = ModelPipeline.attach(profiles, o.spec()).finals();
        String name = "profilekit-flink " + o.events().getFileName();
        if (o.spec().audiencesJson() == null) {
            try (CloseableIterator<FinalState> it = finalStates.executeAndCollect(name)) {
                finals.addAll(it);
            }
        } else {
            collectWithAudiences(finalStates, profiles.getSideOutput(ProfileFunction.AUDIENCES), name, finals,
                    o.audienceLog());
        }
        try (BufferedWriter w = Files.newBufferedWriter(o.out(), StandardCharsets.UTF_8)) {
            finals.writeProfiles(w);
        }
        if (o.summary() != null) {
            Files.writeString(o.summary(), finals.summaryFile(), StandardCharsets.UTF_8);
        }
        return finals.summary();
    }

    /**
     * Runs the job collecting the final states and the audience changes together: the changes are written to
     * {@code log} (when given) as they arrive, each user's in the order its operator delivered them, then the
     * changes up to the final time ({@link FinalProfiles#finishAudiences}), as replay's {@code --audience-log}.
     */
    private static void collectWithAudiences(DataStream<FinalState> finalStates, DataStream<String> changes,
                                             String name, FinalProfiles finals, Path log) throws Exception {
        TypeInformation<Either<FinalState, String>> type = new EitherTypeInfo<>(FinalState.TYPE, Types.STRING);
        DataStream<Either<FinalState, String>> both = finalStates
                .map(f -> Either.<FinalState, String>Left(f), type).name("final states")
                .union(changes.map(c -> Either.<FinalState, String>Right(c), type).name("audience changes"));
        try (BufferedWriter w = log == null ? null : Files.newBufferedWriter(log, StandardCharsets.UTF_8);
             CloseableIterator<Either<FinalState, String>> it = both.executeAndCollect(name)) {
            while (it.hasNext()) {
                Either<FinalState, String> next = it.next();
                if (next.isLeft()) {
                    finals.add(next.left());
                } else if (w != null) {
                    w.write(next.right());
                    w.newLine();
                }
            }
            finals.finishAudiences(w == null ? null : c -> {
                try {
                    w.write(c.toJson());
                    w.newLine();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("cannot write --audience-log " + log, e);
                }
            });
        }
    }

    /** The Kafka-to-Kafka job: runs until cancelled, or with {@code --until-end} until the end offsets at start. */
    private static String executeKafka(Options o, Configuration conf) throws Exception {
        Kafka k = o.kafka();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, k.checkpointInterval());
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        if (k.checkpointDir() != null) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, k.checkpointDir());
            conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                    ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        }
        if (k.fromSavepoint() != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, k.fromSavepoint());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(o.parallelism());
        // records (Routed, FinalState, ModelRecord, String) are immutable and no function keeps one it was handed:
        // chained operators may pass them on without a copy
        env.getConfig().enableObjectReuse();
        var profiles = ProfilePipeline.profiles(
                ProfilePipeline.kafkaSource(env, k.io(), o.spec(), o.forgotten(), k.partitionIdleTimeout()), o.spec(),
                true);
        ModelPipeline.Outputs outputs = ModelPipeline.attach(profiles, o.spec()); // with models, lines with scores
        ProfilePipeline.kafkaSink(outputs.updates(), k.io());
        if (k.audienceTopic() != null) {
            ProfilePipeline.audienceSink(profiles.getSideOutput(ProfileFunction.AUDIENCES), k.io(),
                    k.audienceTopic());
        }
        String name = "profilekit-flink " + k.io().topic() + " -> " + k.io().outputTopic();
        if (!k.io().untilEnd()) {
            env.execute(name);
            return "{}";
        }
        FinalProfiles finals = new FinalProfiles(o.spec(), o.asOf(), o.forgetGiven());
        try (CloseableIterator<FinalState> it = outputs.finals().executeAndCollect(name)) {
            finals.addAll(it);
        }
        if (o.summary() != null) {
            Files.writeString(o.summary(), finals.summaryFile(), StandardCharsets.UTF_8);
        }
        return finals.summary();
    }

    static Options parse(String[] args) {
        Path schema = null;
        Path events = null;
        Path out = null;
        int parallelism = 1;
        Long asOf = null;
        Long now = null;
        DedupRetention retention = null;
        EventLimits limits = EventLimits.DEFAULT;
        Path forgetFile = null;
        Path keyFile = null;
        List<String> allow = null;
        String ttl = null;
        String backend = "hashmap";
        KafkaFlags kf = new KafkaFlags();
        Path models = null;
        Path summaryFile = null;
        Path audiencesFile = null;
        Path audienceLog = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--until-end")) {
                kf.untilEnd = true;
                continue;
            }
            if (a.equals("--help") || a.equals("-h")) {
                throw new UsageException("usage: java -jar profilekit-flink.jar --schema S.json --events E.jsonl "
                        + "--out P.jsonl [--parallelism N] [--as-of MS] [--now MS] [--dedup-retention ALL|WITHIN_LATENESS] "
                        + "[--max-line-bytes N] [--max-text-length N] [--max-attributes N] [--forget USERS.txt] "
                        + "[--pseudonymise-key K] [--allow-attributes A,B] [--ttl P90D] [--state-backend hashmap|rocksdb] "
                        + "[--models M.json] [--summary S.json] [--audiences A.json] "
                        + "[--audience-log L.jsonl]"
                        + " | from Kafka to Kafka instead of --events/--out: --bootstrap-servers H:P --topic T "
                        + "--output-topic O [--group G] [--format jsonl|csv] [--csv-header H] "
                        + "[--transactional-id-prefix P] [--kafka-property K=V] [--checkpoint-interval PT10S] "
                        + "[--checkpoint-dir URI] [--from-savepoint PATH] [--until-end] [--partition-idle-timeout PT10S] "
                        + "[--audiences A.json [--audience-topic A]] [--models M.json [--summary S.json with "
                        + "--until-end]]");
            }
            if (i + 1 >= args.length) {
                throw new UsageException("option " + a + " needs a value (or unknown option; try --help)");
            }
            String v = args[++i];
            try {
                switch (a) {
                    case "--schema" -> schema = Path.of(v);
                    case "--events" -> events = Path.of(v);
                    case "--out" -> out = Path.of(v);
                    case "--parallelism" -> parallelism = Integer.parseInt(v);
                    case "--as-of" -> asOf = time(v, a);
                    case "--now" -> now = time(v, a);
                    case "--dedup-retention" -> retention = DedupRetention.valueOf(v);
                    case "--max-line-bytes" -> limits = limits.withMaxLineBytes(Integer.parseInt(v));
                    case "--max-text-length" -> limits = limits.withMaxTextLength(Integer.parseInt(v));
                    case "--max-attributes" -> limits = limits.withMaxAttributes(Integer.parseInt(v));
                    case "--forget" -> forgetFile = Path.of(v);
                    case "--pseudonymise-key" -> keyFile = Path.of(v);
                    case "--allow-attributes" -> allow = List.of(v.split(","));
                    case "--ttl" -> ttl = v;
                    case "--state-backend" -> backend = v;
                    case "--models" -> models = Path.of(v);
                    case "--summary" -> summaryFile = Path.of(v);
                    case "--audiences" -> audiencesFile = Path.of(v);
                    case "--audience-log" -> audienceLog = Path.of(v);
                    case "--bootstrap-servers", "--topic", "--output-topic", "--group", "--format", "--csv-header",
                         "--transactional-id-prefix", "--kafka-property", "--checkpoint-interval",
                         "--checkpoint-dir", "--from-savepoint", "--audience-topic", "--partition-idle-timeout" ->
                        kf.set(a, v);
                    default -> throw new UsageException("unknown option " + a + " (try --help)");
                }
            } catch (IllegalArgumentException e) {
                throw new UsageException("bad value '" + v + "' of " + a + ": " + e.getMessage());
            }
        }
        Kafka kafka = kf.build();
        if (kafka != null && (events != null || out != null)) {
            throw new UsageException("--events/--out (a file) and --topic/--output-topic (Kafka) exclude each other");
        }
        if (kafka == null && kf.any()) {
            throw new UsageException("Kafka options need --bootstrap-servers, --topic and --output-topic (try --help)");
        }
        if (kafka != null && summaryFile != null && !kafka.io().untilEnd()) {
            throw new UsageException("--summary " + summaryFile + " needs --until-end in the Kafka mode (a job that "
                    + "runs until cancelled has no end to summarise)");
        }
        if (kafka != null && audienceLog != null) {
            throw new UsageException("--audience-log is for the file mode (--events and --out): in the Kafka mode "
                    + "the changes go to a topic, --audience-topic T");
        }
        if (kafka != null && kafka.audienceTopic() != null && audiencesFile == null) {
            throw new UsageException("--audience-topic " + kafka.audienceTopic() + " needs --audiences A.json (the "
                    + "audiences whose changes it carries)");
        }
        if (audienceLog != null && audiencesFile == null) {
            throw new UsageException("--audience-log needs --audiences A.json (the audiences to log)");
        }
        if (schema == null || (kafka == null && (events == null || out == null))) {
            throw new UsageException("--schema, and --events and --out (or --bootstrap-servers, --topic and "
                    + "--output-topic), are required (try --help)");
        }
        if (parallelism < 1 || parallelism > 1024) {
            throw new UsageException("--parallelism must be in [1, 1024], was " + parallelism);
        }
        if (!backend.equals("hashmap") && !backend.equals("rocksdb")) {
            throw new UsageException("--state-backend must be hashmap or rocksdb, was '" + backend + "'");
        }
        requireReadable(schema, "schema");
        if (events != null) {
            requireReadable(events, "events");
        }
        java.time.Duration ttlValue;
        byte[] key;
        try {
            ttlValue = ttl == null ? null : dev.profilekit.core.schema.Durations.parse(ttl);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--ttl " + e.getMessage());
        }
        try {
            // as replay reads key files: hex text or raw bytes
            key = keyFile == null ? null : dev.profilekit.core.privacy.KeyFile.read(keyFile, "--pseudonymise-key",
                    dev.profilekit.core.privacy.KeyFile.Use.PSEUDONYMISATION);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        KernelSpec spec;
        try {
            spec = KernelSpec.of(Files.readString(schema, StandardCharsets.UTF_8)).withLimits(limits);
            if (retention != null) {
                spec = spec.withDedupRetention(retention);
            }
            if (asOf != null) {
                spec = spec.withApplyUpTo(asOf);
            }
            if (now != null) {
                spec = spec.withNow(now);
            }
            if (ttl != null) {
                spec = spec.withTtl(ttlValue);
            }
            if (keyFile != null) {
                spec = spec.withPseudonymKey(key);
            }
            if (allow != null) {
                spec = spec.withAllowAttributes(allow);
            }
            spec.kernel(); // the options must fit the schema
        } catch (IOException e) {
            throw new UsageException("cannot read " + schema + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new UsageException("unusable schema or options (" + schema + "): " + e.getMessage());
        }
        if (models != null) {
            String text = readModels(models);
            try {
                spec = spec.withModels(text);
                spec.kernel(); // the models' inputs must fit the schema
            } catch (RuntimeException e) {
                throw new UsageException("--models " + models + ": " + e.getMessage());
            }
        }
        if (audiencesFile != null) {
            requireReadable(audiencesFile, "--audiences");
            try {
                spec = spec.withAudiences(Files.readString(audiencesFile, StandardCharsets.UTF_8));
                spec.kernel(); // the audiences must fit the schema and options
            } catch (IOException e) {
                throw new UsageException("cannot read --audiences file " + audiencesFile + ": " + e.getMessage());
            } catch (RuntimeException e) {
                throw new UsageException("--audiences " + audiencesFile + ": " + e.getMessage());
            }
        }
        Set<String> forgotten = new HashSet<>();
        if (forgetFile != null) {
            requireReadable(forgetFile, "--forget");
            try {
                // as replay reads them: exact ids, one per line (dev.profilekit.core.privacy.ForgetList)
                forgotten.addAll(dev.profilekit.core.privacy.ForgetList.read(forgetFile));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--forget file " + forgetFile + ": " + e.getMessage());
            } catch (IOException e) {
                throw new UsageException("cannot read --forget file " + forgetFile + ": " + e.getMessage());
            }
        }
        return new Options(schema, events, out, parallelism, asOf, spec, forgotten, forgetFile != null, backend,
                kafka, summaryFile, audienceLog);
    }

    /** The Kafka mode's flags as given, checked together by {@link #build}. */
    private static final class KafkaFlags {
        private final java.util.Map<String, String> values = new java.util.HashMap<>();
        private final java.util.Map<String, String> properties = new java.util.LinkedHashMap<>();
        private boolean untilEnd;

        void set(String flag, String value) {
            if (flag.equals("--kafka-property")) {
                int eq = value.indexOf('=');
                if (eq <= 0) {
                    throw new UsageException("--kafka-property needs KEY=VALUE, was '" + value + "'");
                }
                properties.put(value.substring(0, eq), value.substring(eq + 1));
            } else {
                values.put(flag, value);
            }
        }

        boolean any() {
            return untilEnd || !values.isEmpty() || !properties.isEmpty();
        }

        /** The Kafka options, or null when none of the three required flags is given. */
        /** The duration flag {@code flag} (default {@code fallback}), at least {@code minMillis} ms. */
        private java.time.Duration duration(String flag, String fallback, long minMillis) {
            String text = values.getOrDefault(flag, fallback);
            java.time.Duration d;
            try {
                d = dev.profilekit.core.schema.Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw new UsageException(flag + " " + e.getMessage());
            }
            if (d.toMillis() < minMillis) {
                throw new UsageException(flag + " must be at least " + minMillis + " ms, was '" + text + "'");
            }
            return d;
        }

        Kafka build() {
            String servers = values.get("--bootstrap-servers");
            String topic = values.get("--topic");
            String output = values.get("--output-topic");
            if (servers == null && topic == null && output == null) {
                return null;
            }
            if (servers == null || topic == null || output == null) {
                throw new UsageException("the Kafka mode needs all of --bootstrap-servers, --topic and "
                        + "--output-topic (try --help)");
            }
            String format = values.getOrDefault("--format", "jsonl");
            String header = values.get("--csv-header");
            if (!format.equals("jsonl") && !format.equals("csv")) {
                throw new UsageException("--format must be jsonl or csv, was '" + format + "'");
            }
            if (format.equals("csv") != (header != null)) {
                throw new UsageException(format.equals("csv") ? "--format csv needs --csv-header (the values' header)"
                        : "--csv-header is only for --format csv");
            }
            java.time.Duration interval = duration("--checkpoint-interval", "PT10S", 10);
            java.time.Duration idle = duration("--partition-idle-timeout", "PT10S", 1);
            String audienceTopic = values.get("--audience-topic");
            if (audienceTopic != null && (audienceTopic.equals(topic) || audienceTopic.equals(output))) {
                throw new UsageException("--audience-topic must differ from --topic and --output-topic, was '"
                        + audienceTopic + "'");
            }
            try {
                return new Kafka(new KafkaOptions(servers, topic, values.getOrDefault("--group", "profilekit-flink"),
                        header, output, values.getOrDefault("--transactional-id-prefix", "profilekit-" + output),
                        untilEnd, properties), interval, values.get("--checkpoint-dir"),
                        values.get("--from-savepoint"), audienceTopic, idle);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
    }

    /** Epoch ms within the times an event may have (years 1 to 9999). */
    private static long time(String v, String option) {
        long t = Long.parseLong(v);
        if (t < dev.profilekit.core.engine.Event.MIN_TIMESTAMP
                || t > dev.profilekit.core.engine.Event.MAX_TIMESTAMP) {
            throw new UsageException(option + " must lie between years 1 and 9999 ("
                    + dev.profilekit.core.engine.Event.MIN_TIMESTAMP + " to "
                    + dev.profilekit.core.engine.Event.MAX_TIMESTAMP + " epoch ms), was '" + v + "'");
        }
        return t;
    }

    private static String readModels(Path models) {
        requireReadable(models, "--models");
        try {
            return Files.readString(models, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("cannot read --models file " + models + ": " + e.getMessage());
        }
    }

    private static void requireReadable(Path file, String what) {
        if (Files.isDirectory(file)) {
            throw new UsageException(what + " " + file + " is a directory, not a file");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new UsageException(what + " file not found or not readable: " + file);
        }
    }

}
