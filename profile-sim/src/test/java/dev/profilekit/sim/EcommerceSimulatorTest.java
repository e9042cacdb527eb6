package dev.profilekit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.engine.ProfileUpdater;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator against the properties its model states: Poisson purchases at the truth rates, segments that
 * differ visibly, a drift that moves the rates, and a stream the engine accepts whole.
 */
class EcommerceSimulatorTest {

    private static final int USERS = 2000;
    private static final int DAYS = 30;
    private static final int DRIFT_DAY = 15;
    private static final double MIN_SPEARMAN = 0.7;
    private static final double MIN_SPEARMAN_AFTER_DRIFT = 0.6;
    private static final double MIN_DOMINANT_SHARE = 0.6;
    /** Standard errors allowed between an empirical mean and its expectation. */
    private static final double Z = 4.0;

    private static Stats stationary;
    private static Stats drifting;

    /** Per-user and per-segment aggregates of one simulated stream, read once. */
    static final class Stats {
        final SimulationResult sim;
        final Map<String, Integer> index = new HashMap<>();
        final long[] purchasesBefore;
        final long[] purchasesAfter;
        final long[] events;
        final int[] daysWithPurchase;
        final long[][] categoryBySegmentBefore;
        final long[][] categoryBySegmentAfter;
        final double[] amountSum;
        final long[] amountCount;
        long total;
        long shortGaps;
        long longGaps;
        long gaps;

        Stats(SimulationOptions o) {
            sim = EcommerceSimulator.run(o);
            int n = o.users();
            for (int u = 0; u < n; u++) {
                index.put(sim.truth().get(u).user(), u);
            }
            purchasesBefore = new long[n];
            purchasesAfter = new long[n];
            events = new long[n];
            daysWithPurchase = new int[n];
            int[] lastPurchaseDay = new int[n];
            java.util.Arrays.fill(lastPurchaseDay, -1);
            long[] lastTs = new long[n];
            java.util.Arrays.fill(lastTs, Long.MIN_VALUE);
            int c = EcommerceSimulator.CATEGORIES.size();
            categoryBySegmentBefore = new long[o.segments()][c];
            categoryBySegmentAfter = new long[o.segments()][c];
            amountSum = new double[o.segments()];
            amountCount = new long[o.segments()];
            long split = o.hasDrift() ? o.driftMs() : o.endMs();
            Iterator<Event> it = sim.iterator();
            while (it.hasNext()) {
                Event e = it.next();
                total++;
                int u = index.get(e.user());
                int s = sim.truth().get(u).segment();
                events[u]++;
                boolean after = e.timestamp() >= split;
                int cat = EcommerceSimulator.CATEGORIES.indexOf((String) e.attr("category"));
                (after ? categoryBySegmentAfter : categoryBySegmentBefore)[s][cat]++;
                if (lastTs[u] != Long.MIN_VALUE) {
                    long gap = e.timestamp() - lastTs[u];
                    gaps++;
                    if (gap <= 10 * 60_000L) {
                        shortGaps++;
                    } else if (gap > 30 * 60_000L) {
                        longGaps++;
                    }
                }
                lastTs[u] = e.timestamp();
                if (e.type().equals("purchase")) {
                    (after ? purchasesAfter : purchasesBefore)[u]++;
                    int day = (int) ((e.timestamp() - o.startMs()) / SimulationOptions.DAY_MS);
                    if (day != lastPurchaseDay[u]) {
                        daysWithPurchase[u]++;
                        lastPurchaseDay[u] = day;
                    }
                    amountSum[s] += (Double) e.attr("amount");
                    amountCount[s]++;
                }
            }
        }
    }

    @BeforeAll
    static void simulate() {
        stationary = new Stats(SimulationOptions.of(USERS, DAYS, 42));
        drifting = new Stats(SimulationOptions.of(USERS, DAYS, 7).driftDay(DRIFT_DAY));
    }

    private static double spearman(long[] counts, List<UserTruth> truth, boolean initial) {
        double[] x = new double[counts.length];
        double[] y = new double[counts.length];
        for (int u = 0; u < counts.length; u++) {
            x[u] = counts[u];
            y[u] = initial ? truth.get(u).initialPurchaseRatePerDay() : truth.get(u).purchaseRatePerDay();
        }
        return new SpearmansCorrelation().correlation(x, y);
    }

    @Test
    void sameSeedGivesTheSameStreamAndAnotherSeedAnother() {
        SimulationOptions o = SimulationOptions.of(150, 4, 99).driftDay(2).jitterMs(60_000);
        List<Event> a = EcommerceSimulator.run(o).events().collect(Collectors.toList());
        List<Event> b = EcommerceSimulator.run(o).events().collect(Collectors.toList());
        SimulationResult again = EcommerceSimulator.run(o);
        assertThat(a).isNotEmpty().isEqualTo(b);
        // each call of events() starts the same stream afresh
        assertThat(again.events().collect(Collectors.toList())).isEqualTo(again.events().collect(Collectors.toList()));
        assertThat(EcommerceSimulator.run(o).truth()).isEqualTo(EcommerceSimulator.run(o).truth());
        List<Event> c = EcommerceSimulator.run(o.seed(100)).events().collect(Collectors.toList());
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void eventsAreWellFormedUniqueInTimeOrderAndInsideTheStream() {
        SimulationOptions o = SimulationOptions.of(300, 5, 3).driftDay(2);
        SimulationResult sim = EcommerceSimulator.run(o);
        Set<String> users = sim.truth().stream().map(UserTruth::user).collect(Collectors.toSet());
        Set<String> types = new HashSet<>();
        long[] n = {0};
        long[] last = {Long.MIN_VALUE};
        sim.forEachEvent(e -> {
            assertThat(e.id()).isEqualTo("e" + n[0]++);
            assertThat(e.timestamp()).isGreaterThanOrEqualTo(last[0]).isBetween(o.startMs(), o.endMs() - 1);
            last[0] = e.timestamp();
            assertThat(users).contains(e.user());
            types.add(e.type());
            assertThat(e.attr("product")).isInstanceOf(String.class).asString().matches("p\\d+");
            assertThat(EcommerceSimulator.CATEGORIES).contains((String) e.attr("category"));
            if (e.type().equals("purchase")) {
                assertThat((Double) e.attr("amount")).isGreaterThanOrEqualTo(1.0);
                assertThat(e.attrs()).hasSize(3);
            } else {
                assertThat(e.attrs()).hasSize(2);
            }
        });
        assertThat(types).containsExactlyInAnyOrder("view", "cart", "purchase", "search");
        assertThat(n[0]).isGreaterThan(1000);
    }

    @Test
    void everyWrittenLineParsesAndTheEngineAcceptsEveryEvent() {
        ProfileSchema schema = ProfileSchema.fromJson("""
                {"allowed_lateness":"PT1H","features":[
                 {"name":"events","kind":"count"},
                 {"name":"purchases","kind":"count","types":["purchase"]},
                 {"name":"spend","kind":"sum","types":["purchase"],"field":"amount"},
                 {"name":"fav","kind":"top_k","field":"category","k":2},
                 {"name":"sessions","kind":"sessions","gap":"PT30M"}]}""");
        for (long jitter : new long[] {0, 30 * 60_000L}) {
            SimulationResult sim = EcommerceSimulator.run(SimulationOptions.of(200, 6, 11).driftDay(3).jitterMs(jitter));
            StringWriter out = new StringWriter();
            long written = SimulationJson.writeEventLines(sim.iterator(), out);
            ProfileUpdater updater = ProfileUpdater.builder(schema).build();
            long lines = 0;
            assertThat(out.toString()).endsWith("}\n");
            for (String line : out.toString().split("\n")) {
                assertThat(line).startsWith("{\"id\":\"e").endsWith("}");
                updater.onEvent(EventJson.parse(line));
                lines++;
            }
            assertThat(lines).isEqualTo(written);
            ProfileUpdater.Counts c = updater.counts();
            assertThat(c.accepted()).as("jitter %d", jitter).isEqualTo(written);
            assertThat(c.duplicate()).isZero();
            assertThat(c.late()).isZero();
            // the parsed events are the generated ones
            Iterator<Event> again = sim.iterator();
            for (String line : out.toString().split("\n")) {
                assertThat(EventJson.parse(line)).isEqualTo(again.next());
            }
            assertThat(again.hasNext()).isFalse();
        }
    }

    @Test
    void jitterKeepsEventsWithinItsBoundOutOfOrder() {
        long jitter = 20 * 60_000L;
        SimulationOptions o = SimulationOptions.of(100, 3, 5).jitterMs(jitter);
        long max = o.startMs();
        boolean outOfOrder = false;
        Iterator<Event> it = EcommerceSimulator.run(o).iterator();
        while (it.hasNext()) {
            long ts = it.next().timestamp();
            assertThat(ts).isGreaterThanOrEqualTo(o.startMs()).isGreaterThanOrEqualTo(max - jitter);
            outOfOrder |= ts < max;
            max = Math.max(max, ts);
        }
        assertThat(outOfOrder).isTrue();
    }

    @Test
    void truthIsThePoissonProbabilityOfTheRate() {
        for (UserTruth t : drifting.sim.truth()) {
            assertThat(t.pPurchaseNextDay()).isCloseTo(1 - Math.exp(-t.purchaseRatePerDay()), within(1e-15));
            assertThat(t.segment()).isBetween(0, 3);
            assertThat(t.purchaseRatePerDay()).isPositive();
        }
        for (UserTruth t : stationary.sim.truth()) {
            assertThat(t.purchaseRatePerDay()).isEqualTo(t.initialPurchaseRatePerDay());
        }
        // segments are drawn uniformly
        long[] bySegment = new long[4];
        stationary.sim.truth().forEach(t -> bySegment[t.segment()]++);
        for (long count : bySegment) {
            assertThat((double) count).isCloseTo(USERS / 4.0, within(Z * Math.sqrt(USERS * 0.25 * 0.75)));
        }
    }

    @Test
    void purchaseCountsCorrelateWithTheTruthRates() {
        assertThat(spearman(stationary.purchasesBefore, stationary.sim.truth(), false)).isGreaterThan(MIN_SPEARMAN);
    }

    /** Purchases per user-day are Poisson(λ): E[count] = 30 λ and P(day with a purchase) = 1 - exp(-λ). */
    @Test
    void purchasesFollowThePoissonModelOfTheTruth() {
        double expectedCount = 0;
        double expectedDays = 0;
        double varDays = 0;
        long count = 0;
        long days = 0;
        for (int u = 0; u < USERS; u++) {
            UserTruth t = stationary.sim.truth().get(u);
            expectedCount += DAYS * t.purchaseRatePerDay();
            expectedDays += DAYS * t.pPurchaseNextDay();
            varDays += DAYS * t.pPurchaseNextDay() * (1 - t.pPurchaseNextDay());
            count += stationary.purchasesBefore[u];
            days += stationary.daysWithPurchase[u];
        }
        // Poisson: the variance of the total count is its mean
        assertThat((double) count).isCloseTo(expectedCount, within(Z * Math.sqrt(expectedCount)));
        assertThat((double) days).isCloseTo(expectedDays, within(Z * Math.sqrt(varDays)));
    }

    @Test
    void afterTheDriftPurchasesFollowTheNewTruth() {
        List<UserTruth> truth = drifting.sim.truth();
        double afterNew = spearman(drifting.purchasesAfter, truth, false);
        double afterOld = spearman(drifting.purchasesAfter, truth, true);
        double beforeOld = spearman(drifting.purchasesBefore, truth, true);
        double beforeNew = spearman(drifting.purchasesBefore, truth, false);
        assertThat(afterNew).isGreaterThan(MIN_SPEARMAN_AFTER_DRIFT);
        assertThat(beforeOld).isGreaterThan(MIN_SPEARMAN_AFTER_DRIFT);
        // the drift matters: the old rates no longer predict, the new ones did not predict before
        assertThat(afterOld).isLessThan(afterNew - 0.3);
        assertThat(beforeNew).isLessThan(beforeOld - 0.3);
        double expected = 0;
        long count = 0;
        for (int u = 0; u < USERS; u++) {
            expected += (DAYS - DRIFT_DAY) * truth.get(u).purchaseRatePerDay();
            count += drifting.purchasesAfter[u];
        }
        assertThat((double) count).isCloseTo(expected, within(Z * Math.sqrt(expected)));
    }

    @Test
    void segmentsDifferInCategoryActivityAndAmount() {
        int segments = 4;
        Set<Integer> dominantBefore = new HashSet<>();
        Set<Integer> dominantAfter = new HashSet<>();
        for (int s = 0; s < segments; s++) {
            int before = argmax(drifting.categoryBySegmentBefore[s]);
            int after = argmax(drifting.categoryBySegmentAfter[s]);
            assertThat(share(drifting.categoryBySegmentBefore[s], before)).isGreaterThanOrEqualTo(MIN_DOMINANT_SHARE);
            assertThat(share(drifting.categoryBySegmentAfter[s], after)).isGreaterThanOrEqualTo(MIN_DOMINANT_SHARE);
            assertThat(share(stationary.categoryBySegmentBefore[s], argmax(stationary.categoryBySegmentBefore[s])))
                    .isGreaterThanOrEqualTo(MIN_DOMINANT_SHARE);
            assertThat(after).as("segment %d rotates", s).isNotEqualTo(before);
            assertThat(EcommerceSimulator.CATEGORIES.get(before)).isEqualTo(EcommerceSimulator.dominantCategory(s, false));
            assertThat(EcommerceSimulator.CATEGORIES.get(after)).isEqualTo(EcommerceSimulator.dominantCategory(s, true));
            dominantBefore.add(before);
            dominantAfter.add(after);
        }
        assertThat(dominantBefore).hasSize(segments);
        assertThat(dominantAfter).hasSize(segments);

        double[] eventsPerDay = new double[segments];
        long[] users = new long[segments];
        for (int u = 0; u < USERS; u++) {
            int s = stationary.sim.truth().get(u).segment();
            eventsPerDay[s] += stationary.events[u] / (double) DAYS;
            users[s]++;
        }
        double[] amount = new double[segments];
        for (int s = 0; s < segments; s++) {
            eventsPerDay[s] /= users[s];
            amount[s] = stationary.amountSum[s] / stationary.amountCount[s];
        }
        // the design's segment means (first 4 segments) differ by factors of at least 1.5 (events/day) and 1.6 (amount)
        assertThat(minRatio(eventsPerDay)).isGreaterThan(1.3);
        assertThat(minRatio(amount)).isGreaterThan(1.3);
    }

    @Test
    void eventsPerDayMatchTheTruth() {
        double expected = 0;
        for (UserTruth t : stationary.sim.truth()) {
            expected += DAYS * t.eventsPerDay();
        }
        // sessions spilling past the end and purchase sessions cut at the start lose well under 1%
        assertThat((double) stationary.total).isCloseTo(expected, within(0.02 * expected));
    }

    @Test
    void eventsComeInSessionsMinutesApart() {
        assertThat((double) stationary.shortGaps / stationary.gaps).isGreaterThan(0.6);
        assertThat((double) stationary.longGaps / stationary.gaps).isBetween(0.1, 0.4);
        // no gap in (10 min, 30 min] inside a browsing session: such gaps only separate sessions
    }

    @Test
    void rejectsBadOptionsWithMessages() {
        assertThatThrownBy(() -> SimulationOptions.of(0, 5, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("users must be in [1, 10000000], was 0");
        assertThatThrownBy(() -> SimulationOptions.of(10, 0, 1)).hasMessageContaining("days must be in [1, 3650], was 0");
        assertThatThrownBy(() -> SimulationOptions.of(10, 5, 1).driftDay(5))
                .hasMessageContaining("driftDay must be -1 (none) or in [1, days - 1 = 4], was 5");
        assertThatThrownBy(() -> SimulationOptions.of(10, 5, 1).driftDay(0)).hasMessageContaining("driftDay");
        assertThatThrownBy(() -> SimulationOptions.of(10, 5, 1).segments(9))
                .hasMessageContaining("segments must be in [1, 8], was 9");
        assertThatThrownBy(() -> SimulationOptions.of(10, 5, 1).jitterMs(-1)).hasMessageContaining("jitterMs");
        assertThatThrownBy(() -> SimulationOptions.of(10, 5, 1).startMs(-5)).hasMessageContaining("startMs");
        assertThatThrownBy(() -> EcommerceSimulator.run(null)).hasMessageContaining("options must not be null");
        assertThatThrownBy(() -> EcommerceSimulator.dominantCategory(8, false)).hasMessageContaining("segment");
    }

    @Test
    void oneSegmentAndEightSegmentsWork() {
        SimulationResult one = EcommerceSimulator.run(SimulationOptions.of(50, 2, 1).segments(1).driftDay(1));
        assertThat(one.truth()).allSatisfy(t -> assertThat(t.segment()).isZero());
        assertThat(one.events().count()).isPositive();
        SimulationResult eight = EcommerceSimulator.run(SimulationOptions.of(400, 2, 1).segments(8));
        assertThat(eight.truth().stream().map(UserTruth::segment).distinct().count()).isEqualTo(8);
        List<String> dominant = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
            dominant.add(EcommerceSimulator.dominantCategory(s, true));
        }
        assertThat(dominant).doesNotHaveDuplicates();
    }

    private static int argmax(long[] counts) {
        int best = 0;
        for (int i = 1; i < counts.length; i++) {
            if (counts[i] > counts[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double share(long[] counts, int i) {
        long sum = 0;
        for (long c : counts) {
            sum += c;
        }
        return (double) counts[i] / sum;
    }

    /** Smallest ratio between two distinct values, sorted: how far apart the closest pair is. */
    private static double minRatio(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        double min = Double.POSITIVE_INFINITY;
        for (int i = 1; i < v.length; i++) {
            min = Math.min(min, v[i] / v[i - 1]);
        }
        return min;
    }
}
