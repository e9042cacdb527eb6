package dev.profilekit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 22's ranking and segments on the drifting shop ({@link DriftingShop}: 1,000 users, 30 days, 4 latent
 * segments, a daily AR(1) intent, a shift on day 15) with {@code examples/drift}'s models, for 3 seeds.
 */
@Tag("slow")
class DriftingShopRankingTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void rankingAndSegments(long seed) throws Exception {
        DriftingShopEvaluation.Result r = DriftingShopEvaluation.run(seed);
        System.out.println(r);
        assertThat(r.auc()).isGreaterThan(r.naiveAuc());
    }
}
