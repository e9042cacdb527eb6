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
    static final double HOT_TARGET = 3e6;
    static final double COLD_TARGET = 1e6;
    static final double BASELINE_FRACTION_TARGET = 0.6;
    static final double SCALAR_BYTES_TARGET = 1024;
    /** onEvent with live models (scoring and segmenting), events/s per thread. */
    static final double MODELS_TARGET = 1.5e6;
    /** Name of the statsmodels figures measured by hand, copied into the results directory by run.sh. */
    static final String STATSMODELS_FILE = "statsmodels.json";

    private static final String PKG = "dev.profilekit.benchmarks.";
    private static final String ON_EVENT = PKG + "OnEventBenchmark.onEvent";
    private static final String ON_EVENT_LATENCY = PKG + "OnEventBenchmark.onEventLatency";
    private static final String BASELINE = PKG + "InlinedBaselineBenchmark.onEvent";
    private static final String ON_EVENT_MODELS = PKG + "OnEventModelsBenchmark.onEvent";
    private static final String ARIMA_OURS = PKG + "ArimaPeersBenchmark.ours";
    private static final String[] PERCENTILES = {"50.0", "90.0", "99.0", "99.9"};

    private final List<Result> results = new ArrayList<>();
    private final Map<String, List<JsonNode>> filesToEntries = new TreeMap<>();
    private JsonNode memory;
    private JsonNode quality;
    private JsonNode statsmodels;
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

    /** A target with its verdict. */
    record TargetLine(String target, String measured, String status) {
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
                } else if (name.equals("quality.json")) {
                    r.quality = json.readTree(f.toFile());
                } else if (name.equals(STATSMODELS_FILE)) {
                    r.statsmodels = json.readTree(f.toFile());
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
        engineLatency(body);
        engineMemory(body);
        engineModels(body);
        for (Comparison c : Comparisons.ALL) {
            comparison(body, c);
        }
        statsmodels(body);
        otherResults(body);
        StringBuilder md = new StringBuilder();
        md.append("# ProfileKit benchmarks\n\n");
        loadedBanner(md);
        md.append("Generated ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .append(" by `profile-benchmarks/run.sh` (JMH JSON post-processed by ")
                .append("`dev.profilekit.benchmarks.report.BenchmarksReport`). Short configuration: few, short ")
                .append("iterations and one fork, so error bars are wide; treat differences under ~10% as noise.\n\n");
        machine(md);
        settings(md);
        md.append("## Targets\n\n| target | measured | status |\n|---|---|---|\n");
        for (TargetLine t : targets) {
            md.append("| ").append(t.target()).append(" | ").append(t.measured()).append(" | ").append(t.status())
                    .append(" |\n");
        }
        if (targets.isEmpty()) {
            md.append("| (no results) | | |\n");
        }
        md.append('\n').append(body);
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
        List<Result> baseline = find(BASELINE);
        if (ours.isEmpty()) {
            md.append("No results.\n\n");
            return;
        }
        ours.sort(Comparator.comparingInt((Result r) -> Integer.parseInt(r.param("users")))
                .thenComparing(r -> r.param("schema")).thenComparing(r -> r.param("dedup"))
                .thenComparingInt(Result::threads));
        md.append("Events on existing users, pre-built before measuring (every one ACCEPTED). Under 1,000,000 ")
                .append("users is \"hot\" (run.sh: 100,000), from 1,000,000 on \"cold\" (run.sh: 2,000,000). `fixture`: the 17-feature fixture schema; `scalar`: only its ")
                .append("scalar kinds. With 2 threads one updater is shared and each thread replays its own slice ")
                .append("over its own partition of the users. B/op is JMH's `gc.alloc.rate.norm`. The inlined ")
                .append("baseline (one thread, `HashMap<String, double[]>` with the scalar features' arithmetic ")
                .append("inline, no dedup; see `InlinedBaselineBenchmark`) is the practical floor; \"of baseline\" ")
                .append("divides our per-thread figure by it, and is like-for-like for `scalar` rows only. ")
                .append("Event times advance ~50 ms per event, so at 100,000 users a user gets an event every ~80 ")
                .append("minutes of event time and a few hundred over a trial (larger distinct/top-k/session state, ")
                .append("and a few ids within the 6 h lateness), at 2,000,000 users only a handful: \"hot\" is about ")
                .append("cache residency, not less work per event.\n\n");
        md.append("| users | schema | dedup | threads | events/s (total) | events/s per thread | B/op | ")
                .append("baseline events/s | of baseline |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : ours) {
            double perThread = r.score() / r.threads();
            Optional<Result> base = baseline.stream().filter(b -> b.param("users").equals(r.param("users"))).findFirst();
            String bytes = r.secondary("gc.alloc.rate.norm").map(b -> fmt(b, 1)).orElse("n/a");
            md.append("| ").append(users(r)).append(" | ").append(r.param("schema")).append(" | ")
                    .append(r.param("dedup")).append(" | ").append(r.threads()).append(" | ")
                    .append(rate(r.score(), r.error())).append(" | ").append(rate(perThread))
                    .append(" | ").append(bytes).append(" | ")
                    .append(base.map(b -> rate(b.score())).orElse("n/a")).append(" | ")
                    .append(base.map(b -> fmt(perThread / b.score(), 2) + "x").orElse("n/a")).append(" |\n");
            String where = users(r) + " users, " + r.param("schema") + ", " + r.param("dedup") + ", " + r.threads()
                    + " thread" + (r.threads() > 1 ? "s" : "");
            if (r.param("schema").equals("fixture")) {
                boolean hot = usersOf(r) < COLD_USERS;
                double goal = hot ? HOT_TARGET : COLD_TARGET;
                targets.add(new TargetLine("onEvent >= " + rate(goal) + " events/s per thread, "
                        + (hot ? "hot" : "cold") + " (" + where + ")", rate(perThread), status(perThread >= goal)));
            }
            if (r.param("schema").equals("scalar")) {
                r.secondary("gc.alloc.rate.norm").ifPresent(b -> targets.add(new TargetLine(
                        "0 B/op for scalar features (" + where + ")", fmt(b, 2) + " B/op", status(b < ZERO_BYTES))));
                if (r.threads() == 1 && base.isPresent()) {
                    double f = perThread / base.get().score();
                    targets.add(new TargetLine(">= " + BASELINE_FRACTION_TARGET + "x the inlined baseline (" + where
                            + ")", fmt(f, 2) + "x", status(f >= BASELINE_FRACTION_TARGET)));
                }
            }
        }
        md.append('\n');
        if (!baseline.isEmpty()) {
            md.append("Inlined baseline alone:\n\n| users | events/s | B/op |\n|---|---|---|\n");
            for (Result b : baseline) {
                md.append("| ").append(users(b)).append(" | ").append(rate(b.score(), b.error())).append(" | ")
                        .append(b.secondary("gc.alloc.rate.norm").map(x -> fmt(x, 1)).orElse("n/a")).append(" |\n");
            }
            md.append('\n');
        }
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
            for (String q : PERCENTILES) {
                md.append(" | ").append(p.has(q) ? fmt(p.path(q).asDouble(), 0) : "n/a");
            }
            md.append(" | ").append(sampleCount(r.node())).append(" |\n");
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
                .append("configuration (it is per user).\n\n")
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
            if (m.path("schema").asText().equals("scalar")) {
                targets.add(new TargetLine("<= 1 KiB per profile, scalar part (" + String.format(Locale.ROOT, "%,d", users)
                        + " users, " + m.path("dedup").asText() + ", " + events + " events each)",
                        fmt(perUser, 0) + " B" + (dedup >= 0 ? " (" + fmt(perUser - dedup, 0) + " B without dedup ids)" : ""),
                        status(perUser <= SCALAR_BYTES_TARGET)));
            }
        }
        md.append('\n');
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
                .append("| users | threads | with models | without models | with / without |\n|---|---|---|---|---|\n");
        List<Result> with = all.stream().filter(r -> r.param("models").equals("true")).toList();
        for (Result w : with) {
            Optional<Result> without = all.stream().filter(r -> r.param("models").equals("false")
                    && r.param("users").equals(w.param("users")) && r.param("events").equals(w.param("events"))
                    && r.threads() == w.threads()).findFirst();
            double perThread = w.score() / w.threads();
            md.append("| ").append(users(w)).append(" | ").append(w.threads()).append(" | ")
                    .append(rate(perThread)).append(" | ")
                    .append(without.map(x -> rate(x.score() / x.threads())).orElse("n/a")).append(" | ")
                    .append(without.map(x -> fmt(w.score() / x.score(), 2) + "x").orElse("n/a")).append(" |\n");
            targets.add(new TargetLine("onEvent with scoring and segmenting >= " + rate(MODELS_TARGET)
                    + " events/s per thread (" + users(w) + " users, " + w.threads() + " thread"
                    + (w.threads() > 1 ? "s" : "") + ")", rate(perThread), status(perThread >= MODELS_TARGET)));
        }
        if (with.isEmpty()) {
            md.append("| (no run with models) | | | | |\n");
            targets.add(new TargetLine("onEvent with scoring and segmenting >= " + rate(MODELS_TARGET)
                    + " events/s per thread", "no result", "not measured"));
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
                        "no result", "not measured"));
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
                        : fmt(ms, 3) + " ms", Double.isNaN(ms) ? "not measured" : status(ms <= c.oursAtMostMillis())));
            }
        }

        for (Comparison.Contender p : c.peers()) {
            Double goal = c.speedupTargets().get(p.method());
            if (goal != null && find(c.benchmarkName(p.method())).isEmpty()) {
                targets.add(new TargetLine(c.id() + ": ours >= " + fmt(goal, 1) + "x " + p.label(), "no result",
                        "not measured"));
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
        targets.add(new TargetLine(name + paramsSuffix(o), measured, status));
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

    private static String paramsSuffix(Result r) {
        return r.params().isEmpty() ? "" : " (" + r.params().entrySet().stream().map(e -> e.getKey() + "="
                + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("") + ")";
    }

    /** Benchmarks that are neither engine nor a listed comparison (e.g. the scalers): plain tables. */
    private void otherResults(StringBuilder md) {
        List<String> known = new ArrayList<>(List.of(ON_EVENT, ON_EVENT_LATENCY, BASELINE, ON_EVENT_MODELS));
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
