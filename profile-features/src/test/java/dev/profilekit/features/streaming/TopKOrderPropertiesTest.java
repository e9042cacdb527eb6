package dev.profilekit.features.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Top-k order against references written here from the definition weight = Σ 2^(-(T - t)/h), with extreme
 * half-lives (1 ms .. 100 years) and gaps of thousands of half-lives, where most weights underflow a double.
 * The first reference is exact (BigDecimal sums of powers of two); the second works in the log domain.
 */
class TopKOrderPropertiesTest {

    private static final long T0 = 1_767_225_600_000L;
    /** Event times stay within the engine's range: years 1..9999 is about 3.2e14 ms; keep well inside. */
    private static final long SPAN = 200_000_000_000_000L;

    /** Extreme half-lives: 1 ms, 1 s, 1 h, 1 day, 100 years (P36525D), and anything between. */
    static Arbitrary<Long> halfLives() {
        return Arbitraries.oneOf(Arbitraries.of(1L, 1_000L, 3_600_000L, 86_400_000L, 36_525L * 86_400_000L),
                Arbitraries.longs().between(1, 36_525L * 86_400_000L));
    }

    /** Ages in whole half-lives: none, a few, around the double's exponent limits, and far beyond. */
    static Arbitrary<Integer> wholeHalfLives() {
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 6),
                Arbitraries.of(52, 53, 300, 1021, 1022, 1023, 1074, 1075, 1076, 1100, 2000, 5000));
    }

    /** One event: its value and its age in whole half-lives at the read. */
    record Aged(String value, int halfLives) {
    }

    record ExactCase(long h, long fraction, List<Aged> events) {
    }

    @Provide
    Arbitrary<ExactCase> exactCases() {
        Arbitrary<Aged> event = Combinators.combine(Arbitraries.of("a", "b", "c", "d", "e"), wholeHalfLives())
                .as(Aged::new);
        return Combinators.combine(halfLives(), Arbitraries.doubles().between(0, 1), event.list().ofMinSize(1).ofMaxSize(25))
                .as((h, frac, events) -> new ExactCase(h, (long) (frac * (h - 1)), events));
    }

    /**
     * Every event is a whole number of half-lives old plus one common fraction, so each weight is 2^(-fraction/h)
     * times an exact sum of powers of two: the order (and every tie) is decided exactly by those sums, except
     * that weights closer than double precision (relative 1e-14) may rank either way.
     */
    @Property(tries = 300)
    void theOrderIsTheExactOrderOfTheWeights(@ForAll("exactCases") ExactCase c) {
        long h = c.h();
        long maxAge = SPAN / h; // whole half-lives that fit in the span
        TopKCounter top = new TopKCounter(64, h);
        Map<String, BigDecimal> exact = new TreeMap<>();
        long asOf = T0 + Math.min(maxAge, 5000) * h + c.fraction();
        for (Aged e : c.events()) {
            long age = Math.min(e.halfLives(), maxAge);
            top.add(e.value(), asOf - c.fraction() - age * h);
            exact.merge(e.value(), BigDecimal.ONE.divide(BigDecimal.valueOf(2).pow((int) age)), BigDecimal::add);
        }
        List<Map.Entry<String, BigDecimal>> expected = new ArrayList<>(exact.entrySet());
        List<TopKCounter.WeightedValue> got = top.top(5, asOf);
        assertThat(got).extracting(TopKCounter.WeightedValue::value)
                .containsExactlyInAnyOrderElementsOf(expected.stream().map(Map.Entry::getKey).toList());
        assertThat(top.leading()).isEqualTo(got.get(0).value());
        for (int i = 1; i < got.size(); i++) {
            String hi = got.get(i - 1).value();
            String lo = got.get(i).value();
            int order = exact.get(hi).compareTo(exact.get(lo));
            if (order == 0) {
                assertThat(hi).as("equal weights rank by value").isLessThan(lo);
            } else if (order < 0) {
                // only a difference below double precision (a sum of 1 and 2^-300, say) may be ranked either way
                BigDecimal gap = exact.get(lo).subtract(exact.get(hi));
                assertThat(gap.compareTo(exact.get(lo).multiply(BigDecimal.valueOf(1e-14)))).as("%s ranked before %s", hi, lo)
                        .isLessThanOrEqualTo(0);
            }
        }
        double factor = Math.pow(2, -(double) c.fraction() / h);
        for (int i = 0; i < got.size(); i++) {
            double w = got.get(i).weight();
            double ref = exact.get(got.get(i).value()).doubleValue() * factor;
            assertThat(Double.isFinite(w)).isTrue();
            if (ref >= Double.MIN_NORMAL) {
                assertThat(Math.abs(w - ref)).isLessThanOrEqualTo(1e-12 * ref);
            } else {
                assertThat(Math.abs(w - ref)).isLessThanOrEqualTo(Math.scalb(1.0, -1040));
            }
            if (i > 0) {
                assertThat(w).isLessThanOrEqualTo(got.get(i - 1).weight());
            }
        }
    }

    /** An event at an arbitrary time (offset from T0 in ms). */
    record Timed(String value, long offset) {
    }

    record TimedCase(long h, List<Timed> events, long readAfter) {
    }

    @Provide
    Arbitrary<TimedCase> timedCases() {
        Arbitrary<Long> offsets = Arbitraries.oneOf(Arbitraries.longs().between(0, 10_000),
                Arbitraries.longs().between(0, 10_000_000_000L), Arbitraries.longs().between(0, SPAN / 2));
        Arbitrary<Timed> event = Combinators.combine(Arbitraries.of("a", "b", "c", "d"), offsets).as(Timed::new);
        return Combinators.combine(halfLives(), event.list().ofMinSize(1).ofMaxSize(20),
                Arbitraries.oneOf(Arbitraries.longs().between(0, 10_000), Arbitraries.longs().between(0, SPAN / 2)))
                .as(TimedCase::new);
    }

    /**
     * Arbitrary times: the reference is log2 of each weight as of the latest event, computed from exact integer
     * differences (the whole half-lives as a long, the rest a small double). Pairs closer than 1e-9 in log2 are
     * near-ties the double arithmetic cannot settle, and are not checked.
     */
    @Property(tries = 300)
    void theOrderFollowsTheLogDomainWeights(@ForAll("timedCases") TimedCase c) {
        long h = c.h();
        TopKCounter top = new TopKCounter(64, h);
        long latest = Long.MIN_VALUE;
        for (Timed e : c.events()) {
            top.add(e.value(), T0 + e.offset());
            latest = Math.max(latest, T0 + e.offset());
        }
        Map<String, List<Long>> ages = new TreeMap<>();
        for (Timed e : c.events()) {
            ages.computeIfAbsent(e.value(), v -> new ArrayList<>()).add(latest - (T0 + e.offset()));
        }
        // log2 w = -(youngest age)/h + log2 Σ 2^-((age - youngest)/h), split into whole half-lives and the rest
        Map<String, Long> whole = new TreeMap<>();
        Map<String, Double> rest = new TreeMap<>();
        for (Map.Entry<String, List<Long>> e : ages.entrySet()) {
            long youngest = e.getValue().stream().mapToLong(Long::longValue).min().orElseThrow();
            double sum = 0;
            for (long age : e.getValue()) {
                sum += Math.pow(2, -(double) (age - youngest) / h);
            }
            whole.put(e.getKey(), -(youngest / h));
            rest.put(e.getKey(), -(double) (youngest % h) / h + Math.log(sum) / Math.log(2));
        }
        List<TopKCounter.WeightedValue> got = top.top(4, latest + c.readAfter());
        assertThat(got).hasSize(ages.size());
        for (int i = 1; i < got.size(); i++) {
            String hi = got.get(i - 1).value();
            String lo = got.get(i).value();
            // difference in log2 of the weights, the whole half-lives subtracted exactly first
            double diff = (double) (whole.get(hi) - whole.get(lo)) + (rest.get(hi) - rest.get(lo));
            if (Math.abs(diff) > 1e-9) {
                assertThat(diff).as("%s ranked before %s", hi, lo).isPositive();
            }
            assertThat(got.get(i).weight()).isLessThanOrEqualTo(got.get(i - 1).weight());
        }
    }
}
