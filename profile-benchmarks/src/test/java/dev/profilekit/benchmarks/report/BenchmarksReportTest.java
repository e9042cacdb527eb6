package dev.profilekit.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's arithmetic on hand-written JMH JSON whose right answers are known. */
class BenchmarksReportTest {

    @TempDir
    Path dir;

    private static String entry(String benchmark, String mode, int threads, String params, double score,
                                String unit, double allocNorm) {
        return """
                {"jmhVersion":"1.37","benchmark":"dev.profilekit.benchmarks.%s","mode":"%s","threads":%d,"forks":1,
                 "jvm":"/usr/bin/java","jvmArgs":["-Xmx8g"],"jdkVersion":"17","vmName":"OpenJDK","vmVersion":"17",
                 "warmupIterations":2,"warmupTime":"1 s","measurementIterations":3,"measurementTime":"1 s",
                 "params":{%s},
                 "primaryMetric":{"score":%s,"scoreError":1.0,"scoreUnit":"%s",
                   "scorePercentiles":{"50.0":200.0,"90.0":300.0,"99.0":900.0,"99.9":5000.0}},
                 "secondaryMetrics":{"gc.alloc.rate.norm":{"score":%s,"scoreError":0.0,"scoreUnit":"B/op"}}}
                """.formatted(benchmark, mode, threads, params, score, unit, allocNorm);
    }

    @Test
    void ratiosAndTargetVerdictsFollowTheFigures() throws IOException {
        String hot = "\"users\":\"100000\",\"events\":\"16777216\"";
        Files.writeString(dir.resolve("a.json"), "[" + String.join(",",
                entry("OnEventBenchmark.onEvent", "thrpt", 1,
                        hot + ",\"schema\":\"scalar\",\"dedup\":\"WITHIN_LATENESS\"", 6.0e6, "ops/s", 0.01),
                entry("OnEventBenchmark.onEvent", "thrpt", 2,
                        hot + ",\"schema\":\"fixture\",\"dedup\":\"WITHIN_LATENESS\"", 5.0e6, "ops/s", 48.0),
                entry("OnEventBenchmark.onEvent", "thrpt", 1,
                        hot + ",\"schema\":\"fixture\",\"dedup\":\"WITHIN_LATENESS\"", 2.0e6, "ops/s", 0.2),
                entry("OnEventBenchmark.onEventLatency", "sample", 1,
                        hot + ",\"schema\":\"fixture\",\"dedup\":\"WITHIN_LATENESS\"", 1500.0, "ns/op", 0),
                entry("InlinedBaselineBenchmark.onEvent", "thrpt", 1, hot, 12.0e6, "ops/s", 0.0),
                entry("FixtureInlinedBaselineBenchmark.onEvent", "thrpt", 1, hot + ",\"dedup\":\"within_lateness\"",
                        3.0e6, "ops/s", 0.0),
                entry("FixtureInlinedBaselineBenchmark.onEvent", "thrpt", 1, hot + ",\"dedup\":\"none\"",
                        4.0e6, "ops/s", 0.0),
                entry("PcaBenchmark.ours", "avgt", 1, "\"rows\":\"20000\"", 100.0, "ms/op", 0),
                entry("PcaBenchmark.smile", "avgt", 1, "\"rows\":\"20000\"", 80.0, "ms/op", 0),
                entry("PcaBenchmark.commonsMath", "avgt", 1, "\"rows\":\"20000\"", 250.0, "ms/op", 0)) + "]");
        Files.writeString(dir.resolve("memory.json"), """
                {"events_per_user":20,"walker":"GraphStats","cross_check_graph_layout_bytes":10,
                 "cross_check_graph_stats_bytes":10,"measurements":[
                 {"users":100000,"schema":"scalar","dedup":"ALL","store_bytes":102400000,"store_objects":900000,
                  "bytes_per_user":1024.0},
                 {"users":100000,"schema":"scalar","dedup":"WITHIN_LATENESS","store_bytes":102400100,
                  "store_objects":900000,"bytes_per_user":1024.001}]}
                """);
        Files.writeString(dir.resolve("stages.log"), "pca wall=60 busy=1.2 ours=1.0 load1=0.4\n");

        BenchmarksReport r = BenchmarksReport.load(dir);
        String md = r.markdown();

        // 6 M/s against a 12 M/s scalar baseline is half of it, below the 0.7 target
        assertThat(md).contains("| 100,000 | scalar | WITHIN_LATENESS | 1 | 6.00 ± 0.00 M | 6.00 M | 0.0 | scalar | "
                + "12.00 M | 0.50x |");
        // fixture rows against the fixture baseline that does the same duplicate check: 2 M / 3 M
        assertThat(md).contains("| 100,000 | fixture | WITHIN_LATENESS | 1 | 2.00 ± 0.00 M | 2.00 M | 0.2 | "
                + "fixture, within_lateness | 3.00 M | 0.67x |");
        // 2 threads: 5 M/s total is 2.5 M per thread
        assertThat(md).contains("| 100,000 | fixture | WITHIN_LATENESS | 2 | 5.00 ± 0.00 M | 2.50 M | 48.0 |");
        assertThat(md).contains("| fixture (`FixtureInlinedBaselineBenchmark`) | 100,000 | none | 4.00 ± 0.00 M | 0.0 |");
        // scaling: 5 M on 2 threads over 2 M on 1
        assertThat(md).contains("| 100,000 | fixture | WITHIN_LATENESS | 2.00 M | 5.00 M | 2.50x |");
        assertThat(statusOf(r, ">= 0.7x the scalar inlined baseline")).isEqualTo("**missed**");
        assertThat(statusOf(r, ">= 0.6x the fixture inlined baseline")).isEqualTo("met");
        assertThat(statusOf(r, "onEvent >= 1.50 M events/s per thread, hot (100,000 users, fixture, WITHIN_LATENESS, 1 "))
                .isEqualTo("met");
        assertThat(statusOf(r, "onEvent >= 1.50 M events/s per thread, hot (100,000 users, fixture, WITHIN_LATENESS, 2 "))
                .isEqualTo("met");
        assertThat(statusOf(r, "onEvent >= 1.00 M events/s per thread, cold")).isEqualTo("not measured");
        assertThat(statusOf(r, "0 B/op without listeners (100,000 users, scalar")).isEqualTo("met"); // 0.01 is zero
        assertThat(statusOf(r, "0 B/op without listeners (100,000 users, fixture, WITHIN_LATENESS, 1 "))
                .isEqualTo("met");
        assertThat(statusOf(r, "0 B/op without listeners (100,000 users, fixture, WITHIN_LATENESS, 2 "))
                .isEqualTo("**missed**");
        assertThat(statusOf(r, "2 threads >= 1.7x 1 thread")).isEqualTo("met");
        assertThat(statusOf(r, "onEvent latency p99.9 <= 10 us")).isEqualTo("met"); // 5,000 ns
        assertThat(statusOf(r, "onEvent with live models")).isEqualTo("not measured");
        assertThat(statusOf(r, "scoring on every update")).isEqualTo("not measured");
        assertThat(statusOf(r, "arima: ours <= 2.0 ms")).isEqualTo("not measured");
        assertThat(statusOf(r, "pca: ours >= 2.0x commons-math3")).isEqualTo("met"); // 250 / 100 = 2.5x
        // no memory target any more (superseded), the table stays
        assertThat(r.targets()).noneMatch(t -> t.target().contains("KiB"));
        assertThat(md).contains("| 100,000 | scalar | ALL | 1,024 |");
        // the targets come first, in its order, the peers' after them
        assertThat(r.targets()).extracting(BenchmarksReport.TargetLine::group).isSorted();
        assertThat(md.indexOf(">= 0.7x the scalar")).isLessThan(md.indexOf(">= 0.6x the fixture"));
        assertThat(md.indexOf("arima: ours")).isLessThan(md.indexOf("Peer comparisons"));
        assertThat(md.indexOf("Peer comparisons")).isLessThan(md.indexOf("pca: ours >= 2.0x"));
        assertThat(md).contains("| Smile 3.1.1 PCA (OpenBLAS, 1 thread) | 80.000 ± 1.000 | 0.80x |");
        assertThat(md).contains("| 2.50x |");
        assertThat(md).contains("Accuracy: not measured (quality.json missing).");
        assertThat(md).doesNotContain("loaded machine");
    }

    @Test
    void speedUpsAreGatedOnAccuracyAndAbsoluteTargetsAreChecked() throws IOException {
        Files.writeString(dir.resolve("peers.json"), "[" + String.join(",",
                entry("LogisticRegressionPeersBenchmark.ours", "avgt", 1, "", 200.0, "ms/op", 0),
                entry("LogisticRegressionPeersBenchmark.smile", "avgt", 1, "", 400.0, "ms/op", 0),
                entry("LogisticRegressionPeersBenchmark.tribuoLiblinear", "avgt", 1, "", 300.0, "ms/op", 0),
                entry("LogisticRegressionPeersBenchmark.tribuoSgd", "avgt", 1, "", 100.0, "ms/op", 0),
                entry("KMeansPeersBenchmark.ours", "avgt", 1, "", 100.0, "ms/op", 0),
                entry("KMeansPeersBenchmark.smile", "avgt", 1, "", 150.0, "ms/op", 0),
                entry("KMeansPeersBenchmark.commonsMath", "avgt", 1, "", 290.0, "ms/op", 0),
                entry("ArimaPeersBenchmark.ours", "avgt", 1, "", 1500.0, "us/op", 0),
                entry("ArimaPeersBenchmark.smile", "avgt", 1, "", 500.0, "us/op", 0),
                entry("OnEventBenchmark.onEventLatency", "sample", 1,
                        "\"users\":\"100000\",\"schema\":\"fixture\",\"dedup\":\"WITHIN_LATENESS\"", 1.5, "us/op", 0),
                entry("OnEventModelsBenchmark.onEvent", "thrpt", 1,
                        "\"users\":\"100000\",\"events\":\"16777216\",\"models\":\"true\"", 1.2e6, "ops/s", 10),
                entry("OnEventModelsBenchmark.onEvent", "thrpt", 1,
                        "\"users\":\"100000\",\"events\":\"16777216\",\"models\":\"false\"", 2.4e6, "ops/s", 0))
                + "]");
        // liblinear is slower AND less accurate than ours; Smile is slower but more accurate by more than 1e-6
        Files.writeString(dir.resolve("quality.json"), """
                {"logistic":{"log_loss.ours":0.3,"log_loss.smile":0.299,"log_loss.tribuoLiblinear":0.3000001,
                             "log_loss.tribuoSgd":0.31},
                 "kmeans":{"inertia.ours":100.0,"inertia.smile":100.0,"inertia.commonsMath":100.0},
                 "arima":{"css_loglike.ours":-10.0,"css_loglike.smile":-11.0,"exact_loglike.ours":-10.5}}
                """);
        Files.writeString(dir.resolve(BenchmarksReport.STATSMODELS_FILE), """
                {"date":"2026-11-27","machine":"test cpu","python":"3.11","statsmodels":"0.13.5","numpy":"1.24",
                 "scipy":"1.10","call":"ARIMA(y, order=(2, 1, 2)).fit()","repeats":30,"best_ms":50.0,
                 "median_ms":55.0,"loglike":-1408.5}
                """);
        BenchmarksReport r = BenchmarksReport.load(dir);
        String md = r.markdown();
        assertThat(statusOf(r, "logistic: ours >= 1.0x Tribuo 4.3.2 liblinear")).isEqualTo("met"); // 1.5x, better
        assertThat(statusOf(r, "logistic: ours >= 1.0x Smile")).isEqualTo("**missed**"); // 2x, but less accurate
        assertThat(statusOf(r, "logistic: ours >= 1.0x Tribuo 4.3.2 SGD")).isEqualTo("**missed**"); // 0.5x
        assertThat(statusOf(r, "kmeans: ours >= 1.0x Smile")).isEqualTo("met"); // 1.5x at equal inertia
        assertThat(statusOf(r, "kmeans: ours >= 3.0x commons-math3")).isEqualTo("**missed**"); // 2.9x
        assertThat(statusOf(r, "arima: ours <= 2.0 ms")).isEqualTo("met"); // 1,500 us = 1.5 ms
        // 1.2 M/s with models meets 1 M, but scoring costs half the rate without (over 30%)
        assertThat(statusOf(r, "onEvent with live models")).isEqualTo("met");
        assertThat(statusOf(r, "scoring on every update costs <= 30%")).isEqualTo("**missed**");
        assertThat(r.targets()).filteredOn(t -> t.target().startsWith("scoring on every update"))
                .extracting(BenchmarksReport.TargetLine::measured).containsExactly("50% (1.20 M vs 2.40 M)");
        assertThat(md).contains("## Engine: onEvent with live models", "| 100,000 | 1 | 1.20 M | 2.40 M | 0.50x | 50% |");
        // latency percentiles in us/op are converted: p99.9 of 5,000 us is 5 ms
        assertThat(statusOf(r, "onEvent latency p99.9")).isEqualTo("**missed**");
        assertThat(md).contains("| 200,000 | 300,000 | 900,000 | 5,000,000 |");
        assertThat(md).contains("measured once by hand, outside the JMH run", "statsmodels 0.13.5",
                "| 50.00 (median 55.00) | -1408.500000 |", "| ProfileKit Arima (JMH, this run) | 1.50 | -10.500000 |");
        assertThat(md).contains("(ours less accurate)");
    }

    private static String statusOf(BenchmarksReport r, String prefix) {
        return r.targets().stream().filter(t -> t.target().startsWith(prefix)).map(BenchmarksReport.TargetLine::status)
                .reduce((a, b) -> {
                    throw new AssertionError("two targets start with " + prefix);
                }).orElseThrow(() -> new AssertionError("no target starts with " + prefix));
    }

    @Test
    void aLoadedMachineIsLabelled() throws IOException {
        Files.writeString(dir.resolve("stages.log"), "onevent-t1 wall=100 busy=1.8 ours=1.0 load1=1.2\n"
                + "pca wall=60 busy=1.9 ours=1.0 load1=1.1\n");
        String md = BenchmarksReport.load(dir).markdown();
        // others used 0.9 core during pca, above the 0.5 threshold
        assertThat(md).contains("Figures from a loaded machine").contains("| pca | 60 | 1.10 | 1.90 | 1.00 | 0.90 |");
    }

    @Test
    void pointInTimeDatasetsSectionShowsTheFigures() throws IOException {
        assertThat(BenchmarksReport.load(dir).markdown()).contains("## Point-in-time datasets")
                .contains("No results (dataset.json missing)");
        Files.writeString(dir.resolve("dataset.json"), """
                {"events":10000000,"labels":1000000,"users":200000,"accepted":9900000,"wall_s":250.0,"pass1_s":100.0,
                 "pass2_s":150.0,"sorted_runs":30,"max_live_heap_after_gc_bytes":1073741824,
                 "max_heap_bytes":2147483648,"load1_before":1.5,"load1_after":2.25}
                """);
        // 1,000,000 labels / 250 s = 4.0 k labels/s; 1 GiB = 1024 MiB
        assertThat(BenchmarksReport.load(dir).markdown()).contains(
                "| 10,000,000 | 1,000,000 | 200,000 | 9,900,000 | 250.0 | 100.0 | 150.0 | 4.0 k | 30 | 1,024 | 2,048 | 1.50 -> 2.25 |");
    }
}
