package dev.profilekit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.live.recommend.RecommendConfig;
import dev.profilekit.core.live.recommend.RecommendStats;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The live recommender on a simulated stream with collaborative structure ({@link TasteCatalog}): its
 * prequential recall@10 on purchases of items the user had not bought before, against the popularity baseline
 * (time-decayed weighted popularity, measured in the same pass) and against a batch item-kNN whose similarities
 * are computed in hindsight from the whole stream and then used on the same evaluation events.
 */
class RecommendQualityTest {

    private static final int K = 10;
    /** The targets. */
    private static final double VS_POPULARITY = 1.5;
    private static final double VS_HINDSIGHT_KNN = 0.9;
    private static final int KNN_NEIGHBOURS = 50;
    private static final Map<String, Double> WEIGHTS = Map.of("view", 1.0, "cart", 3.0, "purchase", 5.0);
    private static final Duration HALF_LIFE = Duration.ofDays(30);

    record Figures(RecommendStats live, double knnRecall, long knnEvents) {
        double vsPopularity() {
            return live.recallAtK() / live.popularityRecallAtK();
        }

        double vsKnn() {
            return live.recallAtK() / knnRecall;
        }
    }

    static Figures measure(SimulationOptions options) {
        ProfileSchema schema = ProfileSchema.builder().feature(FeatureSpec.count("views", "view")).build();
        RecommendConfig config = RecommendConfig.builder("product").k(K).weights(WEIGHTS)
                .halfLife(HALF_LIFE).exclude(List.of("purchase")).build();
        ProfileUpdater updater = ProfileUpdater.builder(schema).models(ModelsConfig.builder().recommend(config).build())
                .modelExecutor(Runnable::run).build();
        List<Event> events = new ArrayList<>();
        EcommerceSimulator.run(options).forEachEvent(events::add);
        events.forEach(updater::onEvent);
        RecommendStats live = updater.models().orElseThrow().recommendStats().orElseThrow();
        long[] knn = hindsightKnn(events, options.startMs());
        return new Figures(live, (double) knn[0] / knn[1], knn[1]);
    }

    /** Hits and evaluated events of item-kNN with similarities from the whole stream (unbounded user history). */
    static long[] hindsightKnn(List<Event> events, long t0) {
        double h = HALF_LIFE.toMillis();
        Map<String, Integer> itemIds = new HashMap<>();
        Map<String, Map<Integer, Double>> all = new HashMap<>();
        for (Event e : events) {
            Double w = WEIGHTS.get(e.type());
            if (w == null) {
                continue; // search: not weighted
            }
            int i = itemIds.computeIfAbsent((String) e.attr("product"), x -> itemIds.size());
            all.computeIfAbsent(e.user(), x -> new HashMap<>())
                    .merge(i, w * Math.pow(2, (e.timestamp() - t0) / h), Double::sum);
        }
        int n = itemIds.size();
        List<List<double[]>> usersOf = new ArrayList<>(); // item -> (user index, r)
        for (int i = 0; i < n; i++) {
            usersOf.add(new ArrayList<>());
        }
        List<int[]> userItems = new ArrayList<>();
        List<double[]> userWeights = new ArrayList<>();
        double[] norm = new double[n];
        for (Map<Integer, Double> r : all.values()) {
            int u = userItems.size();
            int[] is = new int[r.size()];
            double[] ws = new double[r.size()];
            int q = 0;
            for (Map.Entry<Integer, Double> e : r.entrySet()) {
                is[q] = e.getKey();
                ws[q] = e.getValue();
                norm[is[q]] += ws[q] * ws[q];
                usersOf.get(is[q]).add(new double[] {u, ws[q]});
                q++;
            }
            userItems.add(is);
            userWeights.add(ws);
        }
        int[][] nbr = new int[n][];
        double[][] sim = new double[n][];
        double[] row = new double[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(row, 0);
            for (double[] uw : usersOf.get(i)) {
                int[] is = userItems.get((int) uw[0]);
                double[] ws = userWeights.get((int) uw[0]);
                for (int q = 0; q < is.length; q++) {
                    row[is[q]] += uw[1] * ws[q];
                }
            }
            row[i] = 0;
            Integer[] order = new Integer[n];
            for (int j = 0; j < n; j++) {
                order[j] = j;
            }
            final int self = i;
            double[] s = new double[n];
            for (int j = 0; j < n; j++) {
                s[j] = row[j] == 0 ? 0 : row[j] / Math.sqrt(norm[self] * norm[j]);
            }
            Arrays.sort(order, (a, b) -> Double.compare(s[b], s[a]));
            int m = 0;
            while (m < KNN_NEIGHBOURS && m < n && s[order[m]] > 0) {
                m++;
            }
            nbr[i] = new int[m];
            sim[i] = new double[m];
            for (int q = 0; q < m; q++) {
                nbr[i][q] = order[q];
                sim[i][q] = s[order[q]];
            }
        }
        // the same evaluation events as the live recommender's, scored with the hindsight similarities
        Map<String, Map<Integer, Double>> aff = new HashMap<>();
        Map<String, Set<Integer>> bought = new HashMap<>();
        double[] acc = new double[n];
        long hits = 0;
        long tried = 0;
        for (Event e : events) {
            if (!WEIGHTS.containsKey(e.type())) {
                continue;
            }
            int item = itemIds.get((String) e.attr("product"));
            Map<Integer, Double> r = aff.computeIfAbsent(e.user(), x -> new HashMap<>());
            Set<Integer> b = bought.computeIfAbsent(e.user(), x -> new HashSet<>());
            if (e.type().equals("purchase") && !b.contains(item)) {
                tried++;
                Arrays.fill(acc, 0);
                for (Map.Entry<Integer, Double> x : r.entrySet()) {
                    int i = x.getKey();
                    acc[i] += x.getValue();
                    for (int q = 0; q < nbr[i].length; q++) {
                        acc[nbr[i][q]] += x.getValue() * sim[i][q];
                    }
                }
                int rank = 0;
                for (int j : b) {
                    acc[j] = 0;
                }
                double mine = acc[item];
                for (int j = 0; j < n; j++) {
                    if (acc[j] > mine || (acc[j] == mine && j < item)) {
                        rank++;
                    }
                }
                if (mine > 0 && rank < K) {
                    hits++;
                }
            }
            r.merge(item, WEIGHTS.get(e.type()) * Math.pow(2, (e.timestamp() - t0) / h), Double::sum);
            if (e.type().equals("purchase")) {
                b.add(item);
            }
        }
        return new long[] {hits, tried};
    }

    private static void check(Figures f, String what) {
        System.out.printf("%s: live recall@%d %.4f (ndcg %.4f, %d events, %d users), popularity %.4f, "
                        + "hindsight item-kNN %.4f (%d events): live/popularity %.2f, live/kNN %.2f%n", what, K,
                f.live().recallAtK(), f.live().ndcgAtK(), f.live().events(), f.live().users(),
                f.live().popularityRecallAtK(), f.knnRecall(), f.knnEvents(), f.vsPopularity(), f.vsKnn());
        assertThat(f.knnEvents()).isEqualTo(f.live().events());
        assertThat(f.live().events()).isGreaterThan(500);
        assertThat(f.vsPopularity()).as("live / popularity recall@10").isGreaterThanOrEqualTo(VS_POPULARITY);
        assertThat(f.vsKnn()).as("live / hindsight item-kNN recall@10").isGreaterThanOrEqualTo(VS_HINDSIGHT_KNN);
    }

    @Test
    void beatsPopularityAndNearlyMatchesHindsightKnnOnASmallStream() {
        check(measure(SimulationOptions.of(600, 21, 11).collaborative(true)), "600 users, 21 days");
    }

    @Test
    @Tag("slow")
    void beatsPopularityAndNearlyMatchesHindsightKnnOnALargerStream() {
        check(measure(SimulationOptions.of(3000, 30, 42).collaborative(true)), "3000 users, 30 days");
    }
}
