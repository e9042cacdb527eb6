package dev.profilekit.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Builds BENCHMARKS.md from one run's results directory: the JMH JSON files ({@code -rf json}), the memory
 * figures of {@code MemoryPerProfile} ({@code memory.json}), the accuracy figures of {@link QualityChecks}
 * ({@code quality.json}) and run.sh's stage log ({@code stages.log}). Every file is optional; sections
 * without data say so. Prints each target with met/missed to standard output as well.
 *
 * <p>Usage: {@code BenchmarksReport <results dir> <output.md>}.
 */
public final class BenchmarksReport {

    /** 1-minute load average above which the figures are labelled as from a loaded machine, when the CPU of
     * other processes was not recorded. */
    static final double LOADED_LOAD = 1.5;
    /** CPU (in cores) used by other processes during a stage above which the machine counts as loaded. */
    static final double LOADED_OTHERS = 0.5;
    /** Allocation per event below which it counts as zero (JMH's normalised rate has a little noise). */
    static final double ZERO_BYTES = 0.5;

    /** From this many users on, a run counts as "cold" (profiles far beyond the CPU caches). */
    static final long COLD_USERS = 1_000_000;
    /** onEvent, fixture schema, hot (under {@link #COLD_USERS} users), events/s per thread. */
    static final double HOT_TARGET = 1.5e6;
    /** onEvent, fixture schema, cold, events/s per thread. */
    static final double COLD_TARGET = 1e6;
    /** Scalar onEvent (1 thread) over the scalar inlined baseline ({@code InlinedBaselineBenchmark}). */
    static final double SCALAR_BASELINE_TARGET = 0.7;
    /** Fixture onEvent, WITHIN_LATENESS (1 thread), over the fixture inlined baseline with the same dedup work. */
    static final double FIXTURE_BASELINE_TARGET = 0.6;
    /** onEvent with live models (scoring and segmenting), events/s per thread. */
    static final double MODELS_TARGET = 1e6;
    /** Largest share of throughput that scoring on every update may cost: 1 - with / without models. */
    static final double MODELS_COST_TARGET = 0.30;
    /** Total throughput on 2 threads (distinct users) over 1 thread. */
    static final double TWO_THREADS_TARGET = 1.7;
    /** Latency p99.9 of one onEvent call (SampleTime), ns. */
    static final double LATENCY_P999_TARGET_NS = 10_000;
    /** Name of the statsmodels figures measured by hand, copied into the results directory by run.sh. */
    static final String STATSMODELS_FILE = "statsmodels.json";

    private static final String PKG = "dev.profilekit.benchmarks.";
    private static final String ON_EVENT = PKG + "OnEventBenchmark.onEvent";
    private static final String ON_EVENT_LATENCY = PKG + "OnEventBenchmark.onEventLatency";
    private static final String BASELINE = PKG + "InlinedBaselineBenchmark.onEvent";
    private static final String FIXTURE_BASELINE = PKG + "FixtureInlinedBaselineBenchmark.onEvent";
    /** The fixture baseline variant that does the engine's duplicate check (WITHIN_LATENESS). */
    private static final String FIXTURE_BASELINE_DEDUP = "within_lateness";
    private static final String ON_EVENT_MODELS = PKG + "OnEventModelsBenchmark.onEvent";
    private static final String ARIMA_OURS = PKG + "ArimaPeersBenchmark.ours";
    private static final String[] PERCENTILES = {"50.0", "90.0", "99.0", "99.9"};

    private final List<Result> results = new ArrayList<>();
    private final Map<String, List<JsonNode>> filesToEntries = new TreeMap<>();
    private JsonNode memory;
    private JsonNode quality;
    /** PointInTimeDatasetBenchmark's figures (dataset.json), or null. */
    private JsonNode dataset;
    private JsonNode statsmodels;
    /** Lines the benchmarks printed (run.sh's notes.md), or null. */
    private String notes;
    private final List<Stage> stages = new ArrayList<>();
    private final List<TargetLine> targets = new ArrayList<>();

    /** One JMH result entry. */
    record Result(String file, String benchmark, String mode, int threads, Map<String, String> params,
                  double score, double error, String unit, JsonNode node) {

        String param(String name) {
            return params.getOrDefault(name, "");
        }

        Optional<Double> secondary(String name) {
            JsonNode m = node.path("secondaryMetrics").path(name);
            return m.isMissingNode() ? Optional.empty() : Optional.of(m.path("score").asDouble());
        }

        boolean higherIsBetter() {
            return mode.equals("thrpt");
        }
    }

    /** One line of run.sh's stage log. */
    record Stage(String name, double wallSeconds, double busyCores, double ourCores, double load1Before) {

        double otherCores() {
            return Math.max(0, busyCores - ourCores);
        }
    }

    /** A target with its verdict; {@code group} orders the Targets table (see {@link Group}). */
    record TargetLine(String target, String measured, String status, Group group) {
    }

    /**
     * The targets of issue 10, in the order of the Targets table, each with the line shown when nothing measured
     * it; {@link #PEER} is the peer comparisons' speed-up targets, listed apart.
     */
    enum Group {
        SCALAR_BASELINE(">= " + SCALAR_BASELINE_TARGET + "x the scalar inlined baseline (scalar onEvent, 1 thread)"),
        FIXTURE_BASELINE(">= " + FIXTURE_BASELINE_TARGET + "x the fixture inlined baseline (fixture onEvent, "
                + "WITHIN_LATENESS, 1 thread)"),
        HOT("onEvent >= " + rate(HOT_TARGET) + " events/s per thread, hot (fixture)"),
        COLD("onEvent >= " + rate(COLD_TARGET) + " events/s per thread, cold (fixture)"),
        ZERO_BYTES("0 B/op without listeners"),
        MODELS("onEvent with live models >= " + rate(MODELS_TARGET) + " events/s per thread"),
        MODELS_COST("scoring on every update costs <= " + Math.round(MODELS_COST_TARGET * 100) + "% of throughput"),
        TWO_THREADS("2 threads >= " + TWO_THREADS_TARGET + "x 1 thread on distinct users"),
        LATENCY("onEvent latency p99.9 <= " + fmt(LATENCY_P999_TARGET_NS / 1000, 0) + " us"),
        ARIMA("arima: ours <= " + fmt(dev.profilekit.benchmarks.ArimaPeersBenchmark.TARGET_MILLIS, 1)
                + " ms per fit"),
        PEER(null);

        final String unmeasured;

        Group(String unmeasured) {
            this.unmeasured = unmeasured;
        }
    }

    /** Builds the report: {@code args[0]} results directory, {@code args[1]} output markdown. */
    public static void main(String[] args) {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: BenchmarksReport <results dir> <output.md>");
        }
        BenchmarksReport report = load(Path.of(args[0]));
        String md = report.markdown();
        try {
            Files.writeString(Path.of(args[1]), md);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("Targets:");
        for (TargetLine t : report.targets) {
            System.out.printf("  %-7s %s: %s%n", t.status(), t.target(), t.measured());
        }
        System.out.println("Wrote " + args[1]);
    }

    /** Reads everything in {@code dir}. */
    static BenchmarksReport load(Path dir) {
        BenchmarksReport r = new BenchmarksReport();
        ObjectMapper json = new ObjectMapper();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list results directory " + dir, e);
        }
        try {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.equals("memory.json")) {
                    r.memory = json.readTree(f.toFile());
                } else if (name.equals("dataset.json")) {
                    r.dataset = json.readTree(f.toFile());
                } else if (name.equals("quality.json")) {
                    r.quality = json.readTree(f.toFile());
                } else if (name.equals(STATSMODELS_FILE)) {
                    r.statsmodels = json.readTree(f.toFile());
                } else if (name.equals("notes.md")) {
                    r.notes = Files.readString(f);
                } else if (name.equals("stages.log")) {
                    r.readStages(Files.readAllLines(f));
                } else if (name.endsWith(".json")) {
                    JsonNode root = json.readTree(f.toFile());
                    if (root != null && root.isArray()) {
                        r.addJmh(name, root);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return r;
    }

    private void addJmh(String file, JsonNode root) {
        List<JsonNode> entries = new ArrayList<>();
        for (JsonNode n : root) {
            entries.add(n);
            Map<String, String> params = new LinkedHashMap<>();
            n.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
            JsonNode pm = n.path("primaryMetric");
            results.add(new Result(file, n.path("benchmark").asText(), n.path("mode").asText(),
                    n.path("threads").asInt(1), params, pm.path("score").asDouble(Double.NaN),
                    pm.path("scoreError").asDouble(Double.NaN), pm.path("scoreUnit").asText(), n));
        }
        filesToEntries.put(file, entries);
    }

    /** Lines {@code name wall=S busy=C ours=C load1=L}; unknown keys are ignored. */
    private void readStages(List<String> lines) {
        for (String line : lines) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length < 2 || parts[0].startsWith("#")) {
                continue;
            }
            Map<String, Double> kv = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq > 0) {
                    try {
                        kv.put(parts[i].substring(0, eq), Double.parseDouble(parts[i].substring(eq + 1)));
                    } catch (NumberFormatException ignored) {
                        // a malformed figure is left out rather than failing the whole report
                    }
                }
            }
            stages.add(new Stage(parts[0], kv.getOrDefault("wall", Double.NaN), kv.getOrDefault("busy", Double.NaN),
                    kv.getOrDefault("ours", Double.NaN), kv.getOrDefault("load1", Double.NaN)));
        }
    }

    /** The whole markdown document. */
    String markdown() {
        targets.clear();
        StringBuilder body = new StringBuilder();
        engineThroughput(body);
        engineScaling(body);
        engineLatency(body);
        engineMemory(body);
        engineModels(body);
        pointInTimeDatasets(body);
        for (Comparison c : Comparisons.ALL) {
            comparison(body, c);
        }
        statsmodels(body);
        otherResults(body);
        for (Group g : Group.values()) {
            if (g.unmeasured != null && targets.stream().noneMatch(t -> t.group() == g)) {
                targets.add(new TargetLine(g.unmeasured, "no result", "not measured", g));
            }
        }
        targets.sort(Comparator.comparing(TargetLine::group)); // stable: within a group, report order
        StringBuilder md = new StringBuilder();
        md.append("# ProfileKit benchmarks\n\n");
        loadedBanner(md);
        md.append("Generated ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .append(" by `profile-benchmarks/run.sh` (JMH JSON post-processed by ")
                .append("`dev.profilekit.benchmarks.report.BenchmarksReport`). Short configuration: few, short ")
                .append("iterations and one fork, so error bars are wide; treat differences under ~10% as noise.\n\n");
        machine(md);
        settings(md);
        md.append("## Targets\n\nIssue 10's targets (they supersede the earlier ones: 3 M events/s hot, 0.6x of ")
                .append("the scalar baseline, 1 KiB per scalar profile, 1.5 M events/s with models). Each ratio ")
                .append("compares two benchmarks measured in the same run.sh run.\n\n")
                .append("| target | measured | status |\n|---|---|---|\n");
        for (TargetLine t : targets) {
            if (t.group() != Group.PEER) {
                md.append("| ").append(t.target()).append(" | ").append(t.measured()).append(" | ")
                        .append(t.status()).append(" |\n");
            }
        }
        if (targets.stream().anyMatch(t -> t.group() == Group.PEER)) {
            md.append("\nPeer comparisons (speed-ups against other libraries, see their sections):\n\n")
                    .append("| target | measured | status |\n|---|---|---|\n");
            for (TargetLine t : targets) {
                if (t.group() == Group.PEER) {
                    md.append("| ").append(t.target()).append(" | ").append(t.measured()).append(" | ")
                            .append(t.status()).append(" |\n");
                }
            }
        }
        md.append('\n').append(body);
        if (notes != null && !notes.isBlank()) {
            md.append("## Printed by the benchmarks\n\nLines the durability benchmarks print at the end of each trial "
                    + "(cache hit rates, snapshot sizes), collected by run.sh into notes.md:\n\n```\n")
                    .append(notes.strip()).append("\n```\n");
        }
        return md.toString();
    }

    private void loadedBanner(StringBuilder md) {
        double startLoad = stages.isEmpty() ? Double.NaN : stages.get(0).load1Before();
        double maxOthers = stages.stream().mapToDouble(Stage::otherCores).filter(d -> !Double.isNaN(d)).max().orElse(0);
        double maxLoad = stages.stream().mapToDouble(Stage::load1Before).filter(d -> !Double.isNaN(d)).max()
                .orElse(Double.NaN);
        boolean othersKnown = stages.stream().anyMatch(st -> !Double.isNaN(st.otherCores()));
        // the CPU other processes used during the stages is the direct measure; the load average also counts
        // this run's own previous stage (and whatever ran in the minute before), so it decides only without it
        if (othersKnown ? maxOthers > LOADED_OTHERS : startLoad > LOADED_LOAD) {
            md.append(String.format(Locale.ROOT, "> **Figures from a loaded machine, not final.** The 1-minute load "
                    + "average was %.2f when the run started (up to %.2f at stage starts) and other processes used up to "
                    + "%.2f cores during a stage (thresholds: load %.1f, %.1f cores). Rerun run.sh on a quiet machine "
                    + "for figures to quote.%n%n", startLoad, maxLoad, maxOthers, LOADED_LOAD, LOADED_OTHERS));
        } else if (stages.isEmpty()) {
            md.append("> Machine load not recorded (no stages.log): figures may come from a loaded machine.\n\n");
        } else {
            md.append(String.format(Locale.ROOT, "> Quiet machine: other processes used at most %.2f cores during any "
                    + "stage (threshold %.1f); the 1-minute load average, which also counts this run, was %.2f at the "
                    + "start.%n%n", maxOthers, LOADED_OTHERS, startLoad));
        }
    }

    private void machine(StringBuilder md) {
        md.append("## Machine\n\n| | |\n|---|---|\n");
        md.append("| CPU | ").append(cpuModel()).append(" |\n");
        md.append("| nproc | ").append(Runtime.getRuntime().availableProcessors()).append(" |\n");
        md.append("| memory | ").append(memTotal()).append(" |\n");
        Optional<JsonNode> any = filesToEntries.values().stream().flatMap(List::stream).findFirst();
        md.append("| JDK | ").append(any.map(n -> n.path("vmName").asText() + " " + n.path("vmVersion").asText()
                + " (JDK " + n.path("jdkVersion").asText() + ")").orElse(System.getProperty("java.vm.name") + " "
                + System.getProperty("java.vm.version"))).append(" |\n");
        md.append("| JMH | ").append(any.map(n -> n.path("jmhVersion").asText()).orElse("?")).append(" |\n\n");
        if (!stages.isEmpty()) {
            md.append("Load per stage (run.sh): `others` is the CPU used by other processes during the stage, ")
                    .append("machine-wide busy CPU minus this run's, in cores.\n\n")
                    .append("| stage | wall (s) | load1 before | busy cores | ours | others |\n|---|---|---|---|---|---|\n");
            for (Stage s : stages) {
                md.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %.2f | %.2f |%n", s.name(),
                        s.wallSeconds(), s.load1Before(), s.busyCores(), s.ourCores(), s.otherCores()));
            }
            md.append('\n');
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch") + " (model unknown)";
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("\\D", ""));
                    return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return "unknown";
    }

    private void settings(StringBuilder md) {
        md.append("## JMH settings\n\n| results file | benchmarks | mode | threads | forks | warm-up | measurement | "
                + "-prof gc | JVM args |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<JsonNode>> e : filesToEntries.entrySet()) {
            List<JsonNode> entries = e.getValue();
            if (entries.isEmpty()) {
                continue;
            }
            JsonNode n = entries.get(0);
            String benchmarks = String.join(", ", entries.stream().map(x -> shortName(x.path("benchmark").asText()))
                    .distinct().toList());
            String modes = String.join(", ", entries.stream().map(x -> x.path("mode").asText()).distinct().toList());
            List<String> jvmArgs = new ArrayList<>();
            n.path("jvmArgs").forEach(a -> jvmArgs.add(a.asText()));
            boolean gc = n.path("secondaryMetrics").has("gc.alloc.rate.norm");
            md.append("| ").append(e.getKey()).append(" | ").append(benchmarks).append(" | ").append(modes)
                    .append(" | ").append(n.path("threads").asInt()).append(" | ").append(n.path("forks").asInt())
                    .append(" | ").append(n.path("warmupIterations").asInt()).append(" x ")
                    .append(n.path("warmupTime").asText()).append(" | ").append(n.path("measurementIterations").asInt())
                    .append(" x ").append(n.path("measurementTime").asText()).append(" | ").append(gc ? "yes" : "no")
                    .append(" | `").append(String.join(" ", jvmArgs)).append("` |\n");
        }
        if (filesToEntries.isEmpty()) {
            md.append("| (no JMH results) | | | | | | | | |\n");
        }
        md.append('\n');
    }

    private static String shortName(String benchmark) {
        return benchmark.startsWith(PKG) ? benchmark.substring(PKG.length()) : benchmark;
    }

    // ---------------------------------------------------------------- engine

    private List<Result> find(String benchmark) {
        return results.stream().filter(r -> r.benchmark().equals(benchmark)).toList();
    }

    private void engineThroughput(StringBuilder md) {
        md.append("## Engine: `ProfileUpdater.onEvent` throughput\n\n");
        List<Result> ours = new ArrayList<>(find(ON_EVENT));
        List<Result> scalarBaseline = find(BASELINE);
        List<Result> fixtureBaseline = find(FIXTURE_BASELINE);
        if (ours.isEmpty()) {
            md.append("No results.\n\n");
        } else {
            ours.sort(ENGINE_ORDER);
            md.append("Events on existing users, pre-built before measuring (every one ACCEPTED), no listeners. Under ")
                    .append("1,000,000 users is \"hot\" (run.sh: 100,000), from 1,000,000 on \"cold\" (run.sh: ")
                    .append("2,000,000). `fixture`: the 17-feature fixture schema; `scalar`: only its scalar kinds. ")
                    .append("With 2 threads one updater is shared and each thread replays its own slice over its own ")
                    .append("partition of the users. B/op is JMH's `gc.alloc.rate.norm`. The baselines are the ")
                    .append("hand-inlined floors, one thread, same events, measured in the same run: `scalar` rows ")
                    .append("against `InlinedBaselineBenchmark` (the scalar features, no duplicate check), `fixture` ")
                    .append("rows against `FixtureInlinedBaselineBenchmark` with `dedup=within_lateness` (every ")
                    .append("feature and the duplicate check the engine does with `WITHIN_LATENESS`; against `ALL` ")
                    .append("the engine keeps more ids than the baseline, so that ratio carries no target). \"of ")
                    .append("baseline\" divides our per-thread figure by the baseline's. Event times advance ~50 ms ")
                    .append("per event, so at 100,000 users a user gets an event every ~80 minutes of event time and ")
                    .append("a few hundred over a trial (larger distinct/top-k/session state, and a few ids within the ")
                    .append("6 h lateness), at 2,000,000 users only a handful: \"hot\" is about cache residency, not ")
                    .append("less work per event.\n\n");
            md.append("| users | schema | dedup | threads | events/s (total) | events/s per thread | B/op | baseline | ")
                    .append("baseline events/s | of baseline |\n|---|---|---|---|---|---|---|---|---|---|\n");
            for (Result r : ours) {
                double perThread = r.score() / r.threads();
                boolean fixture = r.param("schema").equals("fixture");
                Optional<Result> base = fixture
                        ? fixtureBaseline.stream().filter(b -> b.param("users").equals(r.param("users"))
                                && b.param("dedup").equals(FIXTURE_BASELINE_DEDUP)).findFirst()
                        : scalarBaseline.stream().filter(b -> b.param("users").equals(r.param("users"))).findFirst();
                String baseName = fixture ? "fixture, " + FIXTURE_BASELINE_DEDUP : "scalar";
                String bytes = r.secondary("gc.alloc.rate.norm").map(b -> fmt(b, 1)).orElse("n/a");
                md.append("| ").append(users(r)).append(" | ").append(r.param("schema")).append(" | ")
                        .append(r.param("dedup")).append(" | ").append(r.threads()).append(" | ")
                        .append(rate(r.score(), r.error())).append(" | ").append(rate(perThread))
                        .append(" | ").append(bytes).append(" | ").append(baseName).append(" | ")
                        .append(base.map(b -> rate(b.score())).orElse("n/a")).append(" | ")
                        .append(base.map(b -> fmt(perThread / b.score(), 2) + "x").orElse("n/a")).append(" |\n");
            }
            md.append('\n');
            // targets, in the Targets table's order
            for (Result r : ours) {
                if (r.threads() != 1) {
                    continue;
                }
                boolean fixture = r.param("schema").equals("fixture");
                if (fixture && !r.param("dedup").equals("WITHIN_LATENESS")) {
                    continue;
                }
                Optional<Result> base = fixture
                        ? fixtureBaseline.stream().filter(b -> b.param("users").equals(r.param("users"))
                                && b.param("dedup").equals(FIXTURE_BASELINE_DEDUP)).findFirst()
                        : scalarBaseline.stream().filter(b -> b.param("users").equals(r.param("users"))).findFirst();
                double goal = fixture ? FIXTURE_BASELINE_TARGET : SCALAR_BASELINE_TARGET;
                String name = ">= " + goal + "x the " + (fixture ? "fixture" : "scalar") + " inlined baseline ("
                        + where(r) + (fixture ? " vs dedup=" + FIXTURE_BASELINE_DEDUP : "") + ")";
                Group g = fixture ? Group.FIXTURE_BASELINE : Group.SCALAR_BASELINE;
                if (base.isEmpty()) {
                    targets.add(new TargetLine(name, "no baseline result", "not measured", g));
                } else {
                    double f = r.score() / base.get().score();
                    targets.add(new TargetLine(name, fmt(f, 2) + "x (" + rate(r.score()) + " vs "
                            + rate(base.get().score()) + ")", status(f >= goal), g));
                }
            }
            for (Result r : ours) {
                if (r.param("schema").equals("fixture")) {
                    boolean hot = usersOf(r) < COLD_USERS;
                    double goal = hot ? HOT_TARGET : COLD_TARGET;
                    double perThread = r.score() / r.threads();
                    targets.add(new TargetLine("onEvent >= " + rate(goal) + " events/s per thread, "
                            + (hot ? "hot" : "cold") + " (" + where(r) + ")", rate(perThread),
                            status(perThread >= goal), hot ? Group.HOT : Group.COLD));
                }
            }
            for (Result r : ours) {
                r.secondary("gc.alloc.rate.norm").ifPresent(b -> targets.add(new TargetLine(
                        "0 B/op without listeners (" + where(r) + ")", fmt(b, 2) + " B/op", status(b < ZERO_BYTES),
                        Group.ZERO_BYTES)));
            }
        }
        List<Result> baselines = new ArrayList<>(scalarBaseline);
        baselines.addAll(fixtureBaseline);
        baselines.sort(Comparator.comparing(Result::benchmark, Comparator.comparing(FIXTURE_BASELINE::equals))
                .thenComparingLong(BenchmarksReport::usersOf).thenComparing(r -> r.param("dedup")));
        if (!baselines.isEmpty()) {
            md.append("Inlined baselines alone (one thread):\n\n| baseline | users | dedup | events/s | B/op |\n")
                    .append("|---|---|---|---|---|\n");
            for (Result b : baselines) {
                boolean fixture = b.benchmark().equals(FIXTURE_BASELINE);
                md.append("| ").append(fixture ? "fixture (`FixtureInlinedBaselineBenchmark`)"
                                : "scalar (`InlinedBaselineBenchmark`)").append(" | ").append(users(b)).append(" | ")
                        .append(fixture ? b.param("dedup") : "none").append(" | ").append(rate(b.score(), b.error()))
                        .append(" | ").append(b.secondary("gc.alloc.rate.norm").map(x -> fmt(x, 1)).orElse("n/a"))
                        .append(" |\n");
            }
            md.append('\n');
        }
    }

    private static final Comparator<Result> ENGINE_ORDER = Comparator
            .comparingLong(BenchmarksReport::usersOf).thenComparing(r -> r.param("schema"))
            .thenComparing(r -> r.param("dedup")).thenComparingInt(Result::threads);

    /** {@code 100,000 users, fixture, WITHIN_LATENESS, 1 thread}. */
    private static String where(Result r) {
        return users(r) + " users, " + r.param("schema") + ", " + r.param("dedup") + ", " + r.threads() + " thread"
                + (r.threads() > 1 ? "s" : "");
    }

    /** Total throughput on 2 threads over 1 thread, same users, schema and dedup (each thread its own users). */
    private void engineScaling(StringBuilder md) {
        List<Result> ours = new ArrayList<>(find(ON_EVENT));
        ours.sort(ENGINE_ORDER);
        List<Result> multi = ours.stream().filter(r -> r.threads() > 1).toList();
        if (multi.isEmpty()) {
            return;
        }
        md.append("## Engine: 2 threads against 1\n\nTotal events/s of one shared updater on 2 threads, each ")
                .append("thread on its own partition of the users, over the same configuration on 1 thread.\n\n")
                .append("| users | schema | dedup | 1 thread | 2 threads (total) | 2 / 1 |\n|---|---|---|---|---|---|\n");
        for (Result r : multi) {
            Optional<Result> one = ours.stream().filter(o -> o.threads() == 1 && o.params().equals(r.params()))
                    .findFirst();
            md.append("| ").append(users(r)).append(" | ").append(r.param("schema")).append(" | ")
                    .append(r.param("dedup")).append(" | ").append(one.map(o -> rate(o.score())).orElse("n/a"))
                    .append(" | ").append(rate(r.score())).append(" | ")
                    .append(one.map(o -> fmt(r.score() / o.score(), 2) + "x").orElse("n/a")).append(" |\n");
            String name = r.threads() + " threads >= " + TWO_THREADS_TARGET + "x 1 thread on distinct users ("
                    + users(r) + " users, " + r.param("schema") + ", " + r.param("dedup") + ")";
            if (one.isEmpty()) {
                targets.add(new TargetLine(name, "no 1-thread result", "not measured", Group.TWO_THREADS));
            } else {
                double x = r.score() / one.get().score();
                targets.add(new TargetLine(name, fmt(x, 2) + "x (" + rate(r.score()) + " vs " + rate(one.get().score())
                        + ")", status(x >= TWO_THREADS_TARGET), Group.TWO_THREADS));
            }
        }
        md.append('\n');
    }

    private void engineLatency(StringBuilder md) {
        md.append("## Engine: `onEvent` latency\n\n");
        List<Result> lat = find(ON_EVENT_LATENCY);
        if (lat.isEmpty()) {
            md.append("No results.\n\n");
            return;
        }
        md.append("JMH `Mode.SampleTime` percentiles of single calls, ns (each sample includes the timer's own ")
                .append("overhead of a few tens of ns).\n\n| users | schema | dedup | threads | p50 | p90 | p99 | p99.9 | ")
                .append("samples |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : lat) {
            JsonNode p = r.node().path("primaryMetric").path("scorePercentiles");
            md.append("| ").append(users(r)).append(" | ").append(r.param("schema")).append(" | ")
                    .append(r.param("dedup")).append(" | ").append(r.threads());
            double toNanos = nanosPerUnit(r.unit());
            for (String q : PERCENTILES) {
                md.append(" | ").append(p.has(q) ? fmt(p.path(q).asDouble() * toNanos, 0) : "n/a");
            }
            md.append(" | ").append(sampleCount(r.node())).append(" |\n");
            String name = "onEvent latency p99.9 <= " + fmt(LATENCY_P999_TARGET_NS / 1000, 0) + " us (" + where(r) + ")";
            if (!p.has("99.9") || Double.isNaN(toNanos)) {
                targets.add(new TargetLine(name, "no p99.9 in " + r.unit(), "not measured", Group.LATENCY));
            } else {
                double ns = p.path("99.9").asDouble() * toNanos;
                targets.add(new TargetLine(name, fmt(ns / 1000, 1) + " us", status(ns <= LATENCY_P999_TARGET_NS),
                        Group.LATENCY));
            }
        }
        md.append('\n');
    }

    private static long sampleCount(JsonNode n) {
        long count = 0;
        for (JsonNode fork : n.path("primaryMetric").path("rawDataHistogram")) {
            for (JsonNode iteration : fork) {
                for (JsonNode bin : iteration) {
                    count += bin.path(1).asLong();
                }
            }
        }
        return count;
    }

    private void engineMemory(StringBuilder md) {
        md.append("## Engine: memory per profile\n\n");
        if (memory == null) {
            md.append("No results (memory.json missing).\n\n");
            return;
        }
        int events = memory.path("events_per_user").asInt();
        md.append("Heap bytes per user, JOL (`").append(memory.path("walker").asText()).append(".parseInstance(store)")
                .append(".totalSize()` / users; cross-checked against `GraphLayout` on ")
                .append(memory.path("cross_check_users").asLong()).append(" users: ")
                .append(memory.path("cross_check_graph_layout_bytes").asLong()).append(" vs ")
                .append(memory.path("cross_check_graph_stats_bytes").asLong())
                .append(" bytes), over the whole in-memory store (hash table, user ids, states and everything ")
                .append("they reference), after ").append(events).append(" events per user, one hour apart, ")
                .append("with fresh id and attribute strings per event (as from a JSON reader). `scalar` is the ")
                .append("scalar part of the fixture schema. \"dedup ids\" is the part spent on duplicate ")
                .append("detection (the per-user id table and the id strings only it keeps): with `ALL` it grows ")
                .append("with every accepted event, with `WITHIN_LATENESS` it holds the ids within the allowed ")
                .append("lateness (6 h here); * marks a share measured on the smaller store of the same ")
                .append("configuration (it is per user). No target: the earlier 1 KiB per scalar profile was ")
                .append("superseded by issue 10's targets.\n\n")
                .append("| users | schema | dedup | bytes per user | of which dedup ids | without dedup ids | ")
                .append("store total (MiB) | objects per user |\n|---|---|---|---|---|---|---|---|\n");
        for (JsonNode m : memory.path("measurements")) {
            double perUser = m.path("bytes_per_user").asDouble();
            double dedup = m.path("dedup_bytes_per_user").asDouble(Double.NaN);
            String mark = "";
            if (Double.isNaN(dedup)) {
                // the id table's share is per user: take it from a smaller store of the same configuration
                for (JsonNode o : memory.path("measurements")) {
                    if (o.has("dedup_bytes_per_user") && o.path("schema").equals(m.path("schema"))
                            && o.path("dedup").equals(m.path("dedup"))) {
                        dedup = o.path("dedup_bytes_per_user").asDouble();
                        mark = "*";
                    }
                }
            }
            long users = m.path("users").asLong();
            md.append("| ").append(String.format(Locale.ROOT, "%,d", users)).append(" | ")
                    .append(m.path("schema").asText()).append(" | ").append(m.path("dedup").asText()).append(" | ")
                    .append(fmt(perUser, 0)).append(" | ").append(dedup >= 0 ? fmt(dedup, 0) + mark : "n/a").append(" | ")
                    .append(dedup >= 0 ? fmt(perUser - dedup, 0) + mark : "n/a").append(" | ")
                    .append(fmt(m.path("store_bytes").asDouble() / 1024 / 1024, 1)).append(" | ")
                    .append(fmt(m.path("store_objects").asDouble() / users, 1)).append(" |\n");
        }
        md.append('\n');
    }

    /** PointInTimeJoin: labels over events, wall time and heap (dataset.json). */
    private void pointInTimeDatasets(StringBuilder md) {
        md.append("## Point-in-time datasets\n\n");
        if (dataset == null) {
            md.append("No results (dataset.json missing).\n\n");
            return;
        }
        JsonNode d = dataset;
        md.append("`PointInTimeJoin` (`profilekit dataset`) on synthetic events of the worked example's shape (17-feature ")
                .append("schema; a quarter out of order within the 6 h lateness, 1% redeliveries, some late) and labels in ")
                .append("random order (1% of unknown users), written as JSON Lines; `PointInTimeDatasetBenchmark` in its own ")
                .append("JVM with `-Xmx2g` (the default heap of a 2-core/8 GB CI machine), files on local disk. Pass 1 reads ")
                .append("the events and decides acceptance in arrival order, spilling accepted lines in sorted runs; pass 2 ")
                .append("merges them in time order into a fresh engine, interleaved with the labels by time, and writes the ")
                .append("rows back in label order. One run, no warm-up: a wall-clock figure, not a JMH score.\n\n")
                .append("| events | labels | users | accepted | wall (s) | pass 1 (s) | pass 2 (s) | labels/s | sorted runs | ")
                .append("heap in use after GC, max (MiB) | heap max (MiB) | load1 before -> after |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        double wall = d.path("wall_s").asDouble();
        md.append(String.format(Locale.ROOT, "| %,d | %,d | %,d | %,d | %s | %s | %s | %s | %d | %s | %s | %s -> %s |%n%n",
                d.path("events").asLong(), d.path("labels").asLong(), d.path("users").asLong(),
                d.path("accepted").asLong(), fmt(wall, 1), fmt(d.path("pass1_s").asDouble(), 1),
                fmt(d.path("pass2_s").asDouble(), 1), rate(d.path("labels").asDouble() / wall),
                d.path("sorted_runs").asInt(), fmt(d.path("max_live_heap_after_gc_bytes").asDouble() / 1048576, 0),
                fmt(d.path("max_heap_bytes").asDouble() / 1048576, 0), fmt(d.path("load1_before").asDouble(), 2),
                fmt(d.path("load1_after").asDouble(), 2)));
    }

    /** onEvent with live models against the same schema and events without them. */
    private void engineModels(StringBuilder md) {
        md.append("## Engine: onEvent with live models\n\n");
        List<Result> all = find(ON_EVENT_MODELS);
        if (all.isEmpty()) {
            md.append("No results.\n\n");
            return;
        }
        md.append("`OnEventModelsBenchmark`: the `examples/live` schema and models (propensity scoring and segment ")
                .append("assignment on every accepted event, point-in-time sampling, label resolution, online ")
                .append("learning; retrains and refits on the background thread), against the same schema and ")
                .append("events with no models. Events/s per thread.\n\n")
                .append("| users | threads | with models | without models | with / without | cost of scoring |\n")
                .append("|---|---|---|---|---|---|\n");
        List<Result> with = all.stream().filter(r -> r.param("models").equals("true")).toList();
        for (Result w : with) {
            Optional<Result> without = all.stream().filter(r -> r.param("models").equals("false")
                    && r.param("users").equals(w.param("users")) && r.param("events").equals(w.param("events"))
                    && r.threads() == w.threads()).findFirst();
            double perThread = w.score() / w.threads();
            md.append("| ").append(users(w)).append(" | ").append(w.threads()).append(" | ")
                    .append(rate(perThread)).append(" | ")
                    .append(without.map(x -> rate(x.score() / x.threads())).orElse("n/a")).append(" | ")
                    .append(without.map(x -> fmt(w.score() / x.score(), 2) + "x").orElse("n/a")).append(" | ")
                    .append(without.map(x -> fmt(100 * (1 - w.score() / x.score()), 0) + "%").orElse("n/a"))
                    .append(" |\n");
            String where = " (" + users(w) + " users, " + w.threads() + " thread" + (w.threads() > 1 ? "s" : "") + ")";
            targets.add(new TargetLine("onEvent with live models >= " + rate(MODELS_TARGET) + " events/s per thread"
                    + where, rate(perThread), status(perThread >= MODELS_TARGET), Group.MODELS));
            String costName = Group.MODELS_COST.unmeasured + ", 1 - with / without models" + where;
            if (without.isEmpty()) {
                targets.add(new TargetLine(costName, "no result without models", "not measured", Group.MODELS_COST));
            } else {
                double cost = 1 - w.score() / without.get().score();
                targets.add(new TargetLine(costName, fmt(100 * cost, 0) + "% (" + rate(perThread) + " vs "
                        + rate(without.get().score() / without.get().threads()) + ")",
                        status(cost <= MODELS_COST_TARGET), Group.MODELS_COST));
            }
        }
        if (with.isEmpty()) {
            md.append("| (no run with models) | | | | | |\n");
        }
        md.append('\n');
    }

    // ---------------------------------------------------------------- peers

    /** The ARIMA fit by statsmodels, measured once by hand (statsmodels.json), next to ours from this run. */
    private void statsmodels(StringBuilder md) {
        if (statsmodels == null) {
            return;
        }
        JsonNode s = statsmodels;
        md.append("## ARIMA fit: statsmodels (measured once by hand, outside the JMH run)\n\n")
                .append("Measured on ").append(s.path("date").asText("?")).append(" on ")
                .append(s.path("machine").asText("?"))
                .append(s.has("load1_before") ? " (1-minute load average " + s.path("load1_before").asText() + ")" : "")
                .append(" with Python ").append(s.path("python").asText("?"))
                .append(", statsmodels ").append(s.path("statsmodels").asText("?")).append(", NumPy ")
                .append(s.path("numpy").asText("?")).append(", SciPy ").append(s.path("scipy").asText("?"))
                .append(" by `profile-benchmarks/statsmodels/arima_timing.py` (best of ")
                .append(s.path("repeats").asInt()).append(" fits) on the series of `ArimaPeersBenchmark` ")
                .append("(written by `ArimaSeries`); a different process and a different day, so the ratio is ")
                .append("indicative only.\n\n")
                .append("| implementation | fit time (ms) | log-likelihood (exact) |\n|---|---|---|\n");
        md.append("| statsmodels ").append(s.path("statsmodels").asText("?")).append(" `")
                .append(s.path("call").asText("")).append("` | ").append(fmt(s.path("best_ms").asDouble(Double.NaN), 2)).append(" (median ")
                .append(fmt(s.path("median_ms").asDouble(Double.NaN), 2)).append(") | ")
                .append(String.format(Locale.ROOT, "%.6f", s.path("loglike").asDouble(Double.NaN))).append(" |\n");
        Optional<Result> ours = find(ARIMA_OURS).stream().findFirst();
        JsonNode q = quality == null ? null : quality.path("arima").get("exact_loglike.ours");
        md.append("| ProfileKit Arima (JMH, this run) | ").append(ours.map(o -> fmt(millisPerOp(o), 2)).orElse("n/a"))
                .append(" | ").append(q == null ? "n/a" : String.format(Locale.ROOT, "%.6f", q.asDouble()))
                .append(" |\n\n");
    }

    private void comparison(StringBuilder md, Comparison c) {
        md.append("## ").append(c.title()).append("\n\n");
        List<Result> ours = find(c.benchmarkName(c.ours().method()));
        if (ours.isEmpty()) {
            md.append("No results.\n\n");
            if (c.oursAtMostMillis() != null) {
                targets.add(new TargetLine(c.id() + ": ours <= " + fmt(c.oursAtMostMillis(), 1) + " ms per fit",
                        "no result", "not measured", Group.ARIMA));
            }
            return;
        }
        for (Result o : ours) {
            if (!o.params().isEmpty()) {
                md.append("Parameters: ").append(o.params().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + ", " + b).orElse(""))
                        .append("\n\n");
            }
            md.append("| implementation | ").append(o.mode()).append(" (").append(o.unit())
                    .append(") | ours is faster by |\n|---|---|---|\n");
            md.append("| **").append(c.ours().label()).append("** | ").append(fmt(o.score(), 3)).append(" ± ")
                    .append(fmt(o.error(), 3)).append(" | |\n");
            for (Comparison.Contender p : c.peers()) {
                Optional<Result> pr = find(c.benchmarkName(p.method())).stream()
                        .filter(x -> x.params().equals(o.params())).findFirst();
                if (pr.isEmpty()) {
                    md.append("| ").append(p.label()).append(" | n/a | |\n");
                    continue;
                }
                double speedup = o.higherIsBetter() ? o.score() / pr.get().score() : pr.get().score() / o.score();
                md.append("| ").append(p.label()).append(" | ").append(fmt(pr.get().score(), 3)).append(" ± ")
                        .append(fmt(pr.get().error(), 3)).append(" | ").append(fmt(speedup, 2)).append("x |\n");
                Double goal = c.speedupTargets().get(p.method());
                if (goal != null) {
                    speedupTarget(c, p, o, goal, speedup);
                }
            }
            md.append('\n');
            if (c.oursAtMostMillis() != null) {
                double ms = millisPerOp(o);
                targets.add(new TargetLine(c.id() + ": ours <= " + fmt(c.oursAtMostMillis(), 1) + " ms per fit"
                        + paramsSuffix(o), Double.isNaN(ms) ? o.unit() + " cannot be read as time per operation"
                        : fmt(ms, 3) + " ms", Double.isNaN(ms) ? "not measured" : status(ms <= c.oursAtMostMillis()),
                        Group.ARIMA));
            }
        }

        for (Comparison.Contender p : c.peers()) {
            Double goal = c.speedupTargets().get(p.method());
            if (goal != null && find(c.benchmarkName(p.method())).isEmpty()) {
                targets.add(new TargetLine(c.id() + ": ours >= " + fmt(goal, 1) + "x " + p.label(), "no result",
                        "not measured", Group.PEER));
            }
        }
        if (!c.metrics().isEmpty()) {
            JsonNode q = quality == null ? null : quality.get(c.id());
            if (q == null) {
                md.append("Accuracy: not measured (quality.json missing).\n\n");
                return;
            }
            md.append("Accuracy on the default data (same formula for every implementation):\n\n| metric |");
            List<Comparison.Contender> all = new ArrayList<>();
            all.add(c.ours());
            all.addAll(c.peers());
            for (Comparison.Contender x : all) {
                md.append(' ').append(x.method()).append(" |");
            }
            md.append("\n|---|").append("---|".repeat(all.size())).append('\n');
            for (Comparison.Metric m : c.metrics()) {
                md.append("| ").append(m.label()).append(m.higherIsBetter() ? " (higher is better)" : " (lower is better)")
                        .append(" |");
                for (Comparison.Contender x : all) {
                    JsonNode v = q.get(m.key() + "." + x.method());
                    md.append(' ').append(v == null ? "n/a" : String.format(Locale.ROOT, "%.6g", v.asDouble()))
                            .append(" |");
                }
                md.append('\n');
            }
            md.append('\n');
        }
    }

    /**
     * A speed-up target's verdict: met when ours is at least {@code goal} times faster and, if the comparison
     * has a quality gate, at least as accurate as the peer on the gate's metric (from quality.json).
     */
    private void speedupTarget(Comparison c, Comparison.Contender p, Result o, double goal, double speedup) {
        String name = c.id() + ": ours >= " + fmt(goal, 1) + "x " + p.label();
        String measured = fmt(speedup, 2) + "x";
        boolean met = speedup >= goal;
        String status = status(met);
        Comparison.QualityGate gate = c.qualityGate();
        if (gate != null) {
            Comparison.Metric m = c.metric(gate.metric());
            name += " at equal or better " + m.label();
            JsonNode q = quality == null ? null : quality.get(c.id());
            JsonNode ov = q == null ? null : q.get(m.key() + "." + c.ours().method());
            JsonNode pv = q == null ? null : q.get(m.key() + "." + p.method());
            if (ov == null || pv == null) {
                measured += ", accuracy not measured";
                status = met ? "unchecked" : status(false);
            } else {
                boolean asGood = gate.passes(ov.asDouble(), pv.asDouble(), m.higherIsBetter());
                measured += String.format(Locale.ROOT, ", %s %.6g vs %.6g", m.key(), ov.asDouble(), pv.asDouble());
                if (!asGood) {
                    measured += " (ours less accurate)";
                }
                status = status(met && asGood);
            }
        }
        targets.add(new TargetLine(name + paramsSuffix(o), measured, status, Group.PEER));
    }

    /** Time per operation in ms from an average- or single-shot-time score, NaN for other units. */
    static double millisPerOp(Result r) {
        double scale = switch (r.unit()) {
            case "s/op" -> 1e3;
            case "ms/op" -> 1;
            case "us/op" -> 1e-3;
            case "ns/op" -> 1e-6;
            default -> Double.NaN;
        };
        return r.score() * scale;
    }

    /** Nanoseconds in one unit of a time-per-operation score ({@code ns/op}, {@code us/op}, ...), NaN for others. */
    static double nanosPerUnit(String unit) {
        return switch (unit) {
            case "s/op" -> 1e9;
            case "ms/op" -> 1e6;
            case "us/op" -> 1e3;
            case "ns/op" -> 1;
            default -> Double.NaN;
        };
    }

    private static String paramsSuffix(Result r) {
        return r.params().isEmpty() ? "" : " (" + r.params().entrySet().stream().map(e -> e.getKey() + "="
                + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("") + ")";
    }

    /** Benchmarks that are neither engine nor a listed comparison (e.g. the scalers): plain tables. */
    private void otherResults(StringBuilder md) {
        List<String> known = new ArrayList<>(List.of(ON_EVENT, ON_EVENT_LATENCY, BASELINE, FIXTURE_BASELINE,
                ON_EVENT_MODELS));
        for (Comparison c : Comparisons.ALL) {
            known.add(c.benchmarkName(c.ours().method()));
            c.peers().forEach(p -> known.add(c.benchmarkName(p.method())));
        }
        List<Result> rest = results.stream().filter(r -> !known.contains(r.benchmark())).toList();
        if (rest.isEmpty()) {
            return;
        }
        md.append("## Other benchmarks (no peer)\n\n| benchmark | params | mode | score | unit | B/op |\n")
                .append("|---|---|---|---|---|---|\n");
        for (Result r : rest) {
            md.append("| ").append(shortName(r.benchmark())).append(" | ")
                    .append(r.params().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                            .reduce((a, b) -> a + ", " + b).orElse("")).append(" | ").append(r.mode()).append(" | ")
                    .append(fmt(r.score(), 3)).append(" ± ").append(fmt(r.error(), 3)).append(" | ").append(r.unit())
                    .append(" | ").append(r.secondary("gc.alloc.rate.norm").map(b -> fmt(b, 0)).orElse("n/a"))
                    .append(" |\n");
        }
        md.append('\n');
    }

    // ---------------------------------------------------------------- formatting

    private static long usersOf(Result r) {
        try {
            return Long.parseLong(r.param("users"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String users(Result r) {
        String u = r.param("users");
        try {
            return String.format(Locale.ROOT, "%,d", Long.parseLong(u));
        } catch (NumberFormatException e) {
            return u;
        }
    }

    /** Events per second as e.g. {@code 3.21 M}. */
    static String rate(double perSecond) {
        if (Double.isNaN(perSecond)) {
            return "n/a";
        }
        if (Math.abs(perSecond) >= 1e6) {
            return fmt(perSecond / 1e6, 2) + " M";
        }
        if (Math.abs(perSecond) >= 1e3) {
            return fmt(perSecond / 1e3, 1) + " k";
        }
        return fmt(perSecond, 0);
    }

    /** A rate and its error in the rate's unit, e.g. {@code 3.21 ± 0.05 M}. */
    static String rate(double perSecond, double error) {
        if (Double.isNaN(perSecond)) {
            return "n/a";
        }
        double scale = Math.abs(perSecond) >= 1e6 ? 1e6 : Math.abs(perSecond) >= 1e3 ? 1e3 : 1;
        String unit = scale == 1e6 ? " M" : scale == 1e3 ? " k" : "";
        int decimals = scale == 1e6 ? 2 : scale == 1e3 ? 1 : 0;
        return fmt(perSecond / scale, decimals) + " ± " + fmt(error / scale, decimals) + unit;
    }

    static String fmt(double v, int decimals) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    private static String status(boolean met) {
        return met ? "met" : "**missed**";
    }

    /** The targets of the last {@link #markdown()} call. */
    List<TargetLine> targets() {
        return List.copyOf(targets);
    }
}
