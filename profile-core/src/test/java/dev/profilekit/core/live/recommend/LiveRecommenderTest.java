package dev.profilekit.core.live.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.profilekit.core.engine.EngineAccess;
import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.Outcome;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The live recommender against a brute-force recomputation ({@link RecommendReference}) on small streams with
 * late and duplicate events, exclusion, the bounds and the as-of rule.
 */
class LiveRecommenderTest {

    /** Relative tolerance: the incremental sums add the same terms as the reference, in another order. */
    private static final double REL = 1e-9;
    private static final long H = 3_600_000L;
    private static final long T0 = 1_767_225_600_000L;
    private static final long LATENESS = 6 * H;
    private static final String[] TYPES = {"view", "cart", "purchase", "return"};

    private static ProfileSchema schema() {
        return ProfileSchema.builder().allowedLateness(Duration.ofMillis(LATENESS))
                .feature(FeatureSpec.count("views", "view")).build();
    }

    private static RecommendConfig config(int maxNeighbours, int maxRecent) {
        return RecommendConfig.builder("product").k(50)
                .weights(Map.of("view", 1.0, "cart", 3.0, "purchase", 5.0)).halfLife(Duration.ofHours(10))
                .exclude(List.of("purchase", "return")).maxNeighbours(maxNeighbours).maxRecentItems(maxRecent).build();
    }

    private static ProfileUpdater updater(RecommendConfig config, long applyUpTo) {
        return ProfileUpdater.builder(schema()).models(ModelsConfig.builder().recommend(config).build())
                .modelExecutor(Runnable::run).applyUpTo(applyUpTo).build();
    }

    private static LiveRecommender recommender(ProfileUpdater u) {
        return u.model(LiveRecommender.class).orElseThrow();
    }

    private static Event ev(String id, String user, String type, long t, String item) {
        return Event.builder(id, user, type, t).attr("product", item).build();
    }

    /** Every user's list and every pair's similarity equal the reference's. */
    private static void assertMatchesReference(ProfileUpdater u, RecommendReference ref, int k) {
        LiveRecommender rec = recommender(u);
        for (String a : ref.items) {
            for (String b : ref.items) {
                double want = ref.similarity(a, b);
                assertThat(rec.similarity(a, b)).as("sim(%s, %s)", a, b).isCloseTo(want, within(REL * (1 + want)));
            }
        }
        for (String user : ref.affinity.keySet()) {
            Map<String, Double> want = ref.scores(user);
            List<Recommendation> got = u.recommend(user, k);
            double prev = Double.POSITIVE_INFINITY;
            Set<String> listed = new HashSet<>();
            for (Recommendation r : got) {
                assertThat(r.score()).as("non-increasing").isLessThanOrEqualTo(prev);
                prev = r.score();
                listed.add(r.item());
                assertThat(ref.excluded.getOrDefault(user, Set.of())).as("excluded").doesNotContain(r.item());
                if (r.score() > 0) {
                    assertThat(want).as("user %s item %s", user, r.item()).containsKey(r.item());
                    assertThat(r.score()).isCloseTo(want.get(r.item()), within(REL));
                }
            }
            if (want.size() <= k) {
                assertThat(listed).as("user %s lists every scored item", user).containsAll(want.keySet());
            } else {
                double last = got.get(k - 1).score();
                want.forEach((item, s) -> {
                    if (!listed.contains(item)) {
                        assertThat(s).as("unlisted %s", item).isLessThanOrEqualTo(last + REL);
                    }
                });
            }
        }
    }

    @Test
    void handWorkedStreamWithLateAndDuplicateEvents() {
        RecommendConfig config = config(50, 50);
        List<Event> events = List.of(
                ev("1", "a", "view", T0 + 5 * H, "p1"),
                ev("2", "a", "cart", T0 + 6 * H, "p2"),
                ev("3", "a", "view", T0 + 2 * H, "p3"),      // late, within the lateness: counts
                ev("2", "a", "cart", T0 + 6 * H, "p2"),      // duplicate: dropped
                ev("4", "a", "view", T0 - 1 * H, "p4"),      // later than the lateness: dropped
                ev("5", "b", "view", T0 + 1 * H, "p1"),
                ev("6", "b", "purchase", T0 + 3 * H, "p2"),
                ev("7", "b", "view", T0 + 4 * H, "p3"),
                ev("8", "c", "view", T0 + 7 * H, "p3"),
                ev("9", "c", "return", T0 + 8 * H, "p1"));
        ProfileUpdater u = updater(config, Long.MAX_VALUE);
        List<Outcome> outcomes = new ArrayList<>();
        events.forEach(e -> outcomes.add(u.onEvent(e)));
        assertThat(outcomes).containsExactly(Outcome.ACCEPTED, Outcome.ACCEPTED, Outcome.ACCEPTED, Outcome.DUPLICATE,
                Outcome.LATE, Outcome.ACCEPTED, Outcome.ACCEPTED, Outcome.ACCEPTED, Outcome.ACCEPTED, Outcome.ACCEPTED);
        RecommendReference ref = new RecommendReference(events, LATENESS, Long.MAX_VALUE, config);
        assertThat(ref.items).containsExactly("p1", "p2", "p3"); // p4 came only late
        assertMatchesReference(u, ref, 10);
        // worked by hand: p1 and p2 co-occur for a (r_a,p1 = 2^-0.3, r_a,p2 = 3 2^-0.2) and b (2^-0.7, 5 2^-0.5)
        double a1 = Math.pow(2, -0.3);
        double a2 = 3 * Math.pow(2, -0.2);
        double b1 = Math.pow(2, -0.7);
        double b2 = 5 * Math.pow(2, -0.5);
        double a3 = Math.pow(2, -0.6);
        double b3 = Math.pow(2, -0.4);
        double c3 = Math.pow(2, -0.1);
        double want = (a1 * a2 + b1 * b2) / Math.sqrt((a1 * a1 + b1 * b1) * (a2 * a2 + b2 * b2));
        assertThat(recommender(u).similarity("p1", "p2")).isCloseTo(want, within(1e-12));
        double want13 = (a1 * a3 + b1 * b3) / Math.sqrt((a1 * a1 + b1 * b1) * (a3 * a3 + b3 * b3 + c3 * c3));
        assertThat(recommender(u).similarity("p3", "p1")).isCloseTo(want13, within(1e-12));
        // b purchased p2 and c returned p1: never in their lists
        assertThat(u.recommend("b", 10)).extracting(Recommendation::item).doesNotContain("p2");
        assertThat(u.recommend("c", 10)).extracting(Recommendation::item).doesNotContain("p1");
    }

    @Property(tries = 60)
    void incrementalEqualsBruteForce(@ForAll("streams") List<Event> events) {
        RecommendConfig config = config(1000, 1000); // no bound binds
        ProfileUpdater u = updater(config, Long.MAX_VALUE);
        events.forEach(u::onEvent);
        assertMatchesReference(u, new RecommendReference(events, LATENESS, Long.MAX_VALUE, config), 8);
    }

    @Property(tries = 40)
    void asOfUsesNoLaterEvent(@ForAll("streams") List<Event> events, @ForAll("cut") long cut) {
        RecommendConfig config = config(1000, 1000);
        long asOf = T0 + cut;
        ProfileUpdater u = updater(config, asOf);
        events.forEach(u::onEvent);
        RecommendReference ref = new RecommendReference(events, LATENESS, asOf, config);
        assertMatchesReference(u, ref, 8);
        for (String user : ref.affinity.keySet()) {
            assertThat(u.recommend(user, 3, asOf)).isEqualTo(u.recommend(user, 3));
        }
    }

    /**
     * With both bounds binding, every item keeps at most N neighbours, its index finds every kept entry, and the
     * kept co-occurrences never exceed the unbounded ones (pruning and eviction only drop increments).
     */
    @Property(tries = 80)
    void boundedTablesStayConsistent(@ForAll("streams") List<Event> events) {
        RecommendConfig config = config(2, 3);
        ProfileUpdater u = updater(config, Long.MAX_VALUE);
        events.forEach(u::onEvent);
        RecommendReference ref = new RecommendReference(events, LATENESS, Long.MAX_VALUE, config);
        ItemCooccurrence items = recommender(u).items;
        double scale = Math.pow(2, 2 * (ref.end - items.anchor) / (double) config.halfLife().toMillis());
        for (int i = 0; i < items.count; i++) {
            long[] t = items.tables[i];
            int size = (int) t[ItemCooccurrence.SIZE];
            assertThat(size).isBetween(0, 2);
            int e0 = ItemCooccurrence.entries(t);
            int indexed = 0;
            for (int sl = 0; sl < 2 * ItemCooccurrence.cap(t); sl++) {
                indexed += (int) (t[ItemCooccurrence.BASE + (sl >> 1)] >>> ((sl & 1) << 5)) != 0 ? 1 : 0;
            }
            assertThat(indexed).as("index slots of item %d", i).isEqualTo(size);
            for (int e = 0; e < size; e++) {
                int j = (int) t[e0 + 2 * e] - 1;
                double c = Double.longBitsToDouble(t[e0 + 2 * e + 1]);
                assertThat(items.pair(i, j)).isEqualTo(c);
                double want = ref.cooccurrence(items.names[i], items.names[j]) * scale;
                assertThat(c).isPositive().isLessThanOrEqualTo(want * (1 + REL));
            }
        }
    }

    @Provide
    Arbitrary<Long> cut() {
        return Arbitraries.longs().between(0, 40 * H);
    }

    @Provide
    Arbitrary<List<Event>> streams() {
        Arbitrary<int[]> raw = Combinators.combine(Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 6), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 48 * 60), Arbitraries.integers().between(0, 9))
                .as((user, item, type, minute, dup) -> new int[] {user, item, type, minute, dup});
        return raw.list().ofMinSize(1).ofMaxSize(40).map(rows -> {
            List<Event> out = new ArrayList<>();
            for (int[] r : rows) {
                if (r[4] == 0 && !out.isEmpty()) { // a redelivery of an earlier event
                    out.add(out.get(r[3] % out.size()));
                    continue;
                }
                out.add(ev("e" + out.size(), "u" + r[0], TYPES[r[2]], T0 + r[3] * 60_000L, "p" + r[1]));
            }
            return out;
        });
    }

    @Test
    void excludedItemsAreNeverListedEvenWhenMostSimilar() {
        ProfileUpdater u = updater(config(50, 50), Long.MAX_VALUE);
        for (int v = 0; v < 5; v++) { // p1 and p2 always together
            u.onEvent(ev("x" + v, "v" + v, "view", T0 + v, "p1"));
            u.onEvent(ev("y" + v, "v" + v, "view", T0 + v, "p2"));
        }
        u.onEvent(ev("a1", "a", "view", T0 + 10, "p1"));
        assertThat(u.recommend("a", 1).get(0).item()).isIn("p1", "p2");
        u.onEvent(ev("a2", "a", "purchase", T0 + 11, "p2"));
        u.onEvent(ev("a3", "a", "return", T0 + 12, "p1"));
        List<Recommendation> list = u.recommend("a", 10);
        assertThat(list).extracting(Recommendation::item).doesNotContain("p1", "p2");
    }

    @Test
    void neighboursAreBoundedAndTheStrongestAreKept() {
        for (boolean ascending : new boolean[] {true, false}) {
            ProfileUpdater u = updater(config(2, 50), Long.MAX_VALUE);
            for (int q = 1; q <= 5; q++) {
                int j = ascending ? q : 6 - q;
                for (int r = 0; r < j; r++) { // user j views x_j j times, then views a: C(a, x_j) = j
                    u.onEvent(ev("x" + j + "-" + r, "u" + j, "view", T0, "x" + j));
                }
                u.onEvent(ev("a" + j, "u" + j, "view", T0, "a"));
            }
            LiveRecommender rec = recommender(u);
            assertThat(rec.neighbours("a")).isEqualTo(2);
            assertThat(rec.similarity("a", "x5")).isGreaterThan(0);
            assertThat(rec.similarity("a", "x4")).isGreaterThan(0);
            for (int j = 1; j <= 3; j++) {
                assertThat(rec.similarity("a", "x" + j)).as("ascending=%s x%d pruned", ascending, j).isZero();
                assertThat(rec.neighbours("x" + j)).isEqualTo(1); // x_j keeps a
            }
        }
    }

    @Test
    void recentItemsAreBoundedAndTheWeakestIsEvicted() {
        ProfileUpdater u = updater(config(50, 2), Long.MAX_VALUE);
        u.onEvent(ev("1", "a", "cart", T0, "p1"));      // 3
        u.onEvent(ev("2", "a", "view", T0 + 1, "p2"));  // 1: the weakest
        u.onEvent(ev("3", "a", "view", T0 + 2, "p3"));  // evicts p2
        LiveRecommender.UserState s = recommender(u).stateOf.apply(EngineAccess.view(u, "a"));
        assertThat(s.size).isEqualTo(2);
        LiveRecommender rec = recommender(u);
        Set<String> kept = new HashSet<>();
        for (int x = 0; x < s.size; x++) {
            kept.add(rec.items.names[s.items[x]]);
        }
        assertThat(kept).containsExactlyInAnyOrder("p1", "p3");
        // p3 arrived after p2 was the user's item, so it co-occurs with p2; a fourth item no longer does
        u.onEvent(ev("4", "a", "view", T0 + 3, "p4"));
        assertThat(rec.similarity("p3", "p2")).isGreaterThan(0);
        assertThat(rec.similarity("p4", "p2")).isZero();
        assertThat(rec.similarity("p4", "p1")).isGreaterThan(0);
    }

    @Test
    void asOfBeforeAnObservedEventIsRejected() {
        ProfileUpdater u = updater(config(50, 50), Long.MAX_VALUE);
        u.onEvent(ev("1", "a", "view", T0 + 10, "p1"));
        u.onEvent(ev("2", "b", "view", T0 + 20, "p1"));
        assertThatThrownBy(() -> u.recommend("a", 5, T0 + 15))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before the latest event");
        assertThat(u.recommend("a", 5, T0 + 20)).extracting(Recommendation::item).containsExactly("p1");
        assertThatThrownBy(() -> u.recommend("a", 0)).hasMessageContaining("k must be between 1 and 10000, was 0");
    }

    @Test
    void aUserWithoutHistoryGetsPopularItems() {
        ProfileUpdater u = updater(config(50, 50), Long.MAX_VALUE);
        u.onEvent(ev("1", "a", "view", T0, "p1"));
        u.onEvent(ev("2", "b", "purchase", T0, "p2"));
        u.onEvent(ev("3", "c", "view", T0, "p2"));
        assertThat(u.recommend("nobody", 5)).containsExactly(new Recommendation("p2", 0),
                new Recommendation("p1", 0));
    }

    @Test
    void withoutARecommendSectionRecommendFails() {
        ProfileUpdater u = ProfileUpdater.builder(schema()).build();
        assertThatThrownBy(() -> u.recommend("a", 3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no recommend section");
    }

    @Test
    void prequentialEvaluationCountsNewPurchasesOnly() {
        ProfileUpdater u = updater(config(50, 50), Long.MAX_VALUE);
        for (int v = 0; v < 3; v++) {
            u.onEvent(ev("x" + v, "v" + v, "view", T0 + v, "p1"));
            u.onEvent(ev("y" + v, "v" + v, "purchase", T0 + v, "p2"));
        }
        // v0..v2 bought p2 (evaluated: 3 events, 3 users); a views p1 then buys p2: a hit at rank 0 or 1
        u.onEvent(ev("a1", "a", "view", T0 + 10, "p1"));
        u.onEvent(ev("a2", "a", "purchase", T0 + 11, "p2"));
        u.onEvent(ev("a3", "a", "purchase", T0 + 12, "p2")); // not new: not evaluated
        RecommendStats st = u.models().orElseThrow().recommendStats().orElseThrow();
        assertThat(st.events()).isEqualTo(4);
        assertThat(st.users()).isEqualTo(4);
        assertThat(st.k()).isEqualTo(50);
        // the first purchase has an empty history: popularity lists only p1 then; the others are hits
        assertThat(st.recallAtK()).isCloseTo(3 / 4.0, within(1e-12));
    }

    @Test
    void aSnapshotTakenMidStreamRestoresToTheSameListsAsAnUninterruptedRun(@org.junit.jupiter.api.io.TempDir
                                                                             java.nio.file.Path tmp) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(17);
        List<Event> events = new java.util.ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            events.add(ev("e" + (r.nextInt(50) == 0 ? r.nextInt(i + 1) : i), "u" + r.nextInt(60),
                    TYPES[r.nextInt(TYPES.length)], i * 60_000L - r.nextLong(8 * H), "p" + r.nextInt(80)));
        }
        RecommendConfig config = config(6, 5);
        ProfileUpdater whole = updater(config, Long.MAX_VALUE);
        ProfileUpdater first = updater(config, Long.MAX_VALUE);
        for (int i = 0; i < events.size(); i++) {
            whole.onEvent(events.get(i));
            if (i < 2500) {
                first.onEvent(events.get(i));
            }
        }
        java.nio.file.Path file = tmp.resolve("rec.pks");
        first.snapshot(file, Map.of());
        ProfileUpdater second = updater(config, Long.MAX_VALUE);
        second.restore(file);
        for (int i = 2500; i < events.size(); i++) {
            second.onEvent(events.get(i));
        }
        assertThat(second.users()).isEqualTo(whole.users());
        for (String user : whole.users()) {
            assertThat(second.recommend(user, 10)).as(user).isEqualTo(whole.recommend(user, 10));
        }
        assertThat(recommender(second).stats()).isEqualTo(recommender(whole).stats());
        // forgetting a user drops their kept events and lists nothing from their own history
        assertThat(second.forget("u1")).isTrue();
        assertThat(second.profile("u1")).isEmpty();
    }
}
