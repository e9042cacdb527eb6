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
                entry("InlinedBaselineBenchmark.onEvent", "thrpt", 1, hot, 12.0e6, "ops/s", 0.0),
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

        // 6 M/s against a 12 M/s baseline is half of it, below the 0.6 target
        assertThat(md).contains("| 100,000 | scalar | WITHIN_LATENESS | 1 | 6.00 ± 0.00 M | 6.00 M | 0.0 | 12.00 M | 0.50x |");
        // 2 threads: 5 M/s total is 2.5 M per thread, below the 3 M hot target
        assertThat(md).contains("| 100,000 | fixture | WITHIN_LATENESS | 2 | 5.00 ± 0.00 M | 2.50 M | 48.0 |");
        assertThat(r.targets()).extracting(BenchmarksReport.TargetLine::status).containsExactlyInAnyOrder(
                "**missed**",   // 2.5 M per thread hot
                "met",          // 0.01 B/op counts as zero
                "**missed**",   // 0.5x baseline
                "met",          // 1024 B is exactly 1 KiB
                "**missed**",   // 1024.001 B is over
                "met");         // PCA: 250 / 100 = 2.5x commons-math3
        assertThat(md).contains("| Smile 3.1.1 PCA (OpenBLAS, 1 thread) | 80.000 ± 1.000 | 0.80x |");
        assertThat(md).contains("| 2.50x |");
        assertThat(md).contains("Accuracy: not measured (quality.json missing).");
        assertThat(md).doesNotContain("loaded machine");
    }

    @Test
    void aLoadedMachineIsLabelled() throws IOException {
        Files.writeString(dir.resolve("stages.log"), "onevent-t1 wall=100 busy=1.8 ours=1.0 load1=1.2\n"
                + "pca wall=60 busy=1.9 ours=1.0 load1=1.1\n");
        String md = BenchmarksReport.load(dir).markdown();
        // others used 0.9 core during pca, above the 0.5 threshold
        assertThat(md).contains("Figures from a loaded machine").contains("| pca | 60 | 1.10 | 1.90 | 1.00 | 0.90 |");
    }
}
