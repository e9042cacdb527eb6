package dev.profilekit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.benchmarks.report.BenchmarksReport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Keeps the benchmarks from rotting: runs every benchmark method listed in the generated
 * {@code META-INF/BenchmarkList} in-process (forks 0), one 100 ms measurement iteration without warm-up, on
 * small parameters (1,000 users, 2^20 pre-built events per thread, 2,000-row matrices of 50 columns for
 * PCA and logistic regression, 2,000 points for k-means; ARIMA's n = 1,000 is small already), once on one thread
 * and {@code onEvent} again on two, then builds BENCHMARKS.md from the JSON it wrote. A new benchmark class
 * with heavy defaults must get a small value here (parameters unknown to a class are ignored by JMH).
 */
class BenchmarksSmokeTest {

    /** Small-parameter overrides; the heavy defaults stay for run.sh. */
    private static final String[][] SMALL = {
        {"users", "1000"}, {"events", String.valueOf(1 << 20)}, {"rows", "2000"}, {"columns", "50"},
    };

    @TempDir
    static Path results;

    private static final List<RunResult> RUNS = new ArrayList<>();

    @BeforeAll
    static void runEverything() throws RunnerException {
        System.setProperty("jmh.ignoreLock", "true"); // other JMH runs may share the machine
        RUNS.addAll(run(".*", 1, "smoke-t1.json"));
        RUNS.addAll(run(OnEventBenchmark.class.getName() + ".onEvent$", 2, "smoke-t2.json"));
    }

    private static Collection<RunResult> run(String include, int threads, String file) throws RunnerException {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(include)
                .forks(0)
                .threads(threads)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .resultFormat(ResultFormatType.JSON)
                .result(results.resolve(file).toString());
        for (String[] p : SMALL) {
            o.param(p[0], p[1]);
        }
        return new Runner(o.build()).run();
    }

    static Set<String> listedBenchmarks() throws IOException {
        try (InputStream in = BenchmarksSmokeTest.class.getResourceAsStream(BenchmarkList.BENCHMARK_LIST)) {
            assertThat(in).as("generated benchmark list").isNotNull();
            return BenchmarkList.readBenchmarkList(in).stream().map(BenchmarkListEntry::getUsername)
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void everyListedBenchmarkProducedAFinitePositiveScore() throws IOException {
        Set<String> ran = new TreeSet<>();
        for (RunResult r : RUNS) {
            double score = r.getPrimaryResult().getScore();
            String name = r.getParams().getBenchmark();
            assertThat(score).as("%s %s", name, r.getParams()).isFinite().isPositive();
            ran.add(name);
        }
        assertThat(ran).containsAll(listedBenchmarks());
        assertThat(listedBenchmarks()).contains(OnEventBenchmark.class.getName() + ".onEvent",
                OnEventBenchmark.class.getName() + ".onEventLatency",
                InlinedBaselineBenchmark.class.getName() + ".onEvent",
                FixtureInlinedBaselineBenchmark.class.getName() + ".onEvent",
                PcaBenchmark.class.getName() + ".ours", PcaBenchmark.class.getName() + ".smile",
                PcaBenchmark.class.getName() + ".commonsMath",
                OnEventModelsBenchmark.class.getName() + ".onEvent",
                LogisticRegressionPeersBenchmark.class.getName() + ".tribuoLiblinear",
                KMeansPeersBenchmark.class.getName() + ".commonsMath", ArimaPeersBenchmark.class.getName() + ".smile");
    }

    @Test
    void onEventRanOnTwoThreadsAndMeasuredAllocation() {
        List<RunResult> twoThreads = RUNS.stream().filter(r -> r.getParams().getThreads() == 2).toList();
        assertThat(twoThreads).isNotEmpty();
        for (RunResult r : RUNS) {
            if (r.getParams().getBenchmark().endsWith("OnEventBenchmark.onEvent")) {
                assertThat(r.getSecondaryResults()).containsKey("gc.alloc.rate.norm");
            }
        }
    }

    @Test
    void reportIsBuiltFromTheSmokeRunJson() throws IOException {
        Path dir = results.resolve("report-input");
        Files.createDirectories(dir);
        Files.copy(results.resolve("smoke-t1.json"), dir.resolve("smoke-t1.json"));
        Files.copy(results.resolve("smoke-t2.json"), dir.resolve("smoke-t2.json"));
        MemoryPerProfile.main(new String[] {dir.resolve("memory.json").toString(), "500,1000", "3"});
        Files.writeString(dir.resolve("stages.log"), "onevent wall=10 busy=1.9 ours=1.0 load1=2.5\n");

        Path out = results.resolve("BENCHMARKS.md");
        BenchmarksReport.main(new String[] {dir.toString(), out.toString()});
        String md = Files.readString(out);

        assertThat(md).contains("# ProfileKit benchmarks", "## Machine", "## JMH settings", "## Targets",
                "Figures from a loaded machine");
        // one throughput row per (schema, dedup) at 1 thread plus the 2-thread rows, each with a baseline ratio
        assertThat(md).containsPattern("\\| 1,000 \\| scalar \\| WITHIN_LATENESS \\| 1 \\| [0-9.,]+ ± (n/a|[0-9.,]+) ?[Mk]? \\| ");
        assertThat(md).containsPattern("\\| 1,000 \\| fixture \\| ALL \\| 2 \\| ");
        assertThat(md).containsPattern("\\| [0-9.]+x \\|");
        // latency percentiles and memory rows
        assertThat(md).contains("## Engine: `onEvent` latency").doesNotContain("| n/a | n/a | n/a | n/a |");
        assertThat(md).containsPattern("\\| 1,000 \\| scalar \\| ALL \\| [0-9]+ \\|");
        // the PCA table has our row and both peers with a speed-up
        assertThat(md).contains("ProfileKit Pca", "Smile 3.1.1", "commons-math3 3.6.1");
        assertThat(md).containsPattern("commons-math3 3.6.1 Covariance \\+ EigenDecomposition \\| [0-9.,]+ ± (n/a|[0-9.,]+) "
                + "\\| [0-9.,]+x \\|");
        // every target has a verdict
        assertThat(md).containsPattern(">= 0.7x the scalar inlined baseline \\(1,000 users, scalar, WITHIN_LATENESS, 1 "
                + "thread\\) \\| [0-9.]+x .* \\| (met|\\*\\*missed\\*\\*) \\|");
        assertThat(md).containsPattern(">= 0.6x the fixture inlined baseline \\(1,000 users, fixture, WITHIN_LATENESS, 1 "
                + "thread vs dedup=within_lateness\\) \\| [0-9.]+x .* \\| (met|\\*\\*missed\\*\\*) \\|");
        assertThat(md).containsPattern("\\| fixture \\(`FixtureInlinedBaselineBenchmark`\\) \\| 1,000 \\| within_lateness \\| ");
        assertThat(md).containsPattern("\\| fixture \\(`FixtureInlinedBaselineBenchmark`\\) \\| 1,000 \\| none \\| ");
        assertThat(md).containsPattern("onEvent >= 1.50 M events/s per thread, hot .* \\| (met|\\*\\*missed\\*\\*) \\|");
        assertThat(md).containsPattern("0 B/op without listeners .* \\| (met|\\*\\*missed\\*\\*) \\|");
        assertThat(md).containsPattern("2 threads >= 1.7x 1 thread on distinct users \\(1,000 users, fixture, "
                + "WITHIN_LATENESS\\) \\| [0-9.]+x .* \\| (met|\\*\\*missed\\*\\*) \\|");
        assertThat(md).containsPattern("onEvent latency p99.9 <= 10 us .* \\| [0-9.,]+ us \\| (met|\\*\\*missed\\*\\*) \\|");
        assertThat(md).containsPattern("pca: ours >= 2.0x commons-math3 .* \\| (met|\\*\\*missed\\*\\*) \\|");
        // the peers of logistic regression, k-means and ARIMA, gated on accuracy (no quality.json here)
        assertThat(md).contains("Tribuo 4.3.2 liblinear", "Tribuo 4.3.2 SGD", "MultiKMeansPlusPlusClusterer",
                "Smile 3.1.1 ARMA.fit");
        assertThat(md).containsPattern("logistic: ours >= 1.0x Smile .* \\| (unchecked|\\*\\*missed\\*\\*) \\|");
        assertThat(md).containsPattern("kmeans: ours >= 3.0x commons-math3 .* \\| (unchecked|\\*\\*missed\\*\\*) \\|");
        assertThat(md).containsPattern("arima: ours <= 2.0 ms per fit .* \\| (met|\\*\\*missed\\*\\*) \\|");
        // onEvent with and without live models, with the ratio and the target's verdict
        assertThat(md).containsPattern("\\| 1,000 \\| 1 \\| [0-9.,]+ [Mk]? ?\\| [0-9.,]+ [Mk]? ?\\| [0-9.]+x \\| -?[0-9]+% \\|");
        assertThat(md).containsPattern("onEvent with live models >= 1.00 M events/s per thread "
                + "\\(1,000 users, 1 thread\\) \\| .* \\| (met|\\*\\*missed\\*\\*) \\|");
        assertThat(md).containsPattern("scoring on every update costs <= 30% of throughput, 1 - with / without models "
                + "\\(1,000 users, 1 thread\\) \\| -?[0-9]+% .* \\| (met|\\*\\*missed\\*\\*) \\|");
        // every issue-10 target was measured by the smoke run (ARIMA included) but the cold one (1,000 users only)
        assertThat(md.lines().filter(l -> l.endsWith("| not measured |")).toList())
                .allMatch(l -> l.startsWith("| onEvent >= 1.00 M events/s per thread, cold"));
    }
}
