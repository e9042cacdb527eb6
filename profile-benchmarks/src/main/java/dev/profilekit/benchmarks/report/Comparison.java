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
 * @param qualityGate    when not null, a speed-up target is met only if ours is also at least as accurate as
 *                       that peer on this metric (so speed is never bought with accuracy)
 * @param oursAtMostMillis when not null, an absolute target: our time per operation at most this many ms
 *                       (for an average- or single-shot-time benchmark)
 */
public record Comparison(String id, String title, String benchmark, Contender ours, List<Contender> peers,
                         List<Metric> metrics, Supplier<Map<String, Double>> quality,
                         Map<String, Double> speedupTargets, QualityGate qualityGate, Double oursAtMostMillis) {

    /** A comparison with speed-up targets only. */
    public Comparison(String id, String title, String benchmark, Contender ours, List<Contender> peers,
                      List<Metric> metrics, Supplier<Map<String, Double>> quality,
                      Map<String, Double> speedupTargets) {
        this(id, title, benchmark, ours, peers, metrics, quality, speedupTargets, null, null);
    }

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
        if (qualityGate != null && metrics.stream().noneMatch(m -> m.key().equals(qualityGate.metric()))) {
            throw new IllegalArgumentException("comparison '" + id + "' gates on metric '" + qualityGate.metric()
                    + "', which it does not list");
        }
        if (oursAtMostMillis != null && !(oursAtMostMillis > 0)) {
            throw new IllegalArgumentException("comparison '" + id + "' oursAtMostMillis must be > 0, was "
                    + oursAtMostMillis);
        }
    }

    /** The JMH benchmark name of {@code method}. */
    public String benchmarkName(String method) {
        return "dev.profilekit.benchmarks." + benchmark + "." + method;
    }

    /** The metric of this comparison whose key is {@code key}, if listed. */
    public Metric metric(String key) {
        return metrics.stream().filter(m -> m.key().equals(key)).findFirst().orElse(null);
    }

    /**
     * Equal accuracy as a condition of a speed-up target: ours' value of {@code metric} may be worse than the
     * peer's by at most {@code relativeTolerance} (relative to the peer's value); better always passes.
     *
     * @param metric            key of one of the comparison's metrics
     * @param relativeTolerance how much worse counts as equal, e.g. 1e-6
     */
    public record QualityGate(String metric, double relativeTolerance) {

        /** Validates. */
        public QualityGate {
            Objects.requireNonNull(metric, "metric");
            if (!(relativeTolerance >= 0)) {
                throw new IllegalArgumentException("relativeTolerance must be >= 0, was " + relativeTolerance);
            }
        }

        /** Whether {@code ours} is at least as good as {@code peer} within the tolerance. */
        public boolean passes(double ours, double peer, boolean higherIsBetter) {
            double slack = relativeTolerance * Math.abs(peer);
            return higherIsBetter ? ours >= peer - slack : ours <= peer + slack;
        }
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
