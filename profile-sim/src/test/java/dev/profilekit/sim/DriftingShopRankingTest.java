package dev.profilekit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 22's ranking and segments on the drifting shop ({@link DriftingShop}: 1,000 users, 30 days, 4 latent
 * segments, a daily AR(1) intent, a shift on day 15) with {@code examples/drift}'s models, for 3 seeds. The
 * bounds are the issue's targets: Spearman at least 0.85 with the true 72 h purchase probability, adjusted Rand
 * index at least 0.8 with the latent segments, and a prequential AUC not below the 0.747 it reported (and above a
 * naive online learner's on the same examples).
 */
@Tag("slow")
class DriftingShopRankingTest {

    static final double MIN_SPEARMAN = 0.85;
    static final double MIN_ARI = 0.8;
    static final double MIN_AUC = 0.747;
    /** As in {@link LiveSegmentsAriTest}: live segments at most this far below batch k-means in hindsight. */
    static final double MAX_BELOW_BATCH = LiveSegmentsAriTest.MAX_BELOW_BATCH;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void rankingAndSegmentsMeetTheIssuesTargets(long seed) throws Exception {
        DriftingShopEvaluation.Result r = DriftingShopEvaluation.run(seed);
        System.out.println(r);
        assertThat(r.auc()).isGreaterThanOrEqualTo(MIN_AUC).isGreaterThan(r.naiveAuc());
        assertThat(r.spearman()).isGreaterThanOrEqualTo(MIN_SPEARMAN);
        assertThat(r.spearmanRecent()).isGreaterThanOrEqualTo(MIN_SPEARMAN);
        assertThat(r.ari()).isGreaterThanOrEqualTo(MIN_ARI).isGreaterThanOrEqualTo(r.batchAri() - MAX_BELOW_BATCH);
    }

    /** Retrains and refits run on the event thread: a replay of the same seed gives the same figures. */
    @Test
    void sameSeedSameFigures() throws Exception {
        DriftingShop shop = DriftingShop.of(400, 20, 10, 9);
        assertThat(DriftingShopEvaluation.run(shop)).isEqualTo(DriftingShopEvaluation.run(DriftingShop.of(400, 20, 10, 9)));
    }
}
