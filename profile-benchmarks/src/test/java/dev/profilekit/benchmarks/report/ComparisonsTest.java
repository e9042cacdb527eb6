package dev.profilekit.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;

/** Every comparison names JMH methods that exist, so a table can never silently stay empty. */
class ComparisonsTest {

    @Test
    void everyContenderIsABenchmarkMethodOfItsClass() throws ClassNotFoundException {
        Set<String> ids = new HashSet<>();
        for (Comparison c : Comparisons.ALL) {
            assertThat(ids.add(c.id())).as("unique id %s", c.id()).isTrue();
            Class<?> type = Class.forName("dev.profilekit.benchmarks." + c.benchmark());
            Set<String> benchmarks = new HashSet<>();
            for (Method m : type.getMethods()) {
                if (m.isAnnotationPresent(Benchmark.class)) {
                    benchmarks.add(m.getName());
                }
            }
            assertThat(benchmarks).as(c.benchmark()).contains(c.ours().method());
            List<String> peers = c.peers().stream().map(Comparison.Contender::method).toList();
            assertThat(benchmarks).as(c.benchmark()).containsAll(peers);
            assertThat(peers).as("speed-up targets of %s name its peers", c.id())
                    .containsAll(c.speedupTargets().keySet());
        }
    }

    @Test
    void metricsNeedAQualitySupplier() {
        Comparison.Contender ours = new Comparison.Contender("ours", "ours");
        List<Comparison.Metric> metrics = List.of(new Comparison.Metric("m", "m", true));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Comparison("x", "x", "PcaBenchmark", ours,
                        List.of(), metrics, null, java.util.Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x'");
    }

    @Test
    void aQualityGateNamesAListedMetricAndComparesInItsDirection() {
        Comparison.Contender ours = new Comparison.Contender("ours", "ours");
        List<Comparison.Metric> metrics = List.of(new Comparison.Metric("m", "m", false));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Comparison("x", "x", "PcaBenchmark", ours,
                        List.of(), metrics, java.util.Map::of, java.util.Map.of(),
                        new Comparison.QualityGate("other", 0), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'other'");
        Comparison.QualityGate gate = new Comparison.QualityGate("m", 0.01);
        assertThat(gate.passes(1.005, 1.0, false)).isTrue();   // worse by 0.5%, within 1%
        assertThat(gate.passes(1.02, 1.0, false)).isFalse();   // worse by 2%
        assertThat(gate.passes(0.5, 1.0, false)).isTrue();     // better
        assertThat(gate.passes(-1.02, -1.0, true)).isFalse();  // log-likelihood lower by 2%
        assertThat(gate.passes(-0.9, -1.0, true)).isTrue();
    }
}
