package dev.profilekit.core.live.recommend;

import dev.profilekit.core.spi.Prequential;

/**
 * Prequential evaluation of the live recommender: at every accepted event of the target type (by default the
 * type of largest weight, e.g. {@code purchase}) on an item the user had no target event for before, and that is
 * the user's latest event, the list the recommender would have served just before the event is checked for the
 * item. One relevant item per evaluation, so recall@k is the hit rate and NDCG@k is {@code 1/log2(rank + 2)} for
 * a hit at 0-based rank {@code rank}, else 0, averaged over the evaluated events.
 *
 * @param k                    list length
 * @param events               evaluated events
 * @param users                users with at least one evaluated event
 * @param recallAtK            mean recall@k of the live recommender (NaN before the first evaluation)
 * @param ndcgAtK              mean NDCG@k of the live recommender (NaN before the first evaluation)
 * @param popularityRecallAtK  the same for the popularity baseline (time-decayed weighted popularity, minus the
 *                             user's excluded items)
 * @param popularityNdcgAtK    NDCG@k of the popularity baseline
 */
public record RecommendStats(int k, long events, long users, double recallAtK, double ndcgAtK,
                             double popularityRecallAtK, double popularityNdcgAtK) {
}
