package dev.profilekit.benchmarks.report;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One side-by-side table of BENCHMARKS.md: a JMH benchmark class whose {@code ours} method is our
 * implementation and whose other methods are peers doing the same work on the same data, plus optional
 * accuracy figures so that speed is never read without them.
 *
 * @param id        short key, also the key of this comparison's accuracy figures in {@code quality.json}
 * @param title     table heading
 * @param benchmark simple name of the JMH class in {@code dev.profilekit.benchmarks}
 * @param ours      our method's name and label
 * @param peers     each peer's method name and label (with its version), in table order
 * @param metrics   accuracy metrics: the key prefix of the quality map ({@code <prefix>.<method>}) and its label
 * @param quality   computes the accuracy map on the default data, or null when the comparison has none
 * @param speedupTargets targets: peer method to the least speed-up of ours over it (e.g. 2.0 for 2x)
 */
public record Comparison(String id, String title, String benchmark, Contender ours, List<Contender> peers,
                         List<Metric> metrics, Supplier<Map<String, Double>> quality,
                         Map<String, Double> speedupTargets) {

    /** Validates and copies. */
    public Comparison {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(benchmark, "benchmark");
        Objects.requireNonNull(ours, "ours");
        peers = List.copyOf(peers);
        metrics = List.copyOf(metrics);
        speedupTargets = Map.copyOf(speedupTargets);
        if (!metrics.isEmpty() && quality == null) {
            throw new IllegalArgumentException("comparison '" + id + "' lists metrics but no quality supplier");
        }
    }

    /** The JMH benchmark name of {@code method}. */
    public String benchmarkName(String method) {
        return "dev.profilekit.benchmarks." + benchmark + "." + method;
    }

    /** A benchmark method and how the table names it. */
    public record Contender(String method, String label) {
    }

    /**
     * An accuracy figure.
     *
     * @param key    prefix of the quality map keys
     * @param label  column heading
     * @param higherIsBetter direction, shown in the heading
     */
    public record Metric(String key, String label, boolean higherIsBetter) {
    }
}
