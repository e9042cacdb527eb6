package dev.profilekit.features.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Each kernel against a naive evaluation of its definition, on random out-of-order streams. */
class StreamingKernelsTest {

    private static final double REL = 1e-12;
    private static final long T0 = 1_767_225_600_000L;

    private static long[] times(SplittableRandom r, int n, long span) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = T0 + r.nextLong(span);
        }
        return t;
    }

    @Property(tries = 50)
    void decayedSumEqualsTheDirectSumInAnyOrder(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int n) {
        SplittableRandom r = new SplittableRandom(seed);
        long h = 1 + r.nextLong(7 * 86_400_000L);
        long[] t = times(r, n, 30 * 86_400_000L);
        double rate = ExponentialDecay.rate(h);
        double[] s = new double[3];
        ExponentialDecay.init(s, 1);
        long max = Long.MIN_VALUE;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextDouble() * 100;
            ExponentialDecay.add(s, 1, t[i], x[i], rate);
            max = Math.max(max, t[i]);
        }
        long asOf = max + r.nextLong(86_400_000L);
        double naive = 0;
        for (int i = 0; i < n; i++) {
            naive += x[i] * Math.pow(2, -(double) (asOf - t[i]) / h);
        }
        assertThat(ExponentialDecay.valueAt(s, 1, asOf, rate)).isCloseTo(naive, within(REL * Math.max(1, naive)));
    }

    @Property(tries = 50)
    void bucketRingEqualsTheWindowDefinition(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int n,
                                             @ForAll @IntRange(min = 1, max = 24) int buckets) {
        SplittableRandom r = new SplittableRandom(seed);
        long width = 1 + r.nextLong(3_600_000L);
        long[] t = times(r, n, width * buckets * 4);
        double[] ring = new double[BucketRing.slots(buckets) + 3];
        BucketRing.init(ring, 3, buckets);
        long max = Long.MIN_VALUE;
        for (long ti : t) {
            BucketRing.add(ring, 3, buckets, Math.floorDiv(ti, width), 1.0);
            max = Math.max(max, ti);
        }
        long asOf = max + r.nextLong(width * buckets * 2);
        long bT = Math.floorDiv(asOf, width);
        long naive = Arrays.stream(t).filter(ti -> {
            long b = Math.floorDiv(ti, width);
            return bT - buckets < b && b <= bT;
        }).count();
        assertThat(BucketRing.sum(ring, 3, buckets, bT)).isEqualTo((double) naive);
    }

    @Property(tries = 50)
    void momentsMatchTwoPassAndMergeHalves(@ForAll long seed, @ForAll @IntRange(min = 2, max = 300) int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        double[] whole = new double[5];
        double[] a = new double[5];
        double[] b = new double[5];
        RunningMoments.init(whole, 0);
        RunningMoments.init(a, 0);
        RunningMoments.init(b, 0);
        int cut = r.nextInt(n);
        for (int i = 0; i < n; i++) {
            x[i] = 1000 + r.nextGaussian() * 50;
            RunningMoments.add(whole, 0, x[i]);
            RunningMoments.add(i < cut ? a : b, 0, x[i]);
        }
        double mean = Arrays.stream(x).average().orElseThrow();
        double var = Arrays.stream(x).map(v -> (v - mean) * (v - mean)).sum() / n;
        assertThat(RunningMoments.mean(whole, 0)).isCloseTo(mean, within(1e-12 * Math.abs(mean)));
        assertThat(RunningMoments.populationStd(whole, 0)).isCloseTo(Math.sqrt(var), within(1e-9 * Math.sqrt(var)));
        assertThat(RunningMoments.min(whole, 0)).isEqualTo(Arrays.stream(x).min().orElseThrow());
        assertThat(RunningMoments.max(whole, 0)).isEqualTo(Arrays.stream(x).max().orElseThrow());
        RunningMoments.merge(a, 0, b, 0);
        assertThat(RunningMoments.count(a, 0)).isEqualTo(n);
        assertThat(RunningMoments.mean(a, 0)).isCloseTo(mean, within(1e-12 * Math.abs(mean)));
        assertThat(RunningMoments.populationStd(a, 0)).isCloseTo(Math.sqrt(var), within(1e-9 * Math.sqrt(var)));
    }

    @Property(tries = 80)
    void sessionsEqualSortAndSplitWithLatenessClosing(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int n) {
        SplittableRandom r = new SplittableRandom(seed);
        long gap = r.nextLong(1_800_000L);
        long lateness = r.nextLong(6 * 3_600_000L);
        // arrival order: sorted times delayed by up to the lateness, so no event is late
        long[] t = times(r, n, 3 * 86_400_000L);
        Arrays.sort(t);
        Long[] order = new Long[n];
        long[] delivery = new long[n];
        for (int i = 0; i < n; i++) {
            order[i] = (long) i;
            delivery[i] = t[i] + r.nextLong(lateness + 1);
        }
        Arrays.sort(order, Comparator.comparingLong(i -> delivery[(int) (long) i]));
        SessionTracker s = new SessionTracker(gap);
        long max = Long.MIN_VALUE;
        for (Long i : order) {
            long ti = t[(int) (long) i];
            assertThat(ti).isGreaterThanOrEqualTo(max == Long.MIN_VALUE ? ti : max - lateness);
            s.add(ti);
            max = Math.max(max, ti);
            s.closeBefore(max - lateness - gap);
        }
        long count = 1;
        long total = 0;
        long start = t[0];
        for (int i = 1; i < n; i++) {
            if (t[i] - t[i - 1] > gap) {
                total += t[i - 1] - start;
                start = t[i];
                count++;
            }
        }
        total += t[n - 1] - start;
        assertThat(s.count()).isEqualTo(count);
        assertThat(s.totalDurationMs()).isEqualTo(total);
    }

    @Property(tries = 50)
    void topKIsExactUpToCapacity(@ForAll long seed, @ForAll @IntRange(min = 1, max = 400) int n,
                                 @ForAll boolean decayed) {
        SplittableRandom r = new SplittableRandom(seed);
        long h = 86_400_000L;
        int capacity = 16;
        TopKCounter c = new TopKCounter(capacity, decayed ? h : 0L);
        Map<String, Double> naive = new HashMap<>();
        long[] t = times(r, n, 200L * h); // spans many half-lives
        long max = Arrays.stream(t).max().orElseThrow();
        for (long ti : t) {
            String v = "v" + r.nextInt(capacity);
            c.add(v, ti);
            naive.merge(v, decayed ? Math.pow(2, -(double) (max - ti) / h) : 1.0, Double::sum);
        }
        assertThat(c.isExact()).isTrue();
        List<TopKCounter.WeightedValue> top = c.top(5, max);
        List<Map.Entry<String, Double>> expected = new ArrayList<>(naive.entrySet());
        expected.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        assertThat(top).hasSize(Math.min(5, expected.size()));
        for (int i = 0; i < top.size(); i++) {
            double e = expected.get(i).getValue();
            assertThat(top.get(i).weight()).isCloseTo(e, within(1e-9 * Math.max(1, e)));
        }
    }

    @Test
    void spaceSavingKeepsHeavyHittersAndBoundsTheError() {
        SplittableRandom r = new SplittableRandom(7);
        int capacity = 20;
        TopKCounter c = new TopKCounter(capacity, 0L);
        Map<String, Integer> truth = new HashMap<>();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            String v = r.nextDouble() < 0.3 ? "hot" + r.nextInt(3) : "cold" + r.nextInt(5_000);
            c.add(v, T0 + i);
            truth.merge(v, 1, Integer::sum);
        }
        assertThat(c.isExact()).isFalse();
        List<TopKCounter.WeightedValue> top = c.top(3, T0 + n);
        assertThat(top).extracting(TopKCounter.WeightedValue::value).containsExactlyInAnyOrder("hot0", "hot1", "hot2");
        for (TopKCounter.WeightedValue w : top) {
            // Space-Saving: estimate >= truth and overestimates by at most n / capacity
            assertThat(w.weight()).isBetween((double) truth.get(w.value()), truth.get(w.value()) + (double) n / capacity);
        }
    }

    @Test
    void distinctCounterIsExactThenWithinTheSketchError() {
        DistinctCounter c = new DistinctCounter(DistinctCounter.DEFAULT_EXACT_LIMIT);
        for (int i = 0; i < 10_000; i++) {
            c.add("p" + i);
            c.add("p" + (i / 2)); // repeats never count twice
        }
        assertThat(c.isExact()).isTrue();
        assertThat(c.count()).isEqualTo(10_000);
        int n = 200_000;
        for (int i = 10_000; i < n; i++) {
            c.add("p" + i);
        }
        assertThat(c.isExact()).isFalse();
        // lgK = 12: relative standard error 1.04/64 ≈ 1.6%; allow three standard errors
        assertThat((double) c.count()).isCloseTo(n, within(n * 3 * 1.04 / 64));
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> ExponentialDecay.rate(0)).hasMessageContaining("halfLifeMs must be > 0, was 0");
        assertThatThrownBy(() -> new TopKCounter(0, 0)).hasMessageContaining("capacity must be >= 1, was 0");
        assertThatThrownBy(() -> new TopKCounter(1, -1)).hasMessageContaining("halfLifeMs must be >= 0 (0: plain counts), was -1");
        assertThatThrownBy(() -> new SessionTracker(-1)).hasMessageContaining("gapMs must be >= 0, was -1");
        assertThatThrownBy(() -> new DistinctCounter(0)).hasMessageContaining("exactLimit must be >= 1, was 0");
    }
}
